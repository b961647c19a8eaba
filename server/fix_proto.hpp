#pragma once
// core/fixes FixPlan -> styledna.v1.FixPlan (field for field; see fix_plan.hpp
// for units). Threads: pure functions.

#include "core/fixes/fix_plan.hpp"
#include "styledna/v1/styledna.pb.h"

namespace styledna::server {

void toProto(const fixes::FixPlan& plan, v1::FixPlan* out);
// One change, planned or with its apply / undo outcome (status, read-back).
void toProto(const fixes::ParameterChange& change, v1::ParameterChange* out);

} // namespace styledna::server
