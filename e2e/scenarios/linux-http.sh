#!/bin/bash
# UEFI HTTP Boot to a running Linux: the http4 chain (bootproxy's DHCP answers the HTTPClient with
# option 60 and the /httpboot/ipxe.efi URL, HEAD + GET by the firmware, iPXE's DHCP gets the
# default script URL), then the script loads Debian's kernel and the suite's busybox initrd from
# httpboot and boots them; the initrd's /init prints the marker with the kernel command line.
E2E_TIMEOUT=${E2E_TIMEOUT:-240} E2E_SCENARIO_NAME=linux-http E2E_LINUX=1 exec "$(dirname "$0")/http4.sh"
