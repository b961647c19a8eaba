// JSON form of TrackAnalysis: the document stored in the database and the
// shape of `styledna analyze --json` (keys are stable; add, never rename).
#include <bit>
#include <cmath>
#include <cstdint>

#include "core/analysis/track_analysis.hpp"
#include "core/common/base64.hpp"

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

// float32 vectors as base64 of their little-endian bytes (whatever the host).
std::string floatsToBase64(const std::vector<float>& v) {
    std::vector<std::uint8_t> bytes(4 * v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto bits = std::bit_cast<std::uint32_t>(v[i]);
        for (int b = 0; b < 4; ++b) {
            bytes[4 * i + b] = static_cast<std::uint8_t>(bits >> (8 * b));
        }
    }
    return encodeBase64(bytes.data(), bytes.size());
}

Result<std::vector<float>> floatsFromBase64(const std::string& text, int dim) {
    auto bytes = decodeBase64(text);
    if (!bytes) {
        return bytes.status();
    }
    if (bytes->size() != 4 * static_cast<std::size_t>(dim)) {
        return invalidArgument(std::to_string(bytes->size()) + " bytes, expected " +
                               std::to_string(4 * dim) + " (dim " + std::to_string(dim) +
                               " float32)");
    }
    std::vector<float> v(static_cast<std::size_t>(dim));
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::uint32_t bits = 0;
        for (int b = 0; b < 4; ++b) {
            bits |= static_cast<std::uint32_t>((*bytes)[4 * i + b]) << (8 * b);
        }
        v[i] = std::bit_cast<float>(bits);
    }
    return v;
}

json floatArray(const std::vector<float>& v) {
    json arr = json::array();
    for (float x : v) {
        arr.push_back(finite(x));
    }
    return arr;
}

json embeddingToJson(const embed::TrackEmbedding& e, bool include_segments) {
    json doc = {{"backbone", e.backbone},
                {"dim", e.dim},
                {"segment_s", e.segment_s},
                {"hop_s", e.hop_s},
                {"track", floatArray(e.track)}};
    json sections = json::object();
    for (const auto& [label, v] : e.sections) {
        sections[label] = floatArray(v);
    }
    doc["sections"] = sections;
    if (include_segments) {
        json segments = json::array();
        for (const auto& seg : e.segments) {
            segments.push_back({{"start_s", seg.start_s},
                                {"end_s", seg.end_s},
                                {"values_f32", floatsToBase64(seg.values)},
                                {"augmented_f32", floatsToBase64(seg.augmented)}});
        }
        doc["segments"] = segments;
    }
    return doc;
}

// A plain array of dim numbers (null reads NaN); `what` names it in errors.
Result<std::vector<float>> readFloatArray(const json& j, int dim, const std::string& what) {
    if (!j.is_array() || j.size() != static_cast<std::size_t>(dim)) {
        return invalidArgument(what + " must be an array of dim (" + std::to_string(dim) +
                               ") numbers");
    }
    std::vector<float> v;
    for (const auto& x : j) {
        if (!x.is_number() && !x.is_null()) {
            return invalidArgument(what + " holds a value that is not a number");
        }
        v.push_back(static_cast<float>(readDouble(x)));
    }
    return v;
}

Status embeddingFromJson(const json& j, embed::TrackEmbedding& e) {
    e.backbone = j.at("backbone").get<std::string>();
    e.dim = j.at("dim").get<int>();
    e.segment_s = j.at("segment_s").get<double>();
    e.hop_s = j.at("hop_s").get<double>();
    if (e.dim < 0 || e.dim > (1 << 20)) {
        return invalidArgument("dim " + std::to_string(e.dim) + " is out of range");
    }
    const json& track = j.at("track");
    if (!(track.is_array() && track.empty())) {
        auto v = readFloatArray(track, e.dim, "track");
        if (!v) {
            return v.status();
        }
        e.track = std::move(v).value();
    }
    for (const auto& [label, arr] : j.at("sections").items()) {
        auto v = readFloatArray(arr, e.dim, "section '" + label + "'");
        if (!v) {
            return v.status();
        }
        e.sections[label] = std::move(v).value();
    }
    if (!j.contains("segments")) {
        return Status::ok();
    }
    std::size_t index = 0;
    for (const auto& sj : j.at("segments")) {
        const std::string where = "segment " + std::to_string(index++);
        embed::SegmentEmbedding seg;
        seg.start_s = sj.at("start_s").get<double>();
        seg.end_s = sj.at("end_s").get<double>();
        auto values = floatsFromBase64(sj.at("values_f32").get<std::string>(), e.dim);
        if (!values) {
            return invalidArgument(where + " values_f32: " + values.status().message());
        }
        seg.values = std::move(values).value();
        const std::string augmented = sj.value("augmented_f32", std::string());
        if (!augmented.empty()) {
            auto aug = floatsFromBase64(augmented, e.dim);
            if (!aug) {
                return invalidArgument(where + " augmented_f32: " + aug.status().message());
            }
            seg.augmented = std::move(aug).value();
        }
        e.segments.push_back(std::move(seg));
    }
    return Status::ok();
}

json valuesToJson(const std::map<std::string, double>& values) {
    json out = json::object();
    for (const auto& [k, v] : values) {
        out[k] = finite(v);
    }
    return out;
}

void valuesFromJson(const json& j, std::map<std::string, double>& out) {
    for (const auto& [k, v] : j.items()) {
        out[k] = readDouble(v);
    }
}

// "stems": {"separator": S, "stems": {name: {"features": {...}, "sections":
// [{"label", "start_s", "end_s", "start_bar", "bars", "features"}]}}}
json stemsToJson(const StemAnalysis& stems) {
    json named = json::object();
    for (const auto& [name, f] : stems.stems) {
        json sections = json::array();
        for (const auto& s : f.sections) {
            sections.push_back({{"label", s.label},
                                {"start_s", s.start_s},
                                {"end_s", s.end_s},
                                {"start_bar", s.start_bar},
                                {"bars", s.bars},
                                {"features", valuesToJson(s.values)}});
        }
        named[name] = {{"features", valuesToJson(f.values)}, {"sections", sections}};
    }
    return {{"separator", stems.separator}, {"stems", named}};
}

void stemsFromJson(const json& j, StemAnalysis& stems) {
    stems.separator = j.value("separator", "");
    for (const auto& [name, sj] : j.at("stems").items()) {
        TrackFeatures f;
        valuesFromJson(sj.at("features"), f.values);
        for (const auto& s : sj.at("sections")) {
            Section sec;
            sec.label = s.at("label").get<std::string>();
            sec.start_s = s.at("start_s").get<double>();
            sec.end_s = s.at("end_s").get<double>();
            sec.start_bar = s.value("start_bar", 0);
            sec.bars = s.value("bars", 0);
            valuesFromJson(s.at("features"), sec.values);
            f.sections.push_back(std::move(sec));
        }
        stems.stems[name] = std::move(f);
    }
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
    if (!a.embedding.backbone.empty()) {
        doc["embedding"] = embeddingToJson(a.embedding, include_series);
    }
    if (!a.stems.empty()) {
        doc["stems"] = stemsToJson(a.stems);
    }
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
        if (doc.contains("embedding")) {
            if (auto s = embeddingFromJson(doc["embedding"], a.embedding); !s.isOk()) {
                return Status(StatusCode::kDataLoss,
                              "stored analysis is malformed: embedding: " + s.message());
            }
        }
        if (doc.contains("stems")) {
            stemsFromJson(doc["stems"], a.stems);
        }
        return a;
    } catch (const nlohmann::json::exception& e) {
        return Status(StatusCode::kDataLoss,
                      std::string("stored analysis is malformed: ") + e.what());
    }
}

} // namespace styledna::core
