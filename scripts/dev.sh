#!/usr/bin/env bash
# syxflash developer entry point: installs what is missing (Debian 12, apt), builds, runs.
#   scripts/dev.sh wizard [ARGS…]   build (release) and open the wizard on the simulated device
#   scripts/dev.sh test             build (warnings as errors) and run every test
#   scripts/dev.sh vm               build and run the ALSA/USB-MIDI tests in a QEMU VM (label vm)
#   scripts/dev.sh deps             only install the Debian packages the build and tests need
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libimgui-dev libglfw3-dev libgl1-mesa-dri librtmidi-dev zlib1g-dev libdeflate-dev libssl-dev
  libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libfmt-dev libarchive-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  jackd2 xvfb xauth x11-apps x11-utils imagemagick openssl
  clang libclang-rt-14-dev
  libasound2-dev qemu-system-x86 busybox-static cpio kmod alsa-utils
  fonts-dejavu-core dpkg-dev file lintian desktop-file-utils appstream librsvg2-bin
)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "syxflash: installing missing Debian packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      echo "syxflash: need root or sudo to install: ${missing[*]}" >&2; exit 1
    fi
  fi
  "${sudo[@]}" apt-get update -qq
  # jackd2 asks about realtime priority; answer non-interactively.
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

jobs() { nproc 2>/dev/null || echo 2; }

cmd=${1:-}
shift || true
case "$cmd" in
  deps)
    install_missing
    ;;
  wizard)
    install_missing
    cmake --preset release >/dev/null
    cmake --build --preset release -j "$(jobs)"
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      echo "syxflash: no display found; the wizard needs a desktop session (DISPLAY is unset)." >&2
      echo "          Try: xvfb-run -a build/release/src/gui/syxflash --simulate moog-little-phatty --autopilot" >&2
      exit 1
    fi
    exec build/release/src/gui/syxflash --simulate moog-little-phatty "$@"
    ;;
  test)
    install_missing
    cmake --preset ci
    cmake --build --preset ci -j "$(jobs)"
    # Everything but the JACK end-to-end tests runs once: a failure is a failure. The JACK tests
    # (label jack, run one at a time) measure timing at a receiving client on a server that
    # runs without realtime; on a starved shared machine it can miss a cycle, so a failing one
    # gets one more try (the failed try stays in the log). ctest 3.25 ignores a preset's
    # repetition, so it is given here.
    ctest --preset ci -j "$(jobs)" -LE 'jack|vm'
    ctest --preset ci -L jack --repeat until-pass:2
    # The real ALSA sequencer and USB-MIDI driver in a QEMU VM (label vm, tests/vm/vm.sh): the
    # VM is shared by machines' load like the JACK tests, so a failing one also gets one retry.
    ctest --preset ci -L vm --repeat until-pass:2
    ;;
  vm)
    # The real ALSA sequencer, snd-usb-audio and USB-MIDI gadgets, in a QEMU VM booted from
    # Debian's kernel (downloaded once into ~/.cache/syxflash-vm; tests/vm/vm.sh).
    install_missing
    cmake --preset ci
    cmake --build --preset ci --target syxflash-cli -j "$(jobs)"
    ctest --preset ci -L vm
    ;;
  *)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
