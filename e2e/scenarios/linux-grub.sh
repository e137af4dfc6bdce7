#!/bin/bash
# Foreman's "Grub2 UEFI" loader to a running Linux, through bootproxy's REST API only:
#   POST /dhcp/192.0.2.0      Foreman's form body, filename grub2/grubx64.efi
#   POST /tftp/PXEGrub2/<mac> the host's grub.cfg-01-<mac> as Foreman renders its PXEGrub2 template
#                             (linuxefi/initrdefi, kernel and initrd at Foreman's boot/ paths)
# Firmware PXE gets the reserved address and grub2/grubx64.efi (GRUB from grub-efi-amd64-bin made
# with grub-mkimage, no prefix device) over bootproxy's TFTP; GRUB reads grub2/grub.cfg-01-<mac>
# and loads the kernel and the initrd over TFTP; the initrd's /init prints the marker.
# E2E_GRUB_VIA=http (linux-grub-http.sh) is Foreman's "Grub2 UEFI HTTP" loader instead: UEFI HTTP
# Boot of http://…/httpboot/grub2/grubx64.efi, config, kernel and initrd over HTTP from httpboot,
# and no symlink anywhere under the root.
. "$(dirname "$0")/../lib.sh"
VIA=${E2E_GRUB_VIA:-tftp}
e2e_init ${E2E_SCENARIO_NAME:-linux-grub}
command -v grub-mkimage >/dev/null && [ -d /usr/lib/grub/x86_64-efi ] \
  || { E2E_FAIL_REASON="missing grub-mkimage / grub-efi-amd64-bin"; e2e_finish; }
MAC=52:54:00:e2:e0:61; IP=192.0.2.12; DASH=52-54-00-e2-e0-61
[ $VIA = http ] && { MAC=52:54:00:e2:e0:62; IP=192.0.2.13; DASH=52-54-00-e2-e0-62; }
net_up; tap_add tap0
R="$W"/root
content_linux "$R"
mkdir -p "$R"/grub2
# an empty prefix: GRUB takes the directory it was loaded from (tftp or http) as $prefix
grub-mkimage -O x86_64-efi -o "$R"/grub2/grubx64.efi -p '' \
  efinet tftp http net normal configfile echo test true linux linuxefi \
  || { E2E_FAIL_REASON="grub-mkimage failed"; e2e_finish; }
bootproxy_config "$W"/bootproxy.yml     # the default boot rules only; the reservation names the loader
bootproxy_start "$W"/bootproxy.yml

if [ $VIA = http ]; then FILENAME=http://$SERVER_IP:$HTTP_PORT/httpboot/grub2/grubx64.efi; MODE=http
else FILENAME=grub2/grubx64.efi; MODE=pxe; fi
expect_api 200 POST /dhcp/192.0.2.0 --data-urlencode hostname=host-g.example.com --data-urlencode mac=$MAC \
  --data-urlencode ip=$IP --data-urlencode network=192.0.2.0 --data-urlencode nextServer=$SERVER_IP \
  --data-urlencode filename=$FILENAME --data-urlencode name=host-g.example.com --data-raw 'related_macs[]'
# Foreman's "Preseed default PXEGrub2" template rendered for this host (loader_timeout 0)
cat > "$W"/host.cfg <<EOF
#
# This file was deployed via 'Preseed default PXEGrub2' template
#

set default=0
set timeout=0

menuentry 'Preseed default PXEGrub2' {
  linuxefi $LINUX_KERNEL_PATH interface=auto url=http://foreman.example.com/unattended/provision ramdisk_size=10800 root=/dev/rd/0 rw auto hostname=host-g.example.com $(linux_cmdline)
  initrdefi $LINUX_INITRD_PATH
}
EOF
expect_api 200 POST /tftp/PXEGrub2/$MAC --data-urlencode pxeconfig@"$W"/host.cfg
[ -f "$R"/grub2/grub.cfg-01-$DASH ] || { E2E_FAIL_REASON="the API did not write grub2/grub.cfg-01-$DASH"; e2e_finish; }

vm_start $MODE $MAC tap0
S="$W"/serial-tap0.log; L="$W"/bootproxy.log; ipre=${IP//./\\.}
if [ $VIA = http ]; then
  MS=("dhcp-ack-HTTPClient-grub-url|$L|dhcp: DHCPACK $ipre to $MAC \\(.*HTTPClient.*\\) file http://192\\.0\\.2\\.1:$HTTP_PORT/httpboot/grub2/grubx64\\.efi"
      "httpboot-GET-grubx64.efi|$L|access: $ipre GET /httpboot/grub2/grubx64\\.efi 200 "
      "serial-grub-running|$S|Welcome to GRUB"
      "httpboot-GET-grub.cfg-01-mac|$L|access: $ipre GET /httpboot/grub2/grub\\.cfg-01-$DASH 200 ")
else
  MS=("dhcp-ack-PXEClient-grub|$L|dhcp: DHCPACK $ipre to $MAC \\(.*PXEClient.*\\) file grub2/grubx64\\.efi next-server 192\\.0\\.2\\.1"
      "tftp-sent-grubx64.efi|$L|TFTP: sent /?grub2/grubx64\\.efi to /?$ipre:[0-9]+ "
      "serial-grub-running|$S|Welcome to GRUB"
      "tftp-sent-grub.cfg-01-mac|$L|TFTP: sent /?grub2/grub\\.cfg-01-$DASH to /?$ipre:")
fi
linux_milestones "$S" "$ipre" $VIA
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|error: |grub> '
milestones "$S" || E2E_FAIL_REASON="milestones missing"
if [ $VIA = http ]; then
  links=$(find "$R" -type l | head -3)
  [ -z "$links" ] || E2E_FAIL_REASON="${E2E_FAIL_REASON:+$E2E_FAIL_REASON; }symlinks under the root: $links"
fi
e2e_finish
