#!/bin/bash
# Foreman's "Grub2 UEFI HTTP" loader to a running Linux (see linux-grub.sh): UEFI HTTP Boot of
# http://<proxy>:<http_port>/httpboot/grub2/grubx64.efi from the reservation, GRUB (no embedded
# config) reads grub2/grub.cfg, Foreman's global default (POST /tftp/PXEGrub2/create_default),
# which loads the host's grub2/grub.cfg-<mac> (POST /tftp/PXEGrub2/<mac>), then the kernel and
# initrd over HTTP from httpboot; no symlink anywhere under the TFTP root.
E2E_TIMEOUT=${E2E_TIMEOUT:-240} E2E_SCENARIO_NAME=linux-grub-http E2E_GRUB_VIA=http exec "$(dirname "$0")/linux-grub.sh"
