#!/bin/bash
# Foreman's "Grub2 UEFI" loader to a running Linux, through bootproxy's REST API only:
#   POST /dhcp/192.0.2.0      Foreman's form body, filename grub2/grubx64.efi
#   POST /tftp/PXEGrub2/<mac> the host's grub.cfg-01-<mac> as Foreman renders its PXEGrub2 template
#                             (linuxefi/initrdefi, kernel and initrd at Foreman's boot/ paths)
# Firmware PXE gets the reserved address and grub2/grubx64.efi (GRUB from grub-efi-amd64-bin made
# with grub-mkimage, no prefix device) over bootproxy's TFTP; GRUB reads grub2/grub.cfg-01-<mac>
# and loads the kernel and the initrd over TFTP; the initrd's /init prints the marker.
# E2E_GRUB_VIA=http (linux-grub-http.sh) is Foreman's "Grub2 UEFI HTTP" loader instead: UEFI HTTP
# Boot of http://…/httpboot/grub2/grubx64.efi, Foreman's global default grub2/grub.cfg
# (POST /tftp/PXEGrub2/create_default), the host's config, kernel and initrd over HTTP from
# httpboot, and no symlink anywhere under the root.
E2E_TIMEOUT=${E2E_TIMEOUT:-240}   # a kernel under TCG on a loaded machine: allow for it
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
# an empty prefix: GRUB takes the directory it was loaded from as $prefix: (tftp,<next-server>)/grub2,
# or over HTTP Boot (http,<host>:<port>)/httpboot/grub2, from the boot device path's IPv4() and
# Uri() nodes (Debian's grub2 2.06-13 carries SUSE's HTTP Boot patches; efinet.c wants IPv4()
# right before Uri(), which holds because bootproxy leaves the DNS-servers option out of an
# HTTPClient's answer whose URL names an IP: with it, OVMF puts a Dns() node between them and GRUB
# configures no network at all). The image has no embedded config.
grub-mkimage -O x86_64-efi -o "$R"/grub2/grubx64.efi -p '' \
  efinet tftp http net normal configfile echo test true regexp linux linuxefi \
  || { E2E_FAIL_REASON="grub-mkimage failed"; e2e_finish; }
bootproxy_config "$W"/bootproxy.yml     # the default boot rules only; the reservation names the loader
bootproxy_start "$W"/bootproxy.yml

if [ $VIA = http ]; then FILENAME=http://$SERVER_IP:$HTTP_PORT/httpboot/grub2/grubx64.efi; MODE=http
else FILENAME=grub2/grubx64.efi; MODE=pxe; fi
expect_api 200 POST /dhcp/192.0.2.0 --data-urlencode hostname=host-g.example.com --data-urlencode mac=$MAC \
  --data-urlencode ip=$IP --data-urlencode network=192.0.2.0 --data-urlencode nextServer=$SERVER_IP \
  --data-urlencode filename=$FILENAME --data-urlencode name=host-g.example.com --data-raw 'related_macs[]'
if [ $VIA = http ]; then
  # Foreman's "Kickstart default PXEGrub2" rendered for this host (host parameters loader_timeout 0
  # and default_grub_install_entry efi_http): its EFI HTTP entry names the kernel and the initrd
  # by absolute (http,<proxy>:<http_port>)/httpboot/ paths, so no grub2/boot symlink is needed
  # (a relative boot/... makes GRUB send "GET boot/..." to the HTTP server)
  H="(http,$SERVER_IP:$HTTP_PORT)/httpboot"
  cat > "$W"/host.cfg <<EOF
# This file was deployed via 'Kickstart default PXEGrub2' template

set default=efi_http
set timeout=0

menuentry 'Kickstart default PXEGrub2' {
  linuxefi $LINUX_KERNEL_PATH ks=http://foreman.example.com/unattended/provision $(linux_cmdline)
  initrdefi $LINUX_INITRD_PATH
}

menuentry 'Kickstart default PXEGrub2 EFI HTTP' --id efi_http {
  linuxefi $H/$LINUX_KERNEL_PATH ks=http://foreman.example.com/unattended/provision $(linux_cmdline)
  initrdefi $H/$LINUX_INITRD_PATH
}

# Smart proxy does not have HTTPBoot feature with HTTPS port enabled, skipping EFI HTTPS boot menu entry
EOF
else
  # Foreman's "Preseed default PXEGrub2" template rendered for this host (Debian, loader_timeout 0)
  cat > "$W"/host.cfg <<EOF
#
# This file was deployed via 'Preseed default PXEGrub2' template
#

set default=0
set timeout=0

menuentry 'Preseed default PXEGrub2' {
  linuxefi  $LINUX_KERNEL_PATH interface=auto url=http://foreman.example.com/unattended/provision ramdisk_size=10800 root=/dev/rd/0 rw auto hostname=host-g.example.com auto=true domain=example.com locale=en_US BOOTIF=01-\$net_default_mac $(linux_cmdline)
  initrdefi $LINUX_INITRD_PATH
}
EOF
fi
expect_api 200 POST /tftp/PXEGrub2/$MAC --data-urlencode pxeconfig@"$W"/host.cfg
[ -f "$R"/grub2/grub.cfg-01-$DASH ] || { E2E_FAIL_REASON="the API did not write grub2/grub.cfg-01-$DASH"; e2e_finish; }
if [ $VIA = http ]; then
  # Over HTTP, Debian's GRUB 2.06 reads $prefix/grub.cfg only (normal.mod searches grub.cfg-01-<mac>,
  # grub.cfg-<IP in hex>... for a tftp $prefix only): that is Foreman's global default menu
  # ("PXEGrub2 global default", POST create_default), whose pxegrub2_mac snippet loads the host's
  # config by the colon form of the MAC (grub.cfg-<mac>, written by the PXEGrub2 call next to
  # grub.cfg-01-<mac>). Rendered with default_pxe_item_global "local"; its pxegrub2_chainload and
  # pxegrub2_discovery snippets are left out (never reached: the host's config boots).
  cat > "$W"/default.cfg <<'EOF'
default=local
timeout=20
echo Default PXE global template entry is set to 'local'

echo "Trying /httpboot/grub2/grub.cfg-$net_default_mac"
configfile "/httpboot/grub2/grub.cfg-$net_default_mac"

echo "Trying /grub2/grub.cfg-$net_default_mac"
configfile "/grub2/grub.cfg-$net_default_mac"

# The following four statements breaks grub2 and it's no
# longer able to load any file from the base URL.
# Comment them out to be able to use (UEFI/iPXE) HTTP Boot:
# https://bugzilla.redhat.com/show_bug.cgi?id=1763216
echo "Trying grub2/grub.cfg-$net_default_mac"
configfile "grub2/grub.cfg-$net_default_mac"

echo "Trying grub.cfg-$net_default_mac"
configfile "grub.cfg-$net_default_mac"
EOF
  expect_api 200 POST /tftp/PXEGrub2/create_default --data-urlencode menu@"$W"/default.cfg
  [ -f "$R"/grub2/grub.cfg-$MAC ] || { E2E_FAIL_REASON="the API did not write grub2/grub.cfg-$MAC"; e2e_finish; }
fi

vm_start $MODE $MAC tap0
S="$W"/serial-tap0.log; L="$W"/bootproxy.log; ipre=${IP//./\\.}
if [ $VIA = http ]; then
  MS=("dhcp-ack-HTTPClient-grub-url|$L|dhcp: DHCPACK $ipre to $MAC \\(.*HTTPClient.*\\) file http://192\\.0\\.2\\.1:$HTTP_PORT/httpboot/grub2/grubx64\\.efi"
      "httpboot-GET-grubx64.efi|$L|access: $ipre GET /httpboot/grub2/grubx64\\.efi 200 "
      "serial-grub-running|$S|Welcome to GRUB"
      "httpboot-GET-grub.cfg-prefix|$L|access: $ipre GET /httpboot/grub2/grub\\.cfg 200 "
      "serial-grub-default-config|$S|Trying /httpboot/grub2/grub\\.cfg-$MAC"
      "httpboot-GET-grub.cfg-mac|$L|access: $ipre GET /httpboot/grub2/grub\\.cfg-$MAC 200 ")
else
  MS=("dhcp-ack-PXEClient-grub|$L|dhcp: DHCPACK $ipre to $MAC \\(.*PXEClient.*\\) file grub2/grubx64\\.efi next-server 192\\.0\\.2\\.1"
      "tftp-sent-grubx64.efi|$L|TFTP: sent /?grub2/grubx64\\.efi to /?$ipre:[0-9]+ "
      "serial-grub-running|$S|Welcome to GRUB"
      "tftp-sent-grub.cfg-01-mac|$L|TFTP: sent /?grub2/grub\\.cfg-01-$DASH to /?$ipre:")
fi
linux_milestones "$S" "$ipre" $VIA
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|error: |grub> |Kernel panic'
milestones "$S" || E2E_FAIL_REASON="milestones missing"
if [ $VIA = http ]; then
  links=$(find "$R" -type l | head -3)
  [ -z "$links" ] || E2E_FAIL_REASON="${E2E_FAIL_REASON:+$E2E_FAIL_REASON; }symlinks under the root: $links"
fi
e2e_finish
