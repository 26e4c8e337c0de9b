# Runs several VM jobs in one boot (vm.sh run this-file RESULTS SYXVM_JOBS="a.sh b.sh" …): each
# job gets RESULTS/NAME as its own results folder (job.log, rc, seconds), at most
# SYXVM_JOB_SECONDS of wall time, and a clean VM after it: its processes killed (by session),
# every gadget removed, snd-virmidi unloaded, /tmp and /root emptied. One boot instead of one per
# job saves the boot and the module loading each time (tests/vm/tests.cmake).
: "${SYXVM_JOBS:?SYXVM_JOBS must list the job scripts}"
all=$SYXVM_RESULTS
limit=${SYXVM_JOB_SECONDS:-240}
gadgets=/sys/kernel/config/usb_gadget

uptime_s() { read -r _up _ </proc/uptime; echo "$_up"; }

# Builtins only where a loop runs: under TCG every fork and exec of a program from the 9p root
# costs a good part of a second on a busy host.
no_cards() {
  while read -r _line; do
    case $_line in [0-9]*) return 1 ;; esac
  done </proc/asound/cards
  return 0
}

clean_vm() {
  sid=$(cat /tmp/.job-sid 2>/dev/null || true)
  [ -z "$sid" ] || pkill -KILL -s "$sid" 2>/dev/null || true
  links="" dirs=""
  for g in "$gadgets"/*/; do
    [ -d "$g" ] || continue
    echo "" >"$g/UDC" 2>/dev/null || true
    for l in "$g"configs/*/*; do [ ! -L "$l" ] || links="$links $l"; done
    for d in "$g"configs/*/strings/* "$g"configs/* "$g"functions/* "$g"strings/* "$g"; do
      [ ! -d "$d" ] || dirs="$dirs $d"
    done
  done
  # shellcheck disable=SC2086
  [ -z "$links" ] || rm -f $links
  # shellcheck disable=SC2086
  [ -z "$dirs" ] || rmdir $dirs 2>/dev/null || echo "run_jobs: could not remove every gadget"
  [ ! -d /sys/module/snd_virmidi ] || rmmod snd_virmidi 2>/dev/null || true
  # The cards of the unplugged gadgets go away asynchronously; the next job's names must be free.
  i=0
  until no_cards; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "run_jobs: cards still there:"; cat /proc/asound/cards; break; }
    sleep 0.1
  done
  # Everything the job left in /tmp and /root, but not the results folder if it is under them.
  rest=""
  for e in /tmp/* /tmp/.[!.]* /root/* /root/.[!.]*; do
    [ -e "$e" ] || continue
    case "$all/" in "$e"/*) continue ;; esac
    rest="$rest $e"
  done
  # shellcheck disable=SC2086
  [ -z "$rest" ] || rm -rf $rest
}

failed=0
for job in $SYXVM_JOBS; do
  name=$(basename "$job" .sh)
  out=$all/$name
  rm -rf "$out"
  mkdir -p "$out"
  t0=$(uptime_s)
  rc=0
  # Its own session, so everything it leaves running is found and killed after it.
  SYXVM_RESULTS=$out setsid -w /bin/sh -c 'echo $$ >/tmp/.job-sid; exec timeout -k 5 "$0" /bin/sh -e "$1"' \
    "$limit" "$job" >"$out/job.log" 2>&1 </dev/null || rc=$?
  t1=$(uptime_s)
  [ "$rc" = 124 ] && echo "run_jobs: $name did not end within ${limit} s (SYXVM_JOB_SECONDS)" >>"$out/job.log"
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  echo "$rc" >"$out/rc"
  echo "$secs" >"$out/seconds"
  [ "$rc" = 0 ] || failed=$((failed + 1))
  clean_vm
  t2=$(uptime_s)
  echo "$name: exit $rc, ${secs} s (then $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f", b - a }') s to clean up)"
done
echo "run_jobs: $failed job(s) failed"
