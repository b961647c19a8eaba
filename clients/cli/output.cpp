#include "output.hpp"

#include <cmath>

#include <cstdio>
#include <cstdlib>
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

namespace styledna::cli {
namespace {

using nlohmann::json;

json num(double v) {
    return std::isfinite(v) ? json(v) : json(nullptr);
}

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

} // namespace

std::string grpcCodeName(int code) {
    static const char* kNames[] = {"OK",
                                   "CANCELLED",
                                   "UNKNOWN",
                                   "INVALID_ARGUMENT",
                                   "DEADLINE_EXCEEDED",
                                   "NOT_FOUND",
                                   "ALREADY_EXISTS",
                                   "PERMISSION_DENIED",
                                   "RESOURCE_EXHAUSTED",
                                   "FAILED_PRECONDITION",
                                   "ABORTED",
                                   "OUT_OF_RANGE",
                                   "UNIMPLEMENTED",
                                   "INTERNAL",
                                   "UNAVAILABLE",
                                   "DATA_LOSS",
                                   "UNAUTHENTICATED"};
    return code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN";
}

json errorJson(const std::string& code, const std::string& message) {
    return {{"error", {{"code", code}, {"message", message}}}};
}

json toJson(const v1::TrackAnalysis& a) {
    json j;
    j["path"] = a.path();
    j["content_hash"] = a.content_hash();
    j["cached"] = a.cached();
    j["analyzer_version"] = a.analyzer_version();
    j["analyzed_at"] = a.analyzed_at();
    j["duration_s"] = a.duration_s();
    j["sample_rate"] = a.sample_rate_hz();
    j["sample_rate_hz"] = a.sample_rate_hz();
    j["channels"] = a.channels();
    j["frames"] = a.frames();
    j["peak_dbfs"] = num(a.peak_dbfs());
    j["rms_dbfs"] = num(a.rms_dbfs());
    j["analysis_time_s"] = a.analysis_time_s();
    const auto& f = a.format();
    j["format"] = {{"container", f.container()},
                   {"encoding", f.encoding()},
                   {"channels", f.channels()},
                   {"sample_rate_hz", f.sample_rate_hz()},
                   {"frames", f.frames()},
                   {"duration_s", f.duration_s()},
                   {"file_size_bytes", f.file_size_bytes()},
                   {"analysis_sample_rate_hz", f.analysis_sample_rate_hz()},
                   {"analysis_channels", f.analysis_channels()}};
    json features = json::object();
    for (const auto& [k, v] : a.features()) {
        features[k] = num(v);
    }
    j["features"] = features;
    json labels = json::object();
    for (const auto& [k, v] : a.labels()) {
        labels[k] = v;
    }
    j["labels"] = labels;
    json sections = json::array();
    for (const auto& s : a.sections()) {
        json sv = json::object();
        for (const auto& [k, v] : s.features()) {
            sv[k] = num(v);
        }
        sections.push_back({{"label", s.label()},
                            {"start_s", s.start_s()},
                            {"end_s", s.end_s()},
                            {"start_bar", s.start_bar()},
                            {"bars", s.bars()},
                            {"features", sv}});
    }
    j["sections"] = sections;
    json series = json::object();
    for (const auto& [k, v] : a.series()) {
        json arr = json::array();
        for (double x : v.values()) {
            arr.push_back(num(x));
        }
        series[k] = arr;
    }
    j["series"] = series;
    const auto& g = a.grid();
    j["grid"] = {
        {"tempo_bpm", g.tempo_bpm()},
        {"first_downbeat_s", g.first_downbeat_s()},
        {"beats_per_bar", g.beats_per_bar()},
        {"beat_times_s", std::vector<double>(g.beat_times_s().begin(), g.beat_times_s().end())},
        {"downbeat_times_s",
         std::vector<double>(g.downbeat_times_s().begin(), g.downbeat_times_s().end())}};
    json candidates = json::array();
    for (const auto& c : a.tempo_candidates()) {
        candidates.push_back({{"bpm", num(c.bpm())}, {"confidence", num(c.confidence())}});
    }
    j["tempo_candidates"] = candidates;
    return j;
}

json toJson(const v1::DaemonStatus& s) {
    return {{"running", true},
            {"version", s.version()},
            {"analyzer_version", s.analyzer_version()},
            {"pid", s.pid()},
            {"uptime_s", s.uptime_s()},
            {"socket_path", s.socket_path()},
            {"tcp_address", s.tcp_address()},
            {"data_dir", s.data_dir()},
            {"worker_threads", s.worker_threads()},
            {"jobs_running", s.jobs_running()},
            {"jobs_queued", s.jobs_queued()},
            {"tracks_stored", s.tracks_stored()},
            {"analyses_stored", s.analyses_stored()},
            {"profiles_stored", s.profiles_stored()},
            {"analyses_completed", s.analyses_completed()},
            {"cache_hits", s.cache_hits()}};
}

json toJson(const v1::FeatureDescription& f) {
    return {{"name", f.name()},
            {"unit", f.unit()},
            {"category", f.category()},
            {"description", f.description()},
            {"mixer_move", f.mixer_move()},
            {"kind", f.kind()},
            {"per_section", f.per_section()}};
}

json toJson(const v1::SynthesizedTrack& t) {
    return {{"mix_path", t.mix_path()},
            {"stem_paths", std::vector<std::string>(t.stem_paths().begin(), t.stem_paths().end())},
            {"truth_path", t.truth_path()},
            {"style", t.style()},
            {"tempo_bpm", t.tempo_bpm()},
            {"key", t.key()},
            {"duration_s", t.duration_s()},
            {"loudness_integrated_lufs", t.loudness_integrated_lufs()},
            {"flaws", std::vector<std::string>(t.flaws().begin(), t.flaws().end())}};
}

std::string toText(const v1::TrackAnalysis& a) {
    std::string out = a.path() + (a.cached() ? "  (cached)\n" : "\n");
    const auto& f = a.format();
    out += "  format        " + f.container() + " " + f.encoding() + ", " +
           std::to_string(f.channels()) + " ch, " + fmt("%.0f Hz", f.sample_rate_hz()) + "\n";
    out += "  duration      " + fmt("%.2f s", a.duration_s()) + "\n";
    out += "  peak          " + fmt("%.2f dBFS", a.peak_dbfs()) + "\n";
    out += "  rms           " + fmt("%.2f dBFS", a.rms_dbfs()) + "\n";
    for (const auto& [k, v] : a.labels()) {
        out += "  " + k + std::string(k.size() < 13 ? 14 - k.size() : 1, ' ') + v + "\n";
    }
    std::map<std::string, double> sorted(a.features().begin(), a.features().end());
    for (const auto& [k, v] : sorted) {
        out +=
            "  " + k + std::string(k.size() < 30 ? 31 - k.size() : 1, ' ') + fmt("%.4g", v) + "\n";
    }
    for (const auto& s : a.sections()) {
        out += "  section " + s.label() +
               std::string(s.label().size() < 10 ? 10 - s.label().size() : 1, ' ') +
               fmt("%7.2f", s.start_s()) + " - " + fmt("%7.2f s", s.end_s()) + "  bar " +
               std::to_string(s.start_bar()) + ", " + std::to_string(s.bars()) + " bars\n";
    }
    out += "  content hash  " + a.content_hash() + "\n";
    return out;
}

std::string toText(const v1::DaemonStatus& s) {
    char buf[512];
    std::snprintf(
        buf, sizeof buf,
        "stylednad %s (analyser %s), pid %lld, up %.0f s\n"
        "  socket      %s%s%s\n  data dir    %s\n"
        "  workers     %d (%d running, %d queued)\n"
        "  store       %lld tracks, %lld analyses, %lld profiles\n"
        "  since start %lld analyses, %lld cache hits\n",
        s.version().c_str(), s.analyzer_version().c_str(), static_cast<long long>(s.pid()),
        s.uptime_s(), s.socket_path().c_str(), s.tcp_address().empty() ? "" : "  tcp ",
        s.tcp_address().c_str(), s.data_dir().c_str(), s.worker_threads(), s.jobs_running(),
        s.jobs_queued(), static_cast<long long>(s.tracks_stored()),
        static_cast<long long>(s.analyses_stored()), static_cast<long long>(s.profiles_stored()),
        static_cast<long long>(s.analyses_completed()), static_cast<long long>(s.cache_hits()));
    return buf;
}

json protoJson(const google::protobuf::Message& m) {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    options.always_print_primitive_fields = true;
    std::string out;
    (void)google::protobuf::util::MessageToJsonString(m, &out, options);
    return json::parse(out, nullptr, false);
}

std::string formatValue(double v, const std::string& unit) {
    char buf[64];
    const double a = std::abs(v);
    if (a >= 1000 || (a > 0 && a < 0.01)) {
        std::snprintf(buf, sizeof(buf), "%.4g", v);
    } else if (a >= 100) {
        std::snprintf(buf, sizeof(buf), "%.0f", v);
    } else if (a >= 10) {
        std::snprintf(buf, sizeof(buf), "%.1f", v);
    } else {
        std::snprintf(buf, sizeof(buf), "%.2f", v);
    }
    return unit.empty() ? std::string(buf) : std::string(buf) + " " + unit;
}

Palette terminalPalette() {
    Palette p;
    if (::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr) {
        p.bold = "\033[1m";
        p.dim = "\033[2m";
        p.reset = "\033[0m";
        p.high = "\033[1;31m";
        p.medium = "\033[33m";
        p.low = "\033[32m";
    }
    return p;
}

} // namespace styledna::cli
