# The Little Phatty story from the owner's forum post (../shared/seeds/003), end to end through
# the real USB-MIDI stack: one emulated Little Phatty reachable both through its own USB port
# (gadget "Little Phatty", maker "Moog Music") and through a Roland "UM-ONE" (DIN). The update
# over the UM-ONE fails: the unit writing flash cannot keep up with DIN's 3125 B/s [M: the rate;
# R: ERROR 2 over DIN, fixed by USB], the display shows "Stage 1 Error / Cycle Power", and after
# the power cycle "SEND FIRMWARE SX / CODE ERROR 2". The journal lists the update; the recovery
# steps send the user to the Little Phatty's own USB port, and `recover` there succeeds and
# resolves the journal entry.
. "$SYXFLASH_SOURCE/tests/vm/gadget.sh"
gadget_add lp "Moog Music" "Little Phatty" 1 0
gadget_add umone "Roland" "UM-ONE" 1 1
cd /tmp
export XDG_DATA_HOME=/tmp/data XDG_STATE_HOME=/tmp/state
fail() { echo "FAIL: $*"; exit 1; }
"$SYXFLASH_CLI" emulate moog-little-phatty --write-firmware /tmp/lp.syx
wait_for_rawmidi umone
emulate_on lp moog-little-phatty --din-device hw:CARD=umone --timestamps "$OUT/received.jsonl"
grep "rawmidi device" "$OUT/emulate-lp.log"
display() { emulate_cmd lp display; grep "display:" "$OUT/emulate-lp.log" | tail -n 1 | sed 's/^display: //'; }

echo "== 1. the update through the UM-ONE (DIN), as the owner first tried it"
# stdin stays open for the person's answers; they are typed when the question shows.
mkfifo /tmp/answers
sleep 300 >/tmp/answers &
holder=$!
rc=0
timeout 120 "$SYXFLASH_CLI" upload --device moog-little-phatty --api alsa --port UM-ONE --yes \
  --allow-unknown-release /tmp/lp.syx <"/tmp/answers" >"$OUT/upload.log" 2>&1 &
upload=$!
asked_or_ended() { has_line "$OUT/upload.log" "display show?" || ! kill -0 $upload 2>/dev/null; }
wait_until 100 "the upload asking what the display shows" asked_or_ended ||
  { cat "$OUT/upload.log"; fail "the upload never asked what the display shows"; }
shown=$(display)
echo "the Little Phatty shows: $shown"
[ "$shown" = "Stage 1 Error / Cycle Power" ] || { cat "$OUT/upload.log"; fail "expected 'Stage 1 Error / Cycle Power'"; }
# The person types what the display shows.
echo "Stage 1 Error Cycle Power" >/tmp/answers
wait $upload || rc=$?
kill $holder 2>/dev/null || true
cat "$OUT/upload.log"
[ "$rc" = 4 ] || fail "the failed update exited $rc (expected 4)"
grep -qi "USB" "$OUT/upload.log" || fail "the recovery steps do not send the user to USB"
grep "dropped\|overflow\|lost" "$OUT/emulate-lp.log" || true

echo "== 2. the owner cycles the power, as the display asks"
emulate_cmd lp "power-cycle"
shown=$(display)
echo "the Little Phatty shows: $shown"
[ "$shown" = "SEND FIRMWARE SX / CODE ERROR 2" ] || fail "expected 'SEND FIRMWARE SX / CODE ERROR 2'"

echo "== 3. the journal lists it"
"$SYXFLASH_CLI" recover >"$OUT/list-before.txt" 2>&1 || true
cat "$OUT/list-before.txt"
grep -q "moog-little-phatty" "$OUT/list-before.txt" || fail "recover does not list the update"

echo "== 4. the printed recover command still names the UM-ONE: run as printed, it stops first"
# and names the Little Phatty's own USB port (nothing is sent over DIN without a yes).
printed=$(grep "^  syxflash-cli recover --device" "$OUT/upload.log" | head -n 1 | sed 's/^  syxflash-cli //')
[ -n "$printed" ] || fail "the failed update printed no recover command"
echo "printed: $printed"
rc=0
eval "timeout 60 \"\$SYXFLASH_CLI\" $printed" </dev/null >"$OUT/recover-din.log" 2>&1 || rc=$?
cat "$OUT/recover-din.log"
[ "$rc" = 3 ] || fail "the printed command over DIN exited $rc (expected 3: refused, nothing sent)"
grep -q "Little Phatty:Little Phatty MIDI 1" "$OUT/recover-din.log" || fail "the refusal does not name the USB port"
[ "$(display)" = "SEND FIRMWARE SX / CODE ERROR 2" ] || fail "something reached the unit over DIN"

echo "== 5. recovery through the Little Phatty's own USB port"
timeout 120 "$SYXFLASH_CLI" recover --device moog-little-phatty --api alsa --port "Little Phatty" \
  --yes /tmp/lp.syx </dev/null >"$OUT/recover.log" 2>&1 || { cat "$OUT/recover.log"; fail "recover over USB failed"; }
cat "$OUT/recover.log"
shown=$(display)
echo "the Little Phatty shows: $shown"
case "$shown" in *"OS 1.2.0.0"*) ;; *) fail "the Little Phatty does not run the new firmware" ;; esac
"$SYXFLASH_CLI" recover >"$OUT/list-after.txt" 2>&1 || true
cat "$OUT/list-after.txt"
if grep -q "moog-little-phatty" "$OUT/list-after.txt"; then fail "still listed after the recovery"; fi
echo "little phatty story: DIN update failed (Cycle Power, CODE ERROR 2), listed, recovered over USB, resolved"
