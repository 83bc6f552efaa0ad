#!/usr/bin/env bash
# Store benchmark: durable readings per second (concurrent writers, each call acknowledged only once on
# disk), a plot query over one device's year of 5-minute readings (~105,000 rows), and 20 kill -9
# cycles that must lose no acknowledged reading.
# Goals on the 2-core reference box: >= 50,000 durable readings/s, year query <= 50 ms, 0 lost.
#
#   bench/store.sh [seconds] [writer threads]      (defaults 10 and 64)
# Installs the store module (with what it depends on) into the local Maven repository first.
# Last line: RESULT durable_readings_per_s=... query_year_ms=... query_year_raw_ms=... crash_cycles=20 lost=...
set -euo pipefail
seconds=${1:-10}
threads=${2:-64}
. "$(dirname "$0")/lib.sh"
module="$root/plugins/store-sqlite"
need_installed plugins/store-sqlite
(cd "$root" && mvn -B -q test-compile -pl plugins/store-sqlite)
cp_file=$(mktemp)
(cd "$module" && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test)
cp="$module/target/test-classes:$module/target/classes:$(cat "$cp_file")"
work=$(mktemp -d "${TMPDIR:-/tmp}/understudy-storebench.XXXXXX")
trap 'rm -rf "$work" "$cp_file"' EXIT
java -Xmx512m -cp "$cp" org.understudy.store.sqlite.StoreBench "$work/load" "$seconds" "$threads" | tee "$work/load.out"
java -Xmx256m -cp "$cp" org.understudy.store.sqlite.CrashCycles "$work/crash" 20 | tee "$work/crash.out"
load=$(grep '^RESULT' "$work/load.out" | sed 's/^RESULT //')
crash=$(grep '^RESULT' "$work/crash.out" | sed 's/^RESULT //')
echo "RESULT $load $crash"
