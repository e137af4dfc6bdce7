#!/bin/bash
# e2e/run.sh [scenario...] - the end-to-end suite: Debian's OVMF (or SeaBIOS) in QEMU boots through the built
# bootproxy alone, one scenario per test (e2e/scenarios/<name>.sh), each in its own network
# namespace. Default: every scenario below. Exit status non-zero when any scenario fails (a skipped
# one, exit 77, does not fail the run). Per-milestone times are printed by each scenario.
#
# Needs root, the build (mvn -B package -DskipTests: proxy-core/target/bootproxy.jar and modules/),
# and the Debian packages: qemu-system-x86 ovmf ipxe grub-efi-amd64-bin grub-common dnsmasq-base
# curl iproute2 (dnsmasq only sends router advertisements, and serves the reference self-test);
# for the linux-* scenarios busybox-static cpio ipxe-qemu pxelinux syslinux-common shim-signed
# grub-efi-amd64-signed mtools (their kernel is apt-get download'ed into a cache, see lib.sh).
# Environment: E2E_JOBS (scenarios at once, default 2); see e2e/lib.sh (E2E_TIMEOUT, E2E_KEEP,
# E2E_CACHE, BOOTPROXY_JAR, BOOTPROXY_MODULES).
set -u
cd "$(dirname "$0")"
# longest first, so that two at a time finish together
ALL=(secureboot foreman linux-proxydhcp linux-grub linux-grub-http linux-https https https-rsa linux-bios linux-http http4 pxe dhcp6)
LIST=("$@"); [ ${#LIST[@]} -eq 0 ] && LIST=("${ALL[@]}")
[ "$(id -u)" = 0 ] || { echo "e2e needs root (network namespaces, tap devices)" >&2; exit 2; }
JAR=${BOOTPROXY_JAR:-../proxy-core/target/bootproxy.jar}
[ -f "$JAR" ] || { echo "$JAR missing: build first (mvn -B package -DskipTests)" >&2; exit 2; }
for s in "${LIST[@]}"; do
  [ -x scenarios/$s.sh ] || { echo "no scenario $s (have: $(cd scenarios && ls *.sh | sed 's/\.sh//' | tr '\n' ' '))" >&2; exit 2; }
done
# E2E_JOBS: scenarios run at once (default 2; each is a JVM and one VM at a time, TCG, about one
# core). With more than one, each scenario's output is printed whole when it ends.
JOBS=${E2E_JOBS:-2}
pass=0; fail=0; skip=0; failed=(); T0=$(date +%s)
verdict() {   # NAME RC SECONDS
  case $2 in
    0) pass=$((pass+1)); r=PASS ;;
    77) skip=$((skip+1)); r=SKIP ;;
    *) fail=$((fail+1)); failed+=("$1"); r="FAIL($2)" ;;
  esac
  echo "=== $1: $r in $3 s"
}
if [ "$JOBS" -le 1 ]; then
  for s in "${LIST[@]}"; do
    echo "=== $s"
    t=$(date +%s)
    scenarios/$s.sh; rc=$?
    verdict "$s" $rc $(( $(date +%s) - t ))
  done
else
  OUT=$(mktemp -d /tmp/e2e-run.XXXXXX)
  declare -A RUNNING=()   # pid -> scenario
  trap 'for p in "${!RUNNING[@]}"; do kill "$p" 2>/dev/null; done; wait; rm -rf "$OUT"; exit 130' INT TERM
  reap() {   # prints every finished scenario's output and verdict
    local p s rc t
    for p in "${!RUNNING[@]}"; do
      s=${RUNNING[$p]}
      [ -f "$OUT/$s.rc" ] || continue
      wait "$p" 2>/dev/null; unset "RUNNING[$p]"
      read -r rc t < "$OUT/$s.rc"
      echo "=== $s"; cat "$OUT/$s.out"; verdict "$s" "$rc" "$t"
    done
  }
  for s in "${LIST[@]}"; do
    while [ ${#RUNNING[@]} -ge "$JOBS" ]; do reap; [ ${#RUNNING[@]} -ge "$JOBS" ] && sleep 1; done
    ( t=$(date +%s); scenarios/$s.sh > "$OUT/$s.out" 2>&1 & c=$!
      trap 'kill $c 2>/dev/null' TERM   # the scenario stops its VMs and namespace itself
      wait $c; rc=$?; wait $c 2>/dev/null && rc=$?
      echo "$rc $(( $(date +%s) - t ))" > "$OUT/$s.rc.tmp"; mv "$OUT/$s.rc.tmp" "$OUT/$s.rc" ) &
    RUNNING[$!]=$s
    echo "=== $s started"
  done
  while [ ${#RUNNING[@]} -gt 0 ]; do reap; [ ${#RUNNING[@]} -gt 0 ] && sleep 1; done
  rm -rf "$OUT"
fi
echo "e2e: $pass passed, $fail failed, $skip skipped in $(( $(date +%s) - T0 )) s${failed[*]:+ (failed: ${failed[*]})}"
[ $fail -eq 0 ]
