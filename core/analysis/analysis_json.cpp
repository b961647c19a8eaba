// JSON form of TrackAnalysis: the document stored in the database and the
// shape of `styledna analyze --json` (keys are stable; add, never rename).
#include <cmath>

#include "core/analysis/track_analysis.hpp"

namespace styledna::core {
namespace {

using nlohmann::json;

// JSON has no NaN/Inf: non-finite values are stored as null and read back as NaN.
json finite(double v) {
    return std::isfinite(v) ? json(v) : json(nullptr);
}
double readDouble(const json& j) {
    return j.is_number() ? j.get<double>() : std::nan("");
}

} // namespace

nlohmann::json analysisToJson(const TrackAnalysis& a, bool include_series) {
    json doc;
    doc["content_hash"] = a.content_hash;
    doc["path"] = a.path;
    doc["analyzer_version"] = a.analyzer_version;
    doc["analyzed_at"] = a.analyzed_at;
    doc["format"] = {{"container", a.format.container},
                     {"encoding", a.format.encoding},
                     {"channels", a.format.channels},
                     {"sample_rate_hz", a.format.sample_rate_hz},
                     {"frames", a.format.frames},
                     {"duration_s", a.format.duration_s},
                     {"file_size_bytes", a.format.file_size_bytes}};
    doc["analysis_sample_rate_hz"] = a.analysis_sample_rate_hz;
    doc["analysis_channels"] = a.analysis_channels;
    doc["peak_dbfs"] = finite(a.peak_dbfs);
    doc["rms_dbfs"] = finite(a.rms_dbfs);
    doc["analysis_time_s"] = a.analysis_time_s;
    json values = json::object();
    for (const auto& [k, v] : a.features.values) {
        values[k] = finite(v);
    }
    doc["features"] = values;
    doc["labels"] = a.features.labels;
    const auto& g = a.features.grid;
    doc["grid"] = {{"tempo_bpm", finite(g.tempo_bpm)},
                   {"first_downbeat_s", finite(g.first_downbeat_s)},
                   {"beats_per_bar", g.beats_per_bar},
                   {"beat_times_s", g.beat_times_s},
                   {"downbeat_times_s", g.downbeat_times_s}};
    json candidates = json::array();
    for (const auto& c : g.tempo_candidates) {
        candidates.push_back({{"bpm", finite(c.bpm)}, {"confidence", finite(c.confidence)}});
    }
    doc["tempo_candidates"] = candidates;
    json sections = json::array();
    for (const auto& s : a.features.sections) {
        json sv = json::object();
        for (const auto& [k, v] : s.values) {
            sv[k] = finite(v);
        }
        sections.push_back({{"label", s.label},
                            {"start_s", s.start_s},
                            {"end_s", s.end_s},
                            {"start_bar", s.start_bar},
                            {"bars", s.bars},
                            {"features", sv}});
    }
    doc["sections"] = sections;
    json series = json::object();
    if (include_series) {
        for (const auto& [k, v] : a.features.series) {
            json arr = json::array();
            for (double x : v) {
                arr.push_back(finite(x));
            }
            series[k] = arr;
        }
    }
    doc["series"] = series;
    return doc;
}

Result<TrackAnalysis> analysisFromJson(const nlohmann::json& doc) {
    try {
        TrackAnalysis a;
        a.content_hash = doc.at("content_hash").get<std::string>();
        a.path = doc.value("path", "");
        a.analyzer_version = doc.at("analyzer_version").get<std::string>();
        a.analyzed_at = doc.value("analyzed_at", "");
        const auto& f = doc.at("format");
        a.format.container = f.at("container").get<std::string>();
        a.format.encoding = f.at("encoding").get<std::string>();
        a.format.channels = f.at("channels").get<int>();
        a.format.sample_rate_hz = f.at("sample_rate_hz").get<double>();
        a.format.frames = f.at("frames").get<std::int64_t>();
        a.format.duration_s = f.at("duration_s").get<double>();
        a.format.file_size_bytes = f.value("file_size_bytes", std::int64_t{0});
        a.analysis_sample_rate_hz = doc.value("analysis_sample_rate_hz", kAnalysisRateHz);
        a.analysis_channels = doc.value("analysis_channels", 0);
        a.peak_dbfs = readDouble(doc.at("peak_dbfs"));
        a.rms_dbfs = readDouble(doc.at("rms_dbfs"));
        a.analysis_time_s = doc.value("analysis_time_s", 0.0);
        const json empty_object = json::object();
        const json& features = doc.contains("features") ? doc["features"] : empty_object;
        for (const auto& [k, v] : features.items()) {
            a.features.values[k] = readDouble(v);
        }
        const json& labels = doc.contains("labels") ? doc["labels"] : empty_object;
        for (const auto& [k, v] : labels.items()) {
            a.features.labels[k] = v.get<std::string>();
        }
        if (doc.contains("grid")) {
            const auto& g = doc["grid"];
            a.features.grid.tempo_bpm = readDouble(g.value("tempo_bpm", json(0.0)));
            a.features.grid.first_downbeat_s = readDouble(g.value("first_downbeat_s", json(0.0)));
            a.features.grid.beats_per_bar = g.value("beats_per_bar", 4);
            a.features.grid.beat_times_s = g.value("beat_times_s", std::vector<double>{});
            a.features.grid.downbeat_times_s = g.value("downbeat_times_s", std::vector<double>{});
        }
        if (doc.contains("tempo_candidates")) {
            for (const auto& c : doc["tempo_candidates"]) {
                a.features.grid.tempo_candidates.push_back(
                    {readDouble(c.value("bpm", json(0.0))),
                     readDouble(c.value("confidence", json(0.0)))});
            }
        }
        const json empty_array = json::array();
        const json& sections = doc.contains("sections") ? doc["sections"] : empty_array;
        for (const auto& s : sections) {
            Section sec;
            sec.label = s.at("label").get<std::string>();
            sec.start_s = s.at("start_s").get<double>();
            sec.end_s = s.at("end_s").get<double>();
            sec.start_bar = s.value("start_bar", 0);
            sec.bars = s.value("bars", 0);
            const json& sv = s.contains("features") ? s["features"] : empty_object;
            for (const auto& [k, v] : sv.items()) {
                sec.values[k] = readDouble(v);
            }
            a.features.sections.push_back(std::move(sec));
        }
        const json& series = doc.contains("series") ? doc["series"] : empty_object;
        for (const auto& [k, v] : series.items()) {
            std::vector<double> values;
            for (const auto& x : v) {
                values.push_back(readDouble(x));
            }
            a.features.series[k] = std::move(values);
        }
        return a;
    } catch (const nlohmann::json::exception& e) {
        return Status(StatusCode::kDataLoss,
                      std::string("stored analysis is malformed: ") + e.what());
    }
}

} // namespace styledna::core
