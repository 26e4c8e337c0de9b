# The wizard in hardware mode under Xvfb, through the real Linux MIDI stack: a Little Phatty on its
# own USB port (gadget "Little Phatty", maker "Moog Music") served by its device model; the
# kernel names its ALSA client and port as for the real unit. The
# autopilot (gui/autopilot.hpp, hardware mode: --autopilot --api alsa) presses Detect, takes the
# device and port that answered (identity over ALSA), backs up (the 17 277-byte bulk dump sent at
# DIN speed), chooses the firmware, updates and verifies; it reads the instrument's display from
# the model's own output. Success is judged from the model: it runs the new firmware (its
# display), and the wizard's backup is byte-exact with the model's dump.
. "$SYXFLASH_SOURCE/tests/vm/gadget.sh"
fail() { echo "FAIL: $*"; exit 1; }
: "${SYXFLASH_GUI:?SYXFLASH_GUI must name the syxflash wizard binary}"
command -v xvfb-run >/dev/null || fail "xvfb-run is not installed on the host (Debian: xvfb)"
gadget_add lp "Moog Music" "Little Phatty" 1 0
aconnect -l | grep -q "client [0-9]*: 'Little Phatty'" || fail "no ALSA client 'Little Phatty'"
aconnect -l | grep -q "'Little Phatty MIDI 1'" || fail "no ALSA port 'Little Phatty MIDI 1'"
cd /tmp
export XDG_DATA_HOME=/tmp/data XDG_STATE_HOME=/tmp/state XDG_CONFIG_HOME=/tmp/config
# Xvfb writes its compiled keymap to /var/lib/xkb, read-only here (the host's root over 9p).
mount -t tmpfs tmpfs /var/lib/xkb
# A small window: under TCG, Mesa's llvmpipe and the copy to Xvfb take ~0.8 s a frame at the
# default 1100x720, and the autopilot lets every page settle for a few frames.
mkdir -p /tmp/config/syxflash
printf '[Syxflash][Window]\nSize=720,480\n\n' >/tmp/config/syxflash/imgui.ini
"$SYXFLASH_CLI" emulate moog-little-phatty --write-firmware /tmp/lp.syx
# What the model dumps, in-process (the reference for byte-exactness), made beside the wizard.
"$SYXFLASH_CLI" backup --device moog-little-phatty --api emulated --port moog-little-phatty \
  -o /tmp/reference.syx >/tmp/reference.log 2>&1 &
reference=$!
emulate_on lp moog-little-phatty
echo "before: the Little Phatty shows: $(display_of lp)"

rc=0
LIBGL_ALWAYS_SOFTWARE=1 timeout 200 xvfb-run -a -s "-screen 0 800x600x24" "$SYXFLASH_GUI" \
  --autopilot --api alsa --autopilot-firmware /tmp/lp.syx --autopilot-display "$OUT/emulate-lp.log" \
  >"$OUT/wizard.log" 2>&1 || rc=$?
grep "^autopilot\|syxflash:" "$OUT/wizard.log" || true
[ "$rc" = 0 ] || { tail -n 30 "$OUT/wizard.log"; fail "the wizard's autopilot exited $rc"; }

wait $reference || { cat /tmp/reference.log; fail "no reference dump"; }
shown=$(display_of lp)
echo "after: the Little Phatty shows: $shown"
case "$shown" in *"1.2.0.0"*) ;; *) fail "the Little Phatty does not run the new firmware (1.2.0.0)" ;; esac
backup=$(find /tmp/data -name '*.syx' -path '*moog-little-phatty*' | head -n 1)
[ -n "$backup" ] || fail "the wizard made no backup"
cmp /tmp/reference.syx "$backup" || fail "the wizard's backup $backup differs from the model's dump"
echo "wizard (hardware mode, Xvfb, --api alsa): detected, backed up byte-exact ($(stat -c %s "$backup") bytes), updated to 1.2.0.0"
