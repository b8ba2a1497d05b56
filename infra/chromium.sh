#!/usr/bin/env bash
# Debian's chromium and the chromium-driver built with it: installed with apt-get when missing,
# then the driver's path printed (tests give it to Selenium, so Selenium downloads nothing).
set -euo pipefail
say() { printf '[chromium] %s\n' "$*" >&2; }
driver=$(command -v chromedriver || true)
if [ -z "$driver" ] || ! command -v chromium >/dev/null; then
  [ "$(id -u)" = 0 ] || { say "chromium/chromium-driver missing and we are not root: apt-get install chromium chromium-driver"; exit 1; }
  say "installing Debian's chromium and chromium-driver"
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver) \
    >/tmp/zc-apt-chromium.log 2>&1 || { say "apt-get install failed; see /tmp/zc-apt-chromium.log"; exit 1; }
  driver=$(command -v chromedriver)
fi
echo "$driver"
