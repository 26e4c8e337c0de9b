# A Novation K-Station (DIN only) behind a Roland "UM-ONE" gadget: a manual bank dump started on
# its front panel is backed up over --api alsa, and restored. Bank 1 and bank 2 are backed up;
# bank 1's backup is restored into bank 2 (--to-current-bank, bank 2 selected); bank 2 dumped
# again must then be bank 1's programs (only the bank number in each message differs).
. "$SYXFLASH_SOURCE/tests/vm/gadget.sh"
gadget_add umone "Roland" "UM-ONE" 1 0
cd /tmp
export XDG_DATA_HOME=/tmp/data XDG_STATE_HOME=/tmp/state
emulate_on umone novation-k-station
fail() { echo "FAIL: $*"; exit 1; }

# backup_bank FILE: the person starts a bank dump on the front panel once syxflash waits for it.
backup_bank() {
  # stdin stays open (nobody answers "Cancel") until the backup ends.
  rm -f /tmp/hold && mkfifo /tmp/hold
  sleep 90 >/tmp/hold &
  holder=$!
  "$SYXFLASH_CLI" backup --device novation-k-station --api alsa --port UM-ONE -o "$1" \
    </tmp/hold >"$1.log" 2>&1 &
  pid=$!
  wait_for_line "$1.log" "Waiting for the dump" 60 || { cat "$1.log"; fail "backup never waited for the dump"; }
  emulate_cmd umone "press dump-bank"
  rc=0
  wait $pid || rc=$?
  kill $holder
  grep -v "Received so far" "$1.log"
  [ "$rc" = 0 ] || fail "backup to $1 exited $rc"
  [ -s "$1" ] || fail "no backup $1"
  echo "$1: $(stat -c %s "$1") bytes"
}

echo "== bank 1"
backup_bank /tmp/bank1.syx
emulate_cmd umone "press bank-next"
echo "== bank 2"
backup_bank /tmp/bank2.syx
cmp -s /tmp/bank1.syx /tmp/bank2.syx && fail "banks 1 and 2 are the same: the test would prove nothing"

echo "== restore bank 1's backup into bank 2 (the current bank)"
"$SYXFLASH_CLI" restore --device novation-k-station --api alsa --port UM-ONE --yes \
  --to-current-bank /tmp/bank1.syx || fail "restore failed"
echo "== bank 2 again"
backup_bank /tmp/bank2-after.syx
# cmp -l: offset, byte in bank1.syx, byte in bank2-after.syx (octal). Only the 50 bank numbers
# (1 -> 2) may differ.
cmp -l /tmp/bank1.syx /tmp/bank2-after.syx >/tmp/diff || true
[ "$(stat -c %s /tmp/bank1.syx)" = "$(stat -c %s /tmp/bank2-after.syx)" ] || fail "sizes differ"
awk '$2 != 1 || $3 != 2 { bad++ } END { exit bad > 0 }' /tmp/diff || { head /tmp/diff; fail "bank 2 is not bank 1's programs"; }
[ "$(wc -l </tmp/diff)" = 50 ] || fail "expected 50 differing bank numbers, got $(wc -l </tmp/diff)"
echo "k-station: bank dump backed up twice, restored into bank 2, bank 2 now holds bank 1's programs"
