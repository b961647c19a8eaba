#pragma once
// GapReport (core/gap) -> styledna.v1.GapReport.

#include "server/gap_runner.hpp"
#include "styledna/v1/styledna.pb.h"

namespace styledna::server {

void toProto(const gap::Comparison& c, v1::GapComparison* out);
void toProto(const GapOutcome& outcome, bool include_comparisons, v1::GapReport* out);

} // namespace styledna::server
