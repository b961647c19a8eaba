#include "core/common/status.hpp"

namespace styledna::core {

const char* statusCodeName(StatusCode code) {
    switch (code) {
    case StatusCode::kOk:
        return "OK";
    case StatusCode::kCancelled:
        return "CANCELLED";
    case StatusCode::kInvalidArgument:
        return "INVALID_ARGUMENT";
    case StatusCode::kDeadlineExceeded:
        return "DEADLINE_EXCEEDED";
    case StatusCode::kNotFound:
        return "NOT_FOUND";
    case StatusCode::kAlreadyExists:
        return "ALREADY_EXISTS";
    case StatusCode::kResourceExhausted:
        return "RESOURCE_EXHAUSTED";
    case StatusCode::kFailedPrecondition:
        return "FAILED_PRECONDITION";
    case StatusCode::kUnimplemented:
        return "UNIMPLEMENTED";
    case StatusCode::kInternal:
        return "INTERNAL";
    case StatusCode::kUnavailable:
        return "UNAVAILABLE";
    case StatusCode::kDataLoss:
        return "DATA_LOSS";
    }
    return "UNKNOWN";
}

std::string Status::toString() const {
    if (isOk()) {
        return "OK";
    }
    return std::string(statusCodeName(m_code)) + ": " + m_message;
}

} // namespace styledna::core
