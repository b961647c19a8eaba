#include "server/fix_plan_loader.hpp"

#include "core/fixes/fix_plan_json.hpp"

namespace styledna::server {

core::Result<fixes::FixPlan> fixPlanFromDocument(std::string_view json_text) {
    return fixes::fixPlanFromJson(json_text);
}

core::Result<fixes::FixPlan> loadFixPlan(db::Store& store, const std::string& plan_id) {
    auto document = store.findFixPlanDocument(plan_id);
    if (!document) {
        return document.status();
    }
    if (!document->has_value()) {
        return core::notFound("no fix plan '" + plan_id + "' (styledna fix makes one)");
    }
    auto plan = fixPlanFromDocument(**document);
    if (!plan) {
        return core::invalidArgument("plan " + plan_id + ": " + plan.status().message());
    }
    if (plan->plan_id.empty()) {
        plan->plan_id = plan_id;
    }
    return plan;
}

std::string changeToJson(const fixes::ParameterChange& change) {
    return fixes::parameterChangeToJson(change);
}

core::Result<fixes::ParameterChange> changeFromJson(std::string_view json_text) {
    auto change = fixes::parameterChangeFromJson(json_text);
    if (!change) {
        return core::invalidArgument("journal " + change.status().message());
    }
    return change;
}

} // namespace styledna::server
