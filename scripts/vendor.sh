#!/usr/bin/env bash
# Refresh the vendored front-end files from package-lock.json: ECharts, htmx and Swagger UI, copied into
# src/targetboard/web/static/vendor/ (committed: the app serves them itself, no CDN, no network at run time).
# Installs into a temporary folder, so no node_modules/ is left in the checkout. Needs npm.
# `scripts/vendor.sh --lock` updates package-lock.json from package.json first.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp package.json "$work/"
if [ "${1:-}" = "--lock" ]; then
  (cd "$work" && npm install --ignore-scripts --no-audit --no-fund --package-lock-only >/dev/null)
  cp "$work/package-lock.json" "$root/package-lock.json"
fi
cp package-lock.json "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
out=src/targetboard/web/static/vendor
mkdir -p "$out"
cp "$work/node_modules/echarts/dist/echarts.min.js" "$out/echarts.min.js"
cp "$work/node_modules/echarts/LICENSE" "$out/echarts.LICENSE.txt"
cp "$work/node_modules/htmx.org/dist/htmx.min.js" "$out/htmx.min.js"
cp "$work/node_modules/htmx.org/LICENSE" "$out/htmx.LICENSE.txt"
cp "$work/node_modules/swagger-ui-dist/swagger-ui-bundle.js" "$out/swagger-ui-bundle.js"
cp "$work/node_modules/swagger-ui-dist/swagger-ui.css" "$out/swagger-ui.css"
cp "$work/node_modules/swagger-ui-dist/LICENSE" "$out/swagger-ui.LICENSE.txt"
for f in "$out"/*.js; do
  echo "$(basename "$f")  $(wc -c <"$f") bytes"
done
