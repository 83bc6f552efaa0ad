# Sourced by the benches: finds the project and installs or builds what a bench needs, so that each runs on a
# fresh Debian machine right after the README's build command (installing needs root or sudo).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dist="$root/distribution/target/understudy"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# need_packages PACKAGE...: installs the Debian packages that are missing (servers are never started by it).
need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ ! -x /usr/sbin/policy-rc.d ]; then
    # never let Debian start the servers we install, on every interface
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod 755 /usr/sbin/policy-rc.d
  fi
  echo "installing ${missing[*]}" >&2
  as_root apt-get update -q >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# need_distribution: the unpacked distribution, built if it is not there.
need_distribution() {
  [ -x "$dist/bin/understudy" ] || (cd "$root" && mvn -B -q package -DskipTests)
}

# copy_distribution DIR: the distribution copied to DIR, with no data, no cache (a quick start in place leaves one
# made for that path) and no LAN discovery (a bench sends traffic to loopback only, never broadcasts to the LAN; the
# cameras' sockets bind loopback).
copy_distribution() {
  cp -r "$dist" "$1"; rm -rf "$1/data"/* "$1/cache"
  sed -i -e 's/^broadcastAddresses=.*/broadcastAddresses=/' -e 's/^klapDiscoveryPort=.*/klapDiscoveryPort=0/' "$1/conf/understudy.kasa.cfg"
  sed -i -e 's/^broadcastAddresses=.*/broadcastAddresses=/' -e 's/^bindAddress=.*/bindAddress=127.0.0.1/' -e 's/^cloudPort=.*/cloudPort=0/' \
    "$1/conf/understudy.vstarcam.cfg"
}

# need_installed MODULE: the module and what it depends on, installed in the local Maven repository (a bench
# that runs a module's test classes resolves its dependencies from there).
need_installed() {
  (cd "$root" && mvn -B -q install -DskipTests -pl "$1" -am)
}

# module_test_classpath MODULE: the module installed with what it depends on, its test classes compiled, and the class
# path that runs them (test classes, classes, test-scope dependencies), printed.
module_test_classpath() {
  local module="$root/$1" cp_file
  # Maven's own output goes to stderr: stdout is the class path alone
  need_installed "$1" >&2
  (cd "$root" && mvn -B -q test-compile -pl "$1") >&2
  cp_file=$(mktemp)
  (cd "$module" && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test) >&2
  echo "$module/target/test-classes:$module/target/classes:$(cat "$cp_file")"
  rm -f "$cp_file"
}

# cpu_us PID: the CPU time of a process so far (user + system), in microseconds, from /proc.
cpu_us() { awk -v t="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000000 / t }' "/proc/$1/stat"; }

# fsync_delay_library DIR: builds bench/fsync-delay.c into DIR/fsync-delay.so and prints its path. Preloaded
# (LD_PRELOAD) with FSYNC_DELAY_MS=5, every fsync and fdatasync of that process waits 5 ms first: an SD card's
# flush on a machine whose own takes ~0.4 ms.
fsync_delay_library() {
  command -v gcc >/dev/null || need_packages gcc libc6-dev
  gcc -shared -fPIC -O2 -o "$1/fsync-delay.so" "$root/bench/fsync-delay.c" -ldl
  echo "$1/fsync-delay.so"
}

. "$root/bench/ports.sh"
