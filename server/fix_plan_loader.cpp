#include "server/fix_plan_loader.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/fixes/fix_plan_json.hpp"

namespace styledna::server {
namespace {

using nlohmann::json;

struct ParseError {
    std::string message;
};

std::string path(const std::string& where, const char* key) {
    std::string out = where;
    if (!out.empty()) {
        out.append(".");
    }
    return out.append(key);
}

void read(const json& j, const char* key, const std::string& where, std::string& out) {
    if (auto it = j.find(key); it != j.end() && !it->is_null()) {
        if (!it->is_string()) {
            throw ParseError{path(where, key) + ": expected a string"};
        }
        out = it->get<std::string>();
    }
}

void read(const json& j, const char* key, const std::string& where, double& out) {
    if (auto it = j.find(key); it != j.end() && !it->is_null()) {
        if (!it->is_number() || !std::isfinite(it->get<double>())) {
            throw ParseError{path(where, key) + ": expected a number"};
        }
        out = it->get<double>();
    }
}

void read(const json& j, const char* key, const std::string& where, int& out) {
    double v = out;
    read(j, key, where, v);
    out = static_cast<int>(std::lround(v));
}

fixes::ParameterChange parseChange(const json& j, const std::string& where) {
    if (!j.is_object()) {
        throw ParseError{where + ": expected an object"};
    }
    fixes::ParameterChange c;
    read(j, "change_id", where, c.change_id);
    read(j, "track_index", where, c.track_index);
    read(j, "track_name", where, c.track_name);
    read(j, "device_index", where, c.device_index);
    read(j, "device_name", where, c.device_name);
    read(j, "device_class", where, c.device_class);
    read(j, "parameter_index", where, c.parameter_index);
    read(j, "parameter_name", where, c.parameter_name);
    read(j, "from_value", where, c.from_value);
    read(j, "to_value", where, c.to_value);
    read(j, "unit", where, c.unit);
    read(j, "from_unit_value", where, c.from_unit_value);
    read(j, "to_unit_value", where, c.to_unit_value);
    read(j, "display_from", where, c.display_from);
    read(j, "display_to", where, c.display_to);
    read(j, "confidence", where, c.confidence);
    read(j, "reason", where, c.reason);
    read(j, "gap_feature", where, c.gap_feature);
    read(j, "predicted_effect", where, c.predicted_effect);
    read(j, "status", where, c.status);
    read(j, "error", where, c.error);
    read(j, "read_back_value", where, c.read_back_value);
    read(j, "read_back_string", where, c.read_back_string);
    return c;
}

} // namespace

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

std::string changeToJson(const fixes::ParameterChange& c) {
    json j{{"change_id", c.change_id},
           {"track_index", c.track_index},
           {"track_name", c.track_name},
           {"device_index", c.device_index},
           {"device_name", c.device_name},
           {"device_class", c.device_class},
           {"parameter_index", c.parameter_index},
           {"parameter_name", c.parameter_name},
           {"from_value", c.from_value},
           {"to_value", c.to_value},
           {"unit", c.unit},
           {"from_unit_value", c.from_unit_value},
           {"to_unit_value", c.to_unit_value},
           {"display_from", c.display_from},
           {"display_to", c.display_to},
           {"confidence", c.confidence},
           {"reason", c.reason},
           {"gap_feature", c.gap_feature},
           {"predicted_effect", c.predicted_effect},
           {"status", c.status},
           {"error", c.error},
           {"read_back_value", c.read_back_value},
           {"read_back_string", c.read_back_string}};
    return j.dump();
}

core::Result<fixes::ParameterChange> changeFromJson(std::string_view json_text) {
    json doc = json::parse(json_text.begin(), json_text.end(), nullptr, false);
    if (doc.is_discarded()) {
        return core::invalidArgument("journal change: not valid JSON");
    }
    try {
        return parseChange(doc, "change");
    } catch (const ParseError& e) {
        return core::invalidArgument("journal " + e.message);
    }
}

} // namespace styledna::server
