#!/usr/bin/env bash
# The whole test suite: set up if needed (venv, packages, a throwaway PostgreSQL on loopback),
# Debian packages the browser and bulletin tests need, lint and type checks (ruff, mypy), then every
# test, slow ones included.
# Tests read the development corpus from ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/system-deps.sh   # chromium (browser tests), a CJK font, LibreOffice and poppler (the bulletin)
export TARGETBOARD_TEST_POSTGRES_URL="${TARGETBOARD_TEST_POSTGRES_URL:-$(./scripts/postgres.sh)}"
.venv/bin/ruff check src tests bench
.venv/bin/mypy
exec .venv/bin/pytest -n 2 -q "$@"
