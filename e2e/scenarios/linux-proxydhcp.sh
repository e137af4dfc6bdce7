#!/bin/bash
# proxyDHCP to a running Linux: dnsmasq hands out addresses only (no boot file, no option 60, no
# TFTP), bootproxy in `mode: proxy` gives the boot answer without an address. Two VMs:
#  - UEFI PXE: the firmware merges dnsmasq's address with bootproxy's proxy offer (PXEClient,
#    ipxe.efi, next-server), fetches ipxe.efi over bootproxy's TFTP;
#  - UEFI HTTP: the firmware takes the address from dnsmasq and the boot URL from bootproxy's
#    proxy offer (option 60 HTTPClient, http://…/httpboot/ipxe.efi);
# then in both, iPXE DHCPs again (dnsmasq's address, bootproxy's proxy offer with the script URL),
# the script loads the kernel and the initrd from httpboot and the initrd prints the marker.
E2E_TIMEOUT=${E2E_TIMEOUT:-240}   # a kernel under TCG on a loaded machine: allow for it
. "$(dirname "$0")/../lib.sh"
e2e_init linux-proxydhcp
command -v dnsmasq >/dev/null || { E2E_FAIL_REASON="missing dnsmasq (dnsmasq-base)"; e2e_finish; }
MAC_P=52:54:00:e2:e0:91; IP_P=192.0.2.21; MAC_H=52:54:00:e2:e0:92; IP_H=192.0.2.22
net_up; tap_add tap0; tap_add tap1
# dnsmasq: addresses only (one fixed per VM, to tell their lines apart), router advertisements
# (iPXE), no DNS
spawn dnsmasq dnsmasq -k --conf-file=/dev/null --port=0 --interface=br0 --bind-interfaces --no-resolv --no-hosts \
  --user=root --pid-file= --log-dhcp --log-facility=- --dhcp-authoritative --dhcp-leasefile="$W"/dnsmasq.leases \
  --dhcp-range=192.0.2.100,192.0.2.200,255.255.255.0,1h --dhcp-host=$MAC_P,$IP_P --dhcp-host=$MAC_H,$IP_H --enable-ra --dhcp-range=2001:db8:e2e::,ra-only,64
LOGS_TO_TAIL+=("dnsmasq|$W/dnsmasq.log|DHCP|vendor class")
E2E_LINUX=1 content_ipxe "$W"/root
E2E_LINUX=1
E2E_DHCP_MODE=proxy
E2E_RULES='        - client: PXEClient
          arch: [7, 9]
          filename: ipxe.efi
        - client: HTTPClient
          arch: [16]
          filename: "http://${next_server}:${http_port}/httpboot/ipxe.efi"'
bootproxy_config "$W"/bootproxy.yml
bootproxy_start "$W"/bootproxy.yml
L="$W"/bootproxy.log; D="$W"/dnsmasq.log
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|E2E-MARKER-FAILED|Kernel panic'

# leg MODE MAC IP TAP "OFFER-MILESTONE" "FETCH-MILESTONE": one VM from power-on to userspace: the
# address from dnsmasq, the proxy's offer and the first fetch (given), iPXE's own exchange with
# the proxy, the script, the kernel and the initrd; returns non-zero when a milestone is missing
leg() {
  local mode=$1 mac=$2 ip=${3//./\\.} tap=$4 s="$W"/serial-$4.log
  e2e_log "UEFI $mode beside dnsmasq"
  vm_start $mode $mac $tap
  MS=("dnsmasq-address|$D|DHCPACK\\(br0\\) $ip $mac"
      "${5//@IP@/"$ip"}"
      "serial-firmware-got-address|$s|Station IP address is $ip"
      "${6//@IP@/"$ip"}"
      "serial-ipxe.efi-running|$s|iPXE initialising devices"
      "proxydhcp-iPXE-script-url|$L|dhcp: proxyDHCP (OFFER|ACK) to $mac \\(.*iPXE.*\\) file http://192\\.0\\.2\\.1:$HTTP_PORT/httpboot/pxelinux\\.cfg/default\\.ipxe"
      "httpboot-GET-default.ipxe|$L|access: $ip GET /httpboot/pxelinux\\.cfg/default\\.ipxe 200")
  linux_milestones "$s" "$ip" http
  milestones "$s"; local rc=$?
  vm_stop
  return $rc
}
leg pxe $MAC_P $IP_P tap0 \
  "proxydhcp-PXEClient-ipxe.efi|$L|dhcp: proxyDHCP (OFFER|ACK) to $MAC_P \\(.*PXEClient.*\\) file ipxe\\.efi next-server 192\\.0\\.2\\.1" \
  "tftp-sent-ipxe.efi|$L|TFTP: sent ipxe\\.efi to /?@IP@:[0-9]+ " \
  || { E2E_FAIL_REASON="UEFI PXE: milestones missing"; e2e_finish; }
leg http $MAC_H $IP_H tap1 \
  "proxydhcp-HTTPClient-url|$L|dhcp: proxyDHCP OFFER to $MAC_H \\(.*HTTPClient.*\\) file http://192\\.0\\.2\\.1:$HTTP_PORT/httpboot/ipxe\\.efi" \
  "httpboot-GET-ipxe.efi|$W/access.log|^@IP@ $HTTP_PORT \"GET /httpboot/ipxe\\.efi HTTP/1\\.1\" 200 [0-9]+ \"UefiHttpBoot/1\\.0\"" \
  || E2E_FAIL_REASON="UEFI HTTP: milestones missing"
e2e_finish
