#!/bin/bash
# HTTPS boot, bootproxy alone: the CA, the server certificate and the CA's EFI signature list are
# made by `bootproxy certs` (no openssl, no efitools); the firmware gets the CA through fw_cfg and
# fetches ipxe.efi from httpboot on bootproxy's HTTPS listener with its default TLS settings
# (TLS 1.2 with the RSA key-exchange AES-GCM suite allowed after the (EC)DHE ones, keep-alive after
# HEAD; OVMF 2022.11 picks TLS_DHE_RSA_WITH_AES_256_GCM_SHA384). Then the iPXE chain over HTTP
# (Debian's iPXE has no HTTPS CA for our test CA; the firmware's TLS is what this test is about).
# E2E_HTTPS_EXTRA adds top-level keys: 'tls_rsa_key_exchange: false' (the documented switch) makes
# the curl probe fail; with 'ssl_disabled_ciphers: ["^TLS_DHE_.*$"]' as well the firmware fails too.
. "$(dirname "$0")/../lib.sh"
e2e_init ${E2E_SCENARIO_NAME:-https}
MAC=52:54:00:e2:e0:31
net_up; tap_add tap0; ra_start
content_ipxe "$W"/root
E2E_HTTPS=1
E2E_RULES='        - client: HTTPClient
          arch: [16]
          filename: "https://${next_server}:${https_port}/httpboot/ipxe.efi"'
bootproxy_config "$W"/bootproxy.yml
# bootproxy's own certs command, run from the built jar, paths from the test's bootproxy.yml
java -jar "$BOOTPROXY_JAR" certs --ip $SERVER_IP --name bootproxy-e2e.example "$W"/bootproxy.yml > "$W"/certs.out 2>&1 \
  || { cat "$W"/certs.out; E2E_FAIL_REASON="bootproxy certs failed"; e2e_finish; }
cat "$W"/certs.out | sed 's/^/    certs: /'
FWCFG=$(grep -o -- '-fw_cfg name=etc/edk2/https/cacerts,file=[^ ]*' "$W"/certs.out)
[ -n "$FWCFG" ] || { E2E_FAIL_REASON="bootproxy certs printed no -fw_cfg line"; e2e_finish; }
bootproxy_start "$W"/bootproxy.yml
# what the firmware needs, asked of the listener first with curl (the firmware's own verdict follows):
# TLS 1.2 with an RSA key-exchange AES-GCM suite, and the connection kept open after HEAD
U=https://$SERVER_IP:$HTTPS_PORT/httpboot/ipxe.efi
PROBE=$(in_ns curl -sS --cacert "$W"/tls/ca.pem --tlsv1.2 --tls-max 1.2 --ciphers AES256-GCM-SHA384 --http1.1 \
  -o /dev/null -w '%{num_connects} ' --head "$U" --next --cacert "$W"/tls/ca.pem --tlsv1.2 --tls-max 1.2 \
  --ciphers AES256-GCM-SHA384 --http1.1 -o /dev/null -w '%{num_connects} %{http_code}' "$U" 2>&1)
case "$PROBE" in
  "1 0 200") e2e_log "HTTPS listener: TLS 1.2 TLS_RSA_WITH_AES_256_GCM_SHA384 accepted; GET reused the HEAD's connection" ;;
  *) e2e_log "HTTPS listener probe (TLS 1.2 TLS_RSA_WITH_AES_256_GCM_SHA384, HEAD then GET on one connection) failed: $PROBE"
     # linux-https is about the boot reaching userspace: the listener's RSA key exchange is
     # https's and https-rsa's verdict, so there the probe only informs
     [ "${E2E_LINUX:-0}" = 1 ] || PROBE_FAILED="HTTPS listener refused TLS 1.2 RSA key exchange or closed after HEAD ($(echo $PROBE | tr '\n' ' '))" ;;
esac
# shellcheck disable=SC2086
vm_start https $MAC tap0 $FWCFG
http_ipxe_milestones "$MAC" "$W"/serial-tap0.log https
# the suite the firmware negotiated, from the request log (Jetty's cipher_suite request attribute)
MS+=("firmware-TLS-suite:${E2E_EXPECT_SUITE:-any AES-GCM}|$W/access.log|^192\\.0\\.2\\.(1[0-9][0-9]|200) $HTTPS_PORT \"GET /httpboot/ipxe\\.efi HTTP/1\\.1\" 200 .*UefiHttpBoot.* tls=${E2E_EXPECT_SUITE:-TLS_[A-Z0-9_]+_GCM_SHA[0-9]+}$")
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|E2E-MARKER-FAILED|Kernel panic'
milestones "$W"/serial-tap0.log || E2E_FAIL_REASON="milestones missing"
grep -aoE '"UefiHttpBoot/1.0".* tls=.*' "$W"/access.log | head -1 | sed "s/^/[$E2E_NAME] firmware request: /"
[ -n "${PROBE_FAILED:-}" ] && E2E_FAIL_REASON="${E2E_FAIL_REASON:+$E2E_FAIL_REASON; }$PROBE_FAILED"
e2e_finish
