#!/bin/bash
# Legacy BIOS PXE to a running Linux, Foreman's "PXELinux BIOS" loader through the REST API only:
#   POST /dhcp/192.0.2.0        Foreman's form body, filename pxelinux.0
#   POST /tftp/PXELinux/<mac>   pxelinux.cfg/01-<mac> as Foreman renders "Preseed default PXELinux"
# SeaBIOS (QEMU's default BIOS) runs the e1000's option ROM, ipxe-qemu's legacy iPXE, as the PXE
# ROM; it DHCPs (arch 0) and loads pxelinux.0 (Debian's pxelinux) over bootproxy's TFTP, which loads
# ldlinux.c32 (syslinux-common), the host's config, the kernel and the initrd over TFTP.
# That ROM says user class iPXE, which bootproxy's default rules answer with the iPXE script (and
# a reservation's binary is never handed to iPXE): the one rule here makes a BIOS iPXE ROM a plain
# PXE ROM, as an operator with such NICs would configure it.
E2E_TIMEOUT=${E2E_TIMEOUT:-240}   # a kernel under TCG on a loaded machine: allow for it
. "$(dirname "$0")/../lib.sh"
e2e_init linux-bios
PXELINUX=/usr/lib/PXELINUX/pxelinux.0; LDLINUX=/usr/lib/syslinux/modules/bios/ldlinux.c32
for f in $PXELINUX $LDLINUX; do [ -f $f ] || { E2E_FAIL_REASON="missing $f (pxelinux, syslinux-common)"; e2e_finish; }; done
MAC=52:54:00:e2:e0:71; IP=192.0.2.14; DASH=52-54-00-e2-e0-71
net_up; tap_add tap0; ra_start   # router advertisements: the iPXE ROM waits ~16 s for IPv6 without
R="$W"/root
content_linux "$R"
cp $PXELINUX $LDLINUX "$R"/
E2E_RULES='        - client: iPXE
          arch: [0]
          filename: pxelinux.0'
bootproxy_config "$W"/bootproxy.yml
bootproxy_start "$W"/bootproxy.yml
expect_api 200 POST /dhcp/192.0.2.0 --data-raw "hostname=host-b.example.com&mac=${MAC//:/%3A}&ip=$IP&network=192.0.2.0&nextServer=$SERVER_IP&filename=pxelinux.0&name=host-b.example.com&related_macs[]"
cat > "$W"/host.cfg <<EOF
DEFAULT linux
LABEL linux
    KERNEL $LINUX_KERNEL_PATH
    APPEND initrd=$LINUX_INITRD_PATH interface=auto url=http://foreman.example.com/unattended/provision ramdisk_size=10800 root=/dev/rd/0 rw auto hostname=host-b.example.com $(linux_cmdline)
    IPAPPEND 2
EOF
expect_api 200 POST /tftp/PXELinux/$MAC --data-urlencode pxeconfig@"$W"/host.cfg
[ -f "$R"/pxelinux.cfg/01-$DASH ] || { E2E_FAIL_REASON="the API did not write pxelinux.cfg/01-$DASH"; e2e_finish; }

vm_start bios $MAC tap0
S="$W"/serial-tap0.log; L="$W"/bootproxy.log; ipre=${IP//./\\.}
MS=("dhcp-ack-BIOS-pxelinux.0|$L|dhcp: DHCPACK $ipre to $MAC \\(iPXE/0\\) file pxelinux\\.0 next-server 192\\.0\\.2\\.1"
    "tftp-sent-pxelinux.0|$L|TFTP: sent /?pxelinux\\.0 to /?$ipre:[0-9]+ "
    "tftp-sent-ldlinux.c32|$L|TFTP: sent /?ldlinux\\.c32 to /?$ipre:[0-9]+ "
    "tftp-sent-pxelinux.cfg/01-mac|$L|TFTP: sent /?pxelinux\\.cfg/01-$DASH to /?$ipre:[0-9]+ ")
linux_milestones "$S" "$ipre" tftp
FAILRE='No bootable device|PXE-E[0-9]|Could not find kernel image|No more network devices|Failed to load ldlinux|Kernel panic'
milestones "$S" || E2E_FAIL_REASON="milestones missing"
e2e_finish
