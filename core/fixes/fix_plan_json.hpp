#pragma once
// FixPlan <-> JSON: the document the daemon stores in fix_plans.document and
// the OSC worker loads by plan_id (ApplyFixes). Field names are the struct
// members' (fix_plan.hpp), snake_case, numbers as JSON numbers.
//
//   {"plan_id":"...","wip_path":"...","wip_hash":"...","profile":"...",
//    "conformance_before":61.2,"predicted_conformance":78.9,
//    "target_conformance":80,"target_reached":false,"target_note":"...",
//    "set_source":"file:set.json","strength":1,"generation_ms":212.5,
//    "roles":[{"track_index":1,"track_name":"Bass","role":"bass","from_user":false}],
//    "fixes":[{"id":"fix-1","gap_id":"low_mid_buildup",...,
//              "changes":[{"change_id":"fix-1.1","track_index":1,...}],
//              "predicted":[{"feature":"tonal_balance_low_mid_db",...}]}],
//    "rejected":[...same shape as fixes...]}
//
// Reading: every key is optional (a missing key keeps the struct's default,
// so documents written by older builds still load); a key of the wrong type
// or a non-finite number is an invalidArgument naming its path
// ("fixes[2].changes[0].to_value: expected a number").
// Threads: pure functions.

#include <string>
#include <string_view>

#include "core/common/status.hpp"
#include "core/fixes/fix_plan.hpp"

namespace styledna::fixes {

// indent < 0: compact (one line), as stored in SQLite.
std::string fixPlanToJson(const FixPlan& plan, int indent = -1);
core::Result<FixPlan> fixPlanFromJson(std::string_view json_text);

// One change alone, with the same keys as in a plan's "changes" (the apply
// journal keeps each change this way). Errors start "change: ".
std::string parameterChangeToJson(const ParameterChange& change);
core::Result<ParameterChange> parameterChangeFromJson(std::string_view json_text);

} // namespace styledna::fixes
