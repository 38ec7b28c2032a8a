#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the store tests and print its URL.
# Installs Debian's postgresql package when it is missing (CI machines start without it).
# Idempotent: a server already answering on the port is reused.
set -euo pipefail

PORT=${TARGETBOARD_PGPORT:-54329}
PGDATA=${TARGETBOARD_PGDATA:-/tmp/targetboard-pg-$PORT}
SOCKDIR=${PGDATA}-sock

pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pgbin)" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is not installed and this is not root: install Debian's postgresql package" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
fi
BIN=$(pgbin)

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
  rm -rf "$PGDATA" "$SOCKDIR"
  mkdir -p "$PGDATA" "$SOCKDIR"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PGDATA" "$SOCKDIR"; fi
  as_owner "'$BIN/initdb' -D '$PGDATA' -A trust -U postgres -E UTF8 --no-locale" >/dev/null
  as_owner "'$BIN/pg_ctl' -D '$PGDATA' -l '$PGDATA/server.log' -w -o \"-p $PORT -c listen_addresses=127.0.0.1 -k $SOCKDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start" >/dev/null
fi
echo "postgresql://postgres@127.0.0.1:$PORT/postgres"
