#include "server/fix_proto.hpp"

namespace styledna::server {

void toProto(const fixes::ParameterChange& c, v1::ParameterChange* out) {
    out->set_change_id(c.change_id);
    out->set_track_index(c.track_index);
    out->set_track_name(c.track_name);
    out->set_device_index(c.device_index);
    out->set_device_name(c.device_name);
    out->set_device_class(c.device_class);
    out->set_parameter_index(c.parameter_index);
    out->set_parameter_name(c.parameter_name);
    out->set_from_value(c.from_value);
    out->set_to_value(c.to_value);
    out->set_unit(c.unit);
    out->set_from_unit_value(c.from_unit_value);
    out->set_to_unit_value(c.to_unit_value);
    out->set_display_from(c.display_from);
    out->set_display_to(c.display_to);
    out->set_confidence(c.confidence);
    out->set_reason(c.reason);
    out->set_gap_feature(c.gap_feature);
    out->set_predicted_effect(c.predicted_effect);
    out->set_status(c.status);
    out->set_error(c.error);
    out->set_read_back_value(c.read_back_value);
    out->set_read_back_string(c.read_back_string);
    out->set_curve_note(c.curve_note);
}

namespace {

void toProto(const fixes::Fix& f, v1::Fix* out) {
    out->set_id(f.id);
    out->set_gap_id(f.gap_id);
    out->set_gap_feature(f.gap_feature);
    out->set_category(f.category);
    out->set_title(f.title);
    out->set_expected_improvement(f.expected_improvement);
    out->set_risk(f.risk);
    out->set_confidence(f.confidence);
    out->set_strength(f.strength);
    out->set_manual_step(f.manual_step);
    out->set_predicted_conformance(f.predicted_conformance);
    out->set_rejection_reason(f.rejection_reason);
    for (const auto& c : f.changes) {
        server::toProto(c, out->add_changes());
    }
    for (const auto& p : f.predicted) {
        auto* q = out->add_predicted();
        q->set_feature(p.feature);
        q->set_section(p.section);
        q->set_stem(p.stem);
        q->set_unit(p.unit);
        q->set_before(p.before);
        q->set_after(p.after);
        q->set_range_low(p.range_low);
        q->set_range_high(p.range_high);
        q->set_in_range_before(p.in_range_before);
        q->set_in_range_after(p.in_range_after);
    }
}

} // namespace

void toProto(const fixes::FixPlan& plan, v1::FixPlan* out) {
    out->set_plan_id(plan.plan_id);
    out->set_wip_path(plan.wip_path);
    out->set_wip_hash(plan.wip_hash);
    out->set_profile(plan.profile);
    out->set_conformance_before(plan.conformance_before);
    out->set_predicted_conformance(plan.predicted_conformance);
    out->set_target_conformance(plan.target_conformance);
    out->set_target_reached(plan.target_reached);
    out->set_target_note(plan.target_note);
    out->set_set_source(plan.set_source);
    out->set_strength(plan.strength);
    out->set_generation_ms(plan.generation_ms);
    for (const auto& f : plan.fixes) {
        toProto(f, out->add_fixes());
    }
    for (const auto& f : plan.rejected) {
        toProto(f, out->add_rejected());
    }
    for (const auto& r : plan.roles) {
        auto* q = out->add_roles();
        q->set_track_index(r.track_index);
        q->set_track_name(r.track_name);
        q->set_role(r.role);
        q->set_from_user(r.from_user);
    }
}

} // namespace styledna::server
