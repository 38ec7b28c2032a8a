#!/usr/bin/env bash
# The main job: set up if needed, then read the bundled seed and print its plan tree and targets.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/targetboard demo
