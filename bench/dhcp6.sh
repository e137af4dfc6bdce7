#!/bin/bash
# DHCPv6 four-message exchanges (SOLICIT-ADVERTISE-REQUEST-REPLY) per second: bootproxy's embedded
# DHCPv6 server vs kea-dhcp6 with memfile, same namespaces, same pool, same lifetimes, both keeping
# their bindings on the same disk (bootproxy fsyncs each binding before its REPLY; Kea's memfile
# does not fsync).
#
#   sudo bench/dhcp6.sh [seconds per run (default 15)] [rates (default "1000 3000 10000")]
#
# Needs root (network namespaces), perfdhcp (Debian kea-admin), kea-dhcp6 (kea-dhcp6-server), Maven
# and a JDK; it builds the core jar and plugin-dhcp itself (bench_build in lib.sh). Two
# namespaces joined by a veth pair; perfdhcp multicasts from the client's link-local address to
# ff02::1:2, as clients on the link do. Pool 2001:db8:b::/64 (2^64 addresses), 100,000 simulated
# clients. Each server gets a warm-up ($WARMUP s, default 15) at 1,000/s, then one run per rate;
# the highest rate is above both servers' capacity, so its achieved rate is the saturation throughput.
set -uo pipefail

SECS=${1:-15}
WARMUP=${WARMUP:-15}
RATES=${2:-"1000 3000 10000"}
CLIENTS=100000
REPO=$(cd "$(dirname "$0")/.." && pwd)
JAR=${BOOTPROXY_JAR:-$REPO/proxy-core/target/bootproxy.jar}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
SRV=bpbench-dhcp6-srv
CLI=bpbench-dhcp6-cli

[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
for tool in java mvn perfdhcp kea-dhcp6 ip; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install kea-admin kea-dhcp6-server maven)" >&2; exit 1; }
done
. "$REPO/bench/lib.sh"
bench_build || exit 1

WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/bench-dhcp6.XXXXXX")
trap 'bench_teardown "$WORK" "$SRV" "$CLI"' EXIT

# the dhcp plugin of this tree, built into the work directory (modules/ may hold another build)
bench_build plugin-dhcp "$WORK/modules" || exit 1
MODULES=$WORK/modules

bench_veth_pair "$SRV" bpb6v0 2001:db8:b::1/64 "$CLI" bpb6v1 "" || exit 1
for _ in $(seq 1 50); do   # link-local addresses out of duplicate address detection
    ip -n "$SRV" -6 addr show tentative | grep -q . || ip -n "$CLI" -6 addr show tentative | grep -q . || break
    sleep 0.1
done

# prints "<exchanges/s achieved> <lost %> <SOLICITs sent> <REPLYs received>" for one run
perf() {
    local name=$1 rate=$2 secs=$3 out
    out=$(ip netns exec "$CLI" perfdhcp -6 -l bpb6v1 -r "$rate" -R "$CLIENTS" -p "$secs" 2>&1)
    echo "$out" > "$WORK/perfdhcp-$name-$rate-$secs.log"
    echo "$out" | bench_perfdhcp_summary SOLICIT-ADVERTISE REQUEST-REPLY
}

# warm-up at 1,000/s (the JVM's JIT; Kea's first bindings), then a row per rate
run_server() { bench_perf_rows perf "$1" 1000 "$WARMUP" "$SECS" "$RATES" "$WORK/results"; }

echo "# $(bench_machine), bindings on $(df -T "$WORK" | awk 'NR==2 {print $2}')," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg), ${SECS} s per run, $CLIENTS clients"
printf "%-10s %8s %14s %10s %10s %9s\n" server "rate/s" "exchanges/s" SOLICITs REPLYs "lost"

# ---- bootproxy (full application, only the dhcp plugin)
mkdir -p "$WORK/bp"
{
bootproxy_yaml_head 18486 dhcp
cat <<YML
    interfaces: [bpb6v0]
    state_dir: $WORK/bp/state
    subnets6:
      - network: 2001:db8:b::/64
        range: [2001:db8:b::1:0, 2001:db8:b::ffff:ffff]
        lease_time: 1h
YML
bootproxy_yaml_tail "$WORK/bp/bootproxy.log" WARN none
} > "$WORK/bp/bootproxy.yml"
# shellcheck disable=SC2086
bench_bootproxy "$SRV" "$JAR" "$MODULES" "$WORK/bp/bootproxy.yml" "$WORK/bp/stdout.log" $JAVA_OPTS
dhcp6_listening() { ip netns exec "$SRV" ss -ulnH 'sport = :547' | grep -q .; }
bench_wait_until "$BP_PID" 150 dhcp6_listening || {
    echo "bootproxy's DHCPv6 server did not start" >&2; cat "$WORK/bp/stdout.log" "$WORK/bp/bootproxy.log" >&2; exit 1; }
sleep 2
run_server bootproxy
BP_RSS=$(bench_peak_rss "$BP_PID")
kill "$BP_PID"; wait "$BP_PID" 2>/dev/null

# ---- Kea, memfile, in the foreground
mkdir -p "$WORK/kea"
cat > "$WORK/kea/kea-dhcp6.conf" <<JSON
{ "Dhcp6": {
    "interfaces-config": { "interfaces": [ "bpb6v0" ] },
    "data-directory": "$WORK/kea",
    "lease-database": { "type": "memfile", "persist": true, "name": "$WORK/kea/leases6.csv", "lfc-interval": 3600 },
    "preferred-lifetime": 3600, "valid-lifetime": 3600, "renew-timer": 1800, "rebind-timer": 2880,
    "subnet6": [ { "id": 1, "subnet": "2001:db8:b::/64", "interface": "bpb6v0",
                   "pools": [ { "pool": "2001:db8:b::1:0 - 2001:db8:b::ffff:ffff" } ] } ],
    "loggers": [ { "name": "kea-dhcp6", "severity": "WARN",
                   "output_options": [ { "output": "$WORK/kea/kea.log" } ] } ]
} }
JSON
bench_kea "$SRV" kea-dhcp6 "$WORK/kea/kea-dhcp6.conf" || exit 1
run_server kea
KEA_RSS=$(bench_peak_rss "$KEA_PID")
kill "$KEA_PID"; wait "$KEA_PID" 2>/dev/null

echo "# peak RSS: bootproxy $BP_RSS (whole JVM), kea-dhcp6 $KEA_RSS"
bench_ratios "$WORK/results" "$RATES"
