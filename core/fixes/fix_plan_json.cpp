#include "core/fixes/fix_plan_json.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

namespace styledna::fixes {
namespace {

using nlohmann::json;

// Each struct's fields are listed once; the writer and the reader visit them.
template <class V> void visit(V& v, ParameterChange& c) {
    v("change_id", c.change_id);
    v("track_index", c.track_index);
    v("track_name", c.track_name);
    v("device_index", c.device_index);
    v("device_name", c.device_name);
    v("device_class", c.device_class);
    v("parameter_index", c.parameter_index);
    v("parameter_name", c.parameter_name);
    v("from_value", c.from_value);
    v("to_value", c.to_value);
    v("unit", c.unit);
    v("from_unit_value", c.from_unit_value);
    v("to_unit_value", c.to_unit_value);
    v("display_from", c.display_from);
    v("display_to", c.display_to);
    v("confidence", c.confidence);
    v("reason", c.reason);
    v("gap_feature", c.gap_feature);
    v("predicted_effect", c.predicted_effect);
    v("status", c.status);
    v("error", c.error);
    v("read_back_value", c.read_back_value);
    v("read_back_string", c.read_back_string);
    v("curve_note", c.curve_note);
}

template <class V> void visit(V& v, PredictedFeature& p) {
    v("feature", p.feature);
    v("section", p.section);
    v("stem", p.stem);
    v("unit", p.unit);
    v("before", p.before);
    v("after", p.after);
    v("range_low", p.range_low);
    v("range_high", p.range_high);
    v("in_range_before", p.in_range_before);
    v("in_range_after", p.in_range_after);
}

template <class V> void visit(V& v, Fix& f) {
    v("id", f.id);
    v("gap_id", f.gap_id);
    v("gap_feature", f.gap_feature);
    v("category", f.category);
    v("title", f.title);
    v("expected_improvement", f.expected_improvement);
    v("risk", f.risk);
    v("confidence", f.confidence);
    v("strength", f.strength);
    v("changes", f.changes);
    v("manual_step", f.manual_step);
    v("predicted", f.predicted);
    v("predicted_conformance", f.predicted_conformance);
    v("rejection_reason", f.rejection_reason);
}

template <class V> void visit(V& v, TrackRole& r) {
    v("track_index", r.track_index);
    v("track_name", r.track_name);
    v("role", r.role);
    v("from_user", r.from_user);
}

template <class V> void visit(V& v, FixPlan& p) {
    v("plan_id", p.plan_id);
    v("wip_path", p.wip_path);
    v("wip_hash", p.wip_hash);
    v("profile", p.profile);
    v("conformance_before", p.conformance_before);
    v("predicted_conformance", p.predicted_conformance);
    v("target_conformance", p.target_conformance);
    v("target_reached", p.target_reached);
    v("target_note", p.target_note);
    v("set_source", p.set_source);
    v("strength", p.strength);
    v("generation_ms", p.generation_ms);
    v("roles", p.roles);
    v("fixes", p.fixes);
    v("rejected", p.rejected);
}

struct Writer {
    json& out;
    template <class T> void operator()(const char* key, T& value) { out[key] = write(value); }

    template <class T> static json write(T& value) {
        if constexpr (std::is_same_v<T, double>) {
            return std::isfinite(value) ? json(value) : json(nullptr);
        } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, int> ||
                             std::is_same_v<T, bool>) {
            return json(value);
        } else {
            json object = json::object();
            Writer w{object};
            visit(w, value);
            return object;
        }
    }
    template <class T> static json write(std::vector<T>& values) {
        json array = json::array();
        for (auto& item : values) {
            array.push_back(write(item));
        }
        return array;
    }
};

struct ParseError {
    std::string message;
};

std::string keyPath(const std::string& where, const char* key) {
    return where.empty() ? std::string(key) : std::string(where).append(".").append(key);
}

struct Reader {
    const json& in;
    std::string where;

    template <class T> void operator()(const char* key, T& value) {
        auto it = in.find(key);
        if (it != in.end()) {
            read(*it, keyPath(where, key), value);
        }
    }

    static void read(const json& j, const std::string& path, double& value) {
        if (j.is_null()) { // a non-finite number written as null
            value = std::nan("");
            return;
        }
        if (!j.is_number()) {
            throw ParseError{path + ": expected a number"};
        }
        value = j.get<double>();
    }
    static void read(const json& j, const std::string& path, int& value) {
        if (!j.is_number_integer()) {
            throw ParseError{path + ": expected an integer"};
        }
        value = j.get<int>();
    }
    static void read(const json& j, const std::string& path, bool& value) {
        if (!j.is_boolean()) {
            throw ParseError{path + ": expected true or false"};
        }
        value = j.get<bool>();
    }
    static void read(const json& j, const std::string& path, std::string& value) {
        if (!j.is_string()) {
            throw ParseError{path + ": expected a string"};
        }
        value = j.get<std::string>();
    }
    template <class T> static void read(const json& j, const std::string& path, T& value) {
        if (!j.is_object()) {
            throw ParseError{path + ": expected an object"};
        }
        Reader r{j, path};
        visit(r, value);
    }
    template <class T>
    static void read(const json& j, const std::string& path, std::vector<T>& values) {
        if (!j.is_array()) {
            throw ParseError{path + ": expected an array"};
        }
        values.assign(j.size(), T{});
        for (size_t i = 0; i < j.size(); ++i) {
            std::string item = path;
            item.append("[").append(std::to_string(i)).append("]");
            read(j[i], item, values[i]);
        }
    }
};

} // namespace

std::string fixPlanToJson(const FixPlan& plan, int indent) {
    FixPlan copy = plan; // the visitors take non-const references
    return Writer::write(copy).dump(indent);
}

core::Result<FixPlan> fixPlanFromJson(std::string_view json_text) {
    json document = json::parse(json_text, nullptr, false);
    if (document.is_discarded()) {
        return core::invalidArgument("fix plan: not valid JSON");
    }
    FixPlan plan;
    try {
        Reader::read(document, "", plan);
    } catch (const ParseError& e) {
        return core::invalidArgument("fix plan: " + e.message);
    } catch (const json::exception& e) { // an integer out of int's range, ...
        return core::invalidArgument(std::string("fix plan: ").append(e.what()));
    }
    return plan;
}

std::string parameterChangeToJson(const ParameterChange& change) {
    ParameterChange copy = change;
    return Writer::write(copy).dump();
}

core::Result<ParameterChange> parameterChangeFromJson(std::string_view json_text) {
    json document = json::parse(json_text, nullptr, false);
    if (document.is_discarded()) {
        return core::invalidArgument("change: not valid JSON");
    }
    ParameterChange change;
    try {
        Reader::read(document, "change", change);
    } catch (const ParseError& e) {
        return core::invalidArgument(e.message);
    } catch (const json::exception& e) {
        return core::invalidArgument(std::string("change: ").append(e.what()));
    }
    return change;
}

} // namespace styledna::fixes
