#!/bin/bash
# Tests the Debian package the build made (packaging/target/bootproxy_*_all.deb):
#   - its contents, control fields, conffiles; lintian reports no error;
#   - installs it with dpkg -i into a private copy-on-write view of this machine (a mount
#     namespace with overlayfs over /etc, /usr, /var and a tmpfs /run, in a network namespace of
#     its own with only loopback): the real system and its network are not touched;
#   - the unit passes systemd-analyze verify (with and without the CAP_NET_RAW drop-in);
#   - runs the unit's ExecStart as its User with its ambient capability and checks /features, a
#     TFTP read on port 69 and the Prometheus text on the admin port; its ExecReload (SIGHUP) leaves
#     it running;
#   - an upgrade (a repacked higher version) keeps an edited conffile and the state; remove keeps
#     configuration, state and user; purge removes them and the user but not the TFTP root's files.
# Needs root, dpkg, lintian, systemd (for systemd-analyze), curl, util-linux (unshare, setpriv).
# Prints one line per check and "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then echo "needs root (mount namespaces)" >&2; exit 1; fi

if [ "${1:-}" != --inside ]; then
    DEB=$(ls packaging/target/bootproxy_*_all.deb 2>/dev/null | head -1 || true)
    [ -n "$DEB" ] || { echo "no packaging/target/bootproxy_*_all.deb: run mvn package first" >&2; exit 1; }
    WORK=$(mktemp -d /tmp/bootproxy-deb-test.XXXXXX)
    trap 'rm -rf "$WORK"' EXIT
    export DEB=$(readlink -f "$DEB") WORK
    # new mount, network and PID namespaces: everything started inside dies with it
    unshare --mount --net --pid --fork --mount-proc --propagation private "$0" --inside
    exit $?
fi

pass=0; fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAILED - $1"; fail=$((fail + 1)); }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; exit $?; }

# ---- the package as a file
contents=$(dpkg-deb -c "$DEB")
for p in ./usr/share/bootproxy/bootproxy.jar ./usr/share/bootproxy/modules/tftp/plugin-tftp.jar \
         ./usr/share/bootproxy/modules/httpboot/plugin-httpboot.jar ./usr/share/bootproxy/modules/dhcp/plugin-dhcp.jar \
         ./usr/bin/bootproxy ./etc/bootproxy/bootproxy.yml ./etc/bootproxy/conf.d/ ./lib/systemd/system/bootproxy.service \
         ./usr/share/doc/bootproxy/copyright; do
    check "package contains $p" grep -qF " $p" <<<"$contents"
done
check "every file is owned by root" test -z "$(grep -v ' root/root ' <<<"$contents")"
check "/etc/bootproxy/bootproxy.yml is a conffile" grep -qx /etc/bootproxy/bootproxy.yml <(dpkg-deb -I "$DEB" conffiles)
check "Depends names a Java 17+ headless runtime" grep -q 'java17-runtime-headless' <(dpkg-deb -f "$DEB" Depends)
check "the version is a valid Debian version" dpkg --validate-version "$(dpkg-deb -f "$DEB" Version)"
if lintian --fail-on error "$DEB" > "$WORK/lintian.txt" 2>&1; then ok "lintian: no error"; else bad "lintian: $(grep '^E:' "$WORK/lintian.txt" | head -3)"; fi

# ---- a private, writable view of the system
for d in etc usr var; do
    mkdir -p "$WORK/$d.upper" "$WORK/$d.work"
    mount -t overlay overlay -o "lowerdir=/$d,upperdir=$WORK/$d.upper,workdir=$WORK/$d.work" "/$d"
done
mount -t tmpfs tmpfs /run          # no systemd here: maintainer scripts must not reach the host's
mkdir -p /run/lock
ip link set lo up
# a stale install in the view would hide what the package does
dpkg -P bootproxy >/dev/null 2>&1 || true
getent passwd bootproxy >/dev/null && deluser --system --quiet bootproxy >/dev/null 2>&1 || true
rm -rf /var/lib/tftpboot /var/lib/bootproxy /etc/bootproxy
export DEBIAN_FRONTEND=noninteractive

if dpkg -i "$DEB" > "$WORK/install.txt" 2>&1 </dev/null; then ok "dpkg -i installs"; else bad "dpkg -i: $(tail -3 "$WORK/install.txt")"; finish; fi
check "user bootproxy exists, a system user without a login shell" \
    test "$(getent passwd bootproxy | cut -d: -f7)" = /usr/sbin/nologin -a "$(id -u bootproxy)" -lt 1000
check "/var/lib/bootproxy belongs to bootproxy" test "$(stat -c %U:%a /var/lib/bootproxy)" = bootproxy:750
check "/var/lib/tftpboot belongs to bootproxy" test "$(stat -c %U /var/lib/tftpboot)" = bootproxy
check "/etc/bootproxy/conf.d exists" test -d /etc/bootproxy/conf.d

UNIT=/lib/systemd/system/bootproxy.service
if systemd-analyze verify "$UNIT" > "$WORK/verify.txt" 2>&1 && ! grep -q . "$WORK/verify.txt"; then
    ok "systemd-analyze verify: clean"
else
    bad "systemd-analyze verify: $(head -3 "$WORK/verify.txt")"
fi
mkdir -p /etc/systemd/system/bootproxy.service.d
cp /usr/share/doc/bootproxy/examples/icmp-probe.conf /etc/systemd/system/bootproxy.service.d/
if systemd-analyze verify "$UNIT" > "$WORK/verify2.txt" 2>&1 && ! grep -q . "$WORK/verify2.txt"; then
    ok "systemd-analyze verify with the CAP_NET_RAW drop-in: clean"
else
    bad "systemd-analyze verify with the drop-in: $(head -3 "$WORK/verify2.txt")"
fi
rm -rf /etc/systemd/system/bootproxy.service.d
check "the unit runs as bootproxy" grep -qx 'User=bootproxy' "$UNIT"
check "the unit grants CAP_NET_BIND_SERVICE only" grep -qx 'AmbientCapabilities=CAP_NET_BIND_SERVICE' "$UNIT"
check "the unit reloads with SIGHUP" grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$UNIT"

# ---- run the unit's ExecStart as its user, with its ambient capability
as_service() {
    setpriv --reuid=bootproxy --regid=bootproxy --init-groups --inh-caps=+net_bind_service \
        --ambient-caps=+net_bind_service --no-new-privs -- "$@"
}
if as_service /usr/bin/bootproxy check /etc/bootproxy/bootproxy.yml > "$WORK/check.txt" 2>&1; then
    ok "bootproxy check, as the service user, accepts the packaged configuration"
else
    bad "bootproxy check: $(cat "$WORK/check.txt")"
fi
ln -s /var/lib/tftpboot /var/lib/tftpboot-link
printf 'plugins:\n  tftp:\n    root: /var/lib/tftpboot-link\n' > /etc/bootproxy/conf.d/50-test.yml
if as_service /usr/bin/bootproxy check /etc/bootproxy/bootproxy.yml > "$WORK/check2.txt" 2>&1; then
    bad "bootproxy check accepted a symlinked root from conf.d"
else
    check "bootproxy check refuses a symlinked root set in conf.d, naming the key" \
        grep -q 'plugins.tftp.root /var/lib/tftpboot-link is a symbolic link' "$WORK/check2.txt"
fi
rm -f /etc/bootproxy/conf.d/50-test.yml /var/lib/tftpboot-link
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
echo hello-from-tftpboot > /var/lib/tftpboot/hello.txt
chown bootproxy:bootproxy /var/lib/tftpboot/hello.txt
start_service() {
    setpriv --reuid=bootproxy --regid=bootproxy --init-groups --inh-caps=+net_bind_service \
        --ambient-caps=+net_bind_service --no-new-privs -- $exec_start > "$WORK/service.log" 2>&1 &
    SERVICE_PID=$!
    for _ in $(seq 1 120); do
        curl -fsS -o /dev/null http://127.0.0.1:8000/features 2>/dev/null && return 0
        kill -0 $SERVICE_PID 2>/dev/null || return 1
        sleep 0.5
    done
    return 1
}
stop_service() { kill $SERVICE_PID 2>/dev/null || true; wait $SERVICE_PID 2>/dev/null || true; }
if start_service; then ok "ExecStart runs as bootproxy and answers"; else bad "ExecStart: $(tail -5 "$WORK/service.log")"; finish; fi
check "the service runs as bootproxy" test "$(ps -o user= -p $SERVICE_PID)" = bootproxy
features=$(curl -fsS http://127.0.0.1:8000/features)
check "/features lists dhcp, httpboot, logs, tftp ($features)" test "$features" = '["dhcp","httpboot","logs","tftp"]'
check "TFTP on port 69 serves the TFTP root" test "$(curl -fsS tftp://127.0.0.1:69/hello.txt)" = hello-from-tftpboot
check "httpboot serves the TFTP root" test "$(curl -fsS http://127.0.0.1:8000/httpboot/hello.txt)" = hello-from-tftpboot
curl -fsS http://127.0.0.1:8001/prometheus > "$WORK/prometheus.txt" 2>&1 || true
check "the admin port serves Prometheus text with bootproxy metrics" grep -q '^bootproxy_' "$WORK/prometheus.txt"
check "the admin port listens on loopback only" grep -qE '127\.0\.0\.1\]?:8001 ' <(ss -Htln)
check "the start log names the configuration files read" grep -q 'Configuration read from /etc/bootproxy/bootproxy.yml' "$WORK/service.log"
# systemctl reload: the unit's ExecReload, as its user, with $MAINPID the service; the packaged
# configuration has no HTTPS listener, so the service says there is nothing to reload and runs on
exec_reload=$(sed -n 's/^ExecReload=//p' "$UNIT")
as_service ${exec_reload//\$MAINPID/$SERVICE_PID} || bad "ExecReload ($exec_reload) failed"
for _ in $(seq 1 60); do grep -q 'Reload: nothing to reload' "$WORK/service.log" && break; sleep 0.5; done
check "ExecReload (SIGHUP) is handled: the log says there is nothing to reload" \
    grep -q 'Reload: nothing to reload (no HTTPS listener' "$WORK/service.log"
check "the service runs on after ExecReload" curl -fsS -o /dev/null http://127.0.0.1:8000/features
stop_service

# ---- upgrade: a higher version of the same package
mkdir -p "$WORK/repack"
dpkg-deb -R "$DEB" "$WORK/repack/root"
version=$(dpkg-deb -f "$DEB" Version)
sed -i "s/^Version: .*/Version: ${version}+test1/" "$WORK/repack/root/DEBIAN/control"
dpkg-deb -b --root-owner-group "$WORK/repack/root" "$WORK/repack/bootproxy-next.deb" >/dev/null
echo "# edited by the administrator" >> /etc/bootproxy/bootproxy.yml
edited=$(sha256sum /etc/bootproxy/bootproxy.yml)
mkdir -p /var/lib/bootproxy/dhcp && echo state > /var/lib/bootproxy/dhcp/marker && chown -R bootproxy: /var/lib/bootproxy/dhcp
chmod 700 /var/lib/bootproxy
if dpkg -i "$WORK/repack/bootproxy-next.deb" > "$WORK/upgrade.txt" 2>&1 </dev/null; then ok "upgrade installs"; else bad "upgrade: $(tail -3 "$WORK/upgrade.txt")"; fi
check "upgrade keeps the edited conffile" test "$(sha256sum /etc/bootproxy/bootproxy.yml)" = "$edited"
check "upgrade keeps the state" test "$(cat /var/lib/bootproxy/dhcp/marker)" = state
check "upgrade keeps the state directory's mode" test "$(stat -c %a /var/lib/bootproxy)" = 700
check "reinstalling the same version keeps the edited conffile" sh -c "dpkg -i '$WORK/repack/bootproxy-next.deb' </dev/null && test \"\$(sha256sum /etc/bootproxy/bootproxy.yml)\" = '$edited'"

# ---- remove, then purge
check "dpkg -r removes" dpkg -r bootproxy
check "remove took the program" test ! -e /usr/bin/bootproxy
check "remove keeps the configuration" test -f /etc/bootproxy/bootproxy.yml
check "remove keeps the state" test -f /var/lib/bootproxy/dhcp/marker
check "remove keeps the user" getent passwd bootproxy
check "dpkg -P purges" dpkg -P bootproxy
check "purge removes the configuration" test ! -e /etc/bootproxy
check "purge removes the state" test ! -e /var/lib/bootproxy
check "purge removes the user" sh -c '! getent passwd bootproxy'
check "purge keeps the TFTP root's files" test "$(cat /var/lib/tftpboot/hello.txt)" = hello-from-tftpboot
finish
