#!/bin/bash
# DHCPv6 HTTP boot: bootproxy answering the firmware's DHCPv6 SOLICIT with option 59 (boot file
# URL) and option 16 "HTTPClient" at offset 6, then httpboot over IPv6. Runs only when the dhcp
# plugin speaks DHCPv6; until then it is skipped, and says why.
. "$(dirname "$0")/../lib.sh"
e2e_init dhcp6
JAR=$(ls "$BOOTPROXY_MODULES"/dhcp/plugin-dhcp*.jar 2>/dev/null | head -1)
if [ -z "$JAR" ] || ! jar tf "$JAR" 2>/dev/null | grep -qiE 'dhcpv6|dhcp6|Dhcp6'; then
  E2E_SKIP=1
  E2E_FAIL_REASON="the dhcp plugin ($JAR) has no DHCPv6 server (no DHCPv6 classes in its jar); bootproxy cannot answer a DHCPv6 HTTPClient yet"
  e2e_finish
fi
E2E_FAIL_REASON="the dhcp plugin now has DHCPv6 classes: wire its configuration into e2e/scenarios/dhcp6.sh (vm_start http6, option 59 + option 16 milestones)"
e2e_finish
