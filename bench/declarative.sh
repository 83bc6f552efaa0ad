#!/usr/bin/env bash
# Declarative profile cost: offline replies per second for the SmartMesh clouddata route (the shipped JSON file,
# every reading durable in SQLite before its reply) against the Bloomsky profile's offline rate (compiled Java)
# in the same gateway and run, and against nginx answering a static 200 to the same request.
# Goal: declarative >= 0.9x Bloomsky (the generic path costs almost nothing). Each request carries a different
# value, so that every one is a reading of its own (a repeated measurement would be recorded once), and comes
# on a new connection, as both devices send them (PublishToWeb posts without a session; the Bloomsky backend
# closes after each reply, and so does the gateway in its place). The declarative route is also measured with
# keep-alive connections (declarative_keepalive_rps).
#
#   bench/declarative.sh [seconds] [connections] [warm-up seconds]     (defaults 10, 16 and 10)
# Needs: the distribution built, nginx, wrk, dnsmasq, curl.
# Last line: RESULT declarative_offline_rps=... bloomsky_offline_rps=... ratio=... nginx_rps=... nginx_ratio=... declarative_keepalive_rps=...
set -euo pipefail
seconds=${1:-10}
connections=${2:-16}
warmup=${3:-10}
. "$(dirname "$0")/lib.sh"
need_packages nginx-light wrk dnsmasq-base curl python3
need_distribution
work=$(mktemp -d /tmp/understudy-declbench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/static.pid" ] && kill "$(cat "$work/static.pid")" 2>/dev/null || true
  wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT
static=$(freeport); us=$(freeport); web=$(freeport); dns=$(freeport); closed=$(freeport)
cat > "$work/static.conf" <<CONF
worker_processes 1;
pid $work/static.pid;
error_log $work/static.error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/body; proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fcgi; uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
  server { listen 127.0.0.1:$static; location / { return 200 ''; } }
}
CONF
nginx -c "$work/static.conf"
# both vendors resolve to loopback, where nothing listens on the backend port: the gateway answers for them
printf 'no-resolv\nno-hosts\nlisten-address=127.0.0.1\nbind-interfaces\nport=%s\naddress=/clouddata.dustcloud.org/127.0.0.1\naddress=/bskybackend.bloomsky.com/127.0.0.1\n' \
  "$dns" > "$work/dnsmasq.conf"
dnsmasq -k -C "$work/dnsmasq.conf" --pid-file= & pids+=($!)

copy_distribution "$work/understudy"
printf 'host=127.0.0.1\nport=%s\ntlsPort=0\nresolvers=127.0.0.1:%s\nbackendPort=%s\nconnectTimeout=500ms\n' "$us" "$dns" "$closed" \
  > "$work/understudy/conf/understudy.proxy.cfg"
UNDERSTUDY_WEB_PORT=$web UNDERSTUDY_ADMIN_PASSWORD=bench UNDERSTUDY_LOG_LEVEL=WARN UNDERSTUDY_DNS_HOST=127.0.0.1 \
  UNDERSTUDY_DNS_PORT=$(freeport) "$work/understudy/bin/understudy" > "$work/understudy.log" 2>&1 & pids+=($!)

# PublishToWeb's request, with a different temperature each time; the Bloomsky Info with a different TS
cat > "$work/smartmesh.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"mac": "33-33-33-33-33-33-%02x-%02x", "temperature": %.6f}', n % 7, n % 13, 20 + (n % 100000) / 10000)
  return wrk.format("POST", "/api/v1/oap", {["Host"] = "clouddata.dustcloud.org", ["Content-type"] = "application/json",
    ["Connection"] = connection}, body)
end
LUA
sed 's/^local n = 0$/local n = 0\nlocal connection = "close"/' "$work/smartmesh.lua" > "$work/smartmesh-close.lua"
sed -i 's/^local n = 0$/local n = 0\nlocal connection = "keep-alive"/' "$work/smartmesh.lua"
cat > "$work/bloomsky.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local info = string.format('{"DeviceID":"94A1A2733B%02X","FWVersion1":"1.4.0","FWVersion2":"1.2.4","HWVersion":"1.0.1","DeviceType":"SKY1","Temperature":16.33,"Humidity":34,"Voltage":2586,"UVIndex":1234,"Luminance":2689636,"Rain":0,"Pressure":669,"ChargerStatus":0,"TS":%d}', n % 7, 1480867686 + n)
  return wrk.format("POST", "/devc/skydevice/?Info=" .. info, {["Host"] = "bskybackend.bloomsky.com", ["Content-Type"] = "application/octet-stream",
    ["Connection"] = "close"}, "")
end
LUA
code=000
for _ in $(seq 1 200); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Host: clouddata.dustcloud.org" -H 'Content-type: application/json' \
    --data '{"mac": "33-33-33-33-33-33-33-33", "temperature": 21.5}' "http://127.0.0.1:$us/api/v1/oap" || true)
  [ "$code" = 200 ] && break; sleep 0.1
done
[ "$code" = 200 ] || { echo "Understudy not answering for clouddata.dustcloud.org ($code)" >&2; cat "$work/understudy.log" >&2; exit 1; }
rps() { awk '/Requests\/sec/ {print $2}'; }
check() { if grep -q 'Non-2xx\|Socket errors' "$1"; then echo "$(basename "$1" .out): $(grep -h 'Non-2xx\|Socket errors' "$1")" >&2; fi; }
load() { wrk -t2 -c"$connections" -d"$1" -s "$work/$2.lua" "http://127.0.0.1:$3"; }
readings() {
  curl -s -u admin:bench "http://127.0.0.1:$web/api/status" | python3 -c 'import json,sys
s = json.load(sys.stdin)
print(next(p for p in s["plugins"] if p["id"] == "store-sqlite")["status"].get("committedWrites", "?"))'
}
# warm-up of both paths (the JIT compiles them; the gateway learns that the backends are down)
load "${warmup}s" bloomsky "$us" >/dev/null 2>&1 || true
load "${warmup}s" smartmesh-close "$us" >/dev/null 2>&1 || true
before=$(readings)
bloomsky_rps=$(load "${seconds}s" bloomsky "$us" | tee "$work/bloomsky.out" | rps)
declarative_rps=$(load "${seconds}s" smartmesh-close "$us" | tee "$work/declarative.out" | rps)
keepalive_rps=$(load "${seconds}s" smartmesh "$us" | tee "$work/keepalive.out" | rps)
after=$(readings)
nginx_rps=$(load "${seconds}s" smartmesh-close "$static" | tee "$work/nginx.out" | rps)
for f in "$work"/bloomsky.out "$work"/declarative.out "$work"/keepalive.out "$work"/nginx.out; do check "$f"; done
echo "offline, a connection per request: declarative (SmartMesh file) $declarative_rps rps, Bloomsky (Java) $bloomsky_rps rps," \
  "nginx static 200 $nginx_rps rps; declarative with keep-alive $keepalive_rps rps; store writes committed: $before -> $after"
ratio=$(awk -v a="$declarative_rps" -v b="$bloomsky_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
nginx_ratio=$(awk -v a="$declarative_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
echo "RESULT declarative_offline_rps=$declarative_rps bloomsky_offline_rps=$bloomsky_rps ratio=$ratio nginx_rps=$nginx_rps nginx_ratio=$nginx_ratio declarative_keepalive_rps=$keepalive_rps"
