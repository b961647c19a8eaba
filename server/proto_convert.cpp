#include "server/proto_convert.hpp"

namespace styledna::server {

void toProto(const core::TrackAnalysis& a, bool cached, bool include_series,
             v1::TrackAnalysis* out) {
    out->set_content_hash(a.content_hash);
    out->set_path(a.path);
    out->set_analyzer_version(a.analyzer_version);
    out->set_cached(cached);
    auto* f = out->mutable_format();
    f->set_container(a.format.container);
    f->set_encoding(a.format.encoding);
    f->set_channels(a.format.channels);
    f->set_sample_rate_hz(a.format.sample_rate_hz);
    f->set_frames(a.format.frames);
    f->set_duration_s(a.format.duration_s);
    f->set_file_size_bytes(a.format.file_size_bytes);
    f->set_analysis_sample_rate_hz(a.analysis_sample_rate_hz);
    f->set_analysis_channels(a.analysis_channels);
    out->set_duration_s(a.format.duration_s);
    out->set_sample_rate_hz(a.format.sample_rate_hz);
    out->set_channels(a.format.channels);
    out->set_frames(a.format.frames);
    out->set_peak_dbfs(a.peak_dbfs);
    out->set_rms_dbfs(a.rms_dbfs);
    for (const auto& [k, v] : a.features.values) {
        (*out->mutable_features())[k] = v;
    }
    for (const auto& [k, v] : a.features.labels) {
        (*out->mutable_labels())[k] = v;
    }
    for (const auto& s : a.features.sections) {
        auto* ps = out->add_sections();
        ps->set_label(s.label);
        ps->set_start_s(s.start_s);
        ps->set_end_s(s.end_s);
        ps->set_start_bar(s.start_bar);
        ps->set_bars(s.bars);
        for (const auto& [k, v] : s.values) {
            (*ps->mutable_features())[k] = v;
        }
    }
    if (include_series) {
        for (const auto& [k, v] : a.features.series) {
            auto& ps = (*out->mutable_series())[k];
            ps.mutable_values()->Add(v.begin(), v.end());
        }
    }
    const auto& g = a.features.grid;
    auto* pg = out->mutable_grid();
    pg->set_tempo_bpm(g.tempo_bpm);
    pg->set_first_downbeat_s(g.first_downbeat_s);
    pg->set_beats_per_bar(g.beats_per_bar);
    if (include_series) {
        pg->mutable_beat_times_s()->Add(g.beat_times_s.begin(), g.beat_times_s.end());
        pg->mutable_downbeat_times_s()->Add(g.downbeat_times_s.begin(), g.downbeat_times_s.end());
    }
    for (const auto& c : g.tempo_candidates) {
        auto* pc = out->add_tempo_candidates();
        pc->set_bpm(c.bpm);
        pc->set_confidence(c.confidence);
    }
    out->set_analysis_time_s(a.analysis_time_s);
    out->set_analyzed_at(a.analyzed_at);
}

void toProto(const core::FeatureInfo& info, v1::FeatureDescription* out) {
    out->set_name(info.name);
    out->set_unit(info.unit);
    out->set_category(info.category);
    out->set_description(info.description);
    out->set_mixer_move(info.mixer_move);
    out->set_kind(info.kind == core::FeatureKind::kScalar  ? "scalar"
                  : info.kind == core::FeatureKind::kLabel ? "label"
                                                           : "series");
    out->set_per_section(info.per_section);
}

} // namespace styledna::server
