#!/usr/bin/env bash
# Store benchmark: durable readings per second from 1, 16 and 64 concurrent devices (each call acknowledged only
# once on disk) with how many readings one commit, one fsync, covered (goal: >= 0.75 x the devices; on an SD card a
# flush takes milliseconds and throughput is readings per commit / fsync time); a plot query over one device's year
# of 5-minute readings (~105,000 rows); and 20 kill -9 cycles that must lose no acknowledged reading.
# Goals on the 2-core reference box: >= 50,000 durable readings/s, year query <= 50 ms, 0 lost.
#
#   [FSYNC_DELAY_MS=5] bench/store.sh [seconds per writer count] [writer counts]      (defaults 5 and 1,16,64)
# FSYNC_DELAY_MS: every fsync of the store waits that long first (an LD_PRELOAD shim, bench/fsync-delay.c, built
# with gcc), as on an SD card.
# Installs the store module (with what it depends on) into the local Maven repository first.
# Last line: RESULT durable_readings_per_s=... readings_per_s_N=... per_commit_N=... fsync_delay_ms=...
#   query_year_ms=... query_year_raw_ms=... crash_cycles=20 lost=...
set -euo pipefail
seconds=${1:-5}
writers=${2:-1,16,64}
. "$(dirname "$0")/lib.sh"
cp=$(module_test_classpath plugins/store-sqlite)
work=$(mktemp -d "${TMPDIR:-/tmp}/understudy-storebench.XXXXXX")
trap 'rm -rf "$work"' EXIT
preload=
if [ -n "${FSYNC_DELAY_MS:-}" ]; then
  preload=$(fsync_delay_library "$work")
  echo "every fsync waits $FSYNC_DELAY_MS ms first ($preload)"
fi
LD_PRELOAD="$preload" java -Xmx512m -cp "$cp" org.understudy.store.sqlite.StoreBench "$work/load" "$seconds" "$writers" | tee "$work/load.out"
LD_PRELOAD="$preload" java -Xmx256m -cp "$cp" org.understudy.store.sqlite.CrashCycles "$work/crash" 20 | tee "$work/crash.out"
load=$(grep '^RESULT' "$work/load.out" | sed 's/^RESULT //')
crash=$(grep '^RESULT' "$work/crash.out" | sed 's/^RESULT //')
echo "RESULT $load $crash"
