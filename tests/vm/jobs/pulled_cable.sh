# A pulled cable at about half way, through the real USB-MIDI stack: a Parker MIDIFly behind a
# Roland "UM-ONE" gadget; at message 20 of 40 the gadget leaves its USB bus (its UDC emptied).
# The upload must exit 4 within a bounded time and print recovery steps, the journal must list
# the interrupted update; replugged, `recover` resends the firmware, the model ends ready with
# the new firmware, and the journal entry is resolved.
. "$SYXFLASH_SOURCE/tests/vm/gadget.sh"
gadget_add umone "Roland" "UM-ONE" 1 0
cd /tmp
export XDG_DATA_HOME=/tmp/data XDG_STATE_HOME=/tmp/state
"$SYXFLASH_CLI" emulate parker-midifly --write-firmware /tmp/fly.syx
emulate_on umone parker-midifly

# Pull the cable once the device shows message 20 or later. Its display is printed when the
# emulator's pump next looks, so on a starved VM "message 20" itself can be skipped (19, then
# 21): waiting for exactly 20 then waited out the whole loop while the upload finished.
reached() {
  grep -o "Upgrading: message [0-9]* of" "$OUT/emulate-umone.log" 2>/dev/null |
    awk -v n="$1" '$3 >= n { found = 1 } END { exit !found }'
}
(
  wait_until 90 "the device showing message 20" reached 20 || exit 1
  gadget_unplug umone
  date +%s.%N >/tmp/pulled
) &
puller=$!
start=$(date +%s)
rc=0
# Nothing is asked before the pull (--yes answers the update-mode step); should the upload get to
# ask whether the MIDIFly works, the display is read for the answer (answer_works, gadget.sh).
answer_works umone "Ready (software 1.2.0.0)" "$OUT/upload.log" timeout 60 "$SYXFLASH_CLI" upload \
  --device parker-midifly --api alsa --port UM-ONE --yes --allow-unknown-release /tmp/fly.syx || rc=$?
end=$(date +%s.%N)
# An upload that ended before the pull (it failed, or ran past message 20 unpulled) ends the wait.
if [ ! -f /tmp/pulled ]; then
  sleep 1
  [ -f /tmp/pulled ] || kill $puller 2>/dev/null || true
fi
wait $puller || { echo "FAIL: the cable was never pulled (upload exit $rc; the device's last display: $(grep display: "$OUT/emulate-umone.log" | tail -n 1))"; cat "$OUT/upload.log"; exit 1; }
cat "$OUT/upload.log"
[ "$rc" = 4 ] || { echo "FAIL: upload exited $rc after the cable was pulled (expected 4)"; exit 1; }
took=$(awk -v a="$(cat /tmp/pulled)" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "upload exited 4 ${took} s after the cable was pulled"
awk -v t="$took" 'BEGIN { exit !(t < 15) }' || { echo "FAIL: exit 4 took ${took} s (bound 15 s)"; exit 1; }
grep -qi "recover" "$OUT/upload.log" || { echo "FAIL: no recovery steps printed"; exit 1; }

echo "== the journal lists it"
"$SYXFLASH_CLI" recover >"$OUT/list-before.txt" 2>&1 || true
cat "$OUT/list-before.txt"
grep -q "parker-midifly" "$OUT/list-before.txt" || { echo "FAIL: recover does not list the update"; exit 1; }

echo "== replug, recover"
gadget_replug umone
wait_for_port "UM-ONE MIDI 1"
# The plan's step 2, done by the person at the guitar: the Recovery button (the model holds the
# half-written state across the unplug, as the real unit does: its power never went).
emulate_cmd umone "press recovery"
echo "after the Recovery button the MIDIFly shows: $(display_of umone)"
# Asked whether the MIDIFly works, the person reads its display (answer_works, gadget.sh).
answer_works umone "Ready (software 1.2.0.0)" "$OUT/recover.log" timeout 90 "$SYXFLASH_CLI" \
  recover --device parker-midifly --api alsa --port UM-ONE --yes --skip-backup /tmp/fly.syx ||
  { cat "$OUT/recover.log"; echo "FAIL: recover failed"; exit 1; }
cat "$OUT/recover.log"
last=$(display_of umone)
echo "the MIDIFly shows: $last"
case "$last" in *"Ready (software 1.2.0.0)"*) ;; *) echo "FAIL: the model does not show the new firmware ready"; exit 1 ;; esac
"$SYXFLASH_CLI" recover >"$OUT/list-after.txt" 2>&1 || true
cat "$OUT/list-after.txt"
if grep -q "parker-midifly" "$OUT/list-after.txt"; then echo "FAIL: still listed after recover"; exit 1; fi
echo "pulled cable: exit 4 in ${took} s, listed, recovered, resolved"
