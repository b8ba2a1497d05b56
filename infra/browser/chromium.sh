#!/usr/bin/env bash
# Headless Chromium for the tests that render pages (the AsyncAPI viewer): Debian's `chromium`
# package, installed when missing (as root). Prints the browser's path.
set -euo pipefail
find_it() { command -v chromium || command -v chromium-browser || true; }
found=$(find_it)
if [ -z "$found" ]; then
  [ "$(id -u)" = 0 ] || { echo "[chromium] ERROR: chromium missing; install Debian's chromium package" >&2; exit 1; }
  echo "[chromium] installing Debian's chromium package" >&2
  (DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium \
    || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }) >/tmp/zc-apt-chromium.log 2>&1 \
    || { echo "[chromium] ERROR: apt-get install chromium failed; see /tmp/zc-apt-chromium.log" >&2; exit 1; }
  found=$(find_it)
fi
echo "$found"
