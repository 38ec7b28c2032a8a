"""`python -m targetboard` is the `targetboard` command (for a venv whose scripts are not on PATH)."""

from targetboard.cli import main

main()
