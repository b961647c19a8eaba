#pragma once
// Loading a stored FixPlan for ApplyFixes, and a ParameterChange as the JSON
// kept in apply_journal_entries.change.
//
// loadFixPlan() reads fix_plans.document by plan_id and parses it with
// core/fixes/fix_plan_json (fixPlanFromJson), the same code GenerateFixes
// writes it with. The journal keeps each ParameterChange as a JSON object
// with the same keys (changeToJson / changeFromJson).
// Threads: any; the store serialises access.

#include <string>
#include <string_view>

#include "core/common/status.hpp"
#include "core/fixes/fix_plan.hpp"
#include "db/store.hpp"

namespace styledna::server {

// notFound "no fix plan 'ID' (run styledna fix first)" when absent.
core::Result<fixes::FixPlan> loadFixPlan(db::Store& store, const std::string& plan_id);
core::Result<fixes::FixPlan> fixPlanFromDocument(std::string_view json_text);

std::string changeToJson(const fixes::ParameterChange& change);
core::Result<fixes::ParameterChange> changeFromJson(std::string_view json_text);

} // namespace styledna::server
