# e2e/reference.sh - the server side of ../shared/e2e/ovmf-netboot.sh (dnsmasq for DHCP/TFTP/RA and
# a small Python HTTP(S) server with an access log), laid out like bootproxy's (/httpboot/ URLs on
# port 8000/8443, the same files), so the same client side and milestones run against either.
# Sourced after lib.sh. Used by e2e/scenarios/reference-selftest.sh (proves the harness itself)
# and bench/boot.sh (the reference timings).

# reference_start MODE: MODE http|https|pxe; files come from $W/root (content_ipxe).
reference_start() {
  local mode=$1
  command -v dnsmasq >/dev/null && command -v python3 >/dev/null || { echo "reference needs dnsmasq and python3" >&2; exit 2; }
  cat > "$W"/httpd.py <<'PY'
import functools, http.server, socket, ssl, sys
addr, port, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"      # keep-alive: EDK2 HTTPS boot fails if the server closes after HEAD
    def translate_path(self, path):
        return super().translate_path(path[len("/httpboot"):] if path.startswith("/httpboot/") else "/nonexistent")
    def log_message(self, fmt, *args):
        tls = " [%s %s]" % (self.connection.version(), self.connection.cipher()[0]) if hasattr(self.connection, "version") else ""
        sys.stderr.write('%s %s - %s ua="%s"%s\n' % (self.log_date_time_string(), self.client_address[0],
                         fmt % args, self.headers.get("User-Agent", "") if hasattr(self, "headers") else "", tls))
        sys.stderr.flush()
class S(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    def handle_error(self, request, client_address):
        sys.stderr.write("%s connection error: %s\n" % (client_address[0], sys.exc_info()[1]))
httpd = S((addr, port), functools.partial(H, directory=root))
if len(sys.argv) > 5:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[4], sys.argv[5])
    ctx.set_ciphers("DEFAULT:@SECLEVEL=1")
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
httpd.serve_forever()
PY
  spawn access python3 -u "$W"/httpd.py $SERVER_IP $HTTP_PORT "$W"/root
  if [ "$mode" = https ]; then
    spawn access python3 -u "$W"/httpd.py $SERVER_IP $HTTPS_PORT "$W"/root "$W"/tls/server.pem "$W"/tls/server-key.pem
  fi
  local fw_url=http://$SERVER_IP:$HTTP_PORT/httpboot/ipxe.efi
  [ "$mode" = https ] && fw_url=https://$SERVER_IP:$HTTPS_PORT/httpboot/ipxe.efi
  cat > "$W"/dnsmasq.conf <<EOF
port=0
interface=br0
bind-interfaces
no-resolv
no-hosts
user=root
log-dhcp
log-facility=$W/dnsmasq.log
dhcp-leasefile=$W/dnsmasq.leases
dhcp-range=192.0.2.100,192.0.2.200,255.255.255.0,1h
dhcp-authoritative
no-ping
enable-tftp
tftp-root=$W/root
enable-ra
dhcp-range=2001:db8:e2e::,ra-only,64
dhcp-vendorclass=set:httpclient,HTTPClient
dhcp-vendorclass=set:pxeclient,PXEClient
dhcp-userclass=set:ipxe,iPXE
dhcp-boot=tag:ipxe,http://$SERVER_IP:$HTTP_PORT/httpboot/pxelinux.cfg/default.ipxe
dhcp-option=tag:ipxe,encap:175,176,1b
dhcp-option-force=tag:httpclient,60,HTTPClient
dhcp-boot=tag:httpclient,tag:!ipxe,$fw_url
dhcp-boot=tag:pxeclient,tag:!ipxe,ipxe.efi,,$SERVER_IP
EOF
  spawn dnsmasq dnsmasq -k -C "$W"/dnsmasq.conf
  LOGS_TO_TAIL+=("access.log|$W/access.log|" "dnsmasq|$W/dnsmasq.log|DHCP(ACK|REPLY|OFFER)|tftp|vendor class")
  sleep 1
}

# reference_milestones MODE MAC SERIAL: the milestones in the reference server's logs.
reference_milestones() {
  local mode=$1 mac=$2 serial=$3 fetch
  local macq=${mac//:/%3A}
  case $mode in
    pxe)   fetch="$W/dnsmasq.log|sent $W/root/ipxe.efi to 192\\.0\\.2\\." ;;
    https) fetch="$W/access.log|\"GET /httpboot/ipxe.efi HTTP/1.1\" 200 .*UefiHttpBoot.*\\[TLS" ;;
    *)     fetch="$W/access.log|\"GET /httpboot/ipxe.efi HTTP/1.1\" 200 .*UefiHttpBoot" ;;
  esac
  MS=("firmware-dhcp|$serial|Station IP address is"
      "firmware-fetched-ipxe.efi|$fetch"
      "ipxe.efi-running|$serial|iPXE initialising devices"
      "ipxe-fetched-default.ipxe|$W/access.log|\"GET /httpboot/pxelinux.cfg/default.ipxe HTTP/1.1\" 200 .*iPXE"
      "script-fetched-marker|$W/access.log|\"GET /httpboot/marker-default\\?mac=$macq HTTP/1.1\" 200"
      "serial-marker|$serial|E2E-MARKER-FETCHED")
}
