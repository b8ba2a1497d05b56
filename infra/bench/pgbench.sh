#!/usr/bin/env bash
# Benchmark-only: print the path of pgbench, installing Debian's package that ships it if missing
# (postgresql-NN on Debian 12, where the server package carries pgbench; postgresql-client-NN later).
set -euo pipefail
find_it() { command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -n1; }
found=$(find_it || true)
if [ -z "$found" ]; then
  [ "$(id -u)" = 0 ] || { echo "[pgbench] ERROR: pgbench missing; install postgresql-contrib or postgresql" >&2; exit 1; }
  echo "[pgbench] installing Debian's postgresql-contrib (ships pgbench)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-contrib >&2 \
    || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-contrib >&2; }
  found=$(find_it)
fi
echo "$found"
