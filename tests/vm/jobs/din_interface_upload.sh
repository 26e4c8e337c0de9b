# A Parker MIDIFly behind a Roland "UM-ONE" (a DIN interface, so DIN pacing): the firmware
# upload through snd-usb-audio, timed where the device reads the bytes. Every gap between two
# messages' starts, measured at the device, must be at least the earlier message's DIN wire time
# (bytes / 3125 B/s) plus the manifest's 150 ms.
. "$SYXFLASH_SOURCE/tests/vm/gadget.sh"
gadget_add umone "Roland" "UM-ONE" 1 0
cd /tmp
"$SYXFLASH_CLI" emulate parker-midifly --write-firmware /tmp/fly.syx
emulate_on umone parker-midifly --timestamps "$OUT/received.jsonl"
"$SYXFLASH_CLI" ports --api alsa | grep UM-ONE
# Asked whether it works, the person reads the display (answer_works, gadget.sh). The model
# judges each gap itself, from F7 to the next F0 as its reader thread saw them; the verdict here
# is the measurement below (the messages' starts), and the model's is printed with it.
upload_rc=0
answer_works umone "Ready (software 1.2.0.0)" "$OUT/upload.log" env XDG_DATA_HOME=/tmp/data \
  XDG_STATE_HOME=/tmp/state "$SYXFLASH_CLI" upload --device parker-midifly --api alsa \
  --port UM-ONE --yes --allow-unknown-release /tmp/fly.syx --trace "$OUT/trace.jsonl" || upload_rc=$?
grep -v "^transfer:" "$OUT/upload.log" | tail -n 4
echo "upload exit $upload_rc; the MIDIFly shows: $(display_of umone)"
grep -v "^\s*\[" "$OUT/emulate-umone.log" | tail -n 5
# The firmware messages as the device received them (their head is the firmware's prefix), and
# when syxflash sent each one's first piece (its trace, on the same VM clock but another origin).
prefix=$(head -c 6 /tmp/fly.syx | od -An -tx1 | tr a-f A-F | sed 's/^ //')
grep "\"head\":\"$prefix\"" "$OUT/received.jsonl" | sed 's/.*"first_us":\([0-9]*\),"last_us":\([0-9]*\),"bytes":\([0-9]*\).*/\1 \3 \2/' >/tmp/device
grep "\"dir\":\"out\".*\"bytes\":\"$prefix" "$OUT/trace.jsonl" | sed 's/.*"t_ms":\([0-9.]*\).*/\1/' >/tmp/sender
paste -d' ' /tmp/device /tmp/sender >"$OUT/gaps.txt"
# Needed between two starts: the earlier message's DIN wire time (bytes / 3125 B/s) + 150 ms,
# measured at the device (the model's read times): every gap under it fails. The sender keeps it
# plus its ALSA margin (10 ms, transport/rtmidi) on its own clock, from when each piece's send()
# returned (engine/paced_sender: a slow call hands the bytes to the kernel late; the trace's times
# are the calls, so its gaps are at least that); the gap at the device is the
# sender's interval less how much later the second message was delivered than the first (the
# kernel's sequencer, snd-usb-audio's URBs, the gadget). "Delivery" is device time - send time
# (two clocks' origins, so only its spread means something): a spread above the margin is what
# would make a gap short, and it is printed either way.
awk -v gap_ms=150 -v margin_ms=10 '
  { dev = $1 / 1000; bytes = $2; last = $3 / 1000; sent = $4; lat = dev - sent
    if (NR == 1 || lat < lat_min) lat_min = lat
    if (NR == 1 || lat > lat_max) lat_max = lat
    if (NR > 1) {
      need = prev_bytes * 1000 / 3125 + gap_ms
      got_dev = dev - prev_dev; got_sent = sent - prev_sent; n++
      if (got_sent < need + margin_ms - 0.5) {
        ours++; printf "SENDER gap %d: %.1f ms sent < %.1f ms + %d ms margin\n", n, got_sent, need, margin_ms }
      if (got_dev < need) {
        under++; printf "FAIL: device gap %d: %.1f ms < %.1f ms (sent %.1f ms apart: delivered %.1f ms later than the one before)\n", n, got_dev, need, got_sent, got_sent - got_dev }
      if (n == 1 || got_dev - need < min) min = got_dev - need
      if (n == 1 || dev - prev_last < quiet) quiet = dev - prev_last
      if (n == 1 || got_sent - need < min_sent) min_sent = got_sent - need
    }
    prev_dev = dev; prev_sent = sent; prev_bytes = bytes; prev_last = last }
  END { printf "%d messages; at the device %d of %d gaps under wire time + %d ms (smallest margin %.1f ms); sender: smallest margin %.1f ms, %d under its own target; delivery spread %.1f ms; shortest F7-to-F0 silence as the model read it %.1f ms\n", NR, under, n, gap_ms, min, min_sent, ours, lat_max - lat_min, quiet
        exit (NR != 40 || ours > 0 || under > 0) }' "$OUT/gaps.txt"
