#!/usr/bin/env bash
# Start-up budget: starts the unpacked distribution and measures, from the launch of bin/understudy, the time
# to the first DNS answer for an intercepted name, to the first proxy reply (200) to a station upload, and to
# /api/status; then, once idle, the CPU it uses (share of one core over IDLE_SECONDS, 30 by default, counted
# from SETTLE_SECONDS, 30, after it serves: the JIT compilers are still busy in the first seconds) and its resident
# memory at the end of that window (the JVM trims its C heap every 5 s). Goals on the 2-core reference box: DNS and proxy serving within 2 s; idle, RSS <= 128 MB (with the Web
# Console) and <= 1 % of a core.
#
# A gateway archives the classes it loads at its first clean stop and maps them at every later start (see
# bin/understudy): one unmeasured start and stop comes first, as after an installation. The measured starts are
# restarts, as after a power cut: the data directory of the runs before stays (the store reopens its database, the
# profiles plugin finds the names of the profile files the schema passed). Then as many starts with an empty data
# directory, as the first start of an installation, give fresh_dns_s and fresh_proxy_s.
#
#   bench/startup.sh [runs]        (default 5 runs; the median is reported)
# Builds the distribution if needed. Last line:
# RESULT dns_s=<median> proxy_s=<median> status_s=<median> rss_mb=<median> idle_cpu_pct=<median> dns_max_s=... proxy_max_s=...
#        rss_max_mb=... fresh_dns_s=<median> fresh_proxy_s=<median> runs=<n>
set -euo pipefail
runs=${1:-5}
. "$(dirname "$0")/lib.sh"
need_packages python3 curl
need_distribution
work=$(mktemp -d /tmp/understudy-startup.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
copy_distribution "$work/understudy"
port=$(freeport); dns_port=$(freeport); proxy_port=$(freeport); tls_port=$(freeport)
idle_s=${IDLE_SECONDS:-30}
settle_s=${SETTLE_SECONDS:-30}
cat > "$work/probe.py" <<'PY'
# Launches the gateway and polls DNS, the proxy and the status API every 10 ms until all three answered.
import base64, os, socket, subprocess, sys, time
home, web, dns, proxy, idle, out, settle = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]),
                                           sys.argv[6], float(sys.argv[7]))
query = (b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
         + b"".join(bytes([len(l)]) + l.encode() for l in "bskybackend.bloomsky.com".split(".")) + b"\x00\x00\x01\x00\x01")
upload = (b'POST /devc/skydevice/?Info={"DeviceID":"BENCH0000001","Temperature":1.5,"TS":%d} HTTP/1.1\r\n'
          b"Host: bskybackend.bloomsky.com\r\nContent-Length: 0\r\nConnection: close\r\n\r\n") % int(time.time())
status = ("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\nConnection: close\r\n\r\n"
          % base64.b64encode(b"admin:bench").decode()).encode()
def ask_tcp(port, request, expect):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(request)
            return s.recv(64).startswith(expect)
    except OSError:
        return False
t0 = time.monotonic()
gateway = subprocess.Popen([home + "/bin/understudy"], stdout=open(out, "w"), stderr=subprocess.STDOUT)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.settimeout(0.01)
seen = {}
while len(seen) < 3 and time.monotonic() - t0 < 30 and gateway.poll() is None:
    if "dns" not in seen:
        try:
            udp.sendto(query, ("127.0.0.1", dns))
            reply = udp.recv(512)
            if reply[3] & 0x0F == 0 and reply[7] > 0:
                seen["dns"] = time.monotonic() - t0
        except OSError:
            pass
    if "proxy" not in seen and ask_tcp(proxy, upload, b"HTTP/1.1 200"):
        seen["proxy"] = time.monotonic() - t0
    if "status" not in seen and ask_tcp(web, status, b"HTTP/1.1 200"):
        seen["status"] = time.monotonic() - t0
    time.sleep(0.01)
if len(seen) < 3:
    gateway.kill()
    sys.exit("not serving within 30 s (answered: %s); see %s" % (sorted(seen), out))
rss = 0
cpu_pct = 0.0
def cpu_seconds():
    fields = open("/proc/%d/stat" % gateway.pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
if idle > 0:
    time.sleep(settle)
    cpu0, t1 = cpu_seconds(), time.monotonic()
    time.sleep(idle)
    cpu_pct = 100 * (cpu_seconds() - cpu0) / (time.monotonic() - t1)
    rss = next(int(l.split()[1]) for l in open("/proc/%d/status" % gateway.pid) if l.startswith("VmRSS")) / 1024
gateway.terminate()
gateway.wait(15)
print("%.3f %.3f %.3f %.1f %.2f" % (seen["dns"], seen["proxy"], seen["status"], rss, cpu_pct))
PY
export UNDERSTUDY_WEB_PORT=$port UNDERSTUDY_ADMIN_PASSWORD=bench UNDERSTUDY_DNS_HOST=127.0.0.1 UNDERSTUDY_DNS_PORT=$dns_port \
  UNDERSTUDY_PROXY_HOST=127.0.0.1 UNDERSTUDY_PROXY_PORT=$proxy_port UNDERSTUDY_PROXY_TLS_PORT=$tls_port
# the shipped conf/ is for production (DNS :53, proxy :80 on every address): the variables keep it on loopback
python3 "$work/probe.py" "$work/understudy" "$port" "$dns_port" "$proxy_port" 0 "$work/first.log" 0 >/dev/null
dnss=(); proxies=(); statuses=(); rsses=(); cpus=()
for i in $(seq 1 "$runs"); do
  read -r d p s r c < <(python3 "$work/probe.py" "$work/understudy" "$port" "$dns_port" "$proxy_port" "$idle_s" "$work/run$i.log" "$settle_s")
  dnss+=("$d"); proxies+=("$p"); statuses+=("$s"); rsses+=("$r"); cpus+=("$c")
  echo "run $i: DNS ${d} s, proxy ${p} s, status API ${s} s; idle: ${c} % of a core over ${idle_s} s from ${settle_s} s after serving, then rss ${r} MB"
done
fresh_dnss=(); fresh_proxies=()
for i in $(seq 1 "$runs"); do
  rm -rf "$work/understudy/data"
  read -r d p _ < <(python3 "$work/probe.py" "$work/understudy" "$port" "$dns_port" "$proxy_port" 0 "$work/fresh$i.log" 0)
  fresh_dnss+=("$d"); fresh_proxies+=("$p")
  echo "fresh data, run $i: DNS ${d} s, proxy ${p} s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
maxof() { printf '%s\n' "$@" | sort -n | tail -1; }
echo "RESULT dns_s=$(median "${dnss[@]}") proxy_s=$(median "${proxies[@]}") status_s=$(median "${statuses[@]}") rss_mb=$(median "${rsses[@]}") idle_cpu_pct=$(median "${cpus[@]}") dns_max_s=$(maxof "${dnss[@]}") proxy_max_s=$(maxof "${proxies[@]}") rss_max_mb=$(maxof "${rsses[@]}") fresh_dns_s=$(median "${fresh_dnss[@]}") fresh_proxy_s=$(median "${fresh_proxies[@]}") runs=$runs"
