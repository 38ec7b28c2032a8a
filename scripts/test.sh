#!/usr/bin/env bash
# The whole test suite: set up if needed (venv, packages, a throwaway PostgreSQL on loopback),
# lint and type checks (ruff, mypy), then every test, slow ones included.
# Tests read the development corpus from ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export TARGETBOARD_TEST_POSTGRES_URL="${TARGETBOARD_TEST_POSTGRES_URL:-$(./scripts/postgres.sh)}"
.venv/bin/ruff check src tests bench
.venv/bin/mypy
exec .venv/bin/pytest -n 2 -q "$@"
