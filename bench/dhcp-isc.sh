#!/bin/bash
# Provider isc against a real ISC dhcpd: leases file load and follow, API latency, omshell beside it.
#
#   bench/dhcp-isc.sh [leases (default 100000)] [reservations (default 10000)] [samples (default 1000)]
#                     [omshell creates (default 200)]
#
# Runs from a fresh clone: builds what it needs (mvn package) unless proxy-core/target/bootproxy.jar
# and modules/dhcp/plugin-dhcp.jar exist. Needs root (a network namespace), dhcpd and omshell
# (isc-dhcp-server), java, curl.
# 1. bench/dhcp-isc/LeasesBench.java (no network): a dhcpd.leases of <leases> active leases in
#    198.18.0.0/15 in dhcpd 4.4's exact format; the isc backend's start (full parse) is timed, then
#    as many records appended at once and the time until the follower applied the last one.
# 2. In a namespace of its own (a veth pair inside it, 198.18.0.1/15; nothing leaves it): dhcpd 4.4 -f
#    with OMAPI + HMAC-MD5 key, bootproxy (provider isc), and bench/dhcp-isc/IscApiBench.java:
#    <reservations> preloaded through the API, then p50/p99 of create, lookup by MAC and IP, delete.
# 3. The smart-proxy way, same dhcpd: one omshell process per create (key, connect, new host,
#    set name/hardware/ip/statements, create), timed per create.
# Targets (issue 11): load <= 2 s, follow >= 20,000 records/s, create p99 <= 20 ms, lookup p99 <= 5 ms.
set -euo pipefail

LEASES=${1:-100000}
RESERVATIONS=${2:-10000}
SAMPLES=${3:-1000}
OMSHELL=${4:-200}
REPO=$(cd "$(dirname "$0")/.." && pwd)
JAR=$REPO/proxy-core/target/bootproxy.jar
PLUGIN=$REPO/modules/dhcp/plugin-dhcp.jar
PORT=18495
NS=bpbench-isc-$$

for tool in java curl mvn dhcpd omshell ip; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "needs root (network namespace)" >&2; exit 1; }
if [ ! -f "$JAR" ] || [ ! -f "$PLUGIN" ]; then
    echo "building..." >&2
    (cd "$REPO" && mvn -B -q -DskipTests package) >&2
fi

# a real disk, not tmpfs: dhcpd fsyncs its leases file on every host write
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/bench-dhcp-isc.XXXXXX")
# private copies, so a rebuild of the tree during the run cannot change what runs
mkdir -p "$WORK/modules/dhcp"
cp "$JAR" "$WORK/bootproxy.jar"
cp "$REPO"/modules/dhcp/*.jar "$WORK/modules/dhcp/"
JAR=$WORK/bootproxy.jar
PLUGIN=$WORK/modules/dhcp/plugin-dhcp.jar
. "$REPO/bench/lib.sh"
trap 'bench_teardown "$WORK" "$NS"' EXIT

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)),"\
     "$(dhcpd --version 2>&1 | head -1), $(df -T "$WORK" | awk 'NR==2 {print $2}') disk,"\
     "load average $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: p99 reflects it)"

# ---- 1. leases file
java -Xmx1g -cp "$JAR:$PLUGIN" "$REPO/bench/dhcp-isc/LeasesBench.java" "$WORK/leases" "$LEASES" 2>"$WORK/leases.err" \
    | grep '^leases:' || { cat "$WORK/leases.err" >&2; exit 1; }

# ---- 2. API against dhcpd in a namespace
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add d0 type veth peer name d1
ip -n "$NS" addr add 198.18.0.1/15 dev d0
ip -n "$NS" link set d0 up
ip -n "$NS" link set d1 up
SECRET=$(head -c 32 /dev/urandom | base64 -w0)
cat > "$WORK/dhcpd.conf" <<CONF
authoritative;
omapi-port 7911;
key omapi_key { algorithm hmac-md5; secret "$SECRET"; };
omapi-key omapi_key;
subnet 198.18.0.0 netmask 255.254.0.0 {
  range 198.19.0.10 198.19.0.250;
  option routers 198.18.0.1;
}
CONF
: > "$WORK/dhcpd.leases"
ip netns exec "$NS" dhcpd -f -4 -q -cf "$WORK/dhcpd.conf" -lf "$WORK/dhcpd.leases" -pf "$WORK/dhcpd.pid" d0 \
    >"$WORK/dhcpd.log" 2>&1 &
for _ in $(seq 1 100); do
    ip netns exec "$NS" bash -c 'exec 3<>/dev/tcp/127.0.0.1/7911' 2>/dev/null && break
    sleep 0.1
done
{
bootproxy_yaml_head "$PORT" dhcp
cat <<YML
    provider: isc
    state_dir: $WORK/state
    isc:
      server: 127.0.0.1
      omapi_port: 7911
      key_name: omapi_key
      key_secret: "$SECRET"
      config: $WORK/dhcpd.conf
      leases: $WORK/dhcpd.leases
YML
bootproxy_yaml_tail "$WORK/bootproxy.log" WARN none
} > "$WORK/bootproxy.yml"
# shellcheck disable=SC2086
bench_bootproxy "$NS" "$JAR" "$WORK/modules" "$WORK/bootproxy.yml" "$WORK/stdout.log" -Xmx512m ${BENCH_JVM_OPTS:-}
bench_wait_until "$BP_PID" 300 ip netns exec "$NS" curl -fs "http://127.0.0.1:$PORT/dhcp" || {
    cat "$WORK/stdout.log" >&2; exit 1; }
ip netns exec "$NS" java -Xmx256m ${BENCH_CLIENT_OPTS:-} "$REPO/bench/dhcp-isc/IscApiBench.java" "http://127.0.0.1:$PORT" \
    "$RESERVATIONS" "$SAMPLES" 8

# ---- 3. the same create through omshell, one process per create (smart-proxy's dhcp_isc)
: > "$WORK/omshell.times"
for i in $(seq 1 "$OMSHELL"); do
    mac=$(printf '52:54:01:00:%02x:%02x' $((i >> 8)) $((i & 255)))
    ip=198.18.200.$((i % 250 + 2))
    [ "$i" -gt 250 ] && ip=198.18.201.$((i % 250 + 2))
    t0=$(date +%s%N)
    out=$(ip netns exec "$NS" omshell 2>&1 <<OM
key omapi_key "$SECRET"
server 127.0.0.1
port 7911
connect
new host
set name = "om$i.example.com"
set ip-address = $ip
set hardware-address = $mac
set hardware-type = 1
set statements = "filename = \"grub2/grubx64.efi\"; next-server = c6:12:00:01; option host-name = \"om$i.example.com\";"
create
OM
)
    t1=$(date +%s%N)
    if echo "$out" | grep -q "can't\|not connected"; then echo "omshell failed: $out" >&2; exit 1; fi
    echo $(( (t1 - t0) / 1000 )) >> "$WORK/omshell.times"
done
sort -n "$WORK/omshell.times" | awk -v n="$OMSHELL" '{ a[NR] = $1 } END {
    p99 = int(n * 0.99 + 0.999); if (p99 > n) p99 = n; if (p99 < 1) p99 = 1
    printf "omshell: create (one process each) n=%-5d p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", n,
        a[int((n + 1) / 2)] / 1000, a[p99] / 1000, a[n] / 1000 }'
