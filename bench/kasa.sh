#!/usr/bin/env bash
# Kasa polling at scale: N simulated plugs (tplink-smarthome-simulator, one Node process, all on loopback), each
# polled every 10 s by the gateway (the real distribution), then the same polls made by tplink-smarthome-api (the
# reference client) in the same run; at N = 50 and N = 500. Reported per N: polls per second, p99 poll latency,
# missed polls (not answered, or not started because the last one had not finished), and CPU time per poll of the
# gateway's process and of the Node client's. Goal: 500 plugs, 0 missed, less gateway CPU per poll than Node.
# Both are measured in steady state, after a warm-up in which every plug was polled several times (the JIT of
# either runtime has compiled the poll path by then: on a gateway that runs for months, that is what a poll costs).
#
# Connections: "kept" (the gateway's default keepConnection=1m; tplink-smarthome-api with useSharedSocket) or "new"
# (keepConnection=0s; the client's default, a new connection per poll); each is compared with its like.
#
# Warm-up: at least the given seconds, then until the gateway's CPU per poll is steady (two 30 s windows within
# 10%), at most 900 s; the Node client then gets as long a warm-up.
#
#   bench/kasa.sh [seconds measured] [sizes] [least warm-up seconds] [connections]   (defaults 60, "50 500", 60, "kept")
# Needs: the distribution built, node and npm (the npm peers are installed here), curl, python3.
# Last line (the last size and connection): RESULT plugs=500 polls_per_s=... p99_ms=... missed=... gateway_cpu_us_per_poll=... node_cpu_us_per_poll=... connection=... warmup_s=...
set -euo pipefail
seconds=${1:-60}
sizes=${2:-"50 500"}
warmup=${3:-60}
connections=${4:-kept}
max_warmup=900
interval_ms=10000
. "$(dirname "$0")/lib.sh"
need_packages curl python3
command -v node >/dev/null && command -v npm >/dev/null || need_packages nodejs npm
need_distribution
node_dir="$root/plugins/profile-kasa/src/test/node"
[ -d "$node_dir/node_modules/tplink-smarthome-simulator" ] || (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
work=$(mktemp -d /tmp/understudy-kasabench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT
status() { curl -s -u admin:bench "http://127.0.0.1:$web/api/status"; }
kasa() { status | python3 -c "import json,sys; s=json.load(sys.stdin); k=next(p for p in s['plugins'] if p['id']=='kasa'); print(k['status'].get('$1'))"; }

result=""
for n in $sizes; do
  # the plugs: one Node process, stdin held open (it exits when stdin closes)
  mkfifo "$work/sim.in.$n"
  (cd "$node_dir" && exec node simulate.js "hs110x$n" < "$work/sim.in.$n" > "$work/sim.out.$n" 2>&1) & sim=$!; pids+=($sim)
  exec 7> "$work/sim.in.$n"
  for _ in $(seq 1 600); do grep -q '^ready' "$work/sim.out.$n" 2>/dev/null && break; sleep 0.1; done
  grep -q '^ready' "$work/sim.out.$n" || { echo "the simulator did not start" >&2; cat "$work/sim.out.$n" >&2; exit 1; }
  ports=$(python3 -c "import json,sys; print(' '.join(str(json.loads(l)['port']) for l in open(sys.argv[1]) if l.startswith('{')))" "$work/sim.out.$n")
  devices=$(for p in $ports; do printf '127.0.0.1:%s,' "$p"; done); devices=${devices%,}

  for mode in $connections; do
    [ "$mode" = kept ] || [ "$mode" = new ] || { echo "connections are kept or new, not $mode" >&2; exit 2; }
    # the gateway polls them
    home="$work/understudy.$n.$mode"
    copy_distribution "$home"
    keep=$([ "$mode" = kept ] && echo 1m || echo 0s)
    printf 'devices=%s\nbroadcastAddresses=\nklapDiscoveryPort=0\npollInterval=10s\nrequestTimeout=3s\nkeepConnection=%s\n' "$devices" "$keep" > "$home/conf/understudy.kasa.cfg"
    web=$(freeport)
    UNDERSTUDY_WEB_PORT=$web UNDERSTUDY_ADMIN_PASSWORD=bench UNDERSTUDY_LOG_LEVEL=WARN UNDERSTUDY_DNS_HOST=127.0.0.1 \
      UNDERSTUDY_DNS_PORT=$(freeport) UNDERSTUDY_PROXY_HOST=127.0.0.1 UNDERSTUDY_PROXY_PORT=$(freeport) UNDERSTUDY_PROXY_TLS_PORT=0 \
      "$home/bin/understudy" > "$work/gateway.$n.$mode.log" 2>&1 & gw=$!; pids+=($gw)
    for _ in $(seq 1 300); do [ "$(kasa answered 2>/dev/null || echo 0)" -ge "$n" ] 2>/dev/null && break; sleep 0.2; done
    # warm-up: at least $warmup s, then 30 s windows until two in a row cost within 10% per poll (the JIT has
    # compiled the poll path; on this 2-core machine that takes minutes), at most $max_warmup s
    sleep "$warmup"; warmed=$warmup; last=0
    while [ "$warmed" -lt "$max_warmup" ]; do
      wp0=$(kasa polls); wc0=$(cpu_us "$gw"); sleep 30; wp1=$(kasa polls); wc1=$(cpu_us "$gw"); warmed=$(( warmed + 30 ))
      now=$(( (wc1 - wc0) / (wp1 - wp0 > 0 ? wp1 - wp0 : 1) ))
      echo "  warming up, ${warmed} s: $now us CPU per poll" >&2
      [ "$last" -gt 0 ] && [ $(( (now > last ? now - last : last - now) * 10 )) -lt "$last" ] && break
      last=$now
    done
    polls0=$(kasa polls); failed0=$(kasa failedPolls); missed0=$(kasa missedPolls); cpu0=$(cpu_us "$gw")
    sleep "$seconds"
    polls1=$(kasa polls); failed1=$(kasa failedPolls); missed1=$(kasa missedPolls); cpu1=$(cpu_us "$gw")
    p99=$(kasa pollLatencyP99Ms)
    kill "$gw"; wait "$gw" 2>/dev/null || true
    g_polls=$(( polls1 - polls0 )); g_missed=$(( failed1 - failed0 + missed1 - missed0 ))
    g_rate=$(awk -v p="$g_polls" -v s="$seconds" 'BEGIN { printf "%.1f", p / s }')
    g_cpu=$(awk -v c="$(( cpu1 - cpu0 ))" -v p="$g_polls" 'BEGIN { printf "%.0f", (p > 0 ? c / p : 0) }')

    # the reference: the same polls by tplink-smarthome-api
    node_json=$(cd "$node_dir" && node poller.js "$mode" "$interval_ms" "$warmed" "$seconds" $ports)
    read -r n_polls n_missed n_cpu n_p99 < <(printf '%s' "$node_json" | python3 -c "import json,sys; r=json.load(sys.stdin); \
  print(r['polls'], r['failed'] + r['missed'], r['cpu_us'], r['p99_ms'])")
    n_cpu_per=$(awk -v c="$n_cpu" -v p="$n_polls" 'BEGIN { printf "%.0f", (p > 0 ? c / p : 0) }')
    echo "plugs=$n, $mode connections: gateway $g_rate polls/s, p99 $p99 ms, missed $g_missed, $g_cpu us CPU per poll;" \
      "tplink-smarthome-api $n_polls polls, p99 $n_p99 ms, missed $n_missed, $n_cpu_per us CPU per poll"
    result="RESULT plugs=$n polls_per_s=$g_rate p99_ms=$p99 missed=$g_missed gateway_cpu_us_per_poll=$g_cpu node_cpu_us_per_poll=$n_cpu_per connection=$mode warmup_s=$warmed"
  done
  exec 7>&-
  kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true
done
echo "$result"
