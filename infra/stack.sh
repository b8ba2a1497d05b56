#!/usr/bin/env bash
# The local stack: PostgreSQL, Kafka, topics, and the four service processes.
#   stack.sh infra-up | services-up | services-down | down | status | env | test [pytest args] | run CMD...
# `run` runs CMD with this stack's DATABASE_URL and ZC_KAFKA_BOOTSTRAP (e.g. the benchmark).
# `test` starts what is not running yet, runs pytest, then stops only what it started.
# The services run under supervisord (zc/supervise.py), which restarts any of them that exits.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=$root/.venv/bin/python
# One place decides where PostgreSQL and Kafka are; every script and test reads these.
external_db=${DATABASE_URL:+yes}
export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:${ZC_PG_PORT:-55432}/postgres}
export ZC_KAFKA_BOOTSTRAP=${ZC_KAFKA_BOOTSTRAP:-127.0.0.1:${ZC_KAFKA_PORT:-9092}}
# The administrator's password (made at initdb, 0400): for the set-up step and the tests only; the
# services get their own logins (plumbing/provision.py) and never this file (zc/supervise.py).
[ -n "$external_db" ] || export PGPASSFILE=${PGPASSFILE:-$root/infra/.run/secrets/pgpass}
# The stack and the tests run with the public development secrets: say so (services refuse them otherwise).
export ZC_DEV_MODE=${ZC_DEV_MODE:-1}
run=$root/infra/.run/services
# What the services' system users must reach lives outside the checkout (whose folders may let nobody
# through): their runtime virtualenv and credentials files (zc/install.py, plumbing/provision.py).
if [ -z "${ZC_STACK_DIR:-}" ]; then
  if [ "$(id -u)" = 0 ]; then
    ZC_STACK_DIR=/var/lib/zhicheng/$(printf %s "$(pwd -P)" | sha256sum | cut -c1-12)
  else
    ZC_STACK_DIR=$root/infra/.run/stack
  fi
fi
export ZC_STACK_DIR

say() { printf '[stack] %s\n' "$*" >&2; }
# Our own cluster unless the caller gave DATABASE_URL.
pg() { if [ -n "$external_db" ]; then [ "$1" = status ] && echo "postgres: external (DATABASE_URL)"; return 0; fi
       env -u DATABASE_URL infra/postgres/postgres.sh "$@"; }

infra_up() {
  pg start
  infra/kafka/kafka.sh start
  "$py" -m plumbing.edges.topics_admin
  "$py" -m plumbing.provision  # roles, databases, migrations, grants, each service's credentials file
  "$py" -m zc.install >/dev/null  # the runtime the services' users run (cached: rebuilt when sources change)
}

services_up() {
  mkdir -p "$run"
  # The 2020 plan's deadlines are in the past: the stack runs on the season's clock unless
  # ZC_SEASON_START is set empty (then the real clock). See plumbing/clock.py.
  local season=${ZC_SEASON_START-2020-08-10T09:00:00+08:00}
  # The clock file outlives restarts (of a process, of supervisord, `make down`/`make up`), so the
  # season's date does not jump back; the demo sets it explicitly. Delete it to start over.
  if [ -n "$season" ]; then
    export ZC_CLOCK_FILE=$ZC_STACK_DIR/season-clock  # read by the services' users: in the stack folder
    [ -f "$ZC_CLOCK_FILE" ] || "$py" -m plumbing.clock "$ZC_CLOCK_FILE" "$season"
  fi
  if [ -z "${ZC_NOTIFY_DEPARTMENT_CONTACTS:-}" ] && [ -n "$season" ]; then
    # The demo's operator data: one department's duty mobile, set the way an operator would (zc notify contact).
    export ZC_NOTIFY_DEPARTMENT_CONTACTS=$ZC_STACK_DIR/department-contacts.json
    cp services/notify/templates/department_contacts.json "$ZC_NOTIFY_DEPARTMENT_CONTACTS"
    "$py" -m zc.cli notify contact kq-hr --mobile 13905750012 --file "$ZC_NOTIFY_DEPARTMENT_CONTACTS" >/dev/null
  fi
  export ZC_REVIEW_SWEEP_INTERVAL_SECONDS=${ZC_REVIEW_SWEEP_INTERVAL_SECONDS:-5}  # the demo's clock moves fast
  export ZC_AUDIT_CHECKPOINT_SECONDS=${ZC_AUDIT_CHECKPOINT_SECONDS:-5}  # the demo ends with a verification
  "$py" -m zc.supervise up  # starts supervisord, or makes a running one start what is not running
}

services_down() {
  "$py" -m zc.supervise down
}

down() {
  services_down
  infra/kafka/kafka.sh stop
  pg stop
}

started=()  # what `test` started, so that exactly that is stopped (global: the EXIT trap reads it)
run_tests() {
  pg status | grep -q -e running -e external || started+=(postgres)
  infra/kafka/kafka.sh status | grep -q running || started+=(kafka)
  cleanup() {
    for s in "${started[@]+"${started[@]}"}"; do
      case $s in postgres) pg stop ;; kafka) infra/kafka/kafka.sh stop ;; esac
    done
  }
  trap cleanup EXIT
  infra_up
  "$py" -m pytest "$@"
}

case "${1:-}" in
  infra-up) infra_up ;;
  services-up) services_up ;;
  services-down) services_down ;;
  down) down ;;
  status) pg status; infra/kafka/kafka.sh status; "$py" -m zc.supervise status ;;
  env) echo "export DATABASE_URL=$DATABASE_URL ZC_KAFKA_BOOTSTRAP=$ZC_KAFKA_BOOTSTRAP" ;;
  test) shift; run_tests "$@" ;;
  run) shift; "$@" ;;
  *) echo "usage: $0 infra-up|services-up|services-down|down|status|env|test [pytest args]|run CMD..." >&2; exit 2 ;;
esac
