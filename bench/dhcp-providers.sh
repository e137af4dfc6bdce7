#!/bin/bash
# /dhcp API latency on the external providers kea (Kea 2.2 kea-dhcp4) and dnsmasq (2.90) with
# 10,000 reservations, and how Kea 2.2's config-set cost grows with the configuration's size.
#
#   sudo bench/dhcp-providers.sh [reservations (default 10000)] [lookup samples (default 1000)]
#
# Needs root (a network namespace for the daemons), kea-dhcp4, dnsmasq, python3, java, mvn.
# Builds bootproxy when proxy-core/target/bootproxy.jar is missing (a fresh clone), and
# plugin-dhcp into a private modules folder. The daemons run in a namespace of their own on
# 198.18.0.1/16 (kea-dhcp4 with no interface: only its control socket is used; dnsmasq on a veth
# with nothing on the other side); bootproxy runs on 127.0.0.1 and reaches them through the
# control socket (kea) and the files and PID (dnsmasq), as in production.
#
# kea:     for each size S in 0 2500 5000 <reservations>, Kea starts from a configuration file
#          holding S reservations (written as bootproxy writes them), then 10 creates (each is
#          config-get, config-get, config-set, config-write) and, at the largest size, lookups and
#          10 deletes through the API; then Kea's own config-get, config-set (of the same
#          configuration) and config-write on its socket, without bootproxy. Preloading through
#          the API would take hours at these costs.
# dnsmasq: <reservations> POSTs (8 clients) preload the hosts and options directories, then 200
#          creates, the lookups and 200 deletes.
set -euo pipefail

RESERVATIONS=${1:-10000}
LOOKUPS=${2:-1000}
REPO=$(cd "$(dirname "$0")/.." && pwd)
JAR=${BOOTPROXY_JAR:-$REPO/proxy-core/target/bootproxy.jar}
PORT=${BP_PORT:-18491}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}

for tool in java curl mvn python3 kea-dhcp4 dnsmasq ip; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "run as root (network namespace)" >&2; exit 1; }
[ "$RESERVATIONS" -le 60000 ] || { echo "at most 60000 reservations fit the /16 as numbered" >&2; exit 1; }
if [ ! -f "$JAR" ]; then
    echo "building bootproxy..." >&2
    (cd "$REPO" && mvn -B -q -DskipTests package >/dev/null)
fi

WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/bench-dhcp-providers.XXXXXX")
NS=bpbench$$
BP_PID=
DAEMON_PID=
cleanup() {
    [ -n "$BP_PID" ] && kill "$BP_PID" 2>/dev/null || true
    [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    ip netns del "${NS}p" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

. "$REPO/bench/lib.sh"
bench_build plugin-dhcp "$WORK/modules" || exit 1

ip netns add "$NS"
ip netns add "${NS}p"
ip link add "v${NS}a" netns "$NS" type veth peer name "v${NS}b" netns "${NS}p"
ip -n "$NS" link set lo up
ip -n "$NS" link set "v${NS}a" name veth0
ip -n "$NS" addr add 198.18.0.1/16 dev veth0
ip -n "$NS" link set veth0 up

# start_bootproxy <provider yaml>
start_bootproxy() {
    cat > "$WORK/bootproxy.yml" <<YML
http_port: $PORT
bind_host: 127.0.0.1
plugins:
  dhcp:
    enabled: true
    state_dir: $WORK/state
$1
YML
    . "$REPO/bench/lib.sh"
    bootproxy_yaml_tail "$WORK/bootproxy.log" >> "$WORK/bootproxy.yml"
    sed -i 's/  level: INFO/  level: WARN/' "$WORK/bootproxy.yml"
    # shellcheck disable=SC2086
    java $JAVA_OPTS -Dbootproxy.modules="$WORK/modules" -jar "$JAR" server "$WORK/bootproxy.yml" \
        >"$WORK/stdout.log" 2>&1 &
    BP_PID=$!
    for _ in $(seq 1 300); do
        curl -fs "http://127.0.0.1:$PORT/dhcp" >/dev/null 2>&1 && return 0
        kill -0 "$BP_PID" 2>/dev/null || break
        sleep 0.2
    done
    cat "$WORK/stdout.log" "$WORK/bootproxy.log" >&2
    exit 1
}

stop_all() {
    kill "$BP_PID" "$DAEMON_PID" 2>/dev/null || true
    wait "$BP_PID" "$DAEMON_PID" 2>/dev/null || true
    BP_PID=
    DAEMON_PID=
}

bench() {
    java -Xmx256m "$REPO/bench/dhcp-providers/ProviderBench.java" "http://127.0.0.1:$PORT" "$@"
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
     "$(df -T "$WORK" | awk 'NR==2 {print $2}'), $(kea-dhcp4 -v), $(dnsmasq --version | head -1 | awk '{print $1, $3}')," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: p99 reflects it)"

# ---------------------------------------------------------------- kea
for SIZE in 0 2500 5000 "$RESERVATIONS"; do
    mkdir -p "$WORK/kea"
    python3 - "$WORK/kea" "$SIZE" <<'PY'
import json, sys
d, n = sys.argv[1], int(sys.argv[2])
def host(i): return 256 + (i // 254) * 256 + 1 + (i % 254)
def ip(i): h = host(i); return "198.18.%d.%d" % ((h >> 8) & 255, h & 255)
def mac(i): return "52:54:00:%02x:%02x:%02x" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
res = [{"hw-address": mac(i), "ip-address": ip(i), "hostname": "h%d.example.com" % i,
        "boot-file-name": "grub2/grubx64.efi", "next-server": "198.18.0.1",
        "user-context": {"bootproxy": {"name": "h%d.example.com" % i, "related-macs": [], "options": {}}}}
       for i in range(n)]
conf = {"Dhcp4": {"interfaces-config": {"interfaces": []},
        "control-socket": {"socket-type": "unix", "socket-name": d + "/kea4.sock"},
        "lease-database": {"type": "memfile", "name": d + "/leases.csv", "lfc-interval": 0},
        "hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}],
        "subnet4": [{"id": 1, "subnet": "198.18.0.0/16", "pools": [{"pool": "198.18.200.1 - 198.18.250.254"}],
                     "reservations": res}],
        "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": d + "/kea.log"}], "severity": "WARN"}]}}
json.dump(conf, open(d + "/kea.conf", "w"))
PY
    rm -f "$WORK/kea/kea4.sock"
    KEA_PIDFILE_DIR="$WORK/kea" KEA_LOCKFILE_DIR="$WORK/kea" ip netns exec "$NS" kea-dhcp4 -c "$WORK/kea/kea.conf" \
        >"$WORK/kea/stdout.log" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq 1 300); do [ -S "$WORK/kea/kea4.sock" ] && break; sleep 0.1; done
    start_bootproxy "    provider: kea
    kea:
      control_socket: $WORK/kea/kea4.sock"
    echo "## kea, $SIZE reservations in the configuration ($(du -k "$WORK/kea/kea.conf" | cut -f1) KiB file)"
    if [ "$SIZE" = "$RESERVATIONS" ]; then
        bench 0 "$SIZE" 10 "$LOOKUPS" 10
    else
        bench 0 "$SIZE" 10 0 0
    fi
    # where a create's time goes: Kea's own commands on its socket, without bootproxy
    python3 - "$WORK/kea/kea4.sock" <<'PY'
import json, socket, sys, time
def cmd(c, args=None):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(json.dumps({"command": c, "arguments": args} if args else {"command": c}).encode())
    data = b"".join(iter(lambda: s.recv(1 << 20), b""))
    r = json.loads(data)
    assert r["result"] == 0, r
    return r
times = {"config-get": [], "config-set": [], "config-write": []}
for _ in range(3):
    t = time.monotonic(); conf = cmd("config-get")["arguments"]; times["config-get"].append(time.monotonic() - t)
    t = time.monotonic(); cmd("config-set", {"Dhcp4": conf["Dhcp4"]}); times["config-set"].append(time.monotonic() - t)
    t = time.monotonic(); cmd("config-write"); times["config-write"].append(time.monotonic() - t)
print("kea alone (median of 3):    " + "  ".join("%s %.0f ms" % (k, sorted(v)[1] * 1000) for k, v in times.items()))
PY
    stop_all
    rm -rf "$WORK/kea" "$WORK/state"
done

# ---------------------------------------------------------------- dnsmasq
D="$WORK/dnsmasq"
mkdir -p "$D/hosts.d" "$D/opts.d"
cat > "$D/dnsmasq.conf" <<CONF
port=0
interface=veth0
bind-interfaces
user=root
dhcp-range=198.18.200.1,198.18.250.254,255.255.0.0,1h
dhcp-hostsdir=$D/hosts.d
dhcp-optsdir=$D/opts.d
dhcp-leasefile=$D/leases
pid-file=$D/dnsmasq.pid
CONF
ip netns exec "$NS" dnsmasq --keep-in-foreground --log-facility="$D/dnsmasq.log" --conf-file="$D/dnsmasq.conf" &
DAEMON_PID=$!
for _ in $(seq 1 100); do [ -s "$D/dnsmasq.pid" ] && break; sleep 0.1; done
start_bootproxy "    provider: dnsmasq
    dnsmasq:
      config: $D/dnsmasq.conf"
echo "## dnsmasq, $RESERVATIONS reservations preloaded through the API"
bench "$RESERVATIONS" "$RESERVATIONS" 200 "$LOOKUPS" 200
echo "# dnsmasq RSS after reading them: $(awk '/VmHWM/ {printf "peak %.0f MiB", $2/1024}' /proc/"$(cat "$D/dnsmasq.pid")"/status)," \
     "bootproxy $(awk '/VmHWM/ {printf "peak %.0f MiB", $2/1024}' /proc/$BP_PID/status)"
stop_all
