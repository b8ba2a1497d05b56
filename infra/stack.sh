#!/usr/bin/env bash
# The local stack: PostgreSQL, Kafka, topics, and the four service processes.
#   stack.sh infra-up | services-up | services-down | down | status | test [pytest args] | run CMD...
# `run` runs CMD with this stack's DATABASE_URL and ZC_KAFKA_BOOTSTRAP (e.g. the benchmark).
# `test` starts what is not running yet, runs pytest, then stops only what it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=$root/.venv/bin/python
# One place decides where PostgreSQL and Kafka are; every script and test reads these.
external_db=${DATABASE_URL:+yes}
export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:${ZC_PG_PORT:-55432}/postgres}
export ZC_KAFKA_BOOTSTRAP=${ZC_KAFKA_BOOTSTRAP:-127.0.0.1:${ZC_KAFKA_PORT:-9092}}
# The stack and the tests run with the public development secrets: say so (services refuse them otherwise).
export ZC_DEV_MODE=${ZC_DEV_MODE:-1}
run=$root/infra/.run/services
services=(intake eligibility review notify)
declare -A ports=([intake]=${ZC_INTAKE_PORT:-8001} [eligibility]=${ZC_ELIGIBILITY_PORT:-8002} [review]=${ZC_REVIEW_PORT:-8003} [notify]=${ZC_NOTIFY_PORT:-8004})

say() { printf '[stack] %s\n' "$*" >&2; }
# Our own cluster unless the caller gave DATABASE_URL.
pg() { if [ -n "$external_db" ]; then [ "$1" = status ] && echo "postgres: external (DATABASE_URL)"; return 0; fi
       env -u DATABASE_URL infra/postgres/postgres.sh "$@"; }

infra_up() {
  pg start
  infra/kafka/kafka.sh start
  "$py" -m plumbing.topics_admin
}

alive() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

services_up() {
  mkdir -p "$run"
  # The 2020 plan's deadlines are in the past: the stack runs on the season's clock unless
  # ZC_SEASON_START is set empty (then the real clock). See plumbing/clock.py.
  local season=${ZC_SEASON_START-2020-08-10T09:00:00+08:00}
  if [ -n "$season" ]; then
    export ZC_CLOCK_FILE=$run/season-clock
    [ -f "$ZC_CLOCK_FILE" ] || "$py" -m plumbing.clock "$ZC_CLOCK_FILE" "$season"
  fi
  if [ -z "${ZC_NOTIFY_DEPARTMENT_CONTACTS:-}" ] && [ -n "$season" ]; then
    # The demo's operator data: one department's duty mobile, set the way an operator would (zc notify contact).
    export ZC_NOTIFY_DEPARTMENT_CONTACTS=$run/department-contacts.json
    cp services/notify/templates/department_contacts.json "$ZC_NOTIFY_DEPARTMENT_CONTACTS"
    "$py" -m zc.cli notify contact kq-hr --mobile 13905750012 --file "$ZC_NOTIFY_DEPARTMENT_CONTACTS" >/dev/null
  fi
  for s in "${services[@]}"; do
    if alive "$s"; then say "$s already running (pid $(cat "$run/$s.pid"))"; continue; fi
    ZC_PORT=${ports[$s]} ZC_LOG_JSON=true ZC_NOTIFY_RATE_WINDOWS=${ZC_NOTIFY_RATE_WINDOWS:-1:100} \
      ZC_NOTIFY_REMINDER_INTERVAL_SECONDS=${ZC_NOTIFY_REMINDER_INTERVAL_SECONDS:-5} \
      ZC_REVIEW_SWEEP_INTERVAL_SECONDS=${ZC_REVIEW_SWEEP_INTERVAL_SECONDS:-5} nohup "$py" -m "services.$s" >"$run/$s.log" 2>&1 &
    echo $! > "$run/$s.pid"
  done
  for s in "${services[@]}"; do
    for _ in $(seq 1 120); do
      if "$py" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
           "http://127.0.0.1:${ports[$s]}/readyz" >/dev/null 2>&1; then say "$s ready on :${ports[$s]}"; continue 2; fi
      alive "$s" || { tail -n 30 "$run/$s.log" >&2; say "ERROR: $s exited; log: $run/$s.log"; exit 1; }
      sleep 0.5
    done
    say "ERROR: $s not ready after 60 s; log: $run/$s.log"; exit 1
  done
}

services_down() {
  for s in "${services[@]}"; do
    if alive "$s"; then kill "$(cat "$run/$s.pid")"; say "stopped $s"; fi
    rm -f "$run/$s.pid"
  done
  rm -f "$run/season-clock"
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
  status) pg status; infra/kafka/kafka.sh status
          for s in "${services[@]}"; do if alive "$s"; then echo "$s: running :${ports[$s]}"; else echo "$s: stopped"; fi; done ;;
  test) shift; run_tests "$@" ;;
  run) shift; "$@" ;;
  *) echo "usage: $0 infra-up|services-up|services-down|down|status|test [pytest args]|run CMD..." >&2; exit 2 ;;
esac
