#pragma once
// Conversions between core types and the generated styledna.v1 messages.

#include "core/analysis/track_analysis.hpp"
#include "core/features/feature_info.hpp"
#include "styledna/v1/styledna.pb.h"

namespace styledna::server {

void toProto(const core::TrackAnalysis& analysis, bool cached, bool include_series,
             v1::TrackAnalysis* out);
void toProto(const core::FeatureInfo& info, v1::FeatureDescription* out);

} // namespace styledna::server
