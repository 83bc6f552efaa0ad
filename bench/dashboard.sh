#!/usr/bin/env bash
# Dashboard weight and speed, in Debian's Chromium (playwright-core) against the real distribution holding a
# Bloomsky station's year of 5-minute readings (about 104,000, written with the real store first):
#   - overview_kb: what the overview page transfers (pages, scripts, styles, data), as served;
#   - year_render_ms: from choosing "1y" on the station's page to every chart drawn (the gateway aggregating the
#     year to the chart's width, the browser drawing it), median of 5;
#   - rss_added_mb: the gateway's resident memory with the dashboard bundle and used by a browser, minus the same
#     gateway without that bundle given the same API requests the browser made (each after a full GC and a trim of
#     the C heap; the median of 5 starts each), in MB.
# Goals: overview <= 300 KB, a year in <= 1 s, <= 10 MB added.
#
#   bench/dashboard.sh
# Needs: the distribution built; installs chromium, node and npm, and playwright-core (plugins/dashboard/src/test/node).
# Last line: RESULT overview_kb=... year_render_ms=... rss_added_mb=...
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_packages curl python3 chromium
command -v node >/dev/null && command -v npm >/dev/null || need_packages nodejs npm
need_distribution
module="$root/plugins/dashboard"
node_dir="$module/src/test/node"
[ -d "$node_dir/node_modules/playwright-core" ] || (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
cp=$(module_test_classpath plugins/dashboard)
work=$(mktemp -d "${TMPDIR:-/tmp}/understudy-dashbench.XXXXXX")
gw=""
cleanup() { [ -n "$gw" ] && kill "$gw" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
device=station-year

echo "writing a year of readings..." >&2
java -Xmx256m -cp "$cp" \
  org.understudy.dashboard.YearOfReadings "$work/year" "$device" >&2

# start VARIANT: a copy of the distribution on the year's data, with or without the dashboard; sets gw and web
start() {
  local home="$work/gateway-$1"
  copy_distribution "$home"
  cp -r "$work/year" "$home/year"
  [ "$1" = with ] || rm -f "$home"/bundles/understudy-dashboard-*.jar
  web=$(freeport)
  UNDERSTUDY_WEB_PORT=$web UNDERSTUDY_ADMIN_PASSWORD=bench UNDERSTUDY_LOG_LEVEL=WARN UNDERSTUDY_DATA="$home/year" \
    UNDERSTUDY_DNS_HOST=127.0.0.1 UNDERSTUDY_DNS_PORT=$(freeport) UNDERSTUDY_PROXY_HOST=127.0.0.1 \
    UNDERSTUDY_PROXY_PORT=$(freeport) UNDERSTUDY_PROXY_TLS_PORT=0 "$home/bin/understudy" > "$work/gateway-$1.log" 2>&1 & gw=$!
  for _ in $(seq 1 300); do
    curl -sf -u admin:bench "http://127.0.0.1:$web/api/status" | grep -q '"ready" : true' && return 0
    sleep 0.2
  done
  echo "the gateway did not start" >&2; cat "$work/gateway-$1.log" >&2; exit 1
}

# rss_mb: resident memory of the gateway after a full GC and a trim of the C heap (what the JVM's
# TrimNativeHeapInterval does every 5 s; without it glibc's freed pages, 7 to 19 MB here, blur the comparison),
# twice: the first attach of jcmd and the first GC's reference processing still move memory around (one pass gave
# 109 to 124 MB for the same gateway and work, two give the same figure within 1 MB)
rss_mb() {
  for _ in 1 2; do
    jcmd "$gw" GC.run >/dev/null; sleep 2
    jcmd "$gw" System.trim_native_heap >/dev/null 2>&1 || true; sleep 1
  done
  awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$gw/status"
}
# the gateway without the dashboard is given the same API requests, in the same order, as the browser made on the
# one with it (measure.js lists them)
api_calls() {
  while read -r path; do
    curl -s -o /dev/null -u admin:bench "http://127.0.0.1:$web$path"
  done < "$work/api-calls.txt"
}
# the heap's size and where glibc keeps freed memory float from one start to the next (10 MB apart here for the
# same work), so one start says little: the median of 5 each. The gateway with the dashboard goes first in each
# round: its browser's requests are what the one without it is given.
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
without=(); with=()
for round in 1 2 3 4 5; do
  start with
  out=$(cd "$node_dir" && node measure.js "http://127.0.0.1:$web" bench "$device")
  [ "$round" = 1 ] && measured=$out
  printf '%s' "$out" | python3 -c "import json,sys; print('\n'.join(json.load(sys.stdin)['apiCalls']))" > "$work/api-calls.txt"
  with+=("$(rss_mb)")
  kill "$gw"; wait "$gw" 2>/dev/null || true; gw=""
  start without
  api_calls
  without+=("$(rss_mb)")
  kill "$gw"; wait "$gw" 2>/dev/null || true; gw=""
done
rss_without=$(median "${without[@]}"); rss_with=$(median "${with[@]}")

read -r bytes render all points foreign < <(printf '%s' "$measured" | python3 -c "import json,sys; r=json.load(sys.stdin); \
print(r['overviewBytes'], r['yearRenderMs'], ','.join(map(str, r['yearRenderMsAll'])), r['yearPoints'], len(r['foreign']))")
[ "$foreign" = 0 ] || { echo "the dashboard asked another origin: $measured" >&2; exit 1; }
kb=$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1024 }')
added=$(awk -v a="$rss_with" -v b="$rss_without" 'BEGIN { printf "%.1f", a - b }')
echo "overview: $kb KB; a year ($points points drawn): $all ms; RSS without the dashboard ${without[*]} MB, with it (after a browser used it) ${with[*]} MB (medians $rss_without and $rss_with)"
echo "RESULT overview_kb=$kb year_render_ms=$render rss_added_mb=$added"
