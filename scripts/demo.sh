#!/usr/bin/env bash
# The main job: set up if needed, then run the demo and leave its dashboard running.
# Prints the seed's plan tree, its targets tracked against SAMPLE data, sample ledgers and a league table,
# then serves the dashboard on http://127.0.0.1:8000/ (TARGETBOARD_PORT to change) with one account per
# role (passwords printed, valid for this run). Ctrl-C stops it. `targetboard demo` prints without serving.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/targetboard serve --demo
