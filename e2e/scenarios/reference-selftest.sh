#!/bin/bash
# The harness itself, proven against the reference server (dnsmasq + Python, the recipe of
# ../shared/e2e/ovmf-netboot.sh): OVMF boots over HTTP (or pxe), every milestone is seen, everything
# is cleaned up. When this fails, the machine (QEMU, OVMF, namespaces) is at fault, not bootproxy.
# Not part of run.sh's default list; run it with `e2e/run.sh reference-selftest`.
. "$(dirname "$0")/../lib.sh"
. "$E2E_DIR/reference.sh"
MODE=${1:-http}
e2e_init reference-$MODE
net_up; tap_add tap0
content_ipxe "$W"/root
reference_start $MODE
MAC=52:54:00:e2:e0:01
vm_start $MODE $MAC tap0
reference_milestones $MODE $MAC "$W"/serial-tap0.log
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|E2E-MARKER-FAILED'
milestones "$W"/serial-tap0.log || E2E_FAIL_REASON="milestones missing"
e2e_finish
