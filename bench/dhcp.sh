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

# leases on a real disk, not tmpfs: fsync must mean something
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/bench-dhcp.XXXXXX")
trap 'bench_teardown "$WORK" "$SRV" "$CLI"' EXIT

bench_veth_pair "$SRV" bpbv0 198.18.0.1/15 "$CLI" bpbv1 198.18.0.2/15 || exit 1

bench_build plugin-dhcp "$WORK/modules" || exit 1

# perfdhcp (single-thread mode: its multi-thread mode aborts when a reply beats its own send
# timestamp, which a fast server provokes): prints "<rate achieved> <drops %> <sent> <received ACKs>" for one run
perf() {
    local name=$1 rate=$2 secs=$3 out
    out=$(ip netns exec "$CLI" perfdhcp -4 -g single -l 198.18.0.2 -r "$rate" -R "$CLIENTS" -p "$secs" 198.18.0.1 2>&1)
    echo "$out" > "$WORK/perfdhcp-$name-$rate-$secs.log"
    echo "$out" | bench_perfdhcp_summary DISCOVER-OFFER REQUEST-ACK
}

# warm-up at 2,000/s (the JVM's JIT; Kea's first leases), then a row per rate
run_server() { bench_perf_rows perf "$1" 2000 "$WARMUP" "$SECS" "$RATES" "$WORK/results"; }

echo "# $(bench_machine), leases on $(df -T "$WORK" | awk 'NR==2 {print $2}')," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg) (shared machine), ${SECS} s per run, $CLIENTS clients"
printf "%-10s %8s %14s %10s %10s %9s\n" server "rate/s" "exchanges/s" DISCOVERs ACKs "lost"

# ---- bootproxy (full application, only the dhcp plugin)
mkdir -p "$WORK/bp"
{
bootproxy_yaml_head 18480 dhcp
cat <<YML
    provider: embedded
    mode: server
    interfaces: [bpbv0]
    state_dir: $WORK/bp/state
    subnets:
      - network: 198.18.0.0/15
        range: [198.18.1.0, 198.19.255.254]
        routers: [198.18.0.1]
        lease_time: 1h
YML
bootproxy_yaml_tail "$WORK/bp/bootproxy.log" INFO none
} > "$WORK/bp/bootproxy.yml"
# shellcheck disable=SC2086
bench_bootproxy "$SRV" "$JAR" "$WORK/modules" "$WORK/bp/bootproxy.yml" "$WORK/bp/stdout.log" $JAVA_OPTS
bench_wait_until "$BP_PID" 150 grep -q "dhcp: DHCP server on" "$WORK/bp/bootproxy.log" || {
    echo "bootproxy's DHCP server did not start" >&2; cat "$WORK/bp/stdout.log" "$WORK/bp/bootproxy.log" >&2; exit 1; }
run_server bootproxy
BP_RSS=$(bench_peak_rss "$BP_PID")
kill "$BP_PID"; wait "$BP_PID" 2>/dev/null

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
bench_kea "$SRV" kea-dhcp4 "$WORK/kea/kea-dhcp4.conf" || exit 1
run_server kea
KEA_RSS=$(bench_peak_rss "$KEA_PID")
kill "$KEA_PID"; wait "$KEA_PID" 2>/dev/null

echo "# peak RSS: bootproxy $BP_RSS (whole JVM), kea-dhcp4 $KEA_RSS"
bench_ratios "$WORK/results" "$RATES"

if [ "${DHCP_API:-1}" = 1 ] && [ -x "$REPO/bench/dhcp-api.sh" ]; then
    echo
    echo "# API latency (bench/dhcp-api.sh)"
    "$REPO/bench/dhcp-api.sh"
fi
