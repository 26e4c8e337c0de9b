#pragma once
// Expected failures are values (DESIGN.md §3): a Result<T> holds either a value or an Error with
// a code and a message that callers prefix with context.
#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace syx {

enum class ErrorCode {
    internal,        // a bug or an unexpected environment problem
    usage,           // the caller asked for something that cannot be done as asked
    not_found,       // file, port, device or manifest missing
    io,              // reading or writing failed
    invalid_data,    // input could not be understood
    refused,         // a safety rule stopped the action before anything was sent
    timeout,         // the device did not answer in time
    port_vanished,   // a MIDI port disappeared during use
    transfer_failed, // sending or receiving failed part-way
    cancelled,       // the user asked to stop
};

const char* to_string(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::internal;
    std::string message;

    // "message 37 of 412: " + message
    [[nodiscard]] Error with_context(std::string_view context) const {
        return Error{code, std::string(context) + ": " + message};
    }
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}     // NOLINT(google-explicit-constructor)
    Result(Error error) : m_state(std::move(error)) {} // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<T>(m_state);
    }
    const T& value() const& {
        assert(ok());
        return std::get<T>(m_state);
    }
    T&& value() && {
        assert(ok());
        return std::get<T>(std::move(m_state));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    [[nodiscard]] const Error& error() const {
        assert(!ok());
        return std::get<Error>(m_state);
    }

private:
    std::variant<T, Error> m_state;
};

// Result<void>
struct Ok {};
using Status = Result<Ok>;

inline Error make_error(ErrorCode code, std::string message) {
    return Error{code, std::move(message)};
}

} // namespace syx
