#pragma once
// Conversions between the Live bridge's structs and styledna.v1 messages
// (GetLiveSet, ApplyFixes, UndoApply). Names are prefixed (live...) so they
// never collide with the plan conversions of GenerateFixes.

#include "core/fixes/fix_plan.hpp"
#include "server/live_bridge.hpp"
#include "styledna/v1/styledna.pb.h"

namespace styledna::server {

void liveSetToProto(const LiveSnapshot& snapshot, v1::LiveSet* out);
void liveChangeToProto(const fixes::ParameterChange& change, v1::ParameterChange* out);
void applyOutcomeToProto(const ApplyOutcome& outcome, v1::ApplyResult* out);
void undoOutcomeToProto(const UndoOutcome& outcome, v1::UndoApplyResponse* out);

} // namespace styledna::server
