#!/usr/bin/env bash
# Real Apache Kafka (KRaft, one combined node) from Maven Central jars, started with `java`.
#   kafka.sh install | start | stop | status
# Idempotent: `start` on a running broker does nothing; `stop` stops only the broker whose pid
# file is ours. Data and logs live in infra/.run/kafka (ignored by git).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
port=${ZC_KAFKA_PORT:-9092}
cport=${ZC_KAFKA_CONTROLLER_PORT:-9093}
# The jar folder is keyed by the pom, so a changed pom never mixes old and new jars.
libs=${ZC_KAFKA_LIBS:-$root/infra/.cache/kafka-libs-$(sha256sum "$here/pom.xml" | cut -c1-12)}
run=$root/infra/.run/kafka
pidfile=$run/kafka.pid
# name=password lines, one per principal (mode 600). kafka.sh adds admin and controller; the
# service and tool principals are added by `python -m plumbing.edges.topics_admin` (plumbing/edges/kafka_security.py).
creds=${ZC_KAFKA_CREDENTIALS:-$run/credentials}
# A loaded 2-core machine can take well over a minute to bring the JVM and the KRaft node up.
start_timeout=${ZC_KAFKA_START_TIMEOUT:-180}

say() { printf '[kafka] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install() {
  if ls "$libs"/kafka_2.13-*.jar >/dev/null 2>&1; then return 0; fi
  command -v java >/dev/null || die "java not found: install OpenJDK 17+ (apt-get install openjdk-17-jre-headless)"
  command -v mvn >/dev/null || die "mvn not found: install Maven (apt-get install maven); it fetches Kafka's jars from Maven Central"
  say "fetching Kafka jars from Maven Central into $libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" \
    || die "mvn could not fetch Kafka's jars (is Maven Central reachable?)"
}

secret() { grep -m1 "^$1=" "$creds" 2>/dev/null | cut -d= -f2-; }

ensure_secrets() {
  mkdir -p "$(dirname "$creds")"; touch "$creds"; chmod 600 "$creds"
  local who
  for who in admin controller; do
    [ -n "$(secret "$who")" ] || echo "$who=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" >> "$creds"
  done
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
# The port the running broker was started on (it may differ from the $port asked for now).
actual_port() { cat "$run/kafka.port" 2>/dev/null || echo "$port"; }

start() {
  install
  if running; then
    [ "$(actual_port)" = "$port" ] || die "this worktree's broker already runs on port $(actual_port), not $port: stop it first (make down) or set ZC_KAFKA_PORT=$(actual_port)"
    say "already running (pid $(cat "$pidfile")) on 127.0.0.1:$port"; return 0
  fi
  if port_open "$port"; then die "port $port is taken by another process; set ZC_KAFKA_PORT"; fi
  ensure_secrets
  # Data formatted before authentication existed has no SCRAM admin: start it afresh.
  if [ -f "$run/data/meta.properties" ] && [ ! -f "$run/formatted-with-scram" ]; then
    say "data was formatted without SASL/SCRAM users: reformatting $run/data"; rm -rf "$run/data"
  fi
  mkdir -p "$run/data" "$run/logs"
  (umask 077; sed -e "s#@PORT@#$port#g" -e "s#@CONTROLLER_PORT@#$cport#g" -e "s#@DATA_DIR@#$run/data#g" \
    -e "s#@ADMIN_PASSWORD@#$(secret admin)#g" -e "s#@CONTROLLER_PASSWORD@#$(secret controller)#g" \
    "$here/server.properties.in" > "$run/server.properties")
  local cp="$libs/*"
  local jvm=(-Xmx768m -Xms256m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
             -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$run/logs")
  if [ ! -f "$run/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java -cp "$cp" "${jvm[@]}" kafka.tools.StorageTool random-uuid | tail -n1)
    java -cp "$cp" "${jvm[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$run/server.properties" \
      --add-scram "SCRAM-SHA-256=[name=admin,password=$(secret admin)]" \
      --ignore-formatted >"$run/logs/format.log" 2>&1 || { cat "$run/logs/format.log" >&2; die "storage format failed"; }
    touch "$run/formatted-with-scram"
  fi
  nohup java -cp "$cp" "${jvm[@]}" kafka.Kafka "$run/server.properties" >"$run/logs/stdout.log" 2>&1 &
  echo $! > "$pidfile"
  echo "$port" > "$run/kafka.port"
  for _ in $(seq 1 $((start_timeout * 2))); do
    if port_open "$port"; then say "started (pid $(cat "$pidfile")) on 127.0.0.1:$port"; return 0; fi
    running || { tail -n 30 "$run/logs/stdout.log" >&2; die "broker exited; see $run/logs"; }
    sleep 0.5
  done
  die "broker did not open port $port within $start_timeout s (ZC_KAFKA_START_TIMEOUT); see $run/logs"
}

stop() {
  if ! running; then rm -f "$pidfile"; say "not running"; return 0; fi
  local pid; pid=$(cat "$pidfile")
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; say "stopped"; return 0; }; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true; rm -f "$pidfile"; say "killed after 30 s"
}

status() { if running; then echo "kafka: running (pid $(cat "$pidfile")) 127.0.0.1:$(actual_port)"; else echo "kafka: stopped"; fi; }

case "${1:-}" in
  install) install ;; start) start ;; stop) stop ;; status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
