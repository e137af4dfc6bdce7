#!/bin/bash
# HTTP boot over IPv4, bootproxy alone: its DHCP server answers the firmware's HTTPClient DISCOVER
# with option 60 "HTTPClient" and the /httpboot/ipxe.efi URL; the firmware fetches ipxe.efi from
# httpboot (HEAD then GET, User-Agent UefiHttpBoot/1.0); iPXE DHCPs again and gets its script URL
# (user class iPXE); the script and a marker come from httpboot.
. "$(dirname "$0")/../lib.sh"
e2e_init ${E2E_SCENARIO_NAME:-http4}
MAC=52:54:00:e2:e0:11
net_up; tap_add tap0; ra_start
content_ipxe "$W"/root
# the default rules give an x64 HTTPClient grub2/grubx64.efi (Foreman's layout); this test boots
# iPXE, so one rule names it, in the rules' own URL form
E2E_RULES='        - client: HTTPClient
          arch: [16]
          filename: "http://${next_server}:${http_port}/httpboot/ipxe.efi"'
bootproxy_config "$W"/bootproxy.yml
bootproxy_start "$W"/bootproxy.yml
vm_start http $MAC tap0
S="$W"/serial-tap0.log; L="$W"/bootproxy.log; A="$W"/access.log
http_ipxe_milestones "$MAC" "$S" http
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|E2E-MARKER-FAILED|Kernel panic'
milestones "$S" || E2E_FAIL_REASON="milestones missing"
e2e_finish
