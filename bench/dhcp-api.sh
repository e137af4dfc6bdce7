#!/bin/bash
# /dhcp API latency with 50,000 reservations stored (embedded provider, journal on this disk).
#
#   bench/dhcp-api.sh [reservations (default 50000)] [samples (default 5000)] [clients (default 16)]
#
# Builds plugin-dhcp into a private modules folder and needs the core's runnable jar
# (proxy-core/target/bootproxy.jar: mvn -B -q -DskipTests package). Runs bootproxy (full app,
# only the dhcp plugin, no DHCP socket: interfaces []) on 127.0.0.1 with one managed subnet
# 198.18.0.0/16, then bench/dhcp-api/DhcpApiBench.java (JDK HttpClient, keep-alive):
# preloads the reservations with Foreman's exact POST body, then measures p50/p99 of
# create (1 client and N clients; every 200 is fsynced) and lookups by MAC and IP, and last the
# floor: a bare 100-byte append + fdatasync on the same file system (no create can beat it).
# Then, without HTTP, the store alone: durable lease writes/s (the DHCP server's write before each
# ACK) with 1, 8, 32 and 128 concurrent writers over 50,000 leases: group commit at work.
# Target (BENCHMARKS.md): p99 <= 5 ms for create and lookup at 50,000 reservations.
# bench/dhcp.sh (the DHCP engineer's) calls this script for its API part.
set -euo pipefail

RESERVATIONS=${1:-50000}
SAMPLES=${2:-5000}
CLIENTS=${3:-16}
REPO=$(cd "$(dirname "$0")/.." && pwd)
JAR=${BOOTPROXY_JAR:-$REPO/proxy-core/target/bootproxy.jar}
PORT=${BP_PORT:-18490}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}

for tool in java curl mvn; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
. "$REPO/bench/lib.sh"
bench_build || exit 1   # from a fresh clone too
[ "$RESERVATIONS" -le 60000 ] || { echo "at most 60000 reservations fit the /16 as numbered" >&2; exit 1; }

# the journal must be on a real disk for fsync to mean anything: not tmpfs
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/bench-dhcp-api.XXXXXX")
BP_PID=
cleanup() {
    [ -n "$BP_PID" ] && kill "$BP_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

bench_build plugin-dhcp "$WORK/modules" || exit 1

{
bootproxy_yaml_head "$PORT" dhcp
cat <<YML
    provider: embedded
    interfaces: []
    state_dir: $WORK/state
    subnets:
      - network: 198.18.0.0/16
YML
bootproxy_yaml_tail "$WORK/bootproxy.log" WARN none
} > "$WORK/bootproxy.yml"

# shellcheck disable=SC2086
bench_bootproxy "" "$JAR" "$WORK/modules" "$WORK/bootproxy.yml" "$WORK/stdout.log" $JAVA_OPTS
bench_wait_until "$BP_PID" 300 curl -fs "http://127.0.0.1:$PORT/dhcp" || {
    echo "bootproxy did not start" >&2; cat "$WORK/stdout.log" >&2; exit 1; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
     "$(df -T "$WORK" | awk 'NR==2 {print $2}') journal, $RESERVATIONS reservations preloaded, $SAMPLES samples, $CLIENTS clients," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: p99 reflects it)"
java -Xmx256m "$REPO/bench/dhcp-api/DhcpApiBench.java" "http://127.0.0.1:$PORT" "$RESERVATIONS" "$SAMPLES" "$CLIENTS" "$WORK"
BP_RSS="peak $(bench_peak_rss "$BP_PID")"
kill "$BP_PID"; wait "$BP_PID" 2>/dev/null || true; BP_PID=
java -Xmx512m -cp "$JAR:$WORK/modules/dhcp/plugin-dhcp.jar" "$REPO/bench/dhcp-api/StoreBench.java" "$WORK/store-bench" 2>/dev/null \
    | grep '^store:'
echo "# bootproxy RSS: $BP_RSS," \
     "state dir $(du -sh "$WORK/state" | cut -f1)"
