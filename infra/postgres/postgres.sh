#!/usr/bin/env bash
# A project-local PostgreSQL cluster on its own port (default 55432), unless DATABASE_URL is given.
#   postgres.sh install | start | stop | status | url
# Idempotent; `stop` stops only the cluster in our data folder. As root, the server runs as the
# `postgres` system user (PostgreSQL refuses to run as root). Every login needs a SCRAM password
# (pg_hba scram-sha-256, never trust): the administrator's is made at initdb and kept in
# infra/.run/secrets/pgpass (0400, the set-up step's; PGPASSFILE), the services' by plumbing/provision.py.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
port=${ZC_PG_PORT:-55432}
secrets=$root/infra/.run/secrets

say() { printf '[postgres] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

if [ -n "${DATABASE_URL:-}" ] && [ "${1:-}" != "url" ]; then
  say "DATABASE_URL is set: using that server, starting nothing"; exit 0
fi

bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

install() {
  bindir >/dev/null && return 0
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed and we are not root: install Debian's 'postgresql' package or set DATABASE_URL"
  say "installing Debian's postgresql package"
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql) >/tmp/zc-apt-postgresql.log 2>&1 \
    || die "apt-get install postgresql failed; see /tmp/zc-apt-postgresql.log"
}

# Where the cluster lives: project-local, unless the `postgres` user cannot reach the project
# folder (a clone inside a private mktemp dir); then a folder keyed by the project path.
datadir() {
  local local_dir=$root/infra/.run/postgres
  if [ "$(id -u)" != 0 ] || runuser -u postgres -- test -x "$root/infra" 2>/dev/null; then
    echo "$local_dir"
  else
    echo "/var/tmp/zhicheng-pg-$(echo "$root" | sha256sum | cut -c1-12)"
  fi
}

# From / : the postgres user may not be allowed into the caller's working directory.
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

running() { local d; d=$(datadir); [ -f "$d/postmaster.pid" ] && as_pg "$(bindir)/pg_ctl" -D "$d" status >/dev/null 2>&1; }
# The port the running cluster listens on (line 4 of postmaster.pid), which may differ from $port.
actual_port() { sed -n 4p "$(datadir)/postmaster.pid" 2>/dev/null; }

start() {
  install
  local bin d; bin=$(bindir); d=$(datadir)
  if running; then
    [ "$(actual_port)" = "$port" ] || die "this worktree's cluster already runs on port $(actual_port), not $port: stop it first (make down) or set ZC_PG_PORT=$(actual_port)"
    say "already running on 127.0.0.1:$port ($d)"; return 0
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is taken by another process; set ZC_PG_PORT (or DATABASE_URL to use that server)"
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then useradd --system --home /var/lib/postgresql postgres; fi
  mkdir -p "$d"; [ "$(id -u)" = 0 ] && chown postgres "$d"; chmod 700 "$d"
  if [ ! -f "$d/PG_VERSION" ]; then
    mkdir -p "$secrets"; chmod 700 "$secrets"
    local password pwfile; password=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
    pwfile=$(mktemp); printf '%s\n' "$password" > "$pwfile"  # mktemp: mode 600, outside the data folder
    [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
    as_pg "$bin/initdb" -D "$d" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null \
      || { rm -f "$pwfile"; die "initdb failed in $d"; }
    rm -f "$pwfile"
    rm -f "$secrets/pgpass"
    (umask 077; printf '127.0.0.1:*:*:postgres:%s\nlocalhost:*:*:postgres:%s\n' "$password" "$password" > "$secrets/pgpass")
    chmod 400 "$secrets/pgpass"
    cat >> "$d/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$d'
max_connections = 300
fsync = on
synchronous_commit = on
# A forgotten open transaction would hold back every tailing reader (xid cut-off): end it.
idle_in_transaction_session_timeout = '60s'
CONF
  fi
  if grep -Eq '^[^#]*[[:space:]]trust([[:space:]]|$)' "$d/pg_hba.conf"; then
    die "this cluster ($d) was made before logins needed passwords (pg_hba trust): reset it with 'make down && rm -rf $d $secrets' (README: Resetting a stack)"
  fi
  # -p: ZC_PG_PORT decides the port at every start, not the one written at initdb.
  as_pg "$bin/pg_ctl" -D "$d" -l "$d/server.log" -o "-p $port" -w -t 60 start >/dev/null || { tail -n 20 "$d/server.log" >&2; die "pg_ctl start failed"; }
  say "started on 127.0.0.1:$port ($d)"
}

stop() {
  local d; d=$(datadir)
  if ! running; then say "not running"; return 0; fi
  as_pg "$(bindir)/pg_ctl" -D "$d" -m fast -w stop >/dev/null && say "stopped"
}

case "${1:-}" in
  install) install ;; start) start ;; stop) stop ;;
  status) if running; then echo "postgres: running 127.0.0.1:$(actual_port)"; else echo "postgres: stopped"; fi ;;
  url) echo "${DATABASE_URL:-postgresql://postgres@127.0.0.1:$port/postgres}" ;;
  *) echo "usage: $0 install|start|stop|status|url" >&2; exit 2 ;;
esac
