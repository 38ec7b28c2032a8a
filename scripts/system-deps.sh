#!/usr/bin/env bash
# Debian packages the tests (and the bulletin's rendering) need besides Python packages:
#   chromium                 - Playwright drives Debian's browser (/usr/bin/chromium); no browser download
#   fonts-wqy-microhei       - a CJK font: Chinese pages in screenshots and charts in the bulletin
#   libreoffice-writer-nogui - renders the bulletin .docx to PDF (soffice --headless --convert-to pdf)
#   poppler-utils            - pdftoppm turns the PDF's first page into a PNG
# Idempotent: installs only what is missing. Needs root (CI machines run as root).
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${need[*]} (install them as root: apt-get install ${need[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
