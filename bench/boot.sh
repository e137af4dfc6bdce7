#!/bin/bash
# bench/boot.sh - OVMF boot time through bootproxy vs the dnsmasq + Python reference.
#
#   1. Per mode (http, https, pxe): time from QEMU start to the marker (the iPXE script's marker
#      fetched, seen on the serial console), RUNS runs each (default 3), bootproxy (the e2e
#      scenarios http4, https, pxe) and the reference (bench/ovmf-netboot-reference.sh, a copy of
#      ../shared/e2e/ovmf-netboot.sh) alternating; median of each and ratio bootproxy/reference.
#   2. Storm: VMS VMs (default 8) started at once against one bootproxy, over PXE and over HTTP;
#      every VM must reach the marker; time of the slowest and the median.
#
# usage: sudo bench/boot.sh [modes|storm|all]      (default all)
# env:   RUNS=3 VMS=8 SETTLE=3 (s between bootproxy's start and QEMU's) BOOTPROXY_JAR BOOTPROXY_MODULES
# Prints a Markdown section for BENCHMARKS.md. Both sides get the same client side (OVMF
# 2022.11, TCG, 512 MiB, 1 vCPU, RA on the link); the JVM's start-up is before QEMU starts and
# not counted. TCG makes firmware time dominate: the server's share of a boot is small, and the
# machine's load moves every figure; compare the ratio, not the seconds.
set -u
B=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$B/.." && pwd)
WHAT=${1:-all}
RUNS=${RUNS:-3}
VMS=${VMS:-8}
[ "$(id -u)" = 0 ] || { echo "must run as root" >&2; exit 2; }
OUT=$(mktemp -d /tmp/bench-boot.XXXXXX)

median() { sort -n | awk '{a[NR]=$1} END{if(NR==0){print "n/a"} else if(NR%2){print a[(NR+1)/2]} else {printf "%.1f\n",(a[NR/2]+a[NR/2+1])/2}}'; }

# one bootproxy run: the scenario's "serial-marker-fetched" time (seconds after QEMU start)
bp_run() {
  local scen=$1 log=$OUT/bp-$1-$2.log
  E2E_SETTLE=${SETTLE:-3} E2E_TIMEOUT=200 "$REPO"/e2e/scenarios/$scen.sh > "$log" 2>&1 || { echo "FAIL"; return; }
  awk '/serial-marker-fetched/{print $2}' "$log"
}
# the same run's share after the firmware started its network boot (">>Start ... over IPv4"):
# what the server can influence; the firmware's own start before it depends on the CPU only
bp_net() {
  awk '/serial-firmware-starts-netboot/{s=$2} /serial-marker-fetched/{m=$2} END{if (s!="" && m!="") printf "%.1f\n", m-s}' \
    "$OUT/bp-$1-$2.log"
}
# one reference run: its "serial-marker" time
ref_run() {
  local mode=$1 log=$OUT/ref-$1-$2.log
  TIMEOUT=200 "$B"/ovmf-netboot-reference.sh "$mode" > "$log" 2>&1 || { echo "FAIL"; return; }
  awk '/serial-marker/{print $2}' "$log"
}

modes() {
  echo "### Time from QEMU start to the marker, $RUNS runs each (seconds)"
  echo
  echo "| mode | bootproxy runs | bootproxy median | reference runs | reference median | ratio bootproxy/reference | bootproxy, netboot start to marker (median) |"
  echo "|---|---|---|---|---|---|---|"
  local mode scen i b r bs rs
  for mode in http https pxe; do
    case $mode in http) scen=http4 ;; *) scen=$mode ;; esac
    bs=(); rs=(); ns=()
    for i in $(seq "$RUNS"); do
      # alternate, so a change in the machine's load hits both sides alike
      r=$(ref_run $mode $i); rs+=("$r")
      b=$(bp_run $scen $i); bs+=("$b"); ns+=("$(bp_net $scen $i)")
      echo "  $mode run $i: bootproxy $b s, reference $r s" >&2
    done
    local bm rm ratio
    bm=$(printf '%s\n' "${bs[@]}" | grep -v FAIL | median)
    rm=$(printf '%s\n' "${rs[@]}" | grep -v FAIL | median)
    ratio=$(awk -v a="$bm" -v b="$rm" 'BEGIN{ if (a+0>0 && b+0>0) printf "%.2f", a/b; else print "n/a" }')
    echo "| $mode | ${bs[*]} | $bm | ${rs[*]} | $rm | $ratio | $(printf '%s\n' "${ns[@]}" | grep . | median) |"
  done
  echo
}

# storm MODE: VMS VMs at once against one bootproxy
storm() {
  local mode=$1
  (
    . "$REPO"/e2e/lib.sh
    e2e_init storm-$mode
    net_up; ra_start
    content_ipxe "$W"/root
    case $mode in
      http) E2E_RULES='        - client: HTTPClient
          arch: [16]
          filename: "http://${next_server}:${http_port}/httpboot/ipxe.efi"' ;;
      pxe) E2E_RULES='        - client: PXEClient
          arch: [7, 9]
          filename: ipxe.efi' ;;
    esac
    bootproxy_config "$W"/bootproxy.yml
    bootproxy_start "$W"/bootproxy.yml
    local i mac starts=() done_at=() left=$VMS
    for i in $(seq 0 $((VMS-1))); do tap_add tap$i; done
    for i in $(seq 0 $((VMS-1))); do
      mac=$(printf '52:54:00:e2:f0:%02x' $i)
      E2E_TIMEOUT=600 vm_start $mode $mac tap$i
      starts[$i]=$T0
    done
    local t_all; t_all=${starts[0]}
    while [ $left -gt 0 ]; do
      for i in $(seq 0 $((VMS-1))); do
        [ -n "${done_at[$i]:-}" ] && continue
        if grep -aq E2E-MARKER-FETCHED "$W"/serial-tap$i.log; then done_at[$i]=$(since "${starts[$i]}"); left=$((left-1)); fi
      done
      awk -v t="$(since "$t_all")" 'BEGIN{exit !(t>600)}' && break
      local alive=0; for p in "${QEMU_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
      [ $alive = 0 ] && break
      sleep 0.5
    done
    local ok=$((VMS-left)) acks files
    acks=$(grep -c 'dhcp: DHCPACK .*(iPXE' "$W"/bootproxy.log)
    if [ $mode = pxe ]; then files=$(grep -c 'TFTP: sent ipxe\.efi' "$W"/bootproxy.log)
    else files=$(grep -c 'access: .* GET /httpboot/ipxe\.efi 200' "$W"/bootproxy.log); fi
    local times; times=$(printf '%s\n' "${done_at[@]}" | sort -n | tr '\n' ' ')
    echo "| $mode | $VMS | $ok | $(printf '%s\n' "${done_at[@]}" | median) | $(printf '%s\n' "${done_at[@]}" | sort -n | tail -1) | $files | $acks | $times |"
    [ $ok = "$VMS" ] || { E2E_FAIL_REASON="$left of $VMS VMs did not reach the marker"; e2e_finish >&2; }
    E2E_OK=1
  )
}

{
  echo "## OVMF boot time vs dnsmasq + Python (\`bench/boot.sh\`)"
  echo
  echo "$(date -u '+%Y-%m-%d') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load average at start $(cut -d' ' -f1-3 /proc/loadavg); $(dpkg-query -W -f='${Package} ${Version}, ' qemu-system-x86 ovmf ipxe dnsmasq-base 2>/dev/null) TCG, 512 MiB, 1 vCPU per VM."
  echo
  if [ "$WHAT" = all ] || [ "$WHAT" = modes ]; then modes; fi
  if [ "$WHAT" = all ] || [ "$WHAT" = storm ]; then
    echo "### $VMS VMs started at once against one bootproxy (seconds from each VM's start to its marker)"
    echo
    echo "| mode | VMs | reached the marker | median | slowest | NBP transfers logged | iPXE DHCPACKs logged | all times |"
    echo "|---|---|---|---|---|---|---|---|"
    storm pxe
    storm http
    echo
  fi
  echo "Logs: $OUT"
} | tee "$OUT"/section.md
