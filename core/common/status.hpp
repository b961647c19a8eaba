#pragma once
// Status and Result<T>: how every fallible core call reports failure.
//
// Contract: a non-OK Status carries a message a user can act on; anything that
// concerns a file names the file first ("x.wav: truncated WAV header"). Codes
// mirror gRPC's so the server converts them one-to-one (server/status_convert).
// Core code never throws across its public API; library exceptions are caught
// where they arise and become a Status.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace styledna::core {

enum class StatusCode {
    kOk = 0,
    kCancelled = 1,
    kInvalidArgument = 3,
    kDeadlineExceeded = 4,
    kNotFound = 5,
    kAlreadyExists = 6,
    kResourceExhausted = 8,
    kFailedPrecondition = 9,
    kUnimplemented = 12,
    kInternal = 13,
    kUnavailable = 14,
    kDataLoss = 15,
};

const char* statusCodeName(StatusCode code);

class [[nodiscard]] Status {
public:
    Status() = default;
    Status(StatusCode code, std::string message) : m_code(code), m_message(std::move(message)) {}

    static Status ok() { return {}; }
    bool isOk() const { return m_code == StatusCode::kOk; }
    StatusCode code() const { return m_code; }
    const std::string& message() const { return m_message; }
    // "INVALID_ARGUMENT: x.wav: ..." for logs.
    std::string toString() const;

private:
    StatusCode m_code = StatusCode::kOk;
    std::string m_message;
};

inline Status invalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status notFound(std::string m) {
    return {StatusCode::kNotFound, std::move(m)};
}
inline Status internalError(std::string m) {
    return {StatusCode::kInternal, std::move(m)};
}
inline Status cancelledError(std::string m) {
    return {StatusCode::kCancelled, std::move(m)};
}
inline Status failedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status unimplemented(std::string m) {
    return {StatusCode::kUnimplemented, std::move(m)};
}

// Result<T>: a value or a non-OK Status.
template <class T> class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Status status) : m_status(std::move(status)) {
        if (m_status.isOk()) {
            m_status = internalError("Result constructed from an OK status without a value");
        }
    }
    bool isOk() const { return m_value.has_value(); }
    explicit operator bool() const { return isOk(); }
    const Status& status() const { return m_status; }
    T& value() & { return *m_value; }
    const T& value() const& { return *m_value; }
    T&& value() && { return std::move(*m_value); }
    T* operator->() { return &*m_value; }
    const T* operator->() const { return &*m_value; }
    T& operator*() { return *m_value; }
    const T& operator*() const { return *m_value; }

private:
    std::optional<T> m_value;
    Status m_status;
};

} // namespace styledna::core
