# Shared by the bench scripts: source it ('. "$(dirname "$0")/lib.sh"').

# bootproxy_yaml_tail <log file>: the server and logging sections of every benchmarked bootproxy:
# the admin connector on loopback (any free port), no request log, INFO lines into one file
# (httpboot's access line per request, TFTP's line per transfer), as an operator would run it.
bootproxy_yaml_tail() {
    cat <<YML
server:
  adminConnectors:
    - type: http
      bindHost: 127.0.0.1
      port: 0
  requestLog:
    appenders: []
logging:
  level: INFO
  appenders:
    - type: file
      currentLogFilename: $1
      archive: false
YML
}

# bench_build [MODULE MODULES_DIR]: builds what a benchmark runs, from a fresh clone too. With no
# arguments: the whole tree (proxy-core/target/bootproxy.jar and modules/) unless the core jar is
# there. With MODULE: that plugin and what it needs (-am), its jars into MODULES_DIR. Offline first
# (fast, no network), else with the registry (a fresh machine has nothing cached); the build's own
# output is shown when it fails, never a silent stop.
bench_build() {
    local repo log
    repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    log=$(mktemp)
    local args=(-B -q -DskipTests package)
    if [ $# -ge 2 ]; then
        args+=(-pl "$1" -am "-Dbootproxy.modules.dir=$2")
    elif [ -f "${BOOTPROXY_JAR:-$repo/proxy-core/target/bootproxy.jar}" ]; then
        rm -f "$log"; return 0
    fi
    echo "building ${1:-bootproxy} (mvn ${args[*]})..." >&2
    if (cd "$repo" && mvn -o "${args[@]}" >"$log" 2>&1) || (cd "$repo" && mvn "${args[@]}" >"$log" 2>&1); then
        rm -f "$log"; return 0
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
