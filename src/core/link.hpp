#pragma once
// How bytes reach the device: its own USB-MIDI port, or a DIN cable through an interface.
#include <optional>
#include <string_view>

namespace syx {

enum class Link { usb, din };

const char* to_string(Link link); // "usb" | "din"
std::optional<Link> parse_link(std::string_view text);

// DIN MIDI: 31 250 baud, 10 bits per byte → 3125 bytes/s, 320 µs per byte [confirmed: MIDI 1.0].
inline constexpr unsigned kDinBytesPerSecond = 3125;
inline constexpr unsigned kDinMicrosecondsPerByte = 320;
// USB-MIDI 1.0 carries 3 SysEx bytes per 4-byte event packet [confirmed: USB-MIDI 1.0 spec].
inline constexpr unsigned kUsbMidiSysexBytesPerPacket = 3;
// Full-speed USB (what USB-MIDI instruments use) carries at most 19 bulk transactions of 64 bytes
// per 1 ms frame, 1 216 000 bytes/s [confirmed: USB 2.0 spec Table 5-9, full-speed bulk
// transaction limits, as tabulated by Microchip's developer help "USB Frames": bulk, 64 bytes, up
// to 19 per frame, 1.2 Mbytes/s]; with 3 SysEx bytes in each 4-byte event packet that is at most
// 912 000 SysEx bytes/s, so a message of N bytes needs at least N / 912 000 s to reach the device.
inline constexpr unsigned kUsbFullSpeedMidiSysexBytesPerSecond = 912'000;

} // namespace syx
