#pragma once
// The one place core::Status becomes grpc::Status.

#include <grpcpp/support/status.h>

#include "core/common/status.hpp"

namespace styledna::server {

grpc::Status toGrpcStatus(const core::Status& status);

} // namespace styledna::server
