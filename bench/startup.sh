#!/usr/bin/env bash
# Start-up budget: starts the unpacked distribution, waits until /api/status answers, and measures the
# time to ready and the resident memory once idle. Goal on the 2-core reference box: ready <= 2 s,
# RSS <= 128 MB idle (with the Web Console).
#
#   bench/startup.sh [runs]        (default 5 runs; the median is reported)
# Needs the distribution built: mvn -q package -DskipTests
# Last line: RESULT ready_s=<median> rss_mb=<median> ready_max_s=<max> rss_max_mb=<max> runs=<n>
set -euo pipefail
runs=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
dist="$root/distribution/target/understudy"
[ -x "$dist/bin/understudy" ] || { echo "no distribution at $dist: run 'mvn -q package -DskipTests' first" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
work=$(mktemp -d /tmp/understudy-startup.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cp -r "$dist" "$work/understudy"
. "$(dirname "$0")/ports.sh"
port=$(freeport); dns_port=$(freeport); proxy_port=$(freeport); tls_port=$(freeport)
idle_s=${IDLE_SECONDS:-5}
readies=(); rsses=()
for i in $(seq 1 "$runs"); do
  rm -rf "$work/understudy/data"; mkdir -p "$work/understudy/data"
  start=$(date +%s%N)
  # the shipped conf/ is for production (DNS :53, proxy :80 on every address): stay on loopback here
  UNDERSTUDY_WEB_PORT=$port UNDERSTUDY_ADMIN_PASSWORD=bench UNDERSTUDY_DNS_HOST=127.0.0.1 UNDERSTUDY_DNS_PORT=$dns_port \
    UNDERSTUDY_PROXY_HOST=127.0.0.1 UNDERSTUDY_PROXY_PORT=$proxy_port UNDERSTUDY_PROXY_TLS_PORT=$tls_port \
    "$work/understudy/bin/understudy" >"$work/run$i.log" 2>&1 &
  pid=$!
  ready=
  for _ in $(seq 1 600); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' -u admin:bench "http://127.0.0.1:$port/api/status")" = 200 ]; then
      ready=$(( $(date +%s%N) - start )); break
    fi
    kill -0 "$pid" 2>/dev/null || { echo "gateway exited:" >&2; cat "$work/run$i.log" >&2; exit 1; }
    sleep 0.01
  done
  [ -n "$ready" ] || { echo "not ready within 6 s" >&2; exit 1; }
  sleep "$idle_s"
  rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=
  readies+=("$(awk -v n="$ready" 'BEGIN{printf "%.3f", n/1e9}')")
  rsses+=("$(awk -v k="$rss_kb" 'BEGIN{printf "%.1f", k/1024}')")
  echo "run $i: ready ${readies[-1]} s, rss ${rsses[-1]} MB after ${idle_s} s idle"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
maxof() { printf '%s\n' "$@" | sort -n | tail -1; }
echo "RESULT ready_s=$(median "${readies[@]}") rss_mb=$(median "${rsses[@]}") ready_max_s=$(maxof "${readies[@]}") rss_max_mb=$(maxof "${rsses[@]}") runs=$runs"
