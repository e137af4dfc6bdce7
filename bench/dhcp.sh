#!/bin/bash
# DHCPv4 full exchanges (DISCOVER-OFFER-REQUEST-ACK) per second: bootproxy's embedded server vs
# Kea with memfile, same namespace setup, same pool, same lease time, both writing their leases
# to the same disk (bootproxy fsyncs before each ACK; Kea's memfile does not fsync).
#
#   sudo bench/dhcp.sh [seconds per run (default 15)] [rates (default "2000 5000 20000")]
#
# Needs root (network namespaces), perfdhcp (Debian kea-admin), kea-dhcp4 (kea-dhcp4-server),
# and java + mvn: it builds the core's runnable jar and plugin-dhcp itself (bench_build in lib.sh), offline
# when the local repository has everything, else from the registry, so it runs from a fresh clone.
# Two namespaces joined by a veth pair, 198.18.0.0/15 (RFC 2544): the server on 198.18.0.1,
# perfdhcp on 198.18.0.2 acting as a relay (giaddr) as it always does; pool 198.18.1.0 -
# 198.19.255.254 (130,815 addresses), 100,000 simulated clients. Each server gets a warm-up at
# 2,000/s ($WARMUP s, default 15), then one run per rate; "20000" is above both servers' capacity: its achieved rate
# is the saturation throughput. Afterwards bench/dhcp-api.sh (API latency) runs if present
# (skip with DHCP_API=0).
set -uo pipefail

SECS=${1:-15}
WARMUP=${WARMUP:-15}
RATES=${2:-"2000 5000 20000"}
CLIENTS=100000
REPO=$(cd "$(dirname "$0")/.." && pwd)
JAR=${BOOTPROXY_JAR:-$REPO/proxy-core/target/bootproxy.jar}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
SRV=bpbench-dhcp-srv
CLI=bpbench-dhcp-cli

[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
for tool in java mvn perfdhcp kea-dhcp4 ip; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
. "$REPO/bench/lib.sh"
bench_build || exit 1
[ -f "$JAR" ] || { echo "no $JAR after the build" >&2; exit 1; }

# leases on a real disk, not tmpfs: fsync must mean something
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/bench-dhcp.XXXXXX")
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    wait 2>/dev/null
    ip netns del "$SRV" 2>/dev/null
    ip netns del "$CLI" 2>/dev/null
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

ip netns del "$SRV" 2>/dev/null; ip netns del "$CLI" 2>/dev/null
ip netns add "$SRV" && ip netns add "$CLI" || exit 1
ip link add bpbv0 netns "$SRV" type veth peer name bpbv1 netns "$CLI" || exit 1
ip -n "$SRV" addr add 198.18.0.1/15 dev bpbv0
ip -n "$CLI" addr add 198.18.0.2/15 dev bpbv1
for ns in "$SRV" "$CLI"; do ip -n "$ns" link set lo up; done
ip -n "$SRV" link set bpbv0 up
ip -n "$CLI" link set bpbv1 up

bench_build plugin-dhcp "$WORK/modules" || exit 1

# perfdhcp (single-thread mode: its multi-thread mode aborts when a reply beats its own send
# timestamp, which a fast server provokes): prints "<rate achieved> <drops %> <sent> <received ACKs>" for one run
perf() {
    local name=$1 rate=$2 secs=$3 out
    out=$(ip netns exec "$CLI" perfdhcp -4 -g single -l 198.18.0.2 -r "$rate" -R "$CLIENTS" -p "$secs" 198.18.0.1 2>&1)
    echo "$out" > "$WORK/perfdhcp-$name-$rate-$secs.log"
    echo "$out" | awk '
        /^\*\*\*Statistics for: DISCOVER-OFFER/ {s=1}
        /^\*\*\*Statistics for: REQUEST-ACK/ {s=2}
        s==1 && /sent packets:/ {dsent=$3}
        s==2 && /sent packets:/ {rsent=$3}
        s==2 && /received packets:/ {racks=$3}
        /^Rate:/ {rate=$2}
        END {
            drops = dsent > 0 ? 100 * (1 - racks / dsent) : 100
            printf "%s %.2f %s %s\n", rate, drops, dsent, racks
        }'
}

run_server() {
    local name=$1
    perf "$name" 2000 "$WARMUP" >/dev/null # warm-up (the JVM's JIT; Kea's first leases)
    for rate in $RATES; do
        read -r achieved drops sent acks < <(perf "$name" "$rate" "$SECS")
        printf "%-10s %8s %14s %10s %10s %8s%%\n" "$name" "$rate" "$achieved" "$sent" "$acks" "$drops"
        echo "$name $rate $achieved $drops" >> "$WORK/results"
    done
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))," \
     "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), leases on $(df -T "$WORK" | awk 'NR==2 {print $2}')," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg) (shared machine), ${SECS} s per run, $CLIENTS clients"
printf "%-10s %8s %14s %10s %10s %9s\n" server "rate/s" "exchanges/s" DISCOVERs ACKs "lost"

# ---- bootproxy (full application, only the dhcp plugin)
mkdir -p "$WORK/bp"
cat > "$WORK/bp/bootproxy.yml" <<YML
http_port: 18480
bind_host: 127.0.0.1
plugins:
  dhcp:
    enabled: true
    provider: embedded
    mode: server
    interfaces: [bpbv0]
    state_dir: $WORK/bp/state
    subnets:
      - network: 198.18.0.0/15
        range: [198.18.1.0, 198.19.255.254]
        routers: [198.18.0.1]
        lease_time: 1h
server:
  adminConnectors: []
  requestLog:
    appenders: []
logging:
  level: INFO
  appenders:
    - type: file
      currentLogFilename: $WORK/bp/bootproxy.log
      archive: false
YML
# shellcheck disable=SC2086
ip netns exec "$SRV" java $JAVA_OPTS -Dbootproxy.modules="$WORK/modules" -jar "$JAR" server "$WORK/bp/bootproxy.yml" \
    >"$WORK/bp/stdout.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
    grep -q "dhcp: DHCP server on" "$WORK/bp/bootproxy.log" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/bp/stdout.log" "$WORK/bp/bootproxy.log" >&2; exit 1; }
    sleep 0.2
done
grep -q "dhcp: DHCP server on" "$WORK/bp/bootproxy.log" || { echo "bootproxy's DHCP server did not start" >&2; cat "$WORK/bp/bootproxy.log" >&2; exit 1; }
run_server bootproxy
BP_RSS=$(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' /proc/$SERVER_PID/status 2>/dev/null)
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=

# ---- Kea, memfile, in the foreground
mkdir -p "$WORK/kea"
cat > "$WORK/kea/kea-dhcp4.conf" <<JSON
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "bpbv0" ], "dhcp-socket-type": "udp" },
    "lease-database": { "type": "memfile", "persist": true, "name": "$WORK/kea/leases4.csv", "lfc-interval": 3600 },
    "valid-lifetime": 3600,
    "subnet4": [ { "id": 1, "subnet": "198.18.0.0/15",
                   "pools": [ { "pool": "198.18.1.0 - 198.19.255.254" } ],
                   "option-data": [ { "name": "routers", "data": "198.18.0.1" } ] } ],
    "loggers": [ { "name": "kea-dhcp4", "severity": "INFO",
                   "output_options": [ { "output": "$WORK/kea/kea.log" } ] } ]
} }
JSON
KEA_PIDFILE_DIR="$WORK/kea" KEA_LOCKFILE_DIR="$WORK/kea" ip netns exec "$SRV" kea-dhcp4 -c "$WORK/kea/kea-dhcp4.conf" \
    >"$WORK/kea/stdout.log" 2>&1 &
SERVER_PID=$!
sleep 2
kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/kea/stdout.log" >&2; exit 1; }
run_server kea
KEA_RSS=$(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' /proc/$SERVER_PID/status 2>/dev/null)
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=

echo "# peak RSS: bootproxy $BP_RSS (whole JVM), kea-dhcp4 $KEA_RSS"
bench_ratios "$WORK/results" "$RATES"

if [ "${DHCP_API:-1}" = 1 ] && [ -x "$REPO/bench/dhcp-api.sh" ]; then
    echo
    echo "# API latency (bench/dhcp-api.sh)"
    "$REPO/bench/dhcp-api.sh"
fi
