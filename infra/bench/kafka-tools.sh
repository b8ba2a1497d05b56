#!/usr/bin/env bash
# Benchmark-only: fetch Kafka's kafka-tools jar (ProducerPerformance, ConsumerPerformance) and its
# runtime dependencies from Maven Central with mvn, once, into a folder keyed by the pom.
# Prints the folder. Used by `make bench` / `make bench-quick` only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
libs=${ZC_KAFKA_TOOLS_LIBS:-$root/infra/.cache/kafka-tools-$(sha256sum "$here/pom.xml" | cut -c1-12)}
say() { printf '[kafka-tools] %s\n' "$*" >&2; }
if ! ls "$libs"/kafka-tools-[0-9]*.jar >/dev/null 2>&1; then
  command -v mvn >/dev/null || { say "ERROR: mvn not found (apt-get install maven)"; exit 1; }
  say "fetching kafka-tools from Maven Central into $libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs.part" >&2 \
    || { say "ERROR: mvn could not fetch kafka-tools (is Maven Central reachable?)"; exit 1; }
  rm -rf "$libs"; mv "$libs.part" "$libs"
fi
echo "$libs"
