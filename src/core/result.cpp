#include "core/result.hpp"

namespace syx {

const char* to_string(ErrorCode code) {
    switch (code) {
    case ErrorCode::internal:
        return "internal";
    case ErrorCode::usage:
        return "usage";
    case ErrorCode::not_found:
        return "not-found";
    case ErrorCode::io:
        return "io";
    case ErrorCode::invalid_data:
        return "invalid-data";
    case ErrorCode::refused:
        return "refused";
    case ErrorCode::timeout:
        return "timeout";
    case ErrorCode::port_vanished:
        return "port-vanished";
    case ErrorCode::transfer_failed:
        return "transfer-failed";
    case ErrorCode::cancelled:
        return "cancelled";
    }
    return "unknown";
}

} // namespace syx
