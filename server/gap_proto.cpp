#include "server/gap_proto.hpp"

namespace styledna::server {

void toProto(const gap::Comparison& c, v1::GapComparison* out) {
    out->set_feature(c.feature);
    out->set_unit(c.unit);
    out->set_section(c.section);
    out->set_stem(c.stem);
    out->set_wip_value(c.wip_value);
    out->set_target_value(c.target_value);
    out->set_range_low(c.range_low);
    out->set_range_high(c.range_high);
    out->set_delta(c.delta);
    out->set_z_score(c.z_score);
    out->set_severity(c.severity);
    out->set_weight(c.weight);
    out->set_basis(c.basis);
    out->set_in_range(c.in_range);
}

void toProto(const GapOutcome& outcome, bool include_comparisons, v1::GapReport* out) {
    const auto& r = outcome.report;
    out->set_wip_hash(r.wip_hash);
    out->set_wip_path(r.wip_path);
    out->set_profile(r.profile);
    out->set_conformance_score(r.conformance_score);
    out->set_report_html_path(outcome.html_path);
    out->set_cluster(r.cluster);
    out->set_cluster_label(r.cluster_label);
    out->set_cluster_from_request(r.cluster_from_request);
    out->set_cluster_similarity(r.cluster_similarity);
    out->set_stems_source(r.stems_source);
    out->set_analysis_s(outcome.analysis_s);
    out->set_analysis_cached(outcome.analysis_cached);
    out->set_gap_ms(outcome.gap_ms);
    for (const auto& g : r.gaps) {
        auto* pg = out->add_gaps();
        pg->set_id(g.id);
        pg->set_title(g.title);
        pg->set_category(g.category);
        pg->set_feature(g.feature);
        pg->set_unit(g.unit);
        pg->set_section(g.section);
        pg->set_stem(g.stem);
        pg->set_wip_value(g.wip_value);
        pg->set_target_value(g.target_value);
        pg->set_range_low(g.range_low);
        pg->set_range_high(g.range_high);
        pg->set_delta(g.delta);
        pg->set_z_score(g.z_score);
        pg->set_severity(g.severity);
        pg->set_severity_label(g.severity_label);
        pg->set_explanation(g.explanation);
        pg->set_style_choice(g.style_choice);
        pg->set_outside_every_cluster(g.outside_every_cluster);
        for (const auto& e : g.evidence) {
            toProto(e, pg->add_evidence());
        }
    }
    for (const auto& p : r.conformance_parts) {
        auto* pp = out->add_conformance_parts();
        pp->set_name(p.name);
        pp->set_score(p.score);
        pp->set_weight(p.weight);
        pp->set_detail(p.detail);
    }
    for (const auto& n : r.nearest_references) {
        auto* pn = out->add_nearest_references();
        pn->set_content_hash(n.content_hash);
        pn->set_path(n.path);
        pn->set_label(n.label);
        pn->set_cluster(n.cluster);
        pn->set_similarity(n.similarity);
    }
    if (include_comparisons) {
        for (const auto& c : r.comparisons) {
            toProto(c, out->add_comparisons());
        }
    }
}

} // namespace styledna::server
