#pragma once
// Exit codes of syxflash-cli (DESIGN.md §8).
namespace syx::cli {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitUsage = 2;          // bad flag, unknown device, port not found/ambiguous
inline constexpr int kExitRefused = 3;        // refused before sending: nothing was sent
inline constexpr int kExitTransferFailed = 4; // transfer failed or interrupted
inline constexpr int kExitNoAnswer = 5;       // no reply, or a received dump was incomplete
inline constexpr int kExitCancelled = 130; // SIGINT (SIGTERM: 143, SIGHUP: 129; cli_transport.hpp)

} // namespace syx::cli
