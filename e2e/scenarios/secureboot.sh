#!/bin/bash
# Secure Boot to a running Linux, signed binaries only, Foreman's SecureBoot loaders through the
# REST API. Firmware: OVMF_CODE_4M.secboot.fd + a copy of OVMF_VARS_4M.ms.fd (Microsoft keys
# enrolled, Secure Boot enforced), -machine q35,smm=on. Served: the Microsoft-signed shim
# (shim-signed) as grub2/shimx64.efi, the Debian-signed network GRUB (grub-efi-amd64-signed's
# grubnetx64.efi.signed) as grub2/grubx64.efi, Debian's signed kernel and the busybox initrd,
# and a disk image of the signed chain (leg 3).
#  1. PXE ("Grub2 UEFI SecureBoot", filename grub2/shimx64.efi): shim over TFTP, shim loads
#     grubx64.efi next to it, GRUB (prefix /grub built in) reads grub/grub.cfg laid down by the
#     installer, which hands over to Foreman's global default grub2/grub.cfg (create_default) and
#     the host's grub2/grub.cfg-<mac> (POST /tftp/PXEGrub2/<mac>, linuxefi/initrdefi); the signed
#     kernel is verified through shim and runs the initrd to the marker.
#  2. HTTPS ("Grub2 UEFI HTTPS (SecureBoot)", https://…/httpboot/grub2/shimx64.efi, the CA from
#     `bootproxy certs` enrolled through fw_cfg): the firmware verifies and runs shim fetched over
#     HTTPS, shim fetches and verifies GRUB over HTTPS (…/grub2//grubx64.efi), GRUB starts and
#     stops at grub>. No server answer gets further with Debian 12's signed binaries (source of
#     grub2 2.06-13+deb12u2 read, and its network image, 2026-12-04):
#     - GRUB takes its network from the loaded image's device path (debian/patches/
#       efinet-set-network-from-uefi-devpath.patch: grub_efi_net_config_real and
#       grub_efinet_create_dhcp_ack_from_device_path in grub-core/net/drivers/efi/efinet.c want
#       IPv4() right before Uri()). EDK2's HttpBootUpdateDevicePath puts a Dns() node between
#       them when the answer carries option 6: GRUB then configures nothing ($prefix and $root
#       empty, no address). So bootproxy leaves the subnet's DNS servers out of an answer to an
#       HTTPClient whose boot URL is an IP literal (README, linux-grub-http), as here.
#     - Without option 6 it configures efinet0 with the address and, from the boot URL
#       (dissect_url, bootp-process-dhcpack-http-boot.patch), $prefix (https,<host>:<port>)/grub
#       (the prefix /grub is built in); but GRUB 2.06 has no https protocol (grub_net_open_real
#       in grub-core/net/net.c knows tftp and http): "error: disk `https,192.0.2.1:8443' not found."
#     - Plain HTTP (this firmware accepts it too) ends the same way: grubnetx64 is built with tftp
#       and no http module (debian/build-efi-images: NET_MODULES; the image holds 95 modules),
#       and under shim a module file is refused (shim_lock_verifier_init, grub-core/kern/efi/sb.c:
#       "prohibited by secure boot policy"). Its embedded config only sources
#       $prefix/x86_64-efi/grub.cfg or $prefix/grub.cfg; its image cannot be changed.
#     So the signed network GRUB reads over TFTP only (leg 1); over HTTPS, leg 3. (The
#     messages above: the image rebuilt unsigned from the same modules, memdisk and prefix with an
#     echo of $prefix/$root and net_ls_addr in front, Secure Boot off, shim in front of it.)
#  3. HTTPS to userspace: a disk image (UEFI HTTP Boot of a *.img URL, or Content-Type
#     application/vnd.efi-img: the firmware makes a RAM disk of it and boots its
#     \EFI\BOOT\BOOTX64.EFI) holding the Microsoft-signed shim as \EFI\BOOT\BOOTX64.EFI, the
#     Debian-signed disk GRUB (grubx64.efi.signed, prefix /EFI/debian built in) as
#     \EFI\BOOT\grubx64.efi, \EFI\debian\grub.cfg, the signed kernel and the initrd; made here
#     with mtools (FAT, no partition table) and served by httpboot over HTTPS from a reservation's
#     URL. GRUB reads all of it from the RAM disk (this GRUB has neither tftp nor http), so the
#     kernel command line is the image's, not a Foreman PXEGrub2 config. The kernel reports
#     Secure Boot enabled and locks itself down (lines the initrd copies from its log).
#  4. The same firmware HTTPS-boots an unsigned NBP (Debian's ipxe.efi, a MAC rule): it downloads
#     it and refuses it ("Access Denied"); iPXE never runs.
E2E_TIMEOUT=${E2E_TIMEOUT:-240}   # a kernel under TCG on a loaded machine: allow for it
. "$(dirname "$0")/../lib.sh"
e2e_init secureboot
SHIM=/usr/lib/shim/shimx64.efi.signed; GRUBNET=/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed
GRUBDISK=/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
E2E_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd; E2E_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.ms.fd
for f in $SHIM $GRUBNET $GRUBDISK $E2E_OVMF_CODE $E2E_OVMF_VARS; do
  [ -f $f ] || { E2E_FAIL_REASON="missing $f (shim-signed, grub-efi-amd64-signed, ovmf)"; e2e_finish; }
done
command -v mformat >/dev/null || { E2E_FAIL_REASON="missing mformat (mtools)"; e2e_finish; }
MAC=52:54:00:e2:e0:81; IP=192.0.2.15; DASH=52-54-00-e2-e0-81
MAC_U=52:54:00:e2:e0:82
MAC_P=52:54:00:e2:e0:83; IP_P=192.0.2.16
MAC_D=52:54:00:e2:e0:84; IP_D=192.0.2.17
net_up; tap_add tap0; tap_add tap1; tap_add tap2; tap_add tap3
R="$W"/root
content_linux "$R"
mkdir -p "$R"/grub2
cp $SHIM "$R"/grub2/shimx64.efi
cp $GRUBNET "$R"/grub2/grubx64.efi
cp $IPXE_EFI "$R"/ipxe.efi
# leg 3's disk image: FAT (20 MiB, no partition table), the signed chain and the linux content
IMG="$R"/secureboot.img
truncate -s 20M "$IMG"
mformat -i "$IMG" -T 40960 -h 64 -s 32 -v E2ESB :: \
  && mmd -i "$IMG" ::/EFI ::/EFI/BOOT ::/EFI/debian ::/boot \
  && mcopy -i "$IMG" $SHIM ::/EFI/BOOT/BOOTX64.EFI \
  && mcopy -i "$IMG" $GRUBDISK ::/EFI/BOOT/grubx64.efi \
  && printf '%s\n' 'echo "E2E-GRUB-RAMDISK: prefix $prefix"' "linux /boot/vmlinuz $(linux_cmdline)" \
       'initrd /boot/initrd.gz' boot > "$W"/ramdisk-grub.cfg \
  && mcopy -i "$IMG" "$W"/ramdisk-grub.cfg ::/EFI/debian/grub.cfg \
  && mcopy -i "$IMG" "$R/$LINUX_KERNEL_PATH" ::/boot/vmlinuz \
  && mcopy -i "$IMG" "$R/$LINUX_INITRD_PATH" ::/boot/initrd.gz \
  || { E2E_FAIL_REASON="building the disk image with mtools failed"; e2e_finish; }
E2E_HTTPS=1
E2E_RULES="        - client: HTTPClient
          mac: \"$MAC_U\"
          filename: \"https://\${next_server}:\${https_port}/httpboot/ipxe.efi\""
bootproxy_config "$W"/bootproxy.yml
java -jar "$BOOTPROXY_JAR" certs --ip $SERVER_IP --name bootproxy-e2e.example "$W"/bootproxy.yml > "$W"/certs.out 2>&1 \
  || { cat "$W"/certs.out; E2E_FAIL_REASON="bootproxy certs failed"; e2e_finish; }
FWCFG=$(grep -o -- '-fw_cfg name=etc/edk2/https/cacerts,file=[^ ]*' "$W"/certs.out)
[ -n "$FWCFG" ] || { E2E_FAIL_REASON="bootproxy certs printed no -fw_cfg line"; e2e_finish; }
bootproxy_start "$W"/bootproxy.yml

expect_api 200 POST /dhcp/192.0.2.0 --data-urlencode hostname=host-s.example.com --data-urlencode mac=$MAC \
  --data-urlencode ip=$IP --data-urlencode network=192.0.2.0 --data-urlencode nextServer=$SERVER_IP \
  --data-urlencode filename=https://$SERVER_IP:$HTTPS_PORT/httpboot/grub2/shimx64.efi \
  --data-urlencode name=host-s.example.com --data-raw 'related_macs[]'
expect_api 200 POST /dhcp/192.0.2.0 --data-urlencode hostname=host-d.example.com --data-urlencode mac=$MAC_D \
  --data-urlencode ip=$IP_D --data-urlencode network=192.0.2.0 --data-urlencode nextServer=$SERVER_IP \
  --data-urlencode filename=https://$SERVER_IP:$HTTPS_PORT/httpboot/secureboot.img \
  --data-urlencode name=host-d.example.com --data-raw 'related_macs[]'
expect_api 200 POST /dhcp/192.0.2.0 --data-urlencode hostname=host-p.example.com --data-urlencode mac=$MAC_P \
  --data-urlencode ip=$IP_P --data-urlencode network=192.0.2.0 --data-urlencode nextServer=$SERVER_IP \
  --data-urlencode filename=grub2/shimx64.efi --data-urlencode name=host-p.example.com --data-raw 'related_macs[]'
# Debian's signed network GRUB has the prefix /grub built in: over TFTP it asks for
# /grub/x86_64-efi/*.lst and /grub/grub.cfg. What the installer lays down there hands over to
# Foreman's grub2/ layout: the global default menu (create_default), which loads the host's config
# by the colon form of the MAC that bootproxy writes next to grub.cfg-01-<mac>.
mkdir -p "$R"/grub
echo 'configfile /grub2/grub.cfg' > "$R"/grub/grub.cfg
cat > "$W"/default.cfg <<'EOF'
echo "E2E-GRUB-DEFAULT: prefix $prefix, host config grub2/grub.cfg-$net_default_mac"
configfile /grub2/grub.cfg-$net_default_mac
EOF
expect_api 200 POST /tftp/PXEGrub2/create_default --data-urlencode menu@"$W"/default.cfg
cat > "$W"/host.cfg <<EOF
set default=0
set timeout=0

menuentry 'Preseed default PXEGrub2' {
  linuxefi $LINUX_KERNEL_PATH interface=auto url=http://foreman.example.com/unattended/provision ramdisk_size=10800 root=/dev/rd/0 rw auto hostname=host-s.example.com $(linux_cmdline)
  initrdefi $LINUX_INITRD_PATH
}
EOF
for m in $MAC $MAC_P; do expect_api 200 POST /tftp/PXEGrub2/$m --data-urlencode pxeconfig@"$W"/host.cfg; done

vm_start pxe $MAC_P tap2
S="$W"/serial-tap2.log; L="$W"/bootproxy.log; ipre=${IP_P//./\\.}
MS=("dhcp-ack-PXEClient-shim|$L|dhcp: DHCPACK $ipre to $MAC_P \\(.*PXEClient.*\\) file grub2/shimx64\\.efi next-server 192\\.0\\.2\\.1"
    "tftp-sent-shimx64.efi|$L|TFTP: sent /?grub2/shimx64\\.efi to /?$ipre:"
    "tftp-sent-grubx64.efi-by-shim|$L|TFTP: sent /?grub2/+grubx64\\.efi to /?$ipre:"
    "serial-grub-running|$S|Welcome to GRUB"
    "tftp-sent-/grub/grub.cfg|$L|TFTP: sent /?grub/grub\\.cfg to /?$ipre:"
    "tftp-sent-grub2/grub.cfg-mac|$L|TFTP: sent /?grub2/grub\\.cfg-$MAC_P to /?$ipre:"
    "serial-grub-default-config|$S|E2E-GRUB-DEFAULT")
linux_milestones "$S" "$ipre" tftp
MS+=("linux-secure-boot-enabled|$S|secureboot: Secure boot enabled"
     "linux-locked-down|$S|Kernel is locked down from EFI Secure Boot")
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|Access Denied|grub> |error: |Verification failed|Kernel panic'
milestones "$S" || { E2E_FAIL_REASON="signed chain over PXE: milestones missing"; e2e_finish; }
vm_stop

e2e_log "the signed chain over HTTPS"
# shellcheck disable=SC2086
vm_start https $MAC tap0 $FWCFG
S="$W"/serial-tap0.log; ipre=${IP//./\\.}
MS=("dhcp-ack-HTTPClient-shim-url|$L|dhcp: DHCPACK $ipre to $MAC \\(.*HTTPClient.*\\) file https://192\\.0\\.2\\.1:$HTTPS_PORT/httpboot/grub2/shimx64\\.efi"
    "httpboot-GET-shimx64.efi-TLS|$W/access.log|^$ipre $HTTPS_PORT \"GET /httpboot/grub2/shimx64\\.efi HTTP/1\\.1\" 200 [0-9]+ \"UefiHttpBoot/1\\.0\" .* tls=TLS_"
    "httpboot-GET-grubx64.efi-by-shim|$W/access.log|^$ipre $HTTPS_PORT \"GET /httpboot/grub2/+grubx64\\.efi HTTP/1\\.1\" 200 [0-9]+ .* tls=TLS_"
    "serial-grub-running|$S|Welcome to GRUB"
    "serial-grub-prompt-no-config|$S|grub> ")
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|Access Denied'
milestones "$S" || { E2E_FAIL_REASON="signed chain over HTTPS: milestones missing"; e2e_finish; }
vm_stop

e2e_log "the signed chain over HTTPS in a disk image"
# shellcheck disable=SC2086
vm_start https $MAC_D tap3 $FWCFG
S="$W"/serial-tap3.log; ipre=${IP_D//./\\.}
MS=("dhcp-ack-HTTPClient-image-url|$L|dhcp: DHCPACK $ipre to $MAC_D \\(.*HTTPClient.*\\) file https://192\\.0\\.2\\.1:$HTTPS_PORT/httpboot/secureboot\\.img"
    "httpboot-GET-secureboot.img-TLS|$W/access.log|^$ipre $HTTPS_PORT \"GET /httpboot/secureboot\\.img HTTP/1\\.1\" 200 [0-9]{8} \"UefiHttpBoot/1\\.0\" .* tls=TLS_"
    "serial-grub-running|$S|Welcome to GRUB"
    "serial-grub-config-from-ramdisk|$S|E2E-GRUB-RAMDISK: prefix \\(hd[0-9]+\\)/EFI/debian"
    "linux-secure-boot-enabled|$S|secureboot: Secure boot enabled"
    "linux-locked-down|$S|Kernel is locked down from EFI Secure Boot"
    "linux-userspace|$S|$LINUX_MARKER: [^ ]+ cmdline: .*e2e=$E2E_NAME")
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|Access Denied|grub> |error: |Verification failed|Kernel panic'
milestones "$S" || { E2E_FAIL_REASON="signed chain over HTTPS in a disk image: milestones missing"; e2e_finish; }
vm_stop

e2e_log "an unsigned NBP on the same firmware"
vm_start https $MAC_U tap1 $FWCFG
S="$W"/serial-tap1.log
MS=("dhcp-ack-HTTPClient-ipxe-url|$L|dhcp: DHCPACK 192\\.0\\.2\\.[0-9]+ to $MAC_U \\(.*HTTPClient.*\\) file https://192\\.0\\.2\\.1:$HTTPS_PORT/httpboot/ipxe\\.efi"
    "httpboot-GET-unsigned-ipxe.efi|$L|access: 192\\.0\\.2\\.[0-9]+ GET /httpboot/ipxe\\.efi 200 [0-9]{6,} bytes"
    "serial-firmware-refuses-it|$S|failed to load Boot[0-9A-F]{4} \"UEFI HTTPv4 .*: Access Denied"
    "!serial-ipxe-running|$S|iPXE initialising")
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|iPXE initialising'
milestones "$S" || E2E_FAIL_REASON="unsigned NBP: milestones missing or it ran"
e2e_finish
