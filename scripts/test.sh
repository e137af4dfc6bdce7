#!/bin/bash
# The whole test suite, on a fresh Debian 12 machine or a developer's:
#   1. installs (apt-get) what the suite needs: JDK 17, Maven, the real peers the tests talk to
#      (tftp-hpa, atftp, curl, dhclient, ISC dhcpd, dnsmasq, Kea, vsftpd) and QEMU + OVMF + iPXE +
#      GRUB for the firmware end-to-end tests;
#   2. builds bootproxy and runs every unit, integration and live test (mvn verify);
#   3. boots real OVMF firmware in QEMU against the built bootproxy (e2e/run.sh).
# Needs root (network namespaces, DHCP on veth/tap inside them). Every test that speaks DHCP or
# binds privileged ports does so only inside network namespaces it creates (192.0.2.0/24,
# 2001:db8::/32) and deletes.
# env: SKIP_APT=1 (packages already there)  SKIP_E2E=1  MVN_ARGS="..." (extra Maven arguments)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then exec sudo -E "$0" "$@"; fi

PACKAGES=(
  openjdk-17-jdk-headless maven
  iproute2 nftables procps psmisc curl python3
  tftp-hpa atftp isc-dhcp-client isc-dhcp-server dnsmasq-base kea-dhcp4-server kea-ctrl-agent kea-admin vsftpd efitools
  qemu-system-x86 ovmf ipxe ipxe-qemu grub-efi-amd64-bin grub-common
  busybox-static cpio shim-signed grub-efi-amd64-signed mtools pxelinux syslinux-common
)
if [ "${SKIP_APT:-0}" != 1 ]; then
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    # daemons from these packages must not start on the host: the tests run their own
    created_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  fi
fi

export BOOTPROXY_REQUIRE_NETNS=1     # namespace tests fail (never skip) when namespaces are unusable
start=$(date +%s)
echo "== mvn verify"
mvn -B -ntp ${MVN_ARGS:-} verify
echo "== mvn verify passed in $(( $(date +%s) - start )) s"

echo "== Debian package: contents, lintian, install/upgrade/remove/purge in a private view, the unit's ExecStart"
packaging/test-deb.sh

if [ "${SKIP_E2E:-0}" != 1 ]; then
  echo "== e2e: OVMF firmware boots through bootproxy"
  e2e/run.sh
fi
echo "== all tests passed in $(( $(date +%s) - start )) s"
