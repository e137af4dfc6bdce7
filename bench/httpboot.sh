#!/bin/bash
# httpboot vs nginx on loopback: the same root served by both, measured with wrk.
#
#   bench/httpboot.sh [seconds-per-run (default 10)] [rounds (default 2)]
#
# Builds the httpboot plugin (mvn -o package -pl plugin-httpboot) and needs the core's runnable jar
# (proxy-core/target/bootproxy.jar: mvn -B -q -DskipTests package). Runs bootproxy (full app,
# only the httpboot plugin in its modules folder, access line per request at INFO into a log
# file) and nginx (Debian package, foreground, its own config, sendfile on, access log on) on
# 127.0.0.1, then alternates wrk runs of the same length:
#   large: a 64 MiB file, 64 connections      -> throughput (MiB/s)
#   small: a 4 KiB file, 128 connections      -> requests/s
# and prints bootproxy/nginx ratios and bootproxy's peak RSS (VmHWM) and largest sampled VmRSS.
# Targets (BENCHMARKS.md): >= 0.9x throughput large, >= 0.6x requests/s small, RSS < 512 MiB.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DUR=${1:-10}
ROUNDS=${2:-2}
REPO=$(cd "$(dirname "$0")/.." && pwd)
JAR=${BOOTPROXY_JAR:-$REPO/proxy-core/target/bootproxy.jar}
BP_PORT=${BP_PORT:-18480}
NG_PORT=${NG_PORT:-18481}
# A bounded heap, as a service would run; without it the JVM sizes its heap to 1/4 of RAM and
# keeps what a burst of garbage made it commit.
JAVA_OPTS=${JAVA_OPTS:--Xms64m -Xmx256m}
# FASTPATH=1 also runs httpboot's Jetty core handler (HttpBootHandler; the core now mounts it too)
# alone on plain Jetty from the module's test classes, as a third contender: what bypassing the
# servlet + Jersey layers would gain.
FP_PORT=${FP_PORT:-18482}
# REQUEST_ID=1 sends X-Request-Id with every wrk request (to both servers), which spares the core
# generating a UUID per request: isolates httpboot's own cost from the core's request-id filter.
WRK_HEADER=()
[ -n "${REQUEST_ID:-}" ] && WRK_HEADER=(-H "X-Request-Id: bench")

for tool in wrk nginx java curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install wrk nginx)" >&2; exit 1; }
done
bench_build || exit 1   # from a fresh clone too
[ -f "$JAR" ] || { echo "no $JAR after the build" >&2; exit 1; }

WORK=$(mktemp -d /tmp/bench-httpboot.XXXXXX)
chmod 755 "$WORK"   # nginx workers run as www-data
BP_PID=
NG_PID=
FP_PID=
SAMPLER_PID=
cleanup() {
    [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
    [ -n "$BP_PID" ] && kill "$BP_PID" 2>/dev/null || true
    [ -n "$NG_PID" ] && kill "$NG_PID" 2>/dev/null || true
    [ -n "$FP_PID" ] && kill "$FP_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "${KEEP:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

bench_build plugin-httpboot "$WORK/modules" || exit 1

ROOT=$WORK/root
mkdir -p "$ROOT/grub2"
head -c $((64 * 1024 * 1024)) /dev/urandom > "$ROOT/big.img"
head -c 4096 /dev/urandom > "$ROOT/grub2/small.efi"

{
cat <<YML
http_port: $BP_PORT
bind_host: 127.0.0.1
plugins:
  httpboot:
    enabled: true
    root_dir: $ROOT
YML
bootproxy_yaml_tail "$WORK/bootproxy.log"
} > "$WORK/bootproxy.yml"

mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<NGX
daemon off;
master_process on;
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log $WORK/nginx/access.log combined buffer=64k;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    types { application/octet-stream efi img; }
    default_type application/octet-stream;
    client_body_temp_path $WORK/nginx/tmp;
    proxy_temp_path $WORK/nginx/tmp;
    fastcgi_temp_path $WORK/nginx/tmp;
    uwsgi_temp_path $WORK/nginx/tmp;
    scgi_temp_path $WORK/nginx/tmp;
    server {
        listen 127.0.0.1:$NG_PORT;
        location /httpboot/ { alias $ROOT/; }
    }
}
NGX
mkdir -p "$WORK/nginx/tmp"

# shellcheck disable=SC2086
java $JAVA_OPTS -Dbootproxy.modules="$WORK/modules" -jar "$JAR" server "$WORK/bootproxy.yml" \
    > "$WORK/bootproxy.out" 2>&1 &
BP_PID=$!
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NG_PID=$!
if [ -n "${FASTPATH:-}" ]; then
    (cd "$REPO" && mvn -B -q -o test-compile dependency:build-classpath -pl plugin-httpboot \
        -Dmdep.outputFile="$WORK/cp.txt" >/dev/null)
    cat > "$WORK/logback.xml" <<XML
<configuration>
  <appender name="F" class="ch.qos.logback.core.FileAppender"><file>$WORK/fastpath.log</file>
    <encoder><pattern>%-5p [%d{ISO8601,UTC}] %c{0}: %m%n</pattern></encoder></appender>
  <appender name="A" class="ch.qos.logback.classic.AsyncAppender"><appender-ref ref="F"/></appender>
  <root level="INFO"><appender-ref ref="A"/></root>
</configuration>
XML
    # shellcheck disable=SC2086
    java $JAVA_OPTS -Dlogback.configurationFile="$WORK/logback.xml" \
        -cp "$REPO/plugin-httpboot/target/test-classes:$REPO/plugin-httpboot/target/classes:$(cat "$WORK/cp.txt")" \
        org.bootproxy.httpboot.jetty.HandlerBenchMain "$FP_PORT" "$ROOT" > "$WORK/fastpath.out" 2>&1 &
    FP_PID=$!
fi

wait_for() {
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "$1" && return 0
        sleep 0.2
    done
    echo "not answering: $1" >&2
    cat "$WORK/bootproxy.out" >&2
    exit 1
}
wait_for "http://127.0.0.1:$BP_PORT/httpboot/grub2/small.efi"
wait_for "http://127.0.0.1:$NG_PORT/httpboot/grub2/small.efi"
cmp <(curl -s "http://127.0.0.1:$BP_PORT/httpboot/big.img") "$ROOT/big.img"
cmp <(curl -s "http://127.0.0.1:$NG_PORT/httpboot/big.img") "$ROOT/big.img"
if [ -n "$FP_PID" ]; then
    wait_for "http://127.0.0.1:$FP_PORT/httpboot/grub2/small.efi"
    cmp <(curl -s "http://127.0.0.1:$FP_PORT/httpboot/big.img") "$ROOT/big.img"
    wrk -t2 -c32 -d5s "http://127.0.0.1:$FP_PORT/httpboot/grub2/small.efi" >/dev/null
fi

# RSS sampler: largest VmRSS seen, every 200 ms
(
    max=0
    while kill -0 "$BP_PID" 2>/dev/null; do
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$BP_PID/status" 2>/dev/null || echo 0)
        [ "${rss:-0}" -gt "$max" ] && max=$rss && echo "$max" > "$WORK/rss.max"
        sleep 0.2
    done
) &
SAMPLER_PID=$!

# wrk prints "Requests/sec:" and "Transfer/sec: 1.23GB"
to_mib() { # 1.23GB / 456.7MB / 12.3KB -> MiB
    awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
        if (u == "GB") n *= 1024; else if (u == "KB") n /= 1024; else if (u == "B") n /= 1048576;
        printf "%.1f", n }'
}
run() { # name port path conns -> "reqs/s MiB/s"
    local out
    out=$(wrk -t2 -c"$4" -d"${DUR}s" --timeout 30s "${WRK_HEADER[@]}" "http://127.0.0.1:$2$3")
    local rps tps
    rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
    tps=$(echo "$out" | awk '/^Transfer\/sec:/ {print $2}')
    if echo "$out" | grep -q "Non-2xx"; then
        echo "$1: non-2xx answers:" >&2; echo "$out" >&2; exit 1
    fi
    echo "$rps $(to_mib "$tps")"
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "warming up bootproxy (JIT) ..." >&2
wrk -t2 -c32 -d5s "http://127.0.0.1:$BP_PORT/httpboot/grub2/small.efi" >/dev/null
wrk -t2 -c8 -d3s "http://127.0.0.1:$BP_PORT/httpboot/big.img" >/dev/null
wrk -t2 -c32 -d3s "http://127.0.0.1:$NG_PORT/httpboot/grub2/small.efi" >/dev/null

declare -a BL NL BS NS FL FS
WHO="bp ng"
[ -n "$FP_PID" ] && WHO="bp ng fp"
for r in $(seq 1 "$ROUNDS"); do
    for kind in large small; do
        if [ "$kind" = large ]; then path=/httpboot/big.img; conns=64; else path=/httpboot/grub2/small.efi; conns=128; fi
        # alternate which server goes first
        if [ $((r % 2)) -eq 1 ]; then order=$WHO; else order=$(echo "$WHO" | tr ' ' '\n' | tac | tr '\n' ' '); fi
        for who in $order; do
            case $who in bp) port=$BP_PORT ;; ng) port=$NG_PORT ;; fp) port=$FP_PORT ;; esac
            res=$(run "$who" "$port" "$path" "$conns")
            printf '  round %d %-5s %-9s %10s req/s %9s MiB/s\n' "$r" "$kind" "$who" $res >&2
            case "$who-$kind" in
                bp-large) BL+=("$res") ;; ng-large) NL+=("$res") ;;
                bp-small) BS+=("$res") ;; ng-small) NS+=("$res") ;;
                fp-large) FL+=("$res") ;; fp-small) FS+=("$res") ;;
            esac
        done
    done
done

avg() { # field index, then "a b" entries
    local f=$1; shift
    printf '%s\n' "$@" | awk -v f="$f" '{ s += $f; n++ } END { printf "%.1f", s / n }'
}
bl_t=$(avg 2 "${BL[@]}"); nl_t=$(avg 2 "${NL[@]}")
bs_r=$(avg 1 "${BS[@]}"); ns_r=$(avg 1 "${NS[@]}")
bl_r=$(avg 1 "${BL[@]}"); nl_r=$(avg 1 "${NL[@]}")
hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$BP_PID/status")
rssmax=$(cat "$WORK/rss.max" 2>/dev/null || echo 0)
lines=$(grep -c 'httpboot.access\|bytes .* ms' "$WORK/bootproxy.log" || true)

echo
echo "httpboot vs nginx, loopback, ${DUR}s per run, $ROUNDS rounds, $(nproc) CPUs, $(date -u +%Y-%m-%d)," \
    "load average before: $LOAD0, JAVA_OPTS: $JAVA_OPTS${REQUEST_ID:+, X-Request-Id sent}"
printf '64 MiB file, 64 conns : bootproxy %8s MiB/s  nginx %8s MiB/s  ratio %s (target >= 0.9)\n' \
    "$bl_t" "$nl_t" "$(awk -v a="$bl_t" -v b="$nl_t" 'BEGIN { printf "%.2f", a / b }')"
printf '4 KiB file, 128 conns : bootproxy %8s req/s  nginx %8s req/s  ratio %s (target >= 0.6)\n' \
    "$bs_r" "$ns_r" "$(awk -v a="$bs_r" -v b="$ns_r" 'BEGIN { printf "%.2f", a / b }')"
printf 'bootproxy peak RSS    : VmHWM %d MiB, largest sampled VmRSS %d MiB (target < 512)\n' \
    $((hwm / 1024)) $((rssmax / 1024))
printf 'bootproxy access lines written: %s\n' "$lines"
if [ -n "$FP_PID" ]; then
    fl_t=$(avg 2 "${FL[@]}"); fs_r=$(avg 1 "${FS[@]}")
    printf 'fast path (Jetty core handler, not wired): 64 MiB %s MiB/s (ratio %s), 4 KiB %s req/s (ratio %s), VmHWM %d MiB\n' \
        "$fl_t" "$(awk -v a="$fl_t" -v b="$nl_t" 'BEGIN { printf "%.2f", a / b }')" \
        "$fs_r" "$(awk -v a="$fs_r" -v b="$ns_r" 'BEGIN { printf "%.2f", a / b }')" \
        $(( $(awk '/^VmHWM:/ {print $2}' "/proc/$FP_PID/status") / 1024 ))
fi
