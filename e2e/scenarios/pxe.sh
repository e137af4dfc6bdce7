#!/bin/bash
# PXE, bootproxy alone: its DHCP server answers the firmware's PXEClient DISCOVER with a TFTP file
# name (ipxe.efi) and next-server; the firmware fetches ipxe.efi over bootproxy's TFTP server with
# the options OVMF negotiates (blksize, tsize); then the same iPXE chain as http4 over httpboot.
. "$(dirname "$0")/../lib.sh"
e2e_init pxe
MAC=52:54:00:e2:e0:21
net_up; tap_add tap0; ra_start
content_ipxe "$W"/root
# the default rules give x64 UEFI PXE grub2/grubx64.efi (Foreman's layout); this test boots iPXE
E2E_RULES='        - client: PXEClient
          arch: [7, 9]
          filename: ipxe.efi'
bootproxy_config "$W"/bootproxy.yml
bootproxy_start "$W"/bootproxy.yml
vm_start pxe $MAC tap0
http_ipxe_milestones "$MAC" "$W"/serial-tap0.log pxe
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|E2E-MARKER-FAILED'
milestones "$W"/serial-tap0.log || E2E_FAIL_REASON="milestones missing"
e2e_finish
