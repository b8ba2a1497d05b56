#!/usr/bin/env bash
# Debian's prometheus package, for its promtool (the alert rules' checks and unit tests in make test):
# installed with apt-get when missing, then promtool's path printed.
set -euo pipefail
say() { printf '[prometheus] %s\n' "$*" >&2; }
if ! command -v promtool >/dev/null; then
  [ "$(id -u)" = 0 ] || { say "promtool missing and we are not root: apt-get install prometheus"; exit 1; }
  say "installing Debian's prometheus package (for promtool)"
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus) \
    >/tmp/zc-apt-prometheus.log 2>&1 || { say "apt-get install failed; see /tmp/zc-apt-prometheus.log"; exit 1; }
fi
command -v promtool
