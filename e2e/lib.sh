# e2e/lib.sh - shared client side of the end-to-end suite: a network namespace with a bridge and
# taps, Debian's OVMF in QEMU (TCG), milestones read from the server's own logs and the serial
# console, and a cleanup that stops everything by PID and removes the namespace, pass or fail.
# The client side is the one of ../shared/e2e/ovmf-netboot.sh (kept in bench/ovmf-netboot-reference.sh):
# every pitfall it encodes is real (romfile=, fw_cfg boot-path selection, fresh VARS, -serial file:).
#
# Sourced by e2e/scenarios/*.sh, e2e/boot.sh and bench/boot.sh. Needs root, bash 4.
# Environment:
#   E2E_TIMEOUT   seconds one VM may take to reach its last milestone (default 150)
#   E2E_KEEP=1    keep the work directory even after a pass (it is always kept after a failure)
#   E2E_GRACE     seconds the logs are still watched for milestones after the VM stopped (default 8:
#                 a TFTP transfer whose final ACK never came ends after retries x timeout)
#   E2E_WORKDIR   parent of the work directories (default /tmp)
#   BOOTPROXY_JAR, BOOTPROXY_MODULES   the built proxy (default: this repository's build output)
#   ACCEL         QEMU accelerator (default tcg; the suite never needs KVM)

set -u
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$E2E_DIR/.." && pwd)
BOOTPROXY_JAR=${BOOTPROXY_JAR:-$REPO/proxy-core/target/bootproxy.jar}
BOOTPROXY_MODULES=${BOOTPROXY_MODULES:-$REPO/modules}
E2E_TIMEOUT=${E2E_TIMEOUT:-150}
ACCEL=${ACCEL:-tcg}
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
IPXE_EFI=/usr/lib/ipxe/ipxe.efi
PXE_ROM=/usr/lib/ipxe/qemu/pxe-e1000.rom
SERVER_IP=192.0.2.1
SERVER_IP6=2001:db8:e2e::1
HTTP_PORT=8000
HTTPS_PORT=8443

PIDS=()          # every process started here, killed by PID on exit
QEMU_PIDS=()
E2E_OK=0
E2E_SKIP=0
E2E_FAIL_REASON=""
declare -A AT     # milestone name -> seconds after QEMU start
MS=()             # milestones: "name|file|extended regex"
FAILRE=""         # serial/log pattern that ends a boot early as a failure
LOGS_TO_TAIL=()   # "label|file|grep filter" printed on failure

e2e_log() { printf '[%s] %s\n' "$E2E_NAME" "$*"; }

# e2e_init NAME: work directory and namespace names, exit trap. Call first.
e2e_init() {
  E2E_NAME=$1
  [ "$(id -u)" = 0 ] || { echo "must run as root (network namespaces, tap)" >&2; exit 2; }
  for b in qemu-system-x86_64 ip timeout curl java; do
    command -v $b >/dev/null || { echo "missing $b (see README: the test command installs it)" >&2; exit 2; }
  done
  for f in $OVMF_CODE $OVMF_VARS $IPXE_EFI; do [ -f $f ] || { echo "missing $f (Debian ovmf/ipxe)" >&2; exit 2; }; done
  W=$(mktemp -d "${E2E_WORKDIR:-/tmp}/e2e-$E2E_NAME.XXXXXX")
  mkdir -p "$W"/root "$W"/state "$W"/tls
  NS=bpe2e$$
  trap e2e_cleanup EXIT
  trap 'E2E_FAIL_REASON="interrupted"; exit 130' INT TERM
  E2E_T_START=$(date +%s.%N)
}

e2e_cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    # a JVM gets 10 s to stop cleanly, then SIGKILL
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null
  done
  if [ -n "${NS:-}" ] && ip netns list | grep -qw "$NS"; then
    # anything still inside (a forked helper) is killed by PID before the namespace goes
    for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    ip netns del "$NS"
  fi
  if [ "$E2E_OK" = 1 ] && [ "${E2E_KEEP:-0}" != 1 ]; then rm -rf "$W"; fi
}

# net_up: namespace, bridge br0 (192.0.2.1/24, 2001:db8:e2e::1/64), lo up.
net_up() {
  ip netns add $NS || exit 2
  ip -n $NS link set lo up
  ip -n $NS link add br0 type bridge
  ip -n $NS link set br0 type bridge forward_delay 0
  ip -n $NS addr add $SERVER_IP/24 dev br0
  ip -n $NS addr add $SERVER_IP6/64 dev br0 nodad
  ip -n $NS link set br0 up
}

# tap_add NAME: a tap device on br0 for one VM.
tap_add() {
  ip -n $NS tuntap add dev "$1" mode tap
  ip -n $NS link set "$1" master br0
  ip -n $NS link set "$1" up
}

# in_ns CMD...: run a command inside the namespace.
in_ns() { ip netns exec $NS "$@"; }

# spawn NAME CMD...: start CMD inside the namespace, output to $W/NAME.log, PID remembered.
spawn() {
  local name=$1; shift
  ip netns exec $NS "$@" >>"$W/$name.log" 2>&1 &
  PIDS+=($!)
  eval "PID_${name//[^A-Za-z0-9_]/_}=$!"
}

# ra_start: router advertisements on br0 (saves iPXE ~16 s of IPv6 autoconfiguration, see
# NETBOOT.md). dnsmasq here does nothing but RA: no DNS, no DHCP, no TFTP.
ra_start() {
  command -v dnsmasq >/dev/null || { e2e_log "dnsmasq not installed: no RA (iPXE will be ~16 s slower)"; return; }
  spawn ra dnsmasq -k --port=0 --interface=br0 --bind-interfaces --no-resolv --no-hosts --user=root \
    --pid-file= --enable-ra --dhcp-range=2001:db8:e2e::,ra-only,64 --leasefile-ro
}

# The default iPXE script: the dhcp plugin's default rules send iPXE to
# /httpboot/pxelinux.cfg/default.ipxe (the tftp plugin's iPXE default menu). It chains the host's
# own script (pxelinux.cfg/01-<mac>.ipxe, what POST /tftp/iPXE/<mac> writes) when there is one,
# else fetches marker-default.
# With E2E_LINUX=1 the script boots the kernel and initrd of content_linux from httpboot instead
# (EFI iPXE hands the initrd to the kernel's EFI stub by the name in initrd=).
default_ipxe_script() {
  if [ "${E2E_LINUX:-0}" = 1 ]; then
    cat <<EOF
#!ipxe
echo E2E-SCRIPT: default.ipxe running, mac \${net0/mac} ip \${net0/ip}
kernel http://$SERVER_IP:$HTTP_PORT/httpboot/$LINUX_KERNEL_PATH initrd=${LINUX_INITRD_PATH##*/} $(linux_cmdline) || echo E2E-MARKER-FAILED
initrd http://$SERVER_IP:$HTTP_PORT/httpboot/$LINUX_INITRD_PATH || echo E2E-MARKER-FAILED
boot || echo E2E-MARKER-FAILED
EOF
    return
  fi
  cat <<EOF
#!ipxe
echo E2E-SCRIPT: default.ipxe running, mac \${net0/mac} ip \${net0/ip}
chain http://$SERVER_IP:$HTTP_PORT/httpboot/pxelinux.cfg/01-\${net0/mac:hexhyp}.ipxe || echo E2E-NO-HOST-SCRIPT
imgfetch http://$SERVER_IP:$HTTP_PORT/httpboot/marker-default?mac=\${net0/mac} && echo E2E-MARKER-FETCHED || echo E2E-MARKER-FAILED
sleep 600
EOF
}

# content_ipxe ROOT: ipxe.efi, the default iPXE script and its marker.
content_ipxe() {
  local root=$1
  mkdir -p "$root"/pxelinux.cfg
  cp $IPXE_EFI "$root"/ipxe.efi
  [ "${E2E_LINUX:-0}" = 1 ] && content_linux "$root"
  default_ipxe_script > "$root"/pxelinux.cfg/default.ipxe
  echo ok > "$root"/marker-default
}

# bootproxy_config FILE: the test's bootproxy.yml. Knobs (variables):
#   E2E_HTTPS=1          HTTPS listener with $W/tls/{server.pem,server-key.pem,ca.pem}
#   E2E_HTTPS_EXTRA      extra top-level YAML lines (e.g. tls_rsa_key_exchange: false)
#   E2E_RULES            YAML list items for plugins.dhcp.boot.rules (indented 8)
#   E2E_DHCP_RANGE       "first, last" of the dynamic pool
#   E2E_DHCP_MODE        server (default) or proxy (proxyDHCP beside another DHCP server)
#   E2E_SUBNETS6         YAML lines for plugins.dhcp.subnets6 (the DHCPv6 server; indented 4)
bootproxy_config() {
  local f=$1
  {
    echo "http_port: $HTTP_PORT"
    echo 'bind_host: "*"'
    if [ "${E2E_HTTPS:-0}" = 1 ]; then
      echo "https_port: $HTTPS_PORT"
      echo "ssl_certificate: $W/tls/server.pem"
      echo "ssl_private_key: $W/tls/server-key.pem"
      echo "ssl_ca_file: $W/tls/ca.pem"
      [ -n "${E2E_HTTPS_EXTRA:-}" ] && echo "$E2E_HTTPS_EXTRA"
    fi
    cat <<EOF
plugins:
  tftp:
    enabled: true
    root: $W/root
    listen: 0.0.0.0:69
  httpboot:
    enabled: true
    root_dir: $W/root
  dhcp:
    enabled: true
    provider: embedded
    mode: ${E2E_DHCP_MODE:-server}
    interfaces: [br0]
    state_dir: $W/state
    subnets:
      - network: 192.0.2.0/24
        range: [${E2E_DHCP_RANGE:-192.0.2.100, 192.0.2.200}]
        routers: [$SERVER_IP]
        domain_name_servers: [$SERVER_IP]
        lease_time: 1h
${E2E_SUBNETS6:-}
    boot:
      rules:
${E2E_RULES:-        []}
server:
  adminConnectors: []
  requestLog:
    appenders:
      - type: file
        currentLogFilename: $W/access.log
        archive: false
        logFormat: '%h %localPort "%r" %s %b "%i{User-Agent}" %D tls=%reqAttribute{jakarta.servlet.request.cipher_suite}'
logging:
  level: INFO
  appenders:
    - type: console
      logFormat: "%-5p [%d{ISO8601,UTC}] [%X{request_id:-}] %c{0}: %m%n%rEx"
EOF
  } > "$f"
  LOGS_TO_TAIL+=("access.log|$W/access.log|")
}

# bootproxy_start CONFIG: the built proxy inside the namespace; waits until /features answers.
bootproxy_start() {
  local cfg=$1
  [ -f "$BOOTPROXY_JAR" ] || { E2E_FAIL_REASON="$BOOTPROXY_JAR not built (mvn -B -o package -DskipTests)"; e2e_finish; }
  spawn bootproxy java -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dbootproxy.modules="$BOOTPROXY_MODULES" -jar "$BOOTPROXY_JAR" server "$cfg"
  LOGS_TO_TAIL+=("bootproxy|$W/bootproxy.log|dhcp:|TFTP|access:|WARN|ERROR|Exception|started")
  local t0; t0=$(date +%s)
  until in_ns curl -fsS -o /dev/null --max-time 2 http://$SERVER_IP:$HTTP_PORT/features 2>/dev/null; do
    if ! kill -0 "$PID_bootproxy" 2>/dev/null; then E2E_FAIL_REASON="bootproxy exited at start"; e2e_finish; fi
    if [ $(( $(date +%s) - t0 )) -gt 60 ]; then E2E_FAIL_REASON="bootproxy not answering after 60 s"; e2e_finish; fi
    sleep 0.3
  done
  e2e_log "bootproxy up after $(awk -v a="$(date +%s.%N)" -v b="$E2E_T_START" 'BEGIN{printf "%.1f", a-b}') s: $(in_ns curl -sS http://$SERVER_IP:$HTTP_PORT/features)"
}

# api METHOD PATH [curl args...]: a REST call as Foreman makes it (JSON accepted, form bodies);
# prints "<status> <body>".
api() {
  local method=$1 path=$2; shift 2
  in_ns curl -sS -X "$method" -H 'Accept: application/json' -H "X-Request-Id: e2e-$E2E_NAME" \
    -w ' %{http_code}' "$@" "http://$SERVER_IP:$HTTP_PORT$path" | awk '{s=$NF; $NF=""; print s, $0}'
}

# expect_api WANT_STATUS METHOD PATH [curl args...]: fails the test on another status.
expect_api() {
  local want=$1; shift
  local r; r=$(api "$@")
  e2e_log "$1 $2 -> $r"
  [ "${r%% *}" = "$want" ] || { E2E_FAIL_REASON="$1 $2 answered ${r%% *}, expected $want: ${r#* }"; e2e_finish; }
}

# Milestones of a firmware -> ipxe.efi -> iPXE -> default.ipxe -> marker boot, read from bootproxy's
# own logs ($W/bootproxy.log: dhcp, tftp and httpboot INFO lines; $W/access.log: the request log,
# which carries the User-Agent) and the serial console.
# http_ipxe_milestones MAC SERIAL MODE [IP-REGEX]   MODE: http | https | pxe
http_ipxe_milestones() {
  local mac=$1 s=$2 mode=$3 ip=${4:-192\\.0\\.2\\.(1[0-9][0-9]|200)}
  local L="$W"/bootproxy.log A="$W"/access.log m=${1//:/\\:}
  local url="http://192\\.0\\.2\\.1:$HTTP_PORT/httpboot/ipxe\\.efi"
  MS=("serial-firmware-starts-netboot|$s|>>Start (PXE|HTTP Boot) over IPv4")
  case $mode in
    http|https)
      [ $mode = https ] && url="https://192\\.0\\.2\\.1:$HTTPS_PORT/httpboot/ipxe\\.efi"
      local port=$HTTP_PORT; [ $mode = https ] && port=$HTTPS_PORT
      MS+=("dhcp-ack-HTTPClient-url|$L|dhcp: DHCPACK $ip to $m \\(.*HTTPClient.*\\) file $url "
           "serial-firmware-got-address|$s|Station IP address is $ip"
           "httpboot-HEAD-ipxe.efi|$L|access: $ip HEAD /httpboot/ipxe\\.efi 200 "
           "httpboot-GET-ipxe.efi|$L|access: $ip GET /httpboot/ipxe\\.efi 200 [0-9]{6,} bytes"
           "request-log-UefiHttpBoot/1.0|$A|^$ip $port \"GET /httpboot/ipxe\\.efi HTTP/1\\.1\" 200 [0-9]+ \"UefiHttpBoot/1\\.0\"") ;;
    pxe)
      MS+=("dhcp-ack-PXEClient-file|$L|dhcp: DHCPACK $ip to $m \\(.*PXEClient.*\\) file ipxe\\.efi next-server 192\\.0\\.2\\.1"
           "serial-firmware-got-address|$s|Station IP address is $ip"
           "tftp-tsize-query-ipxe.efi|$L|TFTP: .*ipxe\\.efi to /?$ip:[0-9]+ \\(.*tsize=[0-9]{6,}"
           "tftp-sent-ipxe.efi-blksize|$L|TFTP: sent ipxe\\.efi to /?$ip:[0-9]+ \\(.*blksize=[0-9]+.*\\): [0-9]{6,} bytes") ;;
  esac
  MS+=("serial-ipxe.efi-running|$s|iPXE initialising devices"
       "dhcp-ack-iPXE-script-url|$L|dhcp: DHCPACK $ip to $m \\(.*iPXE.*\\) file http://192\\.0\\.2\\.1:$HTTP_PORT/httpboot/pxelinux\\.cfg/default\\.ipxe"
       "httpboot-GET-default.ipxe|$L|access: $ip GET /httpboot/pxelinux\\.cfg/default\\.ipxe 200"
       "request-log-iPXE-agent|$A|^$ip $HTTP_PORT \"GET /httpboot/pxelinux\\.cfg/default\\.ipxe HTTP/1\\.1\" 200 [0-9]+ \"iPXE/")
  if [ "${E2E_LINUX:-0}" = 1 ]; then linux_milestones "$s" "$ip" http; return; fi
  MS+=("httpboot-GET-marker|$L|access: $ip GET /httpboot/marker-default 200"
       "serial-marker-fetched|$s|E2E-MARKER-FETCHED")
}

# vm_start MODE MAC TAP [extra qemu args...]: one OVMF VM (TCG, 512 MiB, 1 vCPU, fresh VARS).
# MODE selects the firmware's boot path with fw_cfg (EDK2 order is PXEv4, PXEv6, HTTPv4, HTTPv6).
# MODE bios: legacy BIOS instead (SeaBIOS, QEMU's default; i440fx), an e1000 NIC whose option ROM
# is ipxe-qemu's legacy iPXE (the PXE ROM), network first, graphics=off (sgabios: BIOS text on serial).
# E2E_OVMF_CODE / E2E_OVMF_VARS: other firmware images (Secure Boot) with -machine q35,smm=on.
vm_start() {
  local mode=$1 mac=$2 tap=$3; shift 3
  local fw machine=(-machine q35) nic=(-device virtio-net-pci,netdev=n0,romfile=,mac=$mac)
  local code=${E2E_OVMF_CODE:-$OVMF_CODE} vars=${E2E_OVMF_VARS:-$OVMF_VARS}
  if [ -n "${E2E_OVMF_CODE:-}" ]; then
    machine=(-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on)
  fi
  case $mode in
    bios)       fw=()
                [ -f "$PXE_ROM" ] || { E2E_FAIL_REASON="missing $PXE_ROM (ipxe-qemu)"; e2e_finish; }
                machine=(-machine pc,graphics=off -boot n)
                nic=(-device e1000,netdev=n0,romfile=$PXE_ROM,mac=$mac) ;;
    http|https) fw=(-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=no -fw_cfg name=opt/org.tianocore/IPv6Support,string=no) ;;
    pxe)        fw=(-fw_cfg name=opt/org.tianocore/IPv6Support,string=no) ;;
    http6)      fw=(-fw_cfg name=opt/org.tianocore/IPv4Support,string=no -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=no
                    -boot menu=on,splash-time=5000) ;;   # HTTPv6 as the very first attempt fails at once
    *) echo "unknown boot mode $mode" >&2; exit 2 ;;
  esac
  local flash=()
  if [ $mode != bios ]; then
    cp "$vars" "$W/vars-$tap.fd"
    flash=(-drive if=pflash,format=raw,readonly=on,file="$code" -drive if=pflash,format=raw,file="$W/vars-$tap.fd")
  fi
  : > "$W/serial-$tap.log"
  # E2E_SETTLE: seconds to let the JVM finish starting (JIT) before QEMU competes for the CPU (bench)
  [ -n "${E2E_SETTLE:-}" ] && sleep "$E2E_SETTLE"
  T0=$(date +%s.%N)
  # romfile= (UEFI modes) is essential: without it QEMU's own iPXE option ROM boots instead of the
  # firmware's PXE/HTTP client, and a test passes without testing anything
  ip netns exec $NS timeout $E2E_TIMEOUT qemu-system-x86_64 -accel $ACCEL "${machine[@]}" -m 512 -smp 1 \
    -display none -nodefaults -monitor none -serial file:"$W/serial-$tap.log" \
    "${flash[@]}" \
    -netdev tap,id=n0,ifname=$tap,script=no,downscript=no \
    "${nic[@]}" \
    -device virtio-rng-pci \
    "${fw[@]}" "$@" > "$W/qemu-$tap.out" 2>&1 &
  QPID=$!; PIDS+=($QPID); QEMU_PIDS+=($QPID)
  LOGS_TO_TAIL+=("serial $tap|$W/serial-$tap.log|serial" "qemu $tap|$W/qemu-$tap.out|")
}

vm_stop() { kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; }

since() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN{printf "%.1f", a-b}'; }

# milestones: waits until every entry of MS is seen (a line matching its regex in its file), the
# VM stops, FAILRE matches the serial console, or E2E_TIMEOUT passes. Prints each time.
# A milestone whose name starts with "!" must NOT be seen (checked at the end).
milestones() {
  local serial=$1 left=0 m name file re failing="" gone=""
  unset AT; declare -gA AT
  for m in "${MS[@]}"; do [[ $m == !* ]] || left=$((left+1)); done
  while :; do
    for m in "${MS[@]}"; do
      IFS='|' read -r name file re <<<"$m"
      [[ $name == !* ]] && continue
      [ -n "${AT[$name]:-}" ] && continue
      if grep -aqE "$re" "$file" 2>/dev/null; then AT[$name]=$(since "$T0"); left=$((left-1)); fi
    done
    [ $left -le 0 ] && break
    # the VM is gone (powered off at the marker, or failed): server-side lines may still come, e.g.
    # a TFTP transfer whose final ACK the booted kernel never sent ends after retries x timeout
    if ! kill -0 "$QPID" 2>/dev/null; then
      [ -z "$gone" ] && gone=$(date +%s)
      [ $(( $(date +%s) - gone )) -ge "${E2E_GRACE:-8}" ] && break
    fi
    if [ -n "$FAILRE" ] && grep -aqE "$FAILRE" "$serial" 2>/dev/null; then
      # one more pass over the logs a second later, then give up
      [ -n "$failing" ] && break
      failing=1; sleep 1; continue
    fi
    sleep 0.2
  done
  local ok=1
  for m in "${MS[@]}"; do
    IFS='|' read -r name file re <<<"$m"
    if [[ $name == !* ]]; then
      if grep -aqE "$re" "$file" 2>/dev/null; then
        printf '  %-34s SEEN (must not be): %s\n' "${name#!}" "$(grep -aE "$re" "$file" | head -1 | tr -d '\033' | sed 's/\[[0-9;=?]*[a-zA-Z]//g' | cut -c1-160)"; ok=0
      else printf '  %-34s not seen, as required\n' "${name#!}"; fi
    else
      if [ -n "${AT[$name]:-}" ]; then printf '  %-34s %6s s\n' "$name" "${AT[$name]}"
      else printf '  %-34s NOT SEEN\n' "$name"; ok=0; fi
    fi
  done
  [ $ok = 1 ]
}

# serial_text FILE: the console without escape sequences and empty lines.
serial_text() {
  tr -d '\033' < "$1" | sed 's/\[[0-9;=?]*[a-zA-Z]//g' | tr '\r' '\n' | grep -av '^\s*$' | grep -v 'Downloading\.\.\.'
}

# e2e_finish: prints the verdict (and log tails on failure) and exits 0 pass, 1 fail, 77 skip.
e2e_finish() {
  local total; total=$(since "$E2E_T_START")
  if [ "$E2E_SKIP" = 1 ]; then
    E2E_OK=1; echo "[$E2E_NAME] SKIPPED: $E2E_FAIL_REASON"; exit 77
  fi
  if [ -z "$E2E_FAIL_REASON" ]; then
    E2E_OK=1; echo "[$E2E_NAME] PASSED in $total s"; exit 0
  fi
  echo "[$E2E_NAME] FAILED after $total s: $E2E_FAIL_REASON (work directory $W)"
  local l label file filter
  declare -A shown
  for l in "${LOGS_TO_TAIL[@]}"; do
    [ -n "${shown[$l]:-}" ] && continue; shown[$l]=1
    IFS='|' read -r label file filter <<<"$l"
    [ -f "$file" ] || continue
    echo "--- $label ($file)"
    if [ "$filter" = serial ]; then serial_text "$file" | tail -25
    elif [ -n "$filter" ]; then grep -aE "$filter" "$file" | tail -15
    else tail -15 "$file"; fi
  done
  exit 1
}

# ---- Linux to userspace: Debian's kernel (from the package, never the host's) + a busybox initrd
# E2E_CACHE   where the kernel package's vmlinuz is kept between runs, keyed by package and version
#             (default /var/cache/bootproxy-e2e)
E2E_CACHE=${E2E_CACHE:-/var/cache/bootproxy-e2e}
LINUX_MARKER=E2E-LINUX-USERSPACE
# Foreman's layout for fetch_boot_file'd files: boot/<os>-<medium>-linux and -initrd.gz
LINUX_KERNEL_PATH=boot/debian-mirror-e2e-linux
LINUX_INITRD_PATH=boot/debian-mirror-e2e-initrd.gz

# linux_kernel: sets LINUX_VMLINUZ to Debian's signed x86-64 kernel. The package linux-image-amd64
# depends on is fetched with apt-get download (not installed) and its vmlinuz extracted into
# $E2E_CACHE/<package>_<version>/. A missing apt, package or extraction fails the test.
linux_kernel_candidate() {   # prints "<package> <version>" of the kernel linux-image-amd64 depends on
  local pkg ver
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-amd64$/ {print $2; exit}')
  [ -n "$pkg" ] || return 1
  ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '$1 == "Candidate:" {print $2}')
  [ -n "$ver" ] && [ "$ver" != "(none)" ] && echo "$pkg $ver"
}
linux_kernel() {
  local pkg ver dir tmp deb c
  # apt's lists may have been cleaned (container images): refresh them once
  c=$(linux_kernel_candidate) || { apt-get update -qq >/dev/null 2>&1; c=$(linux_kernel_candidate); } \
    || { E2E_FAIL_REASON="apt knows no kernel package for linux-image-amd64 (even after apt-get update)"; e2e_finish; }
  read -r pkg ver <<<"$c"
  dir=$E2E_CACHE/${pkg}_$ver
  if [ ! -s "$dir/vmlinuz" ]; then
    mkdir -p "$E2E_CACHE" && tmp=$(mktemp -d "$E2E_CACHE/.dl.XXXXXX") || { E2E_FAIL_REASON="cannot write $E2E_CACHE"; e2e_finish; }
    e2e_log "downloading $pkg=$ver (apt-get download, not installed) into $dir"
    ( cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" >/dev/null ) \
      || { rm -rf "$tmp"; E2E_FAIL_REASON="apt-get download $pkg=$ver failed"; e2e_finish; }
    deb=$(ls "$tmp"/*.deb)
    # only ./boot/vmlinuz-* of the package (dpkg-deb's data tar), renamed into place when complete
    mkdir -p "$tmp"/x && dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp"/x --wildcards './boot/vmlinuz-*' \
      && mkdir -p "$dir" && mv "$tmp"/x/boot/vmlinuz-* "$dir"/vmlinuz   # a rename within $E2E_CACHE
    rm -rf "$tmp"
    [ -s "$dir/vmlinuz" ] || { E2E_FAIL_REASON="no vmlinuz in $deb"; e2e_finish; }
  fi
  LINUX_VMLINUZ=$dir/vmlinuz
  LINUX_VERSION="$pkg=$ver"
}

# linux_initrd OUT: a gzip'd newc cpio of busybox-static and an /init that prints
# "$LINUX_MARKER: <kernel release> cmdline: <cmdline>" on ttyS0 and powers off (about 1 MB).
# Before the marker it copies the kernel's Secure Boot lines from its log to ttyS0 (quiet keeps
# them off the console): "secureboot: Secure boot enabled" and "Kernel is locked down from EFI
# Secure Boot mode" when the firmware enforced it (an EFI kernel only).
linux_initrd() {
  local out=$1 d bb
  bb=$(busybox_static) || { E2E_FAIL_REASON="missing busybox-static"; e2e_finish; }
  command -v cpio >/dev/null || { E2E_FAIL_REASON="missing cpio"; e2e_finish; }
  d=$(mktemp -d "$W"/initrd.XXXXXX)
  mkdir -p "$d"/bin "$d"/dev "$d"/proc
  cp "$bb" "$d"/bin/busybox
  cat > "$d"/init <<EOF
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs dev /dev 2>/dev/null
/bin/busybox mount -t proc proc /proc
/bin/busybox dmesg | /bin/busybox grep -E 'secureboot: |locked down from EFI' > /dev/ttyS0
echo "$LINUX_MARKER: \$(/bin/busybox uname -r) cmdline: \$(/bin/busybox cat /proc/cmdline)" > /dev/ttyS0
/bin/busybox poweroff -f
EOF
  chmod 755 "$d"/init
  ( cd "$d" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -6 ) > "$out" || { E2E_FAIL_REASON="initrd build failed"; e2e_finish; }
  rm -rf "$d"
}

# busybox_static: the path of busybox-static's binary (Debian: /bin/busybox, statically linked).
busybox_static() {
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || return 1
  echo /bin/busybox
}

# content_linux ROOT: the kernel and the initrd where Foreman's fetch_boot_file puts them.
content_linux() {
  local root=$1
  linux_kernel
  mkdir -p "$root"/boot
  cp "$LINUX_VMLINUZ" "$root/$LINUX_KERNEL_PATH"
  linux_initrd "$root/$LINUX_INITRD_PATH"
  e2e_log "kernel $LINUX_VERSION ($(stat -c %s "$root/$LINUX_KERNEL_PATH") bytes), initrd $(stat -c %s "$root/$LINUX_INITRD_PATH") bytes"
}

# The kernel command line of every Linux boot: console on the serial port, quiet, and a token
# naming the scenario that the marker line echoes back (the boot used the config the test wrote).
# no_timer_check: under TCG on a loaded machine the kernel's IO-APIC timer check can fail and
# panic ("IO-APIC + timer doesn't work"), seen with two VMs at once
linux_cmdline() { echo "console=ttyS0 quiet no_timer_check e2e=$E2E_NAME"; }

# linux_milestones SERIAL IP-REGEX VIA: the kernel and the initrd fetched (VIA: http = httpboot
# access lines, tftp = TFTP sent lines) and the userspace marker with this scenario's command line.
linux_milestones() {
  local s=$1 ip=$2 via=$3 L="$W"/bootproxy.log k=${LINUX_KERNEL_PATH//./\\.} i=${LINUX_INITRD_PATH//./\\.}
  case $via in
    http) MS+=("httpboot-GET-kernel|$L|access: $ip GET /httpboot/$k 200 [0-9]{7,} bytes"
               "httpboot-GET-initrd|$L|access: $ip GET /httpboot/$i 200 [0-9]{5,} bytes") ;;
    tftp) MS+=("tftp-sent-kernel|$L|TFTP: sent /?$k to /?$ip:[0-9]+ .*: [0-9]{7,} bytes"
               "tftp-sent-initrd|$L|TFTP: sent /?$i to /?$ip:[0-9]+ .*: [0-9]{5,} bytes") ;;
  esac
  MS+=("linux-userspace|$s|$LINUX_MARKER: [^ ]+ cmdline: .*e2e=$E2E_NAME")
}
