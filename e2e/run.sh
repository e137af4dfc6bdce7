#!/bin/bash
# e2e/run.sh [scenario...] - the end-to-end suite: Debian's OVMF in QEMU boots through the built
# bootproxy alone, one scenario per test (e2e/scenarios/<name>.sh), each in its own network
# namespace. Default: every scenario below. Exit status non-zero when any scenario fails (a skipped
# one, exit 77, does not fail the run). Per-milestone times are printed by each scenario.
#
# Needs root, the build (mvn -B package -DskipTests: proxy-core/target/bootproxy.jar and modules/),
# and the Debian packages: qemu-system-x86 ovmf ipxe grub-efi-amd64-bin grub-common dnsmasq-base
# curl iproute2 (dnsmasq only sends router advertisements, and serves the reference self-test);
# for the linux-* scenarios busybox-static cpio ipxe-qemu pxelinux syslinux-common shim-signed
# grub-efi-amd64-signed (their kernel is apt-get download'ed into a cache, see lib.sh).
# Environment: see e2e/lib.sh (E2E_TIMEOUT, E2E_KEEP, BOOTPROXY_JAR, BOOTPROXY_MODULES).
set -u
cd "$(dirname "$0")"
ALL=(http4 pxe https https-rsa foreman dhcp6 linux-http linux-https linux-grub linux-grub-http linux-bios linux-proxydhcp secureboot)
LIST=("$@"); [ ${#LIST[@]} -eq 0 ] && LIST=("${ALL[@]}")
[ "$(id -u)" = 0 ] || { echo "e2e needs root (network namespaces, tap devices)" >&2; exit 2; }
JAR=${BOOTPROXY_JAR:-../proxy-core/target/bootproxy.jar}
[ -f "$JAR" ] || { echo "$JAR missing: build first (mvn -B package -DskipTests)" >&2; exit 2; }
pass=0; fail=0; skip=0; failed=(); T0=$(date +%s)
for s in "${LIST[@]}"; do
  [ -x scenarios/$s.sh ] || { echo "no scenario $s (have: $(cd scenarios && ls *.sh | sed 's/\.sh//' | tr '\n' ' '))" >&2; exit 2; }
  echo "=== $s"
  t=$(date +%s)
  scenarios/$s.sh; rc=$?
  case $rc in
    0) pass=$((pass+1)); r=PASS ;;
    77) skip=$((skip+1)); r=SKIP ;;
    *) fail=$((fail+1)); failed+=("$s"); r="FAIL($rc)" ;;
  esac
  echo "=== $s: $r in $(( $(date +%s) - t )) s"
done
echo "e2e: $pass passed, $fail failed, $skip skipped in $(( $(date +%s) - T0 )) s${failed[*]:+ (failed: ${failed[*]})}"
[ $fail -eq 0 ]
