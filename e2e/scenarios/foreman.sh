#!/bin/bash
# The Foreman flow, through bootproxy's REST API only, as Foreman drives a smart proxy:
#   POST /tftp/<variant>/create_default      default menus (iPXE, PXEGrub2)
#   POST /dhcp/192.0.2.0                     Foreman's exact form body (mac, ip, hostname, filename, nextServer)
#   POST /tftp/<variant>/<mac>               the host's boot config
# Host A (filename ipxe.efi, "iPXE Chain UEFI"): gets its reserved address, firmware PXE loads
# ipxe.efi over TFTP, iPXE's default script chains the host's own script (pxelinux.cfg/01-<mac>.ipxe),
# which fetches A's marker. Host B (filename grub2/grubx64.efi, "Grub2 UEFI"; GRUB from Debian's
# grub-efi-amd64-bin made with grub-mkimage): gets its reserved address, GRUB loads
# grub2/grub.cfg-01-<mac> over TFTP, which fetches B's marker. Then DELETE both hosts' DHCP and TFTP
# records and boot B again: a dynamic address, GRUB falls back to the default grub2/grub.cfg, no host
# config, no host marker.
. "$(dirname "$0")/../lib.sh"
e2e_init foreman
command -v grub-mkimage >/dev/null && [ -d /usr/lib/grub/x86_64-efi ] \
  || { echo "missing grub-mkimage / grub-efi-amd64-bin" >&2; exit 2; }
MAC_A=52:54:00:e2:e0:51; IP_A=192.0.2.10; DASH_A=52-54-00-e2-e0-51
MAC_B=52:54:00:e2:e0:52; IP_B=192.0.2.11; DASH_B=52-54-00-e2-e0-52
net_up; tap_add tap0; tap_add tap1; ra_start

# what an installer lays down (not through the API): the boot loaders and the markers
R="$W"/root
mkdir -p "$R"/grub2
cp $IPXE_EFI "$R"/ipxe.efi
grub-mkimage -O x86_64-efi -o "$R"/grub2/grubx64.efi -p /grub2 \
  efinet tftp net normal configfile echo cat sleep test true || { E2E_FAIL_REASON="grub-mkimage failed"; e2e_finish; }
echo E2E-HOST-A-MARKER > "$R"/marker-host-a
echo E2E-HOST-B-MARKER > "$R"/marker-host-b
echo E2E-GRUB-DEFAULT-MARKER > "$R"/marker-grub-default
echo ok > "$R"/marker-default

bootproxy_config "$W"/bootproxy.yml     # the default boot rules only
bootproxy_start "$W"/bootproxy.yml

# ---- default menus through the API
default_ipxe_script > "$W"/default.ipxe
expect_api 200 POST /tftp/iPXE/create_default --data-urlencode menu@"$W"/default.ipxe
cat > "$W"/grub-default.cfg <<'EOF'
echo E2E-GRUB-DEFAULT: grub.cfg for $net_default_mac
cat (tftp,192.0.2.1)/marker-grub-default
sleep 600
EOF
expect_api 200 POST /tftp/PXEGrub2/create_default --data-urlencode menu@"$W"/grub-default.cfg

# ---- host A: iPXE
expect_api 200 POST /dhcp/192.0.2.0 --data-raw "hostname=host-a.example.com&mac=${MAC_A//:/%3A}&ip=$IP_A&network=192.0.2.0&nextServer=$SERVER_IP&filename=ipxe.efi&name=host-a.example.com&related_macs[]"
cat > "$W"/host-a.ipxe <<EOF
#!ipxe
echo E2E-HOST-A: per-host script, ip \${net0/ip}
imgfetch http://$SERVER_IP:$HTTP_PORT/httpboot/marker-host-a && echo E2E-HOST-A-FETCHED || echo E2E-MARKER-FAILED
sleep 600
EOF
expect_api 200 POST /tftp/iPXE/$MAC_A --data-urlencode pxeconfig@"$W"/host-a.ipxe
# ---- host B: GRUB2
expect_api 200 POST /dhcp/192.0.2.0 --data-raw "hostname=host-b.example.com&mac=${MAC_B//:/%3A}&ip=$IP_B&network=192.0.2.0&nextServer=$SERVER_IP&filename=grub2%2Fgrubx64.efi&name=host-b.example.com&related_macs[]"
cat > "$W"/host-b.cfg <<'EOF'
echo E2E-HOST-B: grub.cfg-01 for $net_default_mac ip $net_default_ip
cat (tftp,192.0.2.1)/marker-host-b
sleep 600
EOF
expect_api 200 POST /tftp/PXEGrub2/$MAC_B --data-urlencode pxeconfig@"$W"/host-b.cfg
expect_api 200 GET /dhcp/192.0.2.0/mac/$MAC_B
[ -f "$R"/grub2/grub.cfg-01-$DASH_B ] && [ -f "$R"/pxelinux.cfg/01-$DASH_A.ipxe ] \
  || { E2E_FAIL_REASON="the API did not write the host configs"; e2e_finish; }

L="$W"/bootproxy.log; A="$W"/access.log
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|E2E-MARKER-FAILED'

e2e_log "host A (iPXE) boots"
vm_start pxe $MAC_A tap0
S="$W"/serial-tap0.log
MS=("dhcp-ack-reserved-ip-A|$L|dhcp: DHCPACK ${IP_A//./\\.} to $MAC_A \\(.*PXEClient.*\\) file ipxe\\.efi next-server 192\\.0\\.2\\.1"
    "serial-firmware-got-reserved-ip|$S|Station IP address is ${IP_A//./\\.}"
    "tftp-sent-ipxe.efi|$L|TFTP: sent ipxe\\.efi to /?${IP_A//./\\.}:[0-9]+ "
    "dhcp-ack-iPXE-reserved-ip|$L|dhcp: DHCPACK ${IP_A//./\\.} to $MAC_A \\(.*iPXE.*\\) file http://.*/httpboot/pxelinux\\.cfg/default\\.ipxe"
    "httpboot-GET-host-script|$L|access: ${IP_A//./\\.} GET /httpboot/pxelinux\\.cfg/01-$DASH_A\\.ipxe 200"
    "httpboot-GET-host-A-marker|$L|access: ${IP_A//./\\.} GET /httpboot/marker-host-a 200"
    "serial-host-A-marker|$S|E2E-HOST-A-FETCHED")
milestones "$S" || { E2E_FAIL_REASON="host A (iPXE) milestones missing"; e2e_finish; }
vm_stop

e2e_log "host B (GRUB2) boots"
vm_start pxe $MAC_B tap1
S="$W"/serial-tap1.log
MS=("dhcp-ack-reserved-ip-B|$L|dhcp: DHCPACK ${IP_B//./\\.} to $MAC_B \\(.*PXEClient.*\\) file grub2/grubx64\\.efi next-server 192\\.0\\.2\\.1"
    "serial-firmware-got-reserved-ip|$S|Station IP address is ${IP_B//./\\.}"
    "tftp-sent-grubx64.efi|$L|TFTP: sent /?grub2/grubx64\\.efi to /?${IP_B//./\\.}:[0-9]+ "
    "serial-grub-running|$S|Welcome to GRUB"
    "tftp-sent-grub.cfg-01-mac|$L|TFTP: sent /?grub2/grub\\.cfg-01-$DASH_B to /?${IP_B//./\\.}:"
    "tftp-sent-host-B-marker|$L|TFTP: sent /?marker-host-b to /?${IP_B//./\\.}:"
    "serial-host-B-config+marker|$S|E2E-HOST-B-MARKER")
milestones "$S" || { E2E_FAIL_REASON="host B (GRUB2) milestones missing"; e2e_finish; }
vm_stop

# ---- the host is destroyed in Foreman: DELETE both records of both hosts
for m in $MAC_A $MAC_B; do expect_api 200 DELETE /dhcp/192.0.2.0/mac/$m; done
expect_api 200 DELETE /tftp/iPXE/$MAC_A
expect_api 200 DELETE /tftp/PXEGrub2/$MAC_B
expect_api 404 GET /dhcp/192.0.2.0/mac/$MAC_B
expect_api 404 GET /tftp/PXEGrub2/$MAC_B
expect_api 404 GET /tftp/iPXE/$MAC_A

e2e_log "host B boots again after the DELETEs"
AFTER="$W"/bootproxy-after-delete.log
tail -c +$(( $(stat -c %s "$L") + 1 )) -F "$L" > "$AFTER" 2>/dev/null & PIDS+=($!)
vm_start pxe $MAC_B tap1
S="$W"/serial-tap1.log
FAILRE="$FAILRE|E2E-HOST-B"     # the host config served again ends the boot at once
MS=("dhcp-ack-dynamic-ip-default-rule|$AFTER|dhcp: DHCPACK 192\\.0\\.2\\.(1[0-9][0-9]|200) to $MAC_B \\(.*PXEClient.*\\) file grub2/grubx64\\.efi"
    "tftp-host-config-not-found|$AFTER|TFTP: .*not found: /?grub2/grub\\.cfg-01-$DASH_B"
    "tftp-sent-default-grub.cfg|$AFTER|TFTP: sent /?grub2/grub\\.cfg to /?192\\.0\\.2\\."
    "serial-default-config+marker|$S|E2E-GRUB-DEFAULT-MARKER"
    "!reserved-ip-after-delete|$AFTER|DHCPACK ${IP_B//./\\.} to $MAC_B"
    "!host-B-marker-after-delete|$S|E2E-HOST-B")
milestones "$S" || E2E_FAIL_REASON="after DELETE: milestones missing or host config still served"
e2e_finish
