#!/usr/bin/env bash
# Refresh the screenshots in docs/screenshots/ (shown in the README): the browser tests take them
# while they drive the demo dashboard in Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/system-deps.sh
TARGETBOARD_SCREENSHOTS=1 exec .venv/bin/pytest -q -p no:xdist tests/test_browser.py "$@"
