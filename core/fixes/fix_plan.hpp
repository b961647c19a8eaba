#pragma once
// FixPlan: the moves that answer a GapReport on a producer's Live set, each
// validated by offline simulation before it is offered (core/fixes). Mirrors
// the proto messages of the same names; the daemon stores plans by plan_id
// (SQLite, JSON document) and the OSC worker applies their ParameterChanges.
//
// Units: from_value/to_value are Live raw values within the parameter's
// [min, max] at planning time; from_unit_value/to_unit_value the same move in
// the parameter's own unit (`unit`: "dB", "Hz", "%", "" raw); display_* as
// Live would print them (value_string style, "2.50 kHz"). confidence 0..1;
// conformance 0..100. Threads: plain data.

#include <string>
#include <vector>

namespace styledna::fixes {

struct ParameterChange {
    std::string change_id; // "<fix id>.<n>"
    int track_index = -1;
    std::string track_name;
    int device_index = -1;
    std::string device_name, device_class;
    int parameter_index = -1;
    std::string parameter_name;
    double from_value = 0, to_value = 0;
    std::string unit;
    double from_unit_value = 0, to_unit_value = 0;
    std::string display_from, display_to;
    double confidence = 0;
    std::string reason;
    std::string gap_feature;
    std::string predicted_effect;
    // Apply / undo outcome ("" while planned): applied | rejected | failed | unconfirmed
    std::string status, error;
    double read_back_value = 0;
    std::string read_back_string;
    // The curve model against Live's value_string after the set ("" when
    // they agree or Live printed none): device_catalog.hpp curveReadBackNote.
    std::string curve_note;
};

struct PredictedFeature {
    std::string feature, section, stem, unit;
    double before = 0, after = 0, range_low = 0, range_high = 0;
    bool in_range_before = false, in_range_after = false;
};

struct Fix {
    std::string id; // "fix-1", ... unique in the plan
    std::string gap_id, gap_feature, category, title;
    double expected_improvement = 0; // conformance points this fix adds in the plan
    double risk = 0;                 // 0..1
    double confidence = 0;           // 0..1
    double strength = 1;             // share of the full move
    std::vector<ParameterChange> changes;
    std::string manual_step; // when the move cannot be made over OSC
    std::vector<PredictedFeature> predicted;
    double predicted_conformance = 0;
    std::string rejection_reason;
};

struct TrackRole {
    int track_index = -1;
    std::string track_name;
    std::string role; // kick | bass | lead | pad | drums | fx | bus | other
    bool from_user = false;
};

struct FixPlan {
    std::string plan_id;
    std::vector<Fix> fixes; // validated, in the order to apply
    std::string wip_path, wip_hash, profile;
    double conformance_before = 0, predicted_conformance = 0, target_conformance = 0;
    bool target_reached = false;
    std::string target_note;
    std::vector<Fix> rejected;
    std::vector<TrackRole> roles;
    std::string set_source;
    double strength = 1;
    double generation_ms = 0;
};

} // namespace styledna::fixes
