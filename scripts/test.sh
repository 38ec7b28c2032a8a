#!/usr/bin/env bash
# The whole test suite: set up if needed, lint, then every test (slow ones included).
# Tests read the development corpus from ../shared (next to this checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/ruff check src tests bench
exec .venv/bin/pytest -n 2 -q "$@"
