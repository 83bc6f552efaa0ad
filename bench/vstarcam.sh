#!/usr/bin/env bash
# VStarCam sessions at scale: N fake cameras (FakeCameraFleet: one Java process, one thread, each camera on a loopback
# address of its own with the real ports), each held in a PPPP LAN session by the gateway (the real distribution) at a
# 1 s keepalive; the cameras send their own Alive every 0.5 s, as real ones do. At N = 20 and N = 200.
#
# Reported per N, over a measured window after a warm-up:
#   missed               the cameras' Alives the gateway did not answer before the camera's next one (counted by the
#                        cameras, not by the gateway); the goal is 0
#   keepalives_per_s     keepalive exchanges per second (the cameras' Alives answered + the gateway's own answered)
#   cpu_us_per_keepalive the gateway's CPU time (user + system) per exchange, after taking away what the same gateway
#                        used idle, without cameras, over as long a window
#   sessions_per_core    N divided by the share of a core the sessions cost: how many a core would hold at this cost
#   rss_mb               the gateway's resident memory with N sessions
#
#   bench/vstarcam.sh [seconds measured] [sizes] [warm-up seconds]   (defaults 60, "20 200", 30)
# Needs: the distribution and the profile's test classes built (the README's build command does both), curl, python3.
# Last line (the last size): RESULT cameras=200 missed=... cpu_us_per_keepalive=... rss_mb=... sessions_per_core=... keepalives_per_s=...
set -euo pipefail
seconds=${1:-60}
sizes=${2:-"20 200"}
warmup=${3:-30}
. "$(dirname "$0")/lib.sh"
need_packages curl python3
need_distribution
module="$root/plugins/profile-vstarcam/target"
ls "$module"/understudy-profile-vstarcam-*-tests.jar >/dev/null 2>&1 || (cd "$root" && mvn -B -q package -DskipTests -pl plugins/profile-vstarcam -am)
classpath="$(ls "$module"/understudy-profile-vstarcam-*-tests.jar):$(ls "$module"/understudy-profile-vstarcam-*.jar | grep -v -- '-tests.jar' | head -1)"
work=$(mktemp -d /tmp/understudy-vstarcambench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT
rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
in_session() {
  curl -s -u admin:bench "http://127.0.0.1:$web/api/status" | python3 -c "import json,sys
s=json.load(sys.stdin); v=next((p for p in s['plugins'] if p['id']=='vstarcam'), {}); print((v.get('status') or {}).get('inSession', 0))"
}
# one counter of the fleet's stats line
counter() { printf '%s\n' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }
fleet_stats() { echo stats >&7; local line; read -r line <&8; printf '%s' "$line"; }

result=""
for n in $sizes; do
  # the gateway, idle first: no cameras
  home="$work/understudy.$n"
  copy_distribution "$home"
  web=$(freeport)
  UNDERSTUDY_WEB_PORT=$web UNDERSTUDY_ADMIN_PASSWORD=bench UNDERSTUDY_LOG_LEVEL=WARN UNDERSTUDY_DNS_HOST=127.0.0.1 \
    UNDERSTUDY_DNS_PORT=$(freeport) UNDERSTUDY_PROXY_HOST=127.0.0.1 UNDERSTUDY_PROXY_PORT=$(freeport) UNDERSTUDY_PROXY_TLS_PORT=0 \
    "$home/bin/understudy" > "$work/gateway.$n.log" 2>&1 & gw=$!; pids+=($gw)
  for _ in $(seq 1 300); do curl -sf -o /dev/null -u admin:bench "http://127.0.0.1:$web/api/status" && break; sleep 0.2; done
  sleep "$warmup"
  idle0=$(cpu_us "$gw"); sleep "$seconds"; idle1=$(cpu_us "$gw")

  # the cameras: 127.0.4.1 and the addresses after it
  mkfifo "$work/fleet.in.$n" "$work/fleet.out.$n"
  java -cp "$classpath" org.understudy.profile.vstarcam.FakeCameraFleet "$n" 127.0.4.1 8600 32108 \
    < "$work/fleet.in.$n" > "$work/fleet.out.$n" 2> "$work/fleet.err.$n" & fleet=$!; pids+=($fleet)
  exec 7> "$work/fleet.in.$n" 8< "$work/fleet.out.$n"
  read -r ready <&8
  [ "$ready" = ready ] || { echo "the fake cameras did not start: $ready" >&2; cat "$work/fleet.err.$n" >&2; exit 1; }
  cameras=$(python3 -c "import ipaddress,sys; print(','.join(str(ipaddress.ip_address('127.0.4.1') + i) for i in range(int(sys.argv[1]))))" "$n")
  # the cameras listed: the conf watcher applies it live, without a restart
  sed -i -e "s/^cameras=.*/cameras=$cameras/" -e 's/^keepaliveInterval=.*/keepaliveInterval=1s/' -e 's/^username=.*/username=/' \
    "$home/conf/understudy.vstarcam.cfg"
  for _ in $(seq 1 600); do [ "$(in_session 2>/dev/null || echo 0)" -ge "$n" ] 2>/dev/null && break; sleep 0.2; done
  held=$(in_session)
  [ "$held" -ge "$n" ] || { echo "only $held of $n cameras in session" >&2; tail -20 "$work/gateway.$n.log" >&2; exit 1; }
  sleep "$warmup"
  s0=$(fleet_stats); c0=$(cpu_us "$gw")
  sleep "$seconds"
  s1=$(fleet_stats); c1=$(cpu_us "$gw")
  rss=$(rss_mb "$gw")
  exec 7>&- 8<&-
  kill "$gw" "$fleet" 2>/dev/null || true; wait "$gw" "$fleet" 2>/dev/null || true

  missed=$(( $(counter "$s1" missedAnswers) - $(counter "$s0" missedAnswers) ))
  exchanges=$(( $(counter "$s1" alivesSent) - $(counter "$s0" alivesSent) + $(counter "$s1" gatewayAlivesAnswered) - $(counter "$s0" gatewayAlivesAnswered) ))
  read -r rate cpu_per share per_core < <(awk -v e="$exchanges" -v s="$seconds" -v c="$(( c1 - c0 ))" -v i="$(( idle1 - idle0 ))" -v n="$n" \
    'BEGIN { net = c - i; if (net < 0) net = 0; share = net / (s * 1000000);
             printf "%.0f %.1f %.4f %.0f\n", e / s, (e > 0 ? net / e : 0), share, (share > 0 ? n / share : 0) }')
  echo "cameras=$n: in session $held, $rate keepalive exchanges/s, missed $missed; gateway CPU $(( (c1 - c0) / seconds )) us/s" \
    "(idle $(( (idle1 - idle0) / seconds )) us/s), $cpu_per us per exchange, $share of a core for the sessions, RSS $rss MB"
  result="RESULT cameras=$n missed=$missed cpu_us_per_keepalive=$cpu_per rss_mb=$rss sessions_per_core=$per_core keepalives_per_s=$rate"
done
echo "$result"
