#!/bin/sh
# The Debian package's life on a throwaway copy of this very system, with no network: install from the one .deb
# (only the OS's Java present), the gateway started as the service starts it, an upgrade that keeps data and edited
# conffiles, remove (data kept), purge (everything gone). The system itself is never touched: an overlay of / in a
# private mount namespace, a private network namespace with loopback only, a private PID namespace.
#
#   package-life.sh DEB WORKDIR          (as root; prints "OK <step>" lines, exits non-zero at the first failure)
#
# systemd cannot run here, so the unit itself is only checked by systemd-analyze; the gateway is started with the
# unit's user, capability and environment by setpriv instead.
set -eu
self=$(readlink -f "$0")
case "${1:-}" in
  inside)
    work=$2
    root="$work/root"
    mount -t overlay overlay -o "lowerdir=/,upperdir=$work/upper,workdir=$work/ovl" "$root"
    mkdir -p "$root/test"
    mount --bind "$work" "$root/test"
    mount -t proc proc "$root/proc"
    mount -t tmpfs tmpfs "$root/run"
    mount -t tmpfs tmpfs "$root/tmp"
    mount --rbind /dev "$root/dev"
    exec chroot "$root" /bin/sh /test/package-life.sh steps
    ;;
  steps)
    ;;
  *)
    deb=$(readlink -f "$1")
    work=$(mkdir -p "$2" && cd "$2" && pwd)
    rm -rf "$work/upper" "$work/ovl" "$work/root" "$work/v2"
    mkdir -p "$work/upper" "$work/ovl" "$work/root"
    cp "$deb" "$work/understudy.deb"
    cp "$self" "$work/package-life.sh"
    # the upgrade: the same package under a higher version
    dpkg-deb -R "$deb" "$work/v2"
    sed -i 's/^Version: .*/&+1/' "$work/v2/DEBIAN/control"
    dpkg-deb -b "$work/v2" "$work/understudy-next.deb" >/dev/null
    rm -rf "$work/v2"
    exec unshare --mount --net --pid --fork --mount-proc /bin/sh "$self" inside "$work"
    ;;
esac

# ---- inside the throwaway system ----
fail() { echo "FAIL $*"; exit 1; }
ok() { echo "OK $*"; }
export DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin
ip link set lo up
[ ! -d /run/systemd/system ] || fail "systemd must not look as if it ran here"
! getent passwd understudy >/dev/null || fail "this system already has an understudy user"
! dpkg-query -W understudy >/dev/null 2>&1 || fail "this system already has the package"

dpkg -i /test/understudy.deb > /test/install.out 2>&1 || { cat /test/install.out; fail "dpkg -i"; }
grep -q "journalctl -u understudy" /test/install.out || fail "the first install does not say where the password is"
ok "installed $(dpkg-query -W -f='${Version}' understudy)"
getent passwd understudy | grep -q ':/var/lib/understudy:/usr/sbin/nologin$' || fail "no system user: $(getent passwd understudy)"
[ "$(stat -c %U:%a /var/lib/understudy)" = understudy:750 ] || fail "data directory: $(stat -c %U:%a /var/lib/understudy)"
[ "$(stat -c %U:%G:%a /etc/understudy/understudy.dns.cfg)" = root:understudy:640 ] || fail "conf: $(stat -c %U:%G:%a /etc/understudy/understudy.dns.cfg)"
[ "$(readlink /opt/understudy/conf)" = /etc/understudy ] || fail "/opt/understudy/conf is not /etc/understudy"
grep -qx /etc/understudy/understudy.dns.cfg /var/lib/dpkg/info/understudy.conffiles || fail "conf files are not conffiles"
[ -L /etc/systemd/system/multi-user.target.wants/understudy.service ] || fail "the service is not enabled"
[ -L /etc/systemd/system/timers.target.wants/understudy-health.timer ] || fail "the health check is not enabled"
systemd-analyze verify /lib/systemd/system/understudy.service /lib/systemd/system/understudy-health.service \
  /lib/systemd/system/understudy-health.timer > /test/verify.out 2>&1 || { cat /test/verify.out; fail "systemd-analyze verify"; }
ok "layout: user, /opt, /etc conffiles, /var/lib, units enabled and verified"

# start it as the unit does: its user, CAP_NET_BIND_SERVICE only, its environment (ports 53 and 80 as shipped)
unit=/lib/systemd/system/understudy.service
environment=$(sed -n 's/^Environment=//p' "$unit")
start() {
  # shellcheck disable=SC2086
  setpriv --reuid=understudy --regid=understudy --init-groups --inh-caps=-all,+net_bind_service \
    --ambient-caps=-all,+net_bind_service --bounding-set=-all,+net_bind_service \
    env -i PATH=/usr/bin:/bin HOME=/var/lib/understudy $environment \
    "$(sed -n 's/^ExecStart=//p' "$unit")" > "$1" 2>&1 &
  pid=$!
  i=0
  until curl -s -o /dev/null http://127.0.0.1:8080/ 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 240 ] || { cat "$1"; fail "the gateway did not serve within 60 s"; }
    kill -0 $pid 2>/dev/null || { cat "$1"; fail "the gateway exited"; }
    sleep 0.25
  done
}
start /test/run1.out
password=$(sed -n "s/.*Generated admin password for user 'admin': \([^ ]*\).*/\1/p" /test/run1.out)
[ -n "$password" ] || { cat /test/run1.out; fail "no generated password on the console (the journal)"; }
i=0
until [ "$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$password" http://127.0.0.1:8080/api/status)" = 200 ] \
    && dig @127.0.0.1 -p 53 +time=1 +tries=1 bskybackend.bloomsky.com A | grep -q 'status: NOERROR'; do
  i=$((i + 1)); [ $i -lt 120 ] || { cat /test/run1.out; fail "DNS on 53 or the status API not serving"; }
  sleep 0.25
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: bskybackend.bloomsky.com' http://127.0.0.1:80/devices/) || true
[ "$code" != 000 ] || fail "nothing answers HTTP on port 80"
[ ! -e /var/lib/understudy/log ] || fail "a log file was written: the service logs to the journal only"
[ -f /var/lib/understudy/admin-password.hash ] || fail "no password hash kept"
/opt/understudy/bin/understudy-health || fail "the health check calls a serving gateway dead"
# a change made on the running gateway (as a console save: stored in ConfigAdmin under /var/lib/understudy)
# (another pid than the conffile edited below: of two changes to one pid, the later wins)
curl -sf -u "admin:$password" http://127.0.0.1:8080/api/config/current | sed 's/"offlineAfterMissedPolls" : "3"/"offlineAfterMissedPolls" : "7"/' > /test/edited.json
grep -q '"offlineAfterMissedPolls" : "7"' /test/edited.json || fail "no offlineAfterMissedPolls in the configuration: $(head -c 400 /test/edited.json)"
curl -sf -o /dev/null -u "admin:$password" -H 'Content-Type: application/json' --data-binary @/test/edited.json \
  http://127.0.0.1:8080/api/config/restore || fail "a change on the running gateway was refused"
ok "serving as user understudy: DNS on 53, HTTP on 80 (answered $code), admin web; log to the console only"
kill -TERM $pid; wait $pid || true
! UNDERSTUDY_HEALTH_RETRY_SECONDS=0 /opt/understudy/bin/understudy-health 2> /test/health.out || fail "the health check calls a stopped gateway alive"
grep -q "nothing answers" /test/health.out || fail "the health check does not say why: $(cat /test/health.out)"
ok "health check: alive while serving, 'nothing answers' once stopped"

sed -i 's/^rateLimit=200$/rateLimit=150/' /etc/understudy/understudy.dns.cfg
hash=$(md5sum < /var/lib/understudy/admin-password.hash)
dpkg -i --force-confold /test/understudy-next.deb > /test/upgrade.out 2>&1 || { cat /test/upgrade.out; fail "upgrade"; }
grep -q '+1$' <<EOV || fail "not upgraded"
$(dpkg-query -W -f='${Version}' understudy)
EOV
grep -qx 'rateLimit=150' /etc/understudy/understudy.dns.cfg || fail "the upgrade lost an edited conffile"
[ "$(md5sum < /var/lib/understudy/admin-password.hash)" = "$hash" ] || fail "the upgrade changed the data"
! grep -q "journalctl -u understudy" /test/upgrade.out || fail "an upgrade speaks as a first install"
start /test/run2.out
! grep -q "Generated admin password" /test/run2.out || fail "a new password after the upgrade"
curl -sf -u "admin:$password" http://127.0.0.1:8080/api/status > /test/status2.json || fail "the old password does not open the upgraded gateway"
grep -Eq '"offlineAfterMissedPolls" : "?7' /test/status2.json || fail "the upgrade lost a change made on the running gateway"
grep -Eq '"rateLimit" : "?150' /test/status2.json || fail "the edited conffile is not in force after the upgrade"
kill -TERM $pid; wait $pid || true
ok "upgraded to $(dpkg-query -W -f='${Version}' understudy): conffile edit, console change, data and password kept"

dpkg -r understudy > /test/remove.out 2>&1 || { cat /test/remove.out; fail "remove"; }
[ ! -e /opt/understudy ] || fail "remove left /opt/understudy"
[ -f /var/lib/understudy/admin-password.hash ] || fail "remove deleted the data"
[ -f /etc/understudy/understudy.dns.cfg ] || fail "remove deleted the configuration"
ok "removed: program gone, data and configuration kept"

dpkg -P understudy > /test/purge.out 2>&1 || { cat /test/purge.out; fail "purge"; }
for gone in /etc/understudy /etc/default/understudy /var/lib/understudy /var/cache/understudy /lib/systemd/system/understudy.service \
    /etc/systemd/system/multi-user.target.wants/understudy.service /etc/systemd/system/timers.target.wants/understudy-health.timer; do
  [ ! -e "$gone" ] || fail "purge left $gone"
done
! getent passwd understudy >/dev/null || fail "purge left the user"
! getent group understudy >/dev/null || fail "purge left the group"
ok "purged: nothing left"
