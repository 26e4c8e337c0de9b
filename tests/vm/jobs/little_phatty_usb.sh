# The Little Phatty on its own USB port, through snd-usb-audio and the ALSA sequencer: the
# kernel names the port, identify answers, and the 17 277-byte bulk dump sent at DIN speed is
# backed up byte-exact.
. "$SYXFLASH_SOURCE/tests/vm/gadget.sh"
gadget_add lp "Moog Music" "Little Phatty" 1 0
aconnect -l
"$SYXFLASH_CLI" ports --api alsa
aconnect -l | grep -q "client [0-9]*: 'Little Phatty'" || { echo "FAIL: no client 'Little Phatty'"; exit 1; }
aconnect -l | grep -q "'Little Phatty MIDI 1'" || { echo "FAIL: no port 'Little Phatty MIDI 1'"; exit 1; }

# What the model dumps, in-process: the reference for byte-exactness.
cd /tmp
"$SYXFLASH_CLI" backup --device moog-little-phatty --api emulated --port moog-little-phatty \
  -o /tmp/reference.syx >/dev/null
ls -l /tmp/reference.syx

emulate_on lp moog-little-phatty --timestamps "$OUT/din-received.jsonl"
"$SYXFLASH_CLI" identify --api alsa --port "Little Phatty"

echo "== backup at DIN speed (3125 B/s)"
XDG_DATA_HOME=/tmp/din "$SYXFLASH_CLI" backup --device moog-little-phatty --api alsa \
  --port "Little Phatty" -o /tmp/din.syx --trace "$OUT/din-trace.jsonl"
cmp /tmp/reference.syx /tmp/din.syx && echo "din: byte-exact ($(stat -c %s /tmp/din.syx) bytes)"
