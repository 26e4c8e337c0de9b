# Port ranking with the names the kernel gives real hardware: a Little Phatty's own USB port, a
# Roland "UM-ONE" DIN interface, an M-Audio "Code 49" with 4 in / 4 out ports (gadgets on
# dummy_hcd, named by snd-usb-audio), and snd-virmidi's ports. For the Little Phatty its own port
# must rank first, the UM-ONE must mean DIN pacing, and no gadget's far side (the "f_midi"
# rawmidi card a device model sits behind) may be offered as a port.
. "$SYXFLASH_SOURCE/tests/vm/gadget.sh"
gadget_add lp "Moog Music" "Little Phatty" 1 0
gadget_add umone "Roland" "UM-ONE" 1 1
gadget_add code49 "M-Audio" "Code 49" 4 2
vm_modprobe snd-virmidi midi_devs=1
wait_for_port "VirMIDI"
cat /proc/asound/cards
aconnect -l
cd /tmp
"$SYXFLASH_CLI" ports --api alsa | tee "$OUT/ports.txt"
"$SYXFLASH_CLI" ports --api alsa --device moog-little-phatty | tee "$OUT/ranked.txt"
"$SYXFLASH_CLI" ports --api alsa --device moog-little-phatty --json | tee "$OUT/ranked.jsonl"
"$SYXFLASH_CLI" ports --api alsa --device m-audio-code --json | tee "$OUT/ranked-code.jsonl"

# Each ranking as "kind|name|recommended|usable" lines, best first.
rows() { tr -d '\n' <"$1" | sed 's/},/}\n/g' | sed -n 's/.*"kind": *"\([^"]*\)".*"name": *"\([^"]*\)".*"recommended": *\(true\|false\).*"usable": *\(true\|false\).*/\1|\2|\3|\4/p' | awk 1; }
rows "$OUT/ranked.jsonl" >/tmp/lp
rows "$OUT/ranked-code.jsonl" >/tmp/code
cat /tmp/lp
fail() { echo "FAIL: $*"; exit 1; }
[ "$(wc -l </tmp/lp)" = 7 ] || fail "expected 7 ports (LP, UM-ONE, 4 Code 49, VirMIDI), got $(wc -l </tmp/lp)"
grep -qi "f_midi\|gadget" "$OUT/ports.txt" && fail "a gadget's far side is listed as a port"
head -n1 /tmp/lp | grep -q "^usb-device|Little Phatty:Little Phatty MIDI 1 .*|true|true$" ||
  fail "the Little Phatty's own port is not first and recommended"
grep -q "^interface|UM-ONE:UM-ONE MIDI 1 " /tmp/lp || fail "the UM-ONE is not an interface"
grep "UM-ONE" "$OUT/ranked.txt" | grep -q "DIN through a MIDI interface (slower: 3125 B/s)" ||
  fail "the UM-ONE does not mean DIN pacing"
[ "$(grep -c '^usb-device|Code 49:Code 49 MIDI [1-4] .*|false|' /tmp/lp)" = 4 ] ||
  fail "the Code 49's 4 ports are not there as another USB device"
grep -q "^virtual|Virtual Raw MIDI .*|false|false$" /tmp/lp || fail "snd-virmidi is not an unusable virtual port"
head -n1 /tmp/code | grep -q "^usb-device|Code 49:Code 49 MIDI 1 .*|true|" ||
  fail "for the Code, its first port is not recommended"
[ "$(grep -c '^[^|]*|[^|]*|true|' /tmp/code)" = 1 ] ||
  fail "more than one port recommended for the Code"
echo "port ranking: the device's own port first; UM-ONE = DIN; Code 49's 4 ports; virmidi virtual; no gadget side"
