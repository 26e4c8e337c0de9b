# A Little Phatty bulk dump (one 17 277-byte message) sent at full USB speed, through
# snd-usb-audio and the ALSA sequencer: with RtMidi's input (the kernel's default 200-event
# pool) it arrived cut short; syxflash's own sequencer input must back it up byte-exact.
. "$SYXFLASH_SOURCE/tests/vm/gadget.sh"
gadget_add lp "Moog Music" "Little Phatty" 1 0
cd /tmp
"$SYXFLASH_CLI" backup --device moog-little-phatty --api emulated --port moog-little-phatty \
  -o /tmp/reference.syx >/dev/null
emulate_on lp moog-little-phatty --byte-rate 0 --timestamps "$OUT/received.jsonl"
for i in 1 2 3; do
  echo "== backup at USB speed, run $i"
  XDG_DATA_HOME=/tmp/usb$i "$SYXFLASH_CLI" backup --device moog-little-phatty --api alsa \
    --port "Little Phatty" -o /tmp/usb$i.syx --trace "$OUT/usb-trace-$i.jsonl"
  cmp /tmp/reference.syx /tmp/usb$i.syx
  echo "usb run $i: byte-exact ($(stat -c %s /tmp/usb$i.syx) bytes)"
done
grep "Client\|pool\|Pool\|overrun\|fail" /proc/asound/seq/clients || true
