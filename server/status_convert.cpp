#include "server/status_convert.hpp"

namespace styledna::server {

grpc::Status toGrpcStatus(const core::Status& status) {
    if (status.isOk()) {
        return grpc::Status::OK;
    }
    return grpc::Status(static_cast<grpc::StatusCode>(static_cast<int>(status.code())),
                        status.message());
}

} // namespace styledna::server
