#!/usr/bin/env bash
# Sink benchmark: how fast a backlog of readings (recorded while the InfluxDB sink was off) drains into a
# real influxd 1.x on loopback, every point counted back in InfluxDB, and the same points POSTed straight to
# the same influxd by one writer (what influxd takes on this machine). Goal: >= 150,000 points/s on the reference
# box; the ratio tells whether the sink or influxd is the limit on this one. A first backlog of a third as many
# (at least 50,000) is drained before the measured one, as by a gateway that has been running; its figure is
# reported as cold_points_per_s (the JIT compiling the path on the same cores).
#
#   bench/sink.sh [readings] [batch size]      (defaults 300000 and 10000)
# Installs influxdb if missing and the sink module (with what it depends on) into the local Maven repository.
# Last line: RESULT influx_drain_points_per_s=... direct_points_per_s=... ratio=... cold_points_per_s=... points=... counted=... batch=...
set -euo pipefail
readings=${1:-300000}
batch=${2:-10000}
. "$(dirname "$0")/lib.sh"
need_packages influxdb curl
cp=$(module_test_classpath plugins/sink-influxdb)
work=$(mktemp -d "${TMPDIR:-/tmp}/understudy-sinkbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
java -Xmx1g -cp "$cp" \
  org.understudy.sink.influxdb.SinkBench "$work" "$readings" "$batch" 2>"$work/stderr.log" | tee "$work/out.txt"
grep -q '^RESULT' "$work/out.txt" || { cat "$work/stderr.log" >&2; exit 1; }
