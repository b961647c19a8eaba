#pragma once
// Conversions from the Style DNA types (core/profile, server/profile_manager)
// to the styledna.v1 profile messages.

#include "server/profile_manager.hpp"
#include "styledna/v1/styledna.pb.h"

namespace styledna::server {

void toProto(const LoadedProfile& loaded, v1::Profile* out);
void toProto(const SimilarAnswer& answer, v1::FindSimilarResponse* out);

} // namespace styledna::server
