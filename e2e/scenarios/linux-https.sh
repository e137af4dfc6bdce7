#!/bin/bash
# UEFI HTTPS Boot to a running Linux: the https chain (CA, server certificate and the CA's EFI
# signature list from `bootproxy certs`, the firmware fetches ipxe.efi over HTTPS), then iPXE's
# script loads Debian's kernel and the busybox initrd from httpboot (over HTTP: Debian's iPXE has
# no trust for the test CA) and the initrd's /init prints the marker.
E2E_TIMEOUT=${E2E_TIMEOUT:-240} E2E_SCENARIO_NAME=linux-https E2E_LINUX=1 exec "$(dirname "$0")/https.sh"
