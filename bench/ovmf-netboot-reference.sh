#!/bin/bash
# Copied unchanged (but this line) from ../shared/e2e/ovmf-netboot.sh: the dnsmasq + Python reference of bench/boot.sh.
# e2e-netboot.sh - boot real OVMF (UEFI) firmware in QEMU against a DHCP/TFTP/HTTP(S)
# boot server running in a private network namespace, and prove the whole chain:
#   firmware DHCP -> firmware fetches ipxe.efi (HTTP/HTTPS/TFTP) -> iPXE runs ->
#   iPXE DHCP -> iPXE fetches menu.ipxe -> script fetches marker URL.
#
# usage: sudo ./e2e-netboot.sh [http|https|pxe|http6]     (default: http)
# env:   TIMEOUT=180  (QEMU wall clock limit, s)   ACCEL=tcg (kvm where it works)
#        WORKDIR=...  (default: mktemp -d, removed after success)   KEEP=1 (keep it)
#        INSTALL=1    (apt-get install the Debian packages first)
# Exit 0 and prints "1 passed, 0 failed" when every milestone was seen.
# All traffic stays inside a network namespace created here (192.0.2.0/24,
# 2001:db8:e2e::/64); the namespace, its tap/bridge and every process started
# here (killed by PID) are removed on exit.
set -u
MODE=${1:-http}
TIMEOUT=${TIMEOUT:-180}
ACCEL=${ACCEL:-tcg}
case "$MODE" in http|https|pxe|http6) ;; *) echo "unknown mode $MODE" >&2; exit 2;; esac
[ "$(id -u)" = 0 ] || { echo "must run as root (network namespaces, tap)" >&2; exit 2; }

if [ "${INSTALL:-0}" = 1 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    qemu-system-x86 ovmf ipxe dnsmasq-base efitools openssl python3 iproute2 >/dev/null
fi
for b in qemu-system-x86_64 dnsmasq python3 ip openssl timeout; do
  command -v $b >/dev/null || { echo "missing $b (INSTALL=1 installs it)" >&2; exit 2; }
done
CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
IPXE=/usr/lib/ipxe/ipxe.efi
for f in $CODE $VARS $IPXE; do [ -f $f ] || { echo "missing $f" >&2; exit 2; }; done

W=${WORKDIR:-$(mktemp -d /tmp/e2e-netboot.XXXXXX)}
mkdir -p "$W"/www/boot "$W"/tftp "$W"/tls
W=$(cd "$W" && pwd)
NS=e2enb$$
MAC=52:54:00:e2:e0:01
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  ip netns del $NS 2>/dev/null
  # a mktemp WORKDIR is removed after success; kept (and printed) after a failure or with KEEP=1
  if [ "${KEEP:-0}" != 1 ] && [ -z "${WORKDIR:-}" ] && [ "${OK:-0}" = 1 ]; then rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- network: namespace, bridge br0 (192.0.2.1/24 + 2001:db8:e2e::1/64), tap0 on it
ip netns add $NS || exit 2
ip -n $NS link set lo up
ip -n $NS link add br0 type bridge
ip -n $NS addr add 192.0.2.1/24 dev br0
ip -n $NS addr add 2001:db8:e2e::1/64 dev br0 nodad
ip -n $NS link set br0 up
ip -n $NS tuntap add dev tap0 mode tap
ip -n $NS link set tap0 master br0
ip -n $NS link set tap0 up

# ---- content
cp $IPXE "$W"/www/boot/ipxe.efi; cp $IPXE "$W"/tftp/ipxe.efi
cat > "$W"/www/boot/menu.ipxe <<'EOF'
#!ipxe
echo E2E-MENU: menu.ipxe running, mac ${net0/mac} ip ${net0/ip}
imgfetch http://192.0.2.1/boot/marker-ok?mac=${net0/mac} && echo E2E-MARKER-FETCHED || echo E2E-MARKER-FAILED
sleep 600
EOF
echo ok > "$W"/www/boot/marker-ok

# ---- HTTP(S) server with an access log (client, request, status, User-Agent, TLS)
cat > "$W"/httpd.py <<'EOF'
import functools, http.server, socket, ssl, sys
addr, port, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"      # keep-alive: EDK2 HTTPS boot fails if the server closes after HEAD
    def log_message(self, fmt, *args):
        tls = " [%s %s]" % (self.connection.version(), self.connection.cipher()[0]) if hasattr(self.connection, "version") else ""
        sys.stderr.write('%s %s - %s ua="%s"%s\n' % (self.log_date_time_string(), self.client_address[0],
                         fmt % args, self.headers.get("User-Agent", "") if hasattr(self, "headers") else "", tls))
        sys.stderr.flush()
class S(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    def handle_error(self, request, client_address):   # firmware resets its keep-alive socket on hand-off
        sys.stderr.write("%s connection error: %s\n" % (client_address[0], sys.exc_info()[1]))
httpd = S((addr, port), functools.partial(H, directory=root))
if len(sys.argv) > 5:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[4], sys.argv[5])
    ctx.set_ciphers("DEFAULT:@SECLEVEL=1")   # EDK2 2022.11 TLS 1.2 needs an RSA-key-exchange suite
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
httpd.serve_forever()
EOF
: > "$W"/access.log
ip netns exec $NS python3 -u "$W"/httpd.py 192.0.2.1 80 "$W"/www 2>>"$W"/access.log & PIDS+=($!)
QEMU_EXTRA=()
case $MODE in
  https)
    ( cd "$W"/tls
      openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=e2e test CA" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
      openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=192.0.2.1" 2>/dev/null
      printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:192.0.2.1\n' > server.ext
      openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext 2>/dev/null
      cert-to-efi-sig-list -g "$(cat /proc/sys/kernel/random/uuid)" ca.crt cacerts.esl ) || exit 1
    ip netns exec $NS python3 -u "$W"/httpd.py 192.0.2.1 443 "$W"/www "$W"/tls/server.crt "$W"/tls/server.key 2>>"$W"/access.log & PIDS+=($!)
    QEMU_EXTRA+=(-fw_cfg name=etc/edk2/https/cacerts,file="$W"/tls/cacerts.esl) ;;
  http6)
    ip netns exec $NS python3 -u "$W"/httpd.py 2001:db8:e2e::1 80 "$W"/www 2>>"$W"/access.log & PIDS+=($!) ;;
esac

# ---- dnsmasq: DHCPv4 (+TFTP), RA, DHCPv6 for http6
FW_URL=http://192.0.2.1/boot/ipxe.efi; [ $MODE = https ] && FW_URL=https://192.0.2.1/boot/ipxe.efi
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
tftp-root=$W/tftp
enable-ra
dhcp-vendorclass=set:httpclient,HTTPClient
dhcp-vendorclass=set:pxeclient,PXEClient
dhcp-userclass=set:ipxe,iPXE
# stage 2: iPXE gets its script; 175.176=1 tells iPXE not to wait for ProxyDHCP
dhcp-boot=tag:ipxe,http://192.0.2.1/boot/menu.ipxe
dhcp-option=tag:ipxe,encap:175,176,1b
# stage 1, UEFI HTTP Boot: boot URL + option 60 "HTTPClient" (required by EDK2)
dhcp-option-force=tag:httpclient,60,HTTPClient
dhcp-boot=tag:httpclient,tag:!ipxe,$FW_URL
# stage 1, UEFI PXE: TFTP file name
dhcp-boot=tag:pxeclient,tag:!ipxe,ipxe.efi,,192.0.2.1
EOF
if [ $MODE = http6 ]; then cat >> "$W"/dnsmasq.conf <<'EOF'
dhcp-range=2001:db8:e2e::100,2001:db8:e2e::1ff,64,1h
dhcp-vendorclass=set:httpclient6,enterprise:343,HTTPClient
dhcp-option=tag:httpclient6,option6:bootfile-url,http://[2001:db8:e2e::1]/boot/ipxe.efi
# option 16 must carry "HTTPClient" at offset 6; dnsmasq length-prefixes each string: 00 02 'a' 'b' 00 0a HTTPClient
dhcp-option-force=tag:httpclient6,option6:16,ab,HTTPClient
EOF
else echo 'dhcp-range=2001:db8:e2e::,ra-only,64' >> "$W"/dnsmasq.conf; fi
ip netns exec $NS dnsmasq -k -C "$W"/dnsmasq.conf & PIDS+=($!)
sleep 1

# ---- firmware boot path selection via fw_cfg (EDK2 boot order is PXEv4, PXEv6, HTTPv4, HTTPv6)
case $MODE in
  http|https) FW=(-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=no -fw_cfg name=opt/org.tianocore/IPv6Support,string=no) ;;
  pxe)        FW=(-fw_cfg name=opt/org.tianocore/IPv6Support,string=no) ;;
  http6)      FW=(-fw_cfg name=opt/org.tianocore/IPv4Support,string=no -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=no
                  -boot menu=on,splash-time=5000) ;;   # HTTPv6 started <7 s after power-on failed at once in trials
esac
cp $VARS "$W"/vars.fd
: > "$W"/serial.log
T0=$(date +%s.%N)
ip netns exec $NS timeout $TIMEOUT qemu-system-x86_64 -accel $ACCEL -machine q35 -m 512 -smp 1 \
  -display none -nodefaults -monitor none -serial file:"$W"/serial.log \
  -drive if=pflash,format=raw,readonly=on,file=$CODE \
  -drive if=pflash,format=raw,file="$W"/vars.fd \
  -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
  -device virtio-net-pci,netdev=n0,romfile=,mac=$MAC \
  -device virtio-rng-pci \
  "${FW[@]}" "${QEMU_EXTRA[@]}" > "$W"/qemu.out 2>&1 & QPID=$!; PIDS+=($QPID)

# ---- milestones: name | file | extended regex
case $MODE in
  pxe)   FETCH="$W/dnsmasq.log|sent $W/tftp/ipxe.efi to 192\.0\.2\." ;;
  https) FETCH="$W/access.log|\"GET /boot/ipxe.efi HTTP/1.1\" 200 .*UefiHttpBoot.*\[TLS" ;;
  http6) FETCH="$W/access.log|^[^ ]+ [^ ]+ [0-9a-f:]*:[0-9a-f:]+ - \"GET /boot/ipxe.efi HTTP/1.1\" 200 .*UefiHttpBoot" ;;
  *)     FETCH="$W/access.log|\"GET /boot/ipxe.efi HTTP/1.1\" 200 .*UefiHttpBoot" ;;
esac
MS=("firmware-dhcp|$W/serial.log|Station IP(v6)? address is"
    "firmware-fetched-ipxe.efi|$FETCH"
    "ipxe.efi-running|$W/serial.log|iPXE initialising devices"
    "ipxe-fetched-menu.ipxe|$W/access.log|\"GET /boot/menu.ipxe HTTP/1.1\" 200 .*iPXE"
    "script-fetched-marker|$W/access.log|\"GET /boot/marker-ok\?mac=52%3A54%3A00%3Ae2%3Ae0%3A01 HTTP/1.1\" 200"
    "serial-marker|$W/serial.log|E2E-MARKER-FETCHED")
declare -A AT
left=${#MS[@]}
check() {
  for m in "${MS[@]}"; do
    IFS='|' read -r name file re <<<"$m"
    [ -n "${AT[$name]:-}" ] && continue
    if grep -aqE "$re" "$file" 2>/dev/null; then
      AT[$name]=$(awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN{printf "%.1f", a-b}'); left=$((left-1))
    fi
  done
}
# give up early when the firmware fell through to the EFI shell / no boot option, or the script failed
FAILRE='starting Boot[0-9A-F]{4} "EFI Internal Shell"|No bootable option or device|E2E-MARKER-FAILED'
while [ $left -gt 0 ] && kill -0 $QPID 2>/dev/null; do
  check; grep -aqE "$FAILRE" "$W"/serial.log && { sleep 1; check; break; }
  grep -aq 'KVM internal error' "$W"/qemu.out && break    # e.g. nested/PVM KVM that cannot run OVMF: use ACCEL=tcg
  sleep 0.2
done
check   # QEMU may have powered off right after the last milestone
TOTAL=$(awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN{printf "%.1f", a-b}')
echo "mode=$MODE accel=$ACCEL workdir=$W"
echo "  $(dpkg-query -W -f='${Package}=${Version} ' qemu-system-x86 ovmf ipxe dnsmasq-base 2>/dev/null)"
for m in "${MS[@]}"; do IFS='|' read -r name file re <<<"$m"; printf '  %-28s %s\n' "$name" "${AT[$name]:-NOT SEEN} ${AT[$name]:+s}"; done
if [ $left -eq 0 ]; then
  OK=1; echo "full boot chain proven in ${TOTAL} s"; echo "1 passed, 0 failed"; exit 0
fi
echo "FAILED after ${TOTAL} s; tails:"
echo "--- serial"; tr -d '\033' < "$W"/serial.log | sed 's/\[[0-9;=?]*[a-zA-Z]//g' | tr '\r' '\n' | grep -av '^\s*$' | grep -v 'Downloading\.\.\.' | tail -25
echo "--- access.log"; tail -10 "$W"/access.log
echo "--- dnsmasq.log"; grep -E 'DHCP(ACK|REPLY|OFFER|ADVERTISE)|tftp|vendor class' "$W"/dnsmasq.log | tail -10
echo "--- qemu"; tail -5 "$W"/qemu.out
echo "0 passed, 1 failed"; exit 1
