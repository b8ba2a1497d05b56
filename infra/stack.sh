#!/usr/bin/env bash
# The local stack: PostgreSQL, Kafka, topics, and the four service processes.
#   stack.sh infra-up | services-up | services-down | down | status | test [pytest args]
# `test` starts what is not running yet, runs pytest, then stops only what it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=$root/.venv/bin/python
run=$root/infra/.run/services
services=(intake eligibility review notify)
declare -A ports=([intake]=${ZC_INTAKE_PORT:-8001} [eligibility]=${ZC_ELIGIBILITY_PORT:-8002} [review]=${ZC_REVIEW_PORT:-8003} [notify]=${ZC_NOTIFY_PORT:-8004})

say() { printf '[stack] %s\n' "$*" >&2; }

infra_up() {
  infra/postgres/postgres.sh start
  infra/kafka/kafka.sh start
  "$py" -m plumbing.topics_admin
}

alive() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

services_up() {
  mkdir -p "$run"
  for s in "${services[@]}"; do
    if alive "$s"; then say "$s already running (pid $(cat "$run/$s.pid"))"; continue; fi
    ZC_PORT=${ports[$s]} ZC_LOG_JSON=true nohup "$py" -m "services.$s" >"$run/$s.log" 2>&1 &
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
}

down() {
  services_down
  infra/kafka/kafka.sh stop
  infra/postgres/postgres.sh stop
}

run_tests() {
  local started=()
  infra/postgres/postgres.sh status | grep -q running || { [ -n "${DATABASE_URL:-}" ] || started+=(postgres); }
  infra/kafka/kafka.sh status | grep -q running || started+=(kafka)
  cleanup() {
    for s in "${started[@]}"; do
      case $s in postgres) infra/postgres/postgres.sh stop ;; kafka) infra/kafka/kafka.sh stop ;; esac
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
  status) infra/postgres/postgres.sh status; infra/kafka/kafka.sh status
          for s in "${services[@]}"; do if alive "$s"; then echo "$s: running :${ports[$s]}"; else echo "$s: stopped"; fi; done ;;
  test) shift; run_tests "$@" ;;
  *) echo "usage: $0 infra-up|services-up|services-down|down|status|test [pytest args]" >&2; exit 2 ;;
esac
