#!/bin/bash
# DHCPv6 HTTP boot, bootproxy alone: OVMF's HTTPv6 boot path (IPv4 off in the firmware) SOLICITs
# with vendor class 343 "HTTPClient" and architecture 16; bootproxy's DHCPv6 server gives it an
# address from subnets6 and option 59 with an IPv6-literal URL (plus option 16 "HTTPClient", which
# EDK2 requires); the firmware fetches ipxe.efi from httpboot over IPv6 (HEAD then GET); iPXE then
# takes the usual IPv4 chain (DHCPv4 with user class iPXE, its script, kernel + initrd) to Linux
# userspace.
. "$(dirname "$0")/../lib.sh"
e2e_init ${E2E_SCENARIO_NAME:-dhcp6}
MAC=52:54:00:e2:e0:61
E2E_LINUX=1
net_up; tap_add tap0; ra_start
content_ipxe "$W"/root
E2E_RULES='        - client: HTTPClient
          arch: [16]
          filename: "http://${next_server}:${http_port}/httpboot/ipxe.efi"'
E2E_SUBNETS6='    subnets6:
      - network: 2001:db8:e2e::/64
        range: [2001:db8:e2e::100, 2001:db8:e2e::1ff]
        lease_time: 1h'
bootproxy_config "$W"/bootproxy.yml
bootproxy_start "$W"/bootproxy.yml
vm_start http6 $MAC tap0
S="$W"/serial-tap0.log; L="$W"/bootproxy.log; A="$W"/access.log
v6='2001:db8:e2e::1[0-9a-f]{2}'
url="http://\\[2001:db8:e2e::1\\]:$HTTP_PORT/httpboot/ipxe\\.efi"
MS=("serial-firmware-starts-http6|$S|>>Start HTTP Boot over IPv6"
    "dhcp6-reply-HTTPClient-url|$L|dhcp6: REPLY to REQUEST .*\\(${MAC//:/\\:}\\) on br0: $v6 .*HTTPClient/16 boot $url "
    "serial-firmware-got-v6-address|$S|Station IPv6 address is 2001:DB8:E2E:0:0:0:0:1[0-9A-F]{2}"
    "httpboot-GET-ipxe.efi-over-v6|$L|access: [^ ]*2001:db8:e2e:[0-9a-f:]+[^ ]* GET /httpboot/ipxe\\.efi 200 [0-9]{6,} bytes"
    "request-log-UefiHttpBoot/1.0-v6|$A|^[^ ]*2001:db8:e2e:[0-9a-f:]+[^ ]* $HTTP_PORT \"GET /httpboot/ipxe\\.efi HTTP/1\\.1\" 200 [0-9]+ \"UefiHttpBoot/1\\.0\""
    "serial-ipxe.efi-running|$S|iPXE initialising devices"
    "dhcp-ack-iPXE-script-url|$L|dhcp: DHCPACK 192\\.0\\.2\\.[0-9]+ to ${MAC//:/\\:} \\(.*iPXE.*\\) file http://192\\.0\\.2\\.1:$HTTP_PORT/httpboot/pxelinux\\.cfg/default\\.ipxe")
linux_milestones "$S" '192\.0\.2\.[0-9]+' http
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|E2E-MARKER-FAILED'
milestones "$S" || E2E_FAIL_REASON="milestones missing"
e2e_finish
