#!/usr/bin/env bash
# Headless Chromium and its driver from Debian's packages, for the browser tests (Selenium is given
# the driver's path, so nothing is downloaded at run time). Idempotent: installs only what is missing.
# Prints the driver's path on stdout.
set -euo pipefail
say() { printf '[chromium] %s\n' "$*" >&2; }
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
# Chinese pages need a CJK font, or the screenshots show empty boxes.
{ command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; } || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} from Debian's packages"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
command -v chromedriver
