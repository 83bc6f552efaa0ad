# Sourced by the bench scripts. freeport prints a random loopback port free for both TCP and UDP (DNS
# servers bind both) and below the kernel's ephemeral range, so that the load a bench just generated
# (thousands of client sockets on ephemeral ports, many in TIME_WAIT) cannot already hold it.
freeport() {
  python3 - <<'PY'
import random, socket, sys
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for _ in range(1000):
    port = random.randrange(10000, low)
    try:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            with socket.socket(socket.AF_INET, kind) as s:
                s.bind(("127.0.0.1", port))
    except OSError:
        continue
    print(port)
    break
else:
    sys.exit("no free port below " + str(low))
PY
}
