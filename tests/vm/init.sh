#!/bin/busybox sh
# /init of the syxflash test VM (tests/vm/vm.sh): load the MIDI stack, mount the host's root
# read-only as our root, run the job, write its exit status, power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
fail() { echo "syxvm: $*"; poweroff -f; }

for m in virtio_pci 9pnet_virtio 9p; do modprobe "$m" || fail "cannot load $m"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /host ||
  fail "cannot mount the host's root (9p tag hostroot)"
# Where the results folder is on the host, and what the job needs (written by vm.sh).
mkdir -p /results
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /results ||
  fail "cannot mount the results folder (9p tag results)"
. /results/vm.env
mount -t proc proc /host/proc || fail "cannot mount /proc in the host root"
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev
mkdir -p /host/dev/pts /host/dev/shm 2>/dev/null
mount -t devpts devpts /host/dev/pts 2>/dev/null
mount -t tmpfs tmpfs /host/dev/shm
mount -t tmpfs tmpfs /host/tmp
mount -t tmpfs tmpfs /host/run
mount -t tmpfs tmpfs /host/root
# Last, so a results folder under /tmp or /root is not hidden by the tmpfs above.
mkdir -p "/host$SYXVM_RESULTS" 2>/dev/null
mount --move /results "/host$SYXVM_RESULTS" || fail "cannot mount the results at $SYXVM_RESULTS"

# The MIDI stack: up to 4 USB buses on dummy_hcd, so several gadgets can be plugged at once.
for m in configfs libcomposite usb_f_midi snd-seq snd-seq-midi snd-rawmidi snd-usb-audio; do
  modprobe "$m" || fail "cannot load $m"
done
modprobe dummy_hcd num=4 || fail "cannot load dummy_hcd"
mount -t configfs none /host/sys/kernel/config || fail "cannot mount configfs"
# The initramfs's modules, for jobs that load more (modprobe -d /run/syxvm MODULE; gadget.sh's
# vm_modprobe): the host root has none for this kernel.
mkdir -p /host/run/syxvm/lib
mount --bind /lib /host/run/syxvm/lib || fail "cannot bind the modules into /run/syxvm"
read up _ </proc/uptime
echo "$up" >"/host$SYXVM_RESULTS/vm-boot-seconds"

echo "syxvm: job start"
rc=0
chroot /host /usr/bin/env -i HOME=/root TMPDIR=/tmp PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 SYXVM_RESULTS="$SYXVM_RESULTS" \
  /bin/sh -c ". \"$SYXVM_RESULTS/vm.env\"; exec /bin/sh -e \"$SYXVM_JOB\"" \
  >"/host$SYXVM_RESULTS/job.log" 2>&1 </dev/null || rc=$?
echo "syxvm: job end"
echo "$rc" >"/host$SYXVM_RESULTS/vm-rc"
sync
poweroff -f
