# Shell helpers for the VM jobs (sourced; POSIX sh): USB-MIDI gadgets on dummy_hcd via configfs,
# and the syxflash programs. Each gadget is a class-compliant USB-MIDI device: snd-usb-audio
# names its ALSA client after the product string, exactly as for real hardware, and the
# gadget's own side is a rawmidi card with id = the gadget's name (hw:CARD=NAME).

: "${SYXFLASH_CLI:?SYXFLASH_CLI must name the syxflash-cli binary}"
GADGETS=/sys/kernel/config/usb_gadget
OUT=${SYXVM_RESULTS:?}

# gadget_add NAME MANUFACTURER PRODUCT PORTS UDC: plug a gadget with PORTS in and out ports into
# dummy_udc.UDC. NAME is also the card id of its far side (at most 15 letters or digits).
gadget_add() {
  name=$1 maker=$2 product=$3 ports=$4 udc=dummy_udc.$5
  g=$GADGETS/$name
  mkdir "$g"
  echo 0x1d6b >"$g/idVendor"   # Linux Foundation: no snd-usb-audio quirk applies, names
  echo 0x0104 >"$g/idProduct"  # come from the strings alone
  mkdir "$g/strings/0x409"
  echo "$maker" >"$g/strings/0x409/manufacturer"
  echo "$product" >"$g/strings/0x409/product"
  echo "syxflash-$name" >"$g/strings/0x409/serialnumber"
  mkdir "$g/configs/c.1" "$g/configs/c.1/strings/0x409"
  echo "MIDI" >"$g/configs/c.1/strings/0x409/configuration"
  mkdir "$g/functions/midi.$name"
  echo "$ports" >"$g/functions/midi.$name/in_ports"
  echo "$ports" >"$g/functions/midi.$name/out_ports"
  echo "$name" >"$g/functions/midi.$name/id"
  ln -s "$g/functions/midi.$name" "$g/configs/c.1/"
  echo "$udc" >"$g/UDC"
  echo "$udc" >"$OUT/udc-$name"
  wait_for_port "$product MIDI 1"
}

# vm_modprobe MODULE [PARAM=VALUE…]: load one of the VM kernel's modules (tests/vm/init.sh).
vm_modprobe() { modprobe -d /run/syxvm "$@"; }

# A pulled cable: the gadget leaves its USB bus. gadget_replug puts it back.
gadget_unplug() { echo "" >"$GADGETS/$1/UDC"; }
gadget_replug() { cat "$OUT/udc-$1" >"$GADGETS/$1/UDC"; }

# wait_until SECONDS WHAT COMMAND…: until COMMAND succeeds, for at most SECONDS of wall time.
# Bounded in time, not in tries: under TCG on a loaded host one try (a fork and exec of grep or
# aconnect) can take a second or more, and "600 tries" became minutes.
wait_until() {
  _limit=$1 _what=$2
  shift 2
  read -r _up _ </proc/uptime
  _end=$((${_up%.*} + _limit))
  until "$@"; do
    read -r _up _ </proc/uptime
    [ "${_up%.*}" -lt "$_end" ] || { echo "gave up after ${_limit} s: $_what"; return 1; }
    sleep 0.1
  done
}

port_listed() { aconnect -l 2>/dev/null | grep -q "'$1"; }
card_listed() { grep -q "\[$1 *\]" /proc/asound/cards; }

# wait_for_port TEXT: until an ALSA sequencer port whose line contains TEXT is listed (20 s).
wait_for_port() {
  wait_until 20 "no ALSA port '$1'" port_listed "$1" || { aconnect -l; cat /proc/asound/cards; return 1; }
}

# wait_for_rawmidi NAME: until the gadget's far side hw:CARD=NAME is there (20 s).
wait_for_rawmidi() {
  wait_until 20 "no rawmidi card '$1'" card_listed "$1" || { cat /proc/asound/cards; return 1; }
}

# wait_for_line FILE TEXT [SECONDS]: until FILE has a line containing TEXT (default 30 s).
has_line() { grep -q "$2" "$1" 2>/dev/null; }
wait_for_line() {
  wait_until "${3:-30}" "no '$2' in $1" has_line "$1" "$2"
}

# emulate_on NAME DEVICE_ID [ARGS…]: serve DEVICE_ID's model on gadget NAME's far side, in the
# background; its output goes to $OUT/emulate-NAME.log and its pid to $OUT/emulate-NAME.pid.
emulate_on() {
  name=$1 id=$2
  shift 2
  wait_for_rawmidi "$name"
  # stdin stays open (a fifo nobody writes) so 'emulate' keeps reading commands.
  mkfifo "/tmp/emulate-$name.in"
  sleep 100000 >"/tmp/emulate-$name.in" &
  "$SYXFLASH_CLI" emulate "$id" --api rawmidi --device "hw:CARD=$name" "$@" \
    <"/tmp/emulate-$name.in" >"$OUT/emulate-$name.log" 2>&1 &
  echo $! >"$OUT/emulate-$name.pid"
  # Loading the debug build over 9p under TCG can take seconds on a busy host.
  wait_for_line "$OUT/emulate-$name.log" "^Emulating" 60 ||
    { echo "emulate on $name did not start:"; cat "$OUT/emulate-$name.log"; return 1; }
}

# emulate_cmd NAME TEXT: type TEXT ("press BUTTON", "power-cycle", "display") into the model on
# gadget NAME, as a person at the instrument would.
emulate_cmd() { echo "$2" >"/tmp/emulate-$1.in"; sleep 0.3; }

# display_of NAME: what the model on gadget NAME shows now (as a person would read it).
display_of() {
  emulate_cmd "$1" display
  grep "display:" "$OUT/emulate-$1.log" | tail -n 1 | sed 's/^display: //'
}

# answer_works NAME READY LOG COMMAND…: run COMMAND (an upload or recover) with a person at the
# instrument: when it asks whether the device works, read the display of the model on gadget
# NAME and answer "1" (works normally) only if it shows READY, else "2" (something is wrong).
# COMMAND's output goes to LOG; its exit status is ours.
answer_works() {
  _name=$1 _ready=$2 _log=$3
  shift 3
  rm -f /tmp/works.in && mkfifo /tmp/works.in
  sleep 300 >/tmp/works.in &
  _holder=$!
  "$@" </tmp/works.in >"$_log" 2>&1 &
  _pid=$!
  _asked_or_ended() { has_line "$_log" "Answer with a number" || ! kill -0 $_pid 2>/dev/null; }
  wait_until 150 "the question whether it works" _asked_or_ended || true
  if kill -0 $_pid 2>/dev/null; then
    _shown=$(display_of "$_name")
    case "$_shown" in
      *"$_ready"*) echo "the display shows '$_shown': answering 1 (it works normally)"; echo 1 >/tmp/works.in ;;
      *) echo "the display shows '$_shown': answering 2 (something is wrong)"; echo 2 >/tmp/works.in ;;
    esac
  fi
  _rc=0
  wait $_pid || _rc=$?
  kill $_holder 2>/dev/null || true
  return $_rc
}

# expect_exit CODE COMMAND…: run COMMAND and fail unless it exits with CODE.
expect_exit() {
  want=$1
  shift
  rc=0
  "$@" || rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL: exit $rc (expected $want): $*"
    return 1
  fi
}
