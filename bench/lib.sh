# Shared by the bench scripts: source it ('. "$(dirname "$0")/lib.sh"').

# bootproxy_yaml_head PORT PLUGIN: the start of every benchmarked bootproxy's YAML: the API on
# 127.0.0.1:PORT and PLUGIN enabled; the plugin's settings follow, indented by four spaces.
bootproxy_yaml_head() {
    cat <<YML
http_port: $1
bind_host: 127.0.0.1
plugins:
  $2:
    enabled: true
YML
}

# bootproxy_yaml_tail <log file> [level (default INFO)] [admin: loopback (default) | none]: the
# server and logging sections of every benchmarked bootproxy: the admin connector on loopback (any
# free port) or none, no request log, lines at <level> into one file (at INFO httpboot's access line
# per request, TFTP's line per transfer), as an operator would run it.
bootproxy_yaml_tail() {
    local admin='
    - type: http
      bindHost: 127.0.0.1
      port: 0'
    [ "${3:-loopback}" = none ] && admin=' []'
    cat <<YML
server:
  adminConnectors:$admin
  requestLog:
    appenders: []
logging:
  level: ${2:-INFO}
  appenders:
    - type: file
      currentLogFilename: $1
      archive: false
YML
}

# bench_build [MODULE MODULES_DIR]: builds what a benchmark runs, from a fresh clone too. With no
# arguments: the whole tree (proxy-core/target/bootproxy.jar and modules/) unless the core jar is
# there (and fails if it is still not there after the build). With MODULE: that plugin and what it
# needs (-am), its jars into MODULES_DIR. Offline first (fast, no network), else with the registry (a
# fresh machine has nothing cached); the build's own output is shown when it fails, never a silent
# stop.
bench_build() {
    local repo log jar
    repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    jar=${BOOTPROXY_JAR:-$repo/proxy-core/target/bootproxy.jar}
    log=$(mktemp)
    local args=(-B -q -DskipTests package)
    if [ $# -ge 2 ]; then
        args+=(-pl "$1" -am "-Dbootproxy.modules.dir=$2")
    elif [ -f "$jar" ]; then
        rm -f "$log"; return 0
    fi
    echo "building ${1:-bootproxy} (mvn ${args[*]})..." >&2
    if (cd "$repo" && mvn -o "${args[@]}" >"$log" 2>&1) || (cd "$repo" && mvn "${args[@]}" >"$log" 2>&1); then
        rm -f "$log"
        [ $# -ge 2 ] || [ -f "$jar" ] || { echo "no $jar after the build" >&2; return 1; }
        return 0
    fi
    echo "build failed (mvn ${args[*]}):" >&2
    tail -40 "$log" >&2
    rm -f "$log"
    return 1
}

# bench_ratios RESULTS "RATES" [A B]: for each offered rate, the ratio of A's achieved rate to B's
# (default bootproxy and kea) from RESULTS lines "<server> <offered> <achieved> ...".
bench_ratios() {
    local results=$1 rates=$2 a=${3:-bootproxy} b=${4:-kea} rate x y
    echo "# ratio $a/$b of achieved exchanges/s, per offered rate:"
    for rate in $rates; do
        x=$(awk -v s="$a" -v r="$rate" '$1==s && $2==r {print $3}' "$results")
        y=$(awk -v s="$b" -v r="$rate" '$1==s && $2==r {print $3}' "$results")
        awk -v r="$rate" -v x="$x" -v y="$y" 'BEGIN { printf "#   %6s/s: %.2fx\n", r, (y > 0 ? x / y : 0) }'
    done
}

# bench_veth_pair NS_A IF_A ADDR_A NS_B IF_B ADDR_B: two fresh network namespaces (stale ones of
# those names deleted first) joined by a veth pair IF_A - IF_B, each end with its address (CIDR;
# IPv6 without duplicate address detection; "" for none), loopback and both ends up.
bench_veth_pair() {
    local a=$1 ia=$2 aa=$3 b=$4 ib=$5 ab=$6 ns
    ip netns del "$a" 2>/dev/null || true
    ip netns del "$b" 2>/dev/null || true
    ip netns add "$a" && ip netns add "$b" || return 1
    ip link add "$ia" netns "$a" type veth peer name "$ib" netns "$b" || return 1
    bench_addr "$a" "$ia" "$aa" && bench_addr "$b" "$ib" "$ab" || return 1
    for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
    ip -n "$a" link set "$ia" up && ip -n "$b" link set "$ib" up
}

# bench_addr NS IF ADDR: ADDR (CIDR; "" for none; IPv6 with nodad) on interface IF of namespace NS.
bench_addr() {
    [ -n "$3" ] || return 0
    if [[ $3 == *:* ]]; then ip -n "$1" addr add "$3" dev "$2" nodad; else ip -n "$1" addr add "$3" dev "$2"; fi
}

# bench_teardown WORK [NS...]: for EXIT traps: stops every process in the namespaces (TERM, then
# KILL for what is left), deletes them, and removes WORK (bench_rm_work).
bench_teardown() {
    local work=$1 ns
    shift
    for ns in "$@"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true; done
    wait 2>/dev/null || true
    for ns in "$@"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
    bench_rm_work "$work"
}

# bench_rm_work DIR: removes a work directory, or with KEEP set (not 0) keeps it and says where.
bench_rm_work() {
    if [ -n "${KEEP:-}" ] && [ "$KEEP" != 0 ]; then echo "kept $1" >&2; else rm -rf "$1"; fi
}

# bench_bootproxy NS JAR MODULES YML OUT [java options...]: starts bootproxy (JAR, plugins from
# MODULES) on YML in the background, inside namespace NS ("" for this one), stdout and stderr into
# OUT; sets BP_PID.
bench_bootproxy() {
    local ns=$1 jar=$2 modules=$3 yml=$4 out=$5
    shift 5
    if [ -n "$ns" ]; then
        ip netns exec "$ns" java "$@" -Dbootproxy.modules="$modules" -jar "$jar" server "$yml" > "$out" 2>&1 &
    else
        java "$@" -Dbootproxy.modules="$modules" -jar "$jar" server "$yml" > "$out" 2>&1 &
    fi
    BP_PID=$!
}

# bench_wait_until PID TRIES COMMAND...: runs COMMAND (output discarded) every 0.2 s until it
# succeeds, at most TRIES times; fails when PID exits first ("" to not watch one) or it never does.
bench_wait_until() {
    local pid=$1 tries=$2 i
    shift 2
    for ((i = 0; i < tries; i++)); do
        "$@" > /dev/null 2>&1 && return 0
        [ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.2
    done
    "$@" > /dev/null 2>&1
}

# bench_peak_rss PID: the process's peak resident set (VmHWM) as "<n> MiB"; fails when it is gone.
bench_peak_rss() {
    awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$1/status" 2>/dev/null
}

# bench_kea NS DAEMON CONF: starts Kea's DAEMON (kea-dhcp4, kea-dhcp6) on CONF in namespace NS, in
# the foreground under this script, its PID and lock files and stdout.log next to CONF; sets
# KEA_PID; fails, showing Kea's output, when it is gone 2 s later.
bench_kea() {
    local dir
    dir=$(dirname "$3")
    KEA_PIDFILE_DIR=$dir KEA_LOCKFILE_DIR=$dir ip netns exec "$1" "$2" -c "$3" > "$dir/stdout.log" 2>&1 &
    KEA_PID=$!
    sleep 2
    kill -0 "$KEA_PID" 2>/dev/null || { cat "$dir/stdout.log" >&2; return 1; }
}

# bench_perf_rows PERF NAME WARMUP_RATE WARMUP_SECS SECS "RATES" RESULTS: DHCP exchanges against one
# server through the script's function PERF (NAME RATE SECONDS, printing "<achieved/s> <lost %>
# <sent> <answered>"): a warm-up at WARMUP_RATE, then per offered rate a table row and a line
# "NAME RATE ACHIEVED LOST" appended to RESULTS (for bench_ratios).
bench_perf_rows() {
    local perf=$1 name=$2 secs=$5 results=$7 rate achieved lost sent answered
    "$perf" "$name" "$3" "$4" > /dev/null
    for rate in $6; do
        read -r achieved lost sent answered < <("$perf" "$name" "$rate" "$secs")
        printf "%-10s %8s %14s %10s %10s %8s%%\n" "$name" "$rate" "$achieved" "$sent" "$answered" "$lost"
        echo "$name $rate $achieved $lost" >> "$results"
    done
}

# bench_tftp_peers NS ROOT IP HPA_PORT WORK: the TFTP servers bootproxy is measured against, in the
# background in namespace NS, both serving ROOT on IP: tftpd-hpa (in.tftpd -L, a process per
# request) on HPA_PORT and dnsmasq (-k, TFTP only, --tftp-max=1000) on port 69, their output and
# logs in WORK; sets HPA_PID and DM_PID.
bench_tftp_peers() {
    local ns=$1 root=$2 ip=$3 port=$4 work=$5
    ip netns exec "$ns" in.tftpd -L -s -u root -a "$ip:$port" "$root" > "$work/tftpd.out" 2>&1 &
    HPA_PID=$!
    ip netns exec "$ns" dnsmasq -k --port=0 --enable-tftp --tftp-root="$root" --listen-address="$ip" \
        --bind-interfaces --tftp-max=1000 --user=root --group=root --pid-file="$work/dnsmasq.pid" \
        --log-facility="$work/dnsmasq.log" > "$work/dnsmasq.out" 2>&1 &
    DM_PID=$!
}

# bench_machine: "<date UTC>, <n> CPUs (<model>), <n> GiB", the start of a benchmark's header line.
bench_machine() {
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))," \
         "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
}

# bench_perfdhcp_summary FIRST SECOND: reads one perfdhcp report on stdin and prints "<achieved
# exchanges/s> <lost %> <FIRST messages sent> <SECOND answers received>" (FIRST, SECOND: its
# exchange names, e.g. DISCOVER-OFFER REQUEST-ACK; lost: exchanges begun that never completed).
bench_perfdhcp_summary() {
    awk -v first="***Statistics for: $1" -v second="***Statistics for: $2" '
        index($0, first) == 1 {s=1}
        index($0, second) == 1 {s=2}
        s==1 && /sent packets:/ {sent=$3}
        s==2 && /received packets:/ {answered=$3}
        /^Rate:/ {rate=$2}
        END {
            lost = sent > 0 ? 100 * (1 - answered / sent) : 100
            printf "%s %.2f %s %s\n", rate, lost, sent, answered
        }'
}
