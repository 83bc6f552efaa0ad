#!/usr/bin/env bash
# DNS throughput: Understudy against dnsmasq with the same override, on loopback, in one run.
#   (a) an intercepted name (answered locally by both)
#   (b) a forwarded name served from cache (both forward to the same "origin" dnsmasq and cache)
# Goals on the 2-core reference box: (a) >= 1.2x dnsmasq, (b) >= 1.5x dnsmasq.
#
#   bench/dns.sh [seconds per run] [warm-up seconds per name] [rounds]        (defaults 5, 10 and 3)
# Each round measures dnsmasq then Understudy on both names; the ratios are taken per round and their median
# reported: the machine's speed drifts over a minute by more than the difference measured, and alternating
# keeps both sides under the same drift.
# Builds the distribution if needed and installs dnsmasq, dnsperf and dig if missing.
# Last line: RESULT intercepted_qps=... intercepted_ratio=... cached_qps=... cached_ratio=... (medians over the rounds)
set -euo pipefail
seconds=${1:-5}
warmup=${2:-10}
rounds=${3:-3}
clients=${DNSPERF_CLIENTS:-8}
threads=${DNSPERF_THREADS:-1}
. "$(dirname "$0")/lib.sh"
need_packages dnsmasq-base dnsperf dnsutils curl python3
need_distribution
work=$(mktemp -d /tmp/understudy-dnsbench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
origin_port=$(freeport); peer_port=$(freeport); us_port=$(freeport); web_port=$(freeport)
intercepted=bskybackend.bloomsky.com
cached=cached.bench.test

# the origin: the "internet" both resolvers forward to
cat > "$work/origin.conf" <<CONF
no-resolv
no-hosts
listen-address=127.0.0.1
port=$origin_port
bind-interfaces
address=/$cached/10.9.8.7
local-ttl=3600
CONF
dnsmasq -C "$work/origin.conf" -k --pid-file="$work/origin.pid" & pids+=($!)

# the peer: dnsmasq doing the same job as Understudy
cat > "$work/peer.conf" <<CONF
no-resolv
no-hosts
listen-address=127.0.0.1
port=$peer_port
bind-interfaces
server=127.0.0.1#$origin_port
address=/$intercepted/127.0.0.1
local-ttl=5
cache-size=10000
CONF
dnsmasq -C "$work/peer.conf" -k --pid-file="$work/peer.pid" & pids+=($!)

# Understudy: the same override as a rule (no device profile is needed for the wire path measured)
copy_distribution "$work/understudy"
rm -rf "$work/understudy/data"/*
echo "A $intercepted self" > "$work/understudy/conf/dns.rules"
printf 'host=127.0.0.1\nport=%s\nupstreams=127.0.0.1:%s\nrateLimit=0\nqueryLogSize=1000\n' "$us_port" "$origin_port" \
  > "$work/understudy/conf/understudy.dns.cfg"
UNDERSTUDY_WEB_PORT=$web_port UNDERSTUDY_ADMIN_PASSWORD=bench UNDERSTUDY_LOG_LEVEL=WARN \
  UNDERSTUDY_PROXY_HOST=127.0.0.1 UNDERSTUDY_PROXY_PORT=$(freeport) UNDERSTUDY_PROXY_TLS_PORT=$(freeport) \
  "$work/understudy/bin/understudy" > "$work/understudy.log" 2>&1 & pids+=($!)
for _ in $(seq 1 100); do
  [ "$(dig +short +time=1 +tries=1 @127.0.0.1 -p "$us_port" "$intercepted" 2>/dev/null)" = 127.0.0.1 ] && break
  sleep 0.1
done
[ "$(dig +short @127.0.0.1 -p "$us_port" "$intercepted")" = 127.0.0.1 ] || { echo "Understudy DNS not answering" >&2; cat "$work/understudy.log" >&2; exit 1; }
[ "$(dig +short @127.0.0.1 -p "$peer_port" "$cached")" = 10.9.8.7 ] || { echo "dnsmasq peer not answering" >&2; exit 1; }
[ "$(dig +short @127.0.0.1 -p "$us_port" "$cached")" = 10.9.8.7 ] || { echo "Understudy does not forward" >&2; exit 1; }

echo "$intercepted A" > "$work/intercepted.txt"
echo "$cached A" > "$work/cached.txt"
run() { # port queryfile -> qps
  dnsperf -s 127.0.0.1 -p "$1" -d "$2" -l "$seconds" -c "$clients" -T "$threads" -q 500 -t 2 2>&1 | tee -a "$work/dnsperf.log" \
    | awk '/Queries per second/ {print $4}'
}
# warm-up (JIT, caches), not counted: long enough for C2 to compile the hot paths, as in bench/proxy.sh
dnsperf -s 127.0.0.1 -p "$us_port" -d "$work/intercepted.txt" -l "$warmup" -c "$clients" >/dev/null 2>&1 || true
dnsperf -s 127.0.0.1 -p "$us_port" -d "$work/cached.txt" -l "$warmup" -c "$clients" >/dev/null 2>&1 || true
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
a_peers=(); a_uss=(); a_ratios=(); b_peers=(); b_uss=(); b_ratios=()
for r in $(seq 1 "$rounds"); do
  a_peer=$(run "$peer_port" "$work/intercepted.txt"); a_us=$(run "$us_port" "$work/intercepted.txt")
  b_peer=$(run "$peer_port" "$work/cached.txt"); b_us=$(run "$us_port" "$work/cached.txt")
  a_ratio=$(ratio "$a_us" "$a_peer"); b_ratio=$(ratio "$b_us" "$b_peer")
  echo "round $r: intercepted: understudy $a_us qps, dnsmasq $a_peer qps (${a_ratio}x);" \
    "cached: understudy $b_us qps, dnsmasq $b_peer qps (${b_ratio}x)"
  a_peers+=("$a_peer"); a_uss+=("$a_us"); a_ratios+=("$a_ratio")
  b_peers+=("$b_peer"); b_uss+=("$b_us"); b_ratios+=("$b_ratio")
done
lost=$(awk '/Queries lost/ {print $3}' "$work/dnsperf.log" | paste -sd' ')
echo "queries lost per run (dnsmasq a, us a, dnsmasq b, us b, per round): $lost"
echo "RESULT intercepted_qps=$(median "${a_uss[@]}") intercepted_ratio=$(median "${a_ratios[@]}") cached_qps=$(median "${b_uss[@]}") cached_ratio=$(median "${b_ratios[@]}") dnsmasq_intercepted_qps=$(median "${a_peers[@]}") dnsmasq_cached_qps=$(median "${b_peers[@]}") rounds=$rounds seconds=$seconds warmup_s=$warmup"
