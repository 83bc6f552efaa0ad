#!/usr/bin/env bash
# Proxy throughput: wrk through Understudy and through nginx proxy_pass to the same local upstream (an
# nginx answering like the Bloomsky backend), with a ~340-byte Bloomsky-style POST, every request's
# reading recorded durably by Understudy; then the upstream is stopped and Understudy's offline
# impersonation rate is measured (readings still durable).
# Goals on the 2-core reference box: online >= 1.0x nginx, offline >= 20,000 replies/s. Understudy is
# measured after a warm-up (the JIT compiles its hot paths; nginx needs none), as a gateway runs for days.
# Also: how many readings one store commit (one fsync) covered with 1 connection, with [connections] and with 64
# (offline, the store's own pace): the goal is >= 0.75 x the connections.
#
#   [FSYNC_DELAY_MS=5] bench/proxy.sh [seconds] [connections] [warm-up seconds]     (defaults 10, 16 and 10)
# FSYNC_DELAY_MS: every fsync of the gateway waits that long first (bench/fsync-delay.c preloaded), as on an SD card.
# Needs: the distribution built, nginx, wrk, dnsmasq, curl.
# Then 50,000 malformed requests (bench/malformed.py); the proxy must still answer. Memory: the gateway's largest RSS
# under the load (sampled every 0.5 s) and its RSS after the malformed requests; the goal is <= 160 MB for both.
# Last line: RESULT online_rps=... nginx_rps=... online_ratio=... offline_rps=... online_p50_ms=... nginx_p50_ms=...
#   per_commit_1=... per_commit_<connections>=... per_commit_64=... offline_rps_64=... rss_load_mb=... rss_malformed_mb=...
#   fsync_delay_ms=... warmup_s=...
set -euo pipefail
seconds=${1:-10}
connections=${2:-16}
warmup=${3:-10}
. "$(dirname "$0")/lib.sh"
need_packages nginx-light wrk dnsmasq-base curl python3
need_distribution
work=$(mktemp -d /tmp/understudy-proxybench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/upstream.pid" ] && kill "$(cat "$work/upstream.pid")" 2>/dev/null || true
  [ -f "$work/peer.pid" ] && kill "$(cat "$work/peer.pid")" 2>/dev/null || true
  wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT
up=$(freeport); peer=$(freeport); us=$(freeport); web=$(freeport); dns=$(freeport)
host=bskybackend.bloomsky.com
reply='{"ResponseValue":200,"Message":0,"SunsetTime":1480938629,"TS":1480908995,"SunriseTime":1480900578}'
nginx_conf() { # name port body
  cat > "$work/$1.conf" <<CONF
worker_processes 1;
pid $work/$1.pid;
error_log $work/$1.error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/$1.body; proxy_temp_path $work/$1.proxy;
  fastcgi_temp_path $work/$1.fcgi; uwsgi_temp_path $work/$1.uwsgi; scgi_temp_path $work/$1.scgi;
  server { listen 127.0.0.1:$2; $3 }
}
CONF
}
nginx_conf upstream "$up" "location / { default_type application/json; return 200 '$reply'; }"
nginx_conf peer "$peer" "location / { proxy_pass http://127.0.0.1:$up; proxy_http_version 1.1; proxy_set_header Connection \"\"; }"
nginx -c "$work/upstream.conf"; nginx -c "$work/peer.conf"
printf 'no-resolv\nno-hosts\nlisten-address=127.0.0.1\nbind-interfaces\nport=%s\naddress=/%s/127.0.0.1\n' "$dns" "$host" > "$work/dnsmasq.conf"
dnsmasq -k -C "$work/dnsmasq.conf" --pid-file= & pids+=($!)

copy_distribution "$work/understudy"
# every wrk connection comes from 127.0.0.1: the per-address connection limit (32) is raised for the 64-connection run
printf 'host=127.0.0.1\nport=%s\ntlsPort=%s\nresolvers=127.0.0.1:%s\nbackendPort=%s\nmaxConnectionsPerClient=128\n' "$us" "$(freeport)" "$dns" "$up" > "$work/understudy/conf/understudy.proxy.cfg"
preload=
[ -z "${FSYNC_DELAY_MS:-}" ] || preload=$(fsync_delay_library "$work")
LD_PRELOAD="$preload" UNDERSTUDY_WEB_PORT=$web UNDERSTUDY_ADMIN_PASSWORD=bench UNDERSTUDY_LOG_LEVEL=WARN UNDERSTUDY_DNS_HOST=127.0.0.1 \
  UNDERSTUDY_DNS_PORT=$(freeport) "$work/understudy/bin/understudy" > "$work/understudy.log" 2>&1 & gw=$!; pids+=($gw)
# the gateway's resident memory, sampled every half second while the bench runs (the largest is reported)
( while kill -0 "$gw" 2>/dev/null; do awk '/^VmRSS/ { print $2 }' "/proc/$gw/status" 2>/dev/null; sleep 0.5; done ) > "$work/rss.kb" &
pids+=($!)
rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$gw/status"; }
info='{"DeviceID":"94A1A2733B1A","FWVersion1":"1.4.0","FWVersion2":"1.2.4","HWVersion":"1.0.1","DeviceType":"SKY1","Temperature":16.33,"Humidity":34,"Voltage":2586,"UVIndex":1234,"Luminance":2689636,"Rain":0,"Pressure":669,"ChargerStatus":0,"TS":1480867686}'
# single-quoted Lua strings: the JSON is full of double quotes. Non-200 answers are counted and shown.
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.path = '/devc/skydevice/?Info=$info'
wrk.headers["Host"] = "$host"
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.body = ""
local counts = {}
response = function(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
LUA
for _ in $(seq 1 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Host: $host" "http://127.0.0.1:$us/devc/skydevice/" || true)
  [ "$code" = 200 ] && break; sleep 0.1
done
[ "$code" = 200 ] || { echo "Understudy proxy not answering" >&2; cat "$work/understudy.log" >&2; exit 1; }
rps() { awk '/Requests\/sec/ {print $2}'; }
# the median from wrk --latency, in milliseconds (wrk prints us, ms or s)
p50() { awk '$1 == "50%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
  printf "%.3f", (u == "us" ? v / 1000 : (u == "s" ? v * 1000 : v)) }'; }
# wrk prints "Non-2xx or 3xx responses: N" when there were any; a run with failures is not a result
check() { if grep -q 'Non-2xx' "$1"; then echo "$(basename "$1" .out): $(grep -h 'Non-2xx' "$1")" >&2; fi; }
# the store's commits and the readings they covered, from the status API (a commit also carries the flows)
commits() { curl -s -u admin:bench "http://127.0.0.1:$web/api/status" | python3 -c 'import json,sys
s = next(p for p in json.load(sys.stdin)["plugins"] if p["id"] == "store-sqlite")["status"]; print(s["commits"], s["committedReadings"])'; }
# per_commit BEFORE AFTER: readings per commit between two commits() answers
per_commit() { awk -v b="$1" -v a="$2" 'BEGIN { split(b, x, " "); split(a, y, " "); n = y[1] - x[1];
  printf "%.1f", (n > 0 ? (y[2] - x[2]) / n : 0) }'; }
# warm-up: the JIT compiles the hot paths (its compiler threads took a fifth of the CPU in a 3 s warm-up)
wrk -t2 -c"$connections" -d"${warmup}s" -s "$work/post.lua" "http://127.0.0.1:$us" >/dev/null 2>&1 || true
nginx_rps=$(wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/post.lua" "http://127.0.0.1:$peer" | tee "$work/nginx.out" | rps)
c0=$(commits)
online_rps=$(wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/post.lua" "http://127.0.0.1:$us" | tee "$work/online.out" | rps)
per_commit_n=$(per_commit "$c0" "$(commits)")
# what one device waits when the box is not saturated: one connection, median latency
nginx_p50=$(wrk -t1 -c1 -d3s --latency -s "$work/post.lua" "http://127.0.0.1:$peer" | tee "$work/nginx1.out" | p50)
c0=$(commits)
online_p50=$(wrk -t1 -c1 -d3s --latency -s "$work/post.lua" "http://127.0.0.1:$us" | tee "$work/online1.out" | p50)
per_commit_1=$(per_commit "$c0" "$(commits)")
kill "$(cat "$work/upstream.pid")"; rm -f "$work/upstream.pid"; sleep 0.5
# notice the outage, and warm up the impersonation path as the online one was
wrk -t2 -c"$connections" -d"$(( warmup / 2 > 2 ? warmup / 2 : 2 ))s" -s "$work/post.lua" "http://127.0.0.1:$us" >/dev/null 2>&1 || true
offline_rps=$(wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/post.lua" "http://127.0.0.1:$us" | tee "$work/offline.out" | rps)
c0=$(commits)
offline_rps_64=$(wrk -t2 -c64 -d"$(( seconds / 2 > 3 ? seconds / 2 : 3 ))s" -s "$work/post.lua" "http://127.0.0.1:$us" | tee "$work/offline64.out" | rps)
per_commit_64=$(per_commit "$c0" "$(commits)")
rss_load=$(sort -n "$work/rss.kb" | tail -1 | awk '{ printf "%.0f", $1 / 1024 }')
# 50,000 malformed requests, 32 connections at a time: then the gateway must still answer, and its memory is read
malformed=$(python3 "$root/bench/malformed.py" 127.0.0.1 "$us" 50000 32)
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Host: $host" "http://127.0.0.1:$us/devc/skydevice/" || true)
[ "$code" = 200 ] || { echo "after the malformed requests the proxy answers $code" >&2; exit 1; }
rss_malformed=$(rss_mb); rss_peak=$(sort -n "$work/rss.kb" | tail -1 | awk '{ printf "%.0f", $1 / 1024 }')
echo "malformed requests answered: $malformed; RSS: $rss_load MB at most under load, $rss_malformed MB after the malformed requests ($rss_peak MB at most)"
status=$(curl -s -u admin:bench "http://127.0.0.1:$web/api/status")
stored=$(printf '%s' "$status" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(next(p for p in s["plugins"] if p["id"]=="store-sqlite")["status"]["committedWrites"])')
echo "nginx $nginx_rps rps, understudy online $online_rps rps, offline $offline_rps rps; one connection p50: nginx $nginx_p50 ms, understudy $online_p50 ms; store commits covered $stored writes"
echo "readings per store commit: $per_commit_1 with 1 connection, $per_commit_n with $connections, $per_commit_64 with 64 (offline, $offline_rps_64 rps)"
for f in "$work"/nginx.out "$work"/online.out "$work"/nginx1.out "$work"/online1.out "$work"/offline.out "$work"/offline64.out; do check "$f"; done
ratio=$(awk -v a="$online_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
echo "RESULT online_rps=$online_rps nginx_rps=$nginx_rps online_ratio=$ratio offline_rps=$offline_rps online_p50_ms=$online_p50 nginx_p50_ms=$nginx_p50 per_commit_1=$per_commit_1 per_commit_$connections=$per_commit_n per_commit_64=$per_commit_64 offline_rps_64=$offline_rps_64 rss_load_mb=$rss_load rss_malformed_mb=$rss_malformed fsync_delay_ms=${FSYNC_DELAY_MS:-0} warmup_s=$warmup"
