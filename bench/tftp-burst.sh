#!/bin/bash
# TFTP request burst (issue 14 item 3): N tftp-hpa clients ask for the same 1 MiB file at once,
# against bootproxy, tftpd-hpa and dnsmasq, several rounds (rounds alternate the servers), every
# download checksummed. Server and clients in two network namespaces joined by a veth pair
# (198.18.0.1 server, 198.18.0.2 clients; RFC 2544 benchmark addresses).
#
#   bench/tftp-burst.sh [rounds (default 5)] [clients (default 500)]
#   REXMT=5 bench/tftp-burst.sh      the clients' RRQ/ACK retransmission timeout in seconds
#                                    (default 1, as PXE firmware; tftp-hpa's own default is 5)
#
# Needs root, iproute2, tftp-hpa (tftp), tftpd-hpa (in.tftpd), dnsmasq, and the core's runnable
# jar (proxy-core/target/bootproxy.jar: mvn -B -q -DskipTests package). bootproxy runs as the full
# application with only the tftp plugin, max_transfers 1000 and max_transfers_per_client 1000
# (all clients share one address here); tftpd-hpa (in.tftpd -L, a process per request) and dnsmasq
# (-k, TFTP only, --tftp-max=1000) in the foreground. All three serve the same root.
#
# Prints per server and round: wall time from the first client's start to the last one's exit,
# and how many clients hold the exact file; then the totals. Target (BENCHMARKS.md): 0 failures
# for bootproxy in every round, and its time at most tftpd-hpa's.
# Then RRQ-to-first-DATA latency: LATENCY_N (default 1000) RRQs sent at once from as many sockets
# (bench/tftp-rrq-latency.py, one datagram each, never retransmitted), the time until each socket's
# first DATA, each transfer then ended with an ERROR; target: the slowest under the clients' 1 s
# retransmission timeout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${1:-5}
LATENCY_N=${LATENCY_N:-1000}
CLIENTS=${2:-500}
REXMT=${REXMT:-1}
REPO=$(cd "$(dirname "$0")/.." && pwd)
JAR=${BOOTPROXY_JAR:-$REPO/proxy-core/target/bootproxy.jar}
JAVA_OPTS=${JAVA_OPTS:-}
SRV_IP=198.18.0.1
CLI_IP=198.18.0.2
BP_PORT=6901
HPA_PORT=6902
DM_PORT=69

for tool in ip tftp in.tftpd dnsmasq java sha256sum bc python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install tftp-hpa tftpd-hpa dnsmasq-base bc python3)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
bench_build || exit 1   # from a fresh clone too

WORK=$(mktemp -d /tmp/bench-tftp-burst.XXXXXX)
chmod 755 "$WORK"
NS_S=bpbench-burst-s$$
NS_C=bpbench-burst-c$$
trap 'bench_teardown "$WORK" "$NS_S" "$NS_C"' EXIT

bench_build plugin-tftp "$WORK/modules" || exit 1

ROOT=$WORK/root
mkdir -p "$ROOT"
chmod 755 "$ROOT"
head -c $((1024 * 1024)) /dev/urandom > "$ROOT/boot.img"
chmod 644 "$ROOT/boot.img"
SUM=$(sha256sum < "$ROOT/boot.img" | cut -d' ' -f1)

bench_veth_pair "$NS_S" veth0 $SRV_IP/24 "$NS_C" veth0 $CLI_IP/24

{
bootproxy_yaml_head 18491 tftp
cat <<YML
    root: $ROOT
    listen: $SRV_IP:$BP_PORT
    max_transfers: 1000
    max_transfers_per_client: 1000
YML
bootproxy_yaml_tail "$WORK/bootproxy.log"
} > "$WORK/bootproxy.yml"

# shellcheck disable=SC2086
bench_bootproxy "$NS_S" "$JAR" "$WORK/modules" "$WORK/bootproxy.yml" "$WORK/bootproxy.out" $JAVA_OPTS
bench_tftp_peers "$NS_S" "$ROOT" $SRV_IP $HPA_PORT "$WORK"

one() { # one <port> <out>: a single download, 0 when exact
    rm -f "$2"
    ip netns exec "$NS_C" tftp -m octet $SRV_IP "$1" -c get boot.img "$2" > /dev/null 2>&1 || return 1
    [ "$(sha256sum < "$2" | cut -d' ' -f1)" = "$SUM" ]
}
for _ in $(seq 1 100); do
    if one $BP_PORT "$WORK/probe" && one $HPA_PORT "$WORK/probe" && one $DM_PORT "$WORK/probe"; then
        break
    fi
    sleep 0.3
done
one $BP_PORT "$WORK/probe" || { cat "$WORK/bootproxy.out" >&2; exit 1; }
echo "warming up (JIT)..." >&2
for _ in 1 2 3; do one $BP_PORT "$WORK/probe"; done

# burst <port> <dir>: CLIENTS clients at once; prints "seconds correct"
burst() {
    local port=$1 dir=$2 t0 t1 ok=0
    rm -rf "$dir" && mkdir -p "$dir"
    t0=$(date +%s.%N)
    ip netns exec "$NS_C" bash -c "cd $dir && for i in \$(seq 1 $CLIENTS); do \
        (printf 'mode octet\nrexmt $REXMT\nget boot.img %s\nquit\n' \$i | tftp $SRV_IP $port > \$i.log 2>&1) & \
        done; wait"
    t1=$(date +%s.%N)
    for i in $(seq 1 "$CLIENTS"); do
        [ -f "$dir/$i" ] && [ "$(sha256sum < "$dir/$i" | cut -d' ' -f1)" = "$SUM" ] && ok=$((ok + 1))
    done
    echo "$(echo "$t1 - $t0" | bc -l) $ok"
}

SERVERS=("bootproxy|$BP_PORT" "tftpd-hpa|$HPA_PORT" "dnsmasq|$DM_PORT")
declare -A TIMES FAILS BEST
for s in "${SERVERS[@]}"; do
    IFS='|' read -r name _ <<< "$s"
    TIMES[$name]=""
    FAILS[$name]=0
    BEST[$name]=999999
done

echo
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), nproc: $(nproc), cpu: $(lscpu | sed -n 's/^Model name: *//p')"
echo "burst: $CLIENTS tftp-hpa clients x 1 MiB (blksize 512, lockstep), rexmt ${REXMT}s, $ROUNDS rounds, every file sha256-checked"
for r in $(seq 1 "$ROUNDS"); do
    for s in "${SERVERS[@]}"; do
        IFS='|' read -r name port <<< "$s"
        read -r t ok <<< "$(burst "$port" "$WORK/out-$name")"
        TIMES[$name]="${TIMES[$name]} $t"
        FAILS[$name]=$((FAILS[$name] + CLIENTS - ok))
        if [ "$(echo "$t < ${BEST[$name]}" | bc -l)" = 1 ]; then BEST[$name]=$t; fi
        printf '  round %d  %-10s %6.2f s  %3d/%d exact\n' "$r" "$name" "$t" "$ok" "$CLIENTS"
        # let the losers' transfers and the servers' timers settle before the next burst
        sleep 2
    done
done

BP_EARLY=$(grep -c 'ended after\|abandoned' "$WORK/bootproxy.log" || true)
echo "RRQ-to-first-DATA: $LATENCY_N requests at once, each sent once (latencies of those answered with DATA):"
for r in 1 2; do
    for s in "${SERVERS[@]}"; do
        IFS='|' read -r name port <<< "$s"
        read -r answered errors max p50 p99 <<< "$(ip netns exec "$NS_C" bash -c "ulimit -n 8192; \
            python3 $REPO/bench/tftp-rrq-latency.py $SRV_IP $port $LATENCY_N")"
        printf '  round %d  %-10s %4d/%d DATA, %d ERROR  slowest %5s ms  p50 %5s ms  p99 %5s ms\n' "$r" "$name" \
            "$answered" "$LATENCY_N" "$errors" "$max" "$p50" "$p99"
        sleep 3
    done
done

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "totals ($ROUNDS rounds):"
for s in "${SERVERS[@]}"; do
    IFS='|' read -r name _ <<< "$s"
    printf '  %-10s failures %4d of %d   median %6.2f s   best %6.2f s\n' "$name" "${FAILS[$name]}" \
        $((ROUNDS * CLIENTS)) "$(echo "${TIMES[$name]}" | median)" "${BEST[$name]}"
done
printf '  median time ratio tftpd-hpa/bootproxy %sx, dnsmasq/bootproxy %sx\n' \
    "$(echo "scale=2; $(echo "${TIMES[tftpd-hpa]}" | median) / $(echo "${TIMES[bootproxy]}" | median)" | bc -l)" \
    "$(echo "scale=2; $(echo "${TIMES[dnsmasq]}" | median) / $(echo "${TIMES[bootproxy]}" | median)" | bc -l)"
echo "bootproxy log: $(grep -c 'TFTP: sent' "$WORK/bootproxy.log") transfers sent, $BP_EARLY ended early or abandoned during the bursts, peak RSS $(bench_peak_rss "$BP_PID" || echo n/a)"
