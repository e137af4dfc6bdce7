#!/bin/bash
# HTTPS boot over RSA key exchange: the same as https.sh, with the DHE suites removed
# (ssl_disabled_ciphers), so the firmware must use the TLS 1.2 RSA key-exchange AES-GCM suite that
# bootproxy allows after the (EC)DHE ones by default (tls_rsa_key_exchange: true). Firmware without
# DHE (older EDK2) depends on exactly this.
E2E_SCENARIO_NAME=https-rsa \
E2E_HTTPS_EXTRA='ssl_disabled_ciphers: ["^TLS_DHE_.*$"]' \
E2E_EXPECT_SUITE=TLS_RSA_WITH_AES_256_GCM_SHA384 \
exec "$(dirname "$0")/https.sh"
