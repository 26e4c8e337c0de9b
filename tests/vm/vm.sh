#!/usr/bin/env bash
# The VM harness: boots Debian's own kernel in QEMU with the real Linux MIDI stack (ALSA
# sequencer, snd-usb-audio, dummy_hcd + configfs USB-MIDI gadgets) and runs one job script in it.
#
#   tests/vm/vm.sh prepare                   download + unpack the kernel, build the initramfs
#   tests/vm/vm.sh run JOB RESULTS [VAR=VALUE…]
#                                            boot, run JOB (a shell script) as root, power off
#   tests/vm/vm.sh run-all RESULTS JOB… -- [VAR=VALUE…]
#                                            boot once, run every JOB in turn (run_jobs.sh:
#                                            RESULTS/NAME each, a clean VM between them)
#   tests/vm/vm.sh check RESULTS JOB [VAR=VALUE…]
#                                            JOB's verdict from a run-all in RESULTS; a job that
#                                            failed there (or never ran) gets one more try alone
#
# Inside, the host's root is mounted read-only (over 9p) as the VM's root, with fresh /proc,
# /sys, /dev, /tmp and /run; RESULTS (a host folder) is the one writable host folder, at the
# same path. JOB runs with `sh -e`; VAR=VALUE pairs are exported to it. Its exit status becomes
# ours; its output and the kernel's console go to RESULTS/console.log.
#
# Cache: $SYXFLASH_VM_CACHE (default ~/.cache/syxflash-vm), one folder per kernel version; its
# initramfs is rebuilt whenever init.sh's SHA-256 differs from the one it was built with.
# Needs (Debian): qemu-system-x86 busybox-static cpio kmod (depmod), apt (to fetch the kernel).
# Exit codes: 0 job passed · 1 job failed · 2 harness failure (cannot boot, timeout…) ·
#             77 skipped (not x86-64: the kernel and QEMU binary are the amd64 ones).
set -euo pipefail

die() { echo "syxflash-vm: $*" >&2; exit 2; }
log() { echo "syxflash-vm: $*" >&2; }

if [ "$(uname -m)" != x86_64 ]; then
  echo "syxflash-vm: SKIP: this harness boots Debian's amd64 kernel with qemu-system-x86_64;" \
       "this machine is $(uname -m)" >&2
  exit 77
fi

cache_root=${SYXFLASH_VM_CACHE:-${HOME:-/root}/.cache/syxflash-vm}
# Modules the tests need; their dependencies come from modules.dep.
modules=(virtio_pci 9pnet_virtio 9p configfs dummy_hcd libcomposite usb_f_midi
         snd-usb-audio snd-seq snd-seq-midi snd-virmidi snd-rawmidi)

# The kernel version apt would install now (linux-image-amd64's dependency), else the newest
# one already cached (no network / no apt lists).
kernel_version() {
  local pkg
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: linux-image-\(.*\)$/\1/p' | head -n1)
  if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: linux-image-\(.*\)$/\1/p' | head -n1)
  fi
  if [ -z "$pkg" ]; then
    pkg=$(ls -1 "$cache_root" 2>/dev/null | grep -- '-amd64$' | sort -V | tail -n1 || true)
  fi
  [ -n "$pkg" ] || die "cannot tell which kernel to use: 'apt-cache depends linux-image-amd64' found none (run apt-get update) and nothing is cached in $cache_root"
  echo "$pkg"
}

prepare() {
  local version dir
  version=$(kernel_version)
  dir="$cache_root/$version"
  local init_src init_sum
  init_src="$(dirname "${BASH_SOURCE[0]}")/init.sh"
  init_sum=$(sha256sum "$init_src" | cut -d' ' -f1)
  if [ -f "$dir/ready" ] && [ -d "$dir/initramfs" ]; then
    # The initramfs is keyed on init.sh's hash: an edited init.sh rebuilds it (seconds; the
    # kernel and modules stay), so no run ever boots a stale /init.
    if [ "$(cat "$dir/init.sha256" 2>/dev/null)" != "$init_sum" ]; then
      log "init.sh changed: rebuilding the initramfs in $dir"
      cp "$init_src" "$dir/initramfs/init"
      chmod +x "$dir/initramfs/init"
      (cd "$dir/initramfs" && find . | cpio -o -H newc --quiet | gzip -1) >"$dir/initramfs.gz.new"
      mv "$dir/initramfs.gz.new" "$dir/initramfs.gz"
      echo "$init_sum" >"$dir/init.sha256"
    fi
    echo "$dir"
    return
  fi
  for tool in busybox cpio depmod gzip; do
    command -v "$tool" >/dev/null || die "'$tool' is missing (Debian: apt-get install busybox-static cpio kmod gzip)"
  done
  busybox_bin=$(command -v busybox)
  file -L "$busybox_bin" 2>/dev/null | grep -q 'statically linked' ||
    die "$busybox_bin is not statically linked (Debian: apt-get install busybox-static)"
  log "preparing kernel $version in $dir"
  rm -rf "$dir"
  mkdir -p "$dir/deb"
  (cd "$dir/deb" && apt-get download "linux-image-$version" >/dev/null 2>"$dir/download.log") ||
    die "apt-get download linux-image-$version failed: $(tail -n2 "$dir/download.log")"
  dpkg-deb -x "$dir"/deb/*.deb "$dir/tree"
  rm -rf "$dir/deb"
  cp "$dir/tree/boot/vmlinuz-$version" "$dir/vmlinuz"
  depmod -b "$dir/tree" "$version"

  # The initramfs: static busybox, /init, and the modules with their dependencies.
  local root="$dir/initramfs" moddir="lib/modules/$version"
  mkdir -p "$root"/{bin,dev,proc,sys,host,"$moddir"}
  cp "$busybox_bin" "$root/bin/busybox"
  cp "$init_src" "$root/init"
  chmod +x "$root/init"
  local wanted=() m f
  for m in "${modules[@]}"; do
    f=$(modprobe -d "$dir/tree" -S "$version" --show-depends "$m" 2>/dev/null | awk '$1=="insmod"{print $2}') ||
      die "module $m not found in linux-image-$version"
    [ -n "$f" ] || die "module $m not found in linux-image-$version"
    wanted+=($f)
  done
  for f in $(printf '%s\n' "${wanted[@]}" | sort -u); do
    local rel=${f#"$dir/tree/"}
    mkdir -p "$root/$(dirname "$rel")"
    cp "$f" "$root/$rel"
  done
  cp "$dir/tree/$moddir"/modules.{dep,alias,symbols,builtin,order} "$root/$moddir/" 2>/dev/null || true
  cp "$dir/tree/$moddir"/modules.builtin.modinfo "$root/$moddir/" 2>/dev/null || true
  depmod -b "$root" "$version"
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$dir/initramfs.gz"
  rm -rf "$dir/tree"
  echo "$init_sum" >"$dir/init.sha256"
  touch "$dir/ready"
  log "kernel + initramfs ready ($(du -sh "$dir" | cut -f1))"
  echo "$dir"
}

run() {
  [ $# -ge 2 ] || die "usage: vm.sh run JOB RESULTS [VAR=VALUE…]"
  local job results
  job=$(realpath "$1")
  results=$2
  shift 2
  [ -f "$job" ] || die "no job script $job"
  command -v qemu-system-x86_64 >/dev/null ||
    die "qemu-system-x86_64 is missing: the VM tests cannot start (Debian: apt-get install qemu-system-x86)"
  local dir
  dir=$(prepare)
  rm -rf "$results"
  mkdir -p "$results"
  results=$(realpath "$results")
  # What the VM's init reads: the job, where results go, and the job's environment.
  {
    printf 'SYXVM_JOB=%q\n' "$job"
    printf 'SYXVM_RESULTS=%q\n' "$results"
    local kv
    for kv in "$@"; do printf 'export %q\n' "$kv"; done
  } >"$results/vm.env"
  local timeout=${SYXFLASH_VM_TIMEOUT:-300}
  local accel=tcg
  [ -w /dev/kvm ] && accel=kvm
  local start=$SECONDS rc=0
  # Two vCPUs (TCG runs one host thread each): the sender, the device model and the kernel's USB
  # emulation then do not wait for one another, which timing at the device needs.
  # SYXFLASH_VM_CPUS=1 halves the cost on a busy machine.
  # The VM's timing jobs measure gaps on the VM's clock: a vCPU thread waiting for a host core
  # makes a message look late (on a 2-core host at load 7, device-side delivery spread 30-37 ms
  # against 8-12 ms idle). A higher CPU weight than ordinary work (nice -5 where allowed; builds
  # here run at nice 10) keeps the vCPUs running; SYXFLASH_VM_NICE=0 turns it off.
  local nice_level=${SYXFLASH_VM_NICE:--5} nice=()
  if [ "$nice_level" != 0 ] && nice -n "$nice_level" true 2>/dev/null &&
    [ "$(nice -n "$nice_level" nice)" -le "$(nice)" ]; then
    nice=(nice -n "$nice_level")
  fi
  timeout --kill-after=10 "$timeout" "${nice[@]}" qemu-system-x86_64 \
    -machine q35,accel="$accel" -cpu max -smp "${SYXFLASH_VM_CPUS:-2}" -m 1024 \
    -nographic -no-reboot -nodefaults -serial "file:$results/console.log" -monitor none \
    -kernel "$dir/vmlinuz" -initrd "$dir/initramfs.gz" \
    -append "console=ttyS0 quiet loglevel=4 panic=-1 rdinit=/init" \
    -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
    -fsdev local,id=results,path="$results",security_model=none \
    -device virtio-9p-pci,fsdev=results,mount_tag=results \
    >"$results/qemu.log" 2>&1 || rc=$?
  local took=$((SECONDS - start))
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    tail -n 30 "$results/console.log" >&2 || true
    die "the VM did not power off within ${timeout}s (SYXFLASH_VM_TIMEOUT); console: $results/console.log"
  fi
  if [ "$rc" != 0 ]; then
    cat "$results/qemu.log" >&2
    die "QEMU could not start or failed (exit $rc): see the lines above"
  fi
  if [ ! -f "$results/vm-rc" ]; then
    tail -n 30 "$results/console.log" >&2 || true
    die "the VM stopped without running the job to its end (no $results/vm-rc); console: $results/console.log"
  fi
  # The job's own output, then the verdict.
  cat "$results/job.log" 2>/dev/null || true
  local job_rc boot
  job_rc=$(cat "$results/vm-rc")
  boot=$(cat "$results/vm-boot-seconds" 2>/dev/null || echo "?")
  log "$(basename "$job"): exit $job_rc; VM up in ${boot}s (kernel + modules + mounts), ${took}s in all"
  [ "$job_rc" = 0 ] || exit 1
}

# All jobs in one boot: the boot and module loading (5-10 s each) are paid once.
run_all() {
  [ $# -ge 2 ] || die "usage: vm.sh run-all RESULTS JOB… -- [VAR=VALUE…]"
  local results=$1 jobs=() job
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    jobs+=("$(realpath "$1")")
    shift
  done
  [ "${1:-}" = "--" ] && shift
  local started=$SECONDS rc=0 per_job=${SYXFLASH_VM_JOB_SECONDS:-240}
  # Each job is bounded inside (run_jobs.sh); the VM as a whole by their sum and the boot.
  SYXFLASH_VM_TIMEOUT=${SYXFLASH_VM_TIMEOUT:-$((${#jobs[@]} * (per_job + 15) + 120))} \
    run "$(dirname "${BASH_SOURCE[0]}")/run_jobs.sh" "$results" "SYXVM_JOBS=${jobs[*]}" \
    "SYXVM_JOB_SECONDS=$per_job" "$@" || rc=$?
  log "run-all: ${#jobs[@]} job(s) in one VM, $((SECONDS - started)) s in all (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  # The jobs' own verdicts are checked one by one (check); only the harness failing fails here.
  [ "$rc" = 2 ] && exit 2
  exit 0
}

check() {
  [ $# -ge 2 ] || die "usage: vm.sh check RESULTS JOB [VAR=VALUE…]"
  local results=$1 job=$2 name
  shift 2
  name=$(basename "$job" .sh)
  local out=$results/$name
  if [ -f "$out/rc" ]; then
    cat "$out/job.log" 2>/dev/null || true
    log "$name: exit $(cat "$out/rc") after $(cat "$out/seconds") s (in the shared VM)"
    [ "$(cat "$out/rc")" = 0 ] && return 0
    log "$name failed in the shared VM; one more try alone in its own VM (timing under host load)"
  else
    log "$name did not run in the shared VM ($results): running it alone"
  fi
  run "$job" "$results/$name-alone" "$@"
}

cmd=${1:-}
shift || true
case "$cmd" in
  prepare) prepare >/dev/null ;;
  run) run "$@" ;;
  run-all) run_all "$@" ;;
  check) check "$@" ;;
  *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
