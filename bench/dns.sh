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
# Each run also reads each server's own CPU time (all its threads) from /proc: its CPU per answered query, and its
# share of one core. A server well below 100 % of a core was not the bound of its run: the load generator, on the
# same two cores, was; the throughput ratio then measures how cheaply each server's answers reach dnsperf, and the
# CPU per query is the server's own cost.
# Builds the distribution if needed and installs dnsmasq, dnsperf and dig if missing.
# Last line: RESULT intercepted_qps=... intercepted_ratio=... cached_qps=... cached_ratio=... dnsmasq_..._qps=...
#   cached_cpu_us_per_query=... dnsmasq_cached_cpu_us_per_query=... cached_cpu_pct=... dnsmasq_cached_cpu_pct=...
#   (medians over the rounds)
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
dnsmasq -C "$work/peer.conf" -k --pid-file="$work/peer.pid" & pids+=($!); peer_pid=$!

# Understudy: the same override as a rule (no device profile is needed for the wire path measured)
copy_distribution "$work/understudy"
rm -rf "$work/understudy/data"/*
echo "A $intercepted self" > "$work/understudy/conf/dns.rules"
printf 'host=127.0.0.1\nport=%s\nupstreams=127.0.0.1:%s\nrateLimit=0\nqueryLogSize=1000\n' "$us_port" "$origin_port" \
  > "$work/understudy/conf/understudy.dns.cfg"
UNDERSTUDY_WEB_PORT=$web_port UNDERSTUDY_ADMIN_PASSWORD=bench UNDERSTUDY_LOG_LEVEL=WARN \
  UNDERSTUDY_PROXY_HOST=127.0.0.1 UNDERSTUDY_PROXY_PORT=$(freeport) UNDERSTUDY_PROXY_TLS_PORT=$(freeport) \
  "$work/understudy/bin/understudy" > "$work/understudy.log" 2>&1 & pids+=($!); us_pid=$!  # bin/understudy execs java
for _ in $(seq 1 100); do
  [ "$(dig +short +time=1 +tries=1 @127.0.0.1 -p "$us_port" "$intercepted" 2>/dev/null)" = 127.0.0.1 ] && break
  sleep 0.1
done
[ "$(dig +short @127.0.0.1 -p "$us_port" "$intercepted")" = 127.0.0.1 ] || { echo "Understudy DNS not answering" >&2; cat "$work/understudy.log" >&2; exit 1; }
[ "$(dig +short @127.0.0.1 -p "$peer_port" "$cached")" = 10.9.8.7 ] || { echo "dnsmasq peer not answering" >&2; exit 1; }
[ "$(dig +short @127.0.0.1 -p "$us_port" "$cached")" = 10.9.8.7 ] || { echo "Understudy does not forward" >&2; exit 1; }

echo "$intercepted A" > "$work/intercepted.txt"
echo "$cached A" > "$work/cached.txt"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system time of a process, in clock ticks
hz=$(getconf CLK_TCK)
run() { # port queryfile server-pid -> "qps cpu_us_per_query cpu_pct" (the server's CPU over the run, all its threads)
  local before after out
  before=$(cpu_ticks "$3")
  out=$(dnsperf -s 127.0.0.1 -p "$1" -d "$2" -l "$seconds" -c "$clients" -T "$threads" -q 500 -t 2 2>&1 | tee -a "$work/dnsperf.log")
  after=$(cpu_ticks "$3")
  awk -v ticks=$((after - before)) -v hz="$hz" '
    /Queries completed/ {n = $3} /Run time/ {t = $4} /Queries per second/ {q = $4}
    END { cpu = ticks / hz; printf "%.0f %.2f %.0f\n", q, (n > 0 ? cpu * 1e6 / n : 0), (t > 0 ? cpu * 100 / t : 0) }' <<<"$out"
}
# warm-up (JIT, caches), not counted: long enough for C2 to compile the hot paths, as in bench/proxy.sh
dnsperf -s 127.0.0.1 -p "$us_port" -d "$work/intercepted.txt" -l "$warmup" -c "$clients" >/dev/null 2>&1 || true
dnsperf -s 127.0.0.1 -p "$us_port" -d "$work/cached.txt" -l "$warmup" -c "$clients" >/dev/null 2>&1 || true
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
a_peers=(); a_uss=(); a_ratios=(); b_peers=(); b_uss=(); b_ratios=(); us_costs=(); peer_costs=(); us_pcts=(); peer_pcts=()
for r in $(seq 1 "$rounds"); do
  read -r a_peer a_peer_cost a_peer_pct < <(run "$peer_port" "$work/intercepted.txt" "$peer_pid")
  read -r a_us a_us_cost a_us_pct < <(run "$us_port" "$work/intercepted.txt" "$us_pid")
  read -r b_peer b_peer_cost b_peer_pct < <(run "$peer_port" "$work/cached.txt" "$peer_pid")
  read -r b_us b_us_cost b_us_pct < <(run "$us_port" "$work/cached.txt" "$us_pid")
  a_ratio=$(ratio "$a_us" "$a_peer"); b_ratio=$(ratio "$b_us" "$b_peer")
  echo "round $r: intercepted: understudy $a_us qps (${a_us_cost} us CPU/query, ${a_us_pct} % of a core)," \
    "dnsmasq $a_peer qps (${a_peer_cost} us, ${a_peer_pct} %): ${a_ratio}x;" \
    "cached: understudy $b_us qps (${b_us_cost} us, ${b_us_pct} %), dnsmasq $b_peer qps (${b_peer_cost} us, ${b_peer_pct} %): ${b_ratio}x"
  a_peers+=("$a_peer"); a_uss+=("$a_us"); a_ratios+=("$a_ratio")
  b_peers+=("$b_peer"); b_uss+=("$b_us"); b_ratios+=("$b_ratio")
  us_costs+=("$b_us_cost"); peer_costs+=("$b_peer_cost"); us_pcts+=("$b_us_pct"); peer_pcts+=("$b_peer_pct")
done
lost=$(awk '/Queries lost/ {print $3}' "$work/dnsperf.log" | paste -sd' ')
echo "queries lost per run (dnsmasq a, us a, dnsmasq b, us b, per round): $lost"
echo "RESULT intercepted_qps=$(median "${a_uss[@]}") intercepted_ratio=$(median "${a_ratios[@]}") cached_qps=$(median "${b_uss[@]}") cached_ratio=$(median "${b_ratios[@]}") dnsmasq_intercepted_qps=$(median "${a_peers[@]}") dnsmasq_cached_qps=$(median "${b_peers[@]}") cached_cpu_us_per_query=$(median "${us_costs[@]}") dnsmasq_cached_cpu_us_per_query=$(median "${peer_costs[@]}") cached_cpu_pct=$(median "${us_pcts[@]}") dnsmasq_cached_cpu_pct=$(median "${peer_pcts[@]}") rounds=$rounds seconds=$seconds warmup_s=$warmup"
