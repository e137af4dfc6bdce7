#!/bin/bash
# e2e/boot.sh - boot a throw-away UEFI VM (Debian's OVMF in QEMU) against a RUNNING bootproxy, on a
# bridge you name, and report each milestone: a way to check a new configuration before real
# hardware. Nothing is installed or changed on the host besides a tap device on that bridge, which
# is removed again (as is QEMU, stopped by PID), pass or fail.
#
# usage: e2e/boot.sh --bridge BR [--mode http|https|pxe|http6|bios|secureboot] [--mac MAC] [--timeout S]
#                    [--log BOOTPROXY_LOG] [--esl CA.esl] [--until REGEX] [--accel tcg|kvm] [--keep]
#   --bridge   the provisioning bridge bootproxy's DHCP server answers on (must exist)
#   --mode     which firmware boot path to try (EDK2 tries only that one): default http.
#              bios: legacy BIOS (SeaBIOS) with an e1000 whose PXE ROM is ipxe-qemu's iPXE (it
#              says user class iPXE, arch 0); secureboot: OVMF with Secure Boot enforced and
#              Microsoft's keys (OVMF_CODE_4M.secboot.fd + OVMF_VARS_4M.ms.fd), PXEv4 then HTTPv4
#              (HTTPS with --esl): serve the signed shim and GRUB
#   --mac      the VM's MAC (default 52:54:00 + random), e.g. one you reserved through /dhcp
#   --log      bootproxy's log file: its DHCP/TFTP/httpboot lines for this MAC are reported too
#   --esl      the CA as an EFI signature list (from `bootproxy certs`), needed for --mode https
#   --until    serial-console regex that means "booted far enough" (default: iPXE, GRUB or Linux
#              started, or a boot script's own output)
#   --timeout  seconds before giving up (default 180)
#   --accel    QEMU accelerator (default tcg; kvm where /dev/kvm really works)
# Exit 0 when --until was seen, 1 otherwise (with the console tail). Needs root, qemu-system-x86, ovmf.
set -u
BRIDGE=""; MODE=http; MAC=""; TIMEOUT=180; LOG=""; ESL=""; KEEP=0; ACCEL=tcg
UNTIL='iPXE initialising devices|Welcome to GRUB|PXELINUX [0-9]|Linux version|E2E-MARKER-FETCHED|E2E-LINUX-USERSPACE'
while [ $# -gt 0 ]; do
  case $1 in
    --bridge) BRIDGE=$2; shift 2 ;;
    --mode) MODE=$2; shift 2 ;;
    --mac) MAC=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --log) LOG=$2; shift 2 ;;
    --esl) ESL=$2; shift 2 ;;
    --until) UNTIL=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --accel) ACCEL=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$BRIDGE" ] || { echo "--bridge is required (see --help)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "must run as root (tap device)" >&2; exit 2; }
ip link show "$BRIDGE" >/dev/null 2>&1 || { echo "no bridge $BRIDGE here" >&2; exit 2; }
case $MODE in http|https|pxe|http6|bios|secureboot) ;; *) echo "--mode must be http, https, pxe, http6, bios or secureboot" >&2; exit 2 ;; esac
[ "$MODE" != https ] || [ -f "$ESL" ] || { echo "--mode https needs --esl CA.esl (bootproxy certs writes one)" >&2; exit 2; }
[ -n "$MAC" ] || MAC=$(printf '52:54:00:%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))
[[ $MAC =~ ^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$ ]] || { echo "--mac $MAC is not a MAC address" >&2; exit 2; }
MAC=${MAC,,}
CODE=/usr/share/OVMF/OVMF_CODE_4M.fd; VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
MACHINE=(-machine q35)
[ $MODE = secureboot ] && { CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd; VARS=/usr/share/OVMF/OVMF_VARS_4M.ms.fd
  MACHINE=(-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on); }
PXE_ROM=/usr/lib/ipxe/qemu/pxe-e1000.rom
if [ $MODE = bios ]; then
  [ -f $PXE_ROM ] || { echo "missing $PXE_ROM (apt-get install ipxe-qemu)" >&2; exit 2; }
else
  for f in $CODE $VARS; do [ -f $f ] || { echo "missing $f (apt-get install ovmf)" >&2; exit 2; }; done
fi
command -v qemu-system-x86_64 >/dev/null || { echo "missing qemu-system-x86_64 (apt-get install qemu-system-x86)" >&2; exit 2; }

W=$(mktemp -d /tmp/bootproxy-boot.XXXXXX)
TAP=bpboot$((RANDOM % 10000))
QPID=""; TAILPID=""
cleanup() {
  [ -n "$QPID" ] && { kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; }
  [ -n "$TAILPID" ] && { kill "$TAILPID" 2>/dev/null; wait "$TAILPID" 2>/dev/null; }
  ip link del "$TAP" 2>/dev/null
  if [ "$KEEP" = 1 ] || [ "${OK:-0}" != 1 ]; then echo "work directory kept: $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip tuntap add dev "$TAP" mode tap || exit 2
ip link set "$TAP" master "$BRIDGE" && ip link set "$TAP" up || exit 2
case $MODE in
  http|https) FW=(-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=no -fw_cfg name=opt/org.tianocore/IPv6Support,string=no) ;;
  pxe)        FW=(-fw_cfg name=opt/org.tianocore/IPv6Support,string=no) ;;
  http6)      FW=(-fw_cfg name=opt/org.tianocore/IPv4Support,string=no -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=no
                  -boot menu=on,splash-time=5000) ;;
  secureboot) FW=(-fw_cfg name=opt/org.tianocore/IPv6Support,string=no) ;;   # PXEv4, then HTTPv4
  bios)       FW=() ;;
esac
# the firmware and the NIC: OVMF + virtio-net without option ROM (romfile= is essential: else QEMU's
# iPXE ROM boots instead of the firmware's own client), or SeaBIOS + e1000 with the iPXE PXE ROM
FLASH=(-drive if=pflash,format=raw,readonly=on,file=$CODE -drive if=pflash,format=raw,file="$W"/vars.fd)
NIC=(-device virtio-net-pci,netdev=n0,romfile=,mac="$MAC")
[ $MODE = bios ] && { FLASH=(); MACHINE=(-machine pc,graphics=off -boot n); NIC=(-device e1000,netdev=n0,romfile=$PXE_ROM,mac="$MAC"); }
[ -n "$ESL" ] && FW+=(-fw_cfg name=etc/edk2/https/cacerts,file="$ESL")
cp $VARS "$W"/vars.fd; : > "$W"/serial.log
if [ -n "$LOG" ]; then
  [ -f "$LOG" ] || { echo "--log $LOG does not exist" >&2; exit 2; }
  tail -n 0 -F "$LOG" > "$W"/bootproxy.log 2>/dev/null & TAILPID=$!
fi
echo "booting $MAC on $BRIDGE ($TAP), mode $MODE, accel $ACCEL, up to $TIMEOUT s; console: $W/serial.log"
T0=$(date +%s.%N)
timeout "$TIMEOUT" qemu-system-x86_64 -accel $ACCEL "${MACHINE[@]}" -m 512 -smp 1 \
  -display none -nodefaults -monitor none -serial file:"$W"/serial.log \
  "${FLASH[@]}" \
  -netdev tap,id=n0,ifname="$TAP",script=no,downscript=no \
  "${NIC[@]}" -device virtio-rng-pci \
  "${FW[@]}" > "$W"/qemu.out 2>&1 & QPID=$!

# milestones: name | file | regex ; the server-side ones only with --log
macre=${MAC//:/[:-]}
MS=("firmware: address from DHCP|$W/serial.log|Station IP(v6)? address is|net0: [0-9.]+/[0-9.]+ gw"
    "firmware: NBP downloaded|$W/serial.log|NBP file downloaded successfully|iPXE initialising devices|Welcome to GRUB|pxelinux\.0 : [0-9]+ bytes"
    "NBP running (iPXE, GRUB or pxelinux)|$W/serial.log|iPXE initialising devices|Welcome to GRUB|PXELINUX [0-9]"
    "until: $UNTIL|$W/serial.log|$UNTIL")
# legacy BIOS: the NIC's ROM is iPXE itself; its NBP is pxelinux.0 (or another .0)
[ $MODE = bios ] && MS[1]="firmware: NBP downloaded|$W/serial.log|\.0 : [0-9]+ bytes" \
  && MS[2]="NBP running (pxelinux or GRUB)|$W/serial.log|PXELINUX [0-9]|Welcome to GRUB"
[ -n "$LOG" ] && MS=("bootproxy: DHCP answer to $MAC|$W/bootproxy.log|DHCPACK .* to $macre"
                     "bootproxy: file sent (TFTP or httpboot)|$W/bootproxy.log|TFTP: sent |access: .* GET .* 200 "
                     "${MS[@]}")
declare -A AT
left=${#MS[@]}
check() {
  for m in "${MS[@]}"; do
    IFS='|' read -r name file re <<<"$m"
    [ -n "${AT[$name]:-}" ] && continue
    grep -aqE "$re" "$file" 2>/dev/null && { AT[$name]=$(awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN{printf "%.1f", a-b}');
      left=$((left-1)); printf '  %6s s  %s\n' "${AT[$name]}" "$name"; }
  done
}
while [ $left -gt 0 ] && kill -0 $QPID 2>/dev/null; do
  check
  # the firmware gave up, or Secure Boot refused an image (firmware: Access Denied; shim: Security Violation)
  grep -aqE 'starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|Access Denied|Security Violation|Kernel panic' "$W"/serial.log && break
  grep -aq 'KVM internal error' "$W"/qemu.out && { echo "KVM cannot run OVMF here: use --accel tcg" >&2; break; }
  sleep 0.3
done
check   # the VM may have powered off (a Linux /init) right after the last line
for m in "${MS[@]}"; do IFS='|' read -r name file re <<<"$m"; [ -n "${AT[$name]:-}" ] || printf '  %8s  %s\n' "NOT SEEN" "$name"; done
if [ -n "${AT["until: $UNTIL"]:-}" ]; then OK=1; echo "booted: '$UNTIL' seen after ${AT["until: $UNTIL"]} s"; exit 0; fi
echo "--- console tail"
tr -d '\033' < "$W"/serial.log | sed 's/\[[0-9;=?]*[a-zA-Z]//g' | tr '\r' '\n' | grep -av '^\s*$' | tail -20
[ -n "$LOG" ] && { echo "--- bootproxy lines for this boot"; grep -aE "$macre|TFTP|access:" "$W"/bootproxy.log | tail -15; }
exit 1
