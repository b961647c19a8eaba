#include "unit/gap_quality/gap_corpus.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace styledna::test {

namespace {

std::optional<core::TrackAnalysis> loadCached(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    try {
        auto doc = nlohmann::json::parse(in);
        auto a = core::analysisFromJson(doc);
        if (a.isOk()) {
            return std::move(a).value();
        }
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

core::TrackAnalysis
renderAndAnalyse(const TrackSpec& spec, const std::string& cache_dir, bool with_stems,
                 const std::shared_ptr<const core::stems::Separator>& separator) {
    std::string cache_path;
    if (!cache_dir.empty()) {
        std::string suffix = ".json";
        if (with_stems) {
            suffix = separator ? "." + std::to_string(std::hash<std::string>{}(separator->name())) +
                                     ".stems.json"
                               : ".stems.json";
        }
        cache_path = cache_dir + "/" + spec.name + suffix;
        if (auto cached = loadCached(cache_path)) {
            return std::move(*cached);
        }
    }
    auto track = core::renderTrack(spec.params);
    if (!track.isOk()) {
        throw std::runtime_error(spec.name + ": " + track.status().message());
    }
    core::DecodedAudio decoded;
    decoded.source.container = "WAV";
    decoded.source.encoding = "PCM_16";
    decoded.source.channels = 2;
    decoded.source.sample_rate_hz = 44100;
    decoded.source.frames = static_cast<std::int64_t>(track->mix.frames());
    decoded.source.duration_s = track->truth.duration_s;
    decoded.audio = std::move(track->mix);
    core::AnalyzeOptions options;
    options.threads = 1;
    options.stems = with_stems;
    options.separator_instance = separator;
    auto analysis = core::analyzeDecoded(decoded, options, {}, {});
    if (!analysis.isOk()) {
        throw std::runtime_error(spec.name + ": " + analysis.status().message());
    }
    analysis->content_hash = spec.name;
    analysis->path = "/corpus/" + spec.name + ".wav";
    if (!cache_path.empty()) {
        std::filesystem::create_directories(cache_dir);
        std::ofstream(cache_path) << core::analysisToJson(*analysis).dump();
    }
    return std::move(analysis).value();
}

} // namespace

Draw drawFromEnvironment() {
    const char* env = std::getenv("STYLEDNA_GAP_DRAW");
    if (env == nullptr || std::string(env).empty()) {
        return kTestDraw;
    }
    for (const auto* draw : {&kTestDraw, &kTuningDraw, &kConfirmDraw}) {
        if (draw->name == env) {
            return *draw;
        }
    }
    throw std::invalid_argument(std::string("STYLEDNA_GAP_DRAW=")
                                    .append(env)
                                    .append(": no such draw (test, tuning or confirm)"));
}

std::vector<core::TrackAnalysis>
analyseTracks(const std::vector<TrackSpec>& specs, bool with_stems,
              const std::shared_ptr<const core::stems::Separator>& separator) {
    const char* env = std::getenv("STYLEDNA_GAP_CACHE");
    const std::string cache_dir = env != nullptr ? env : "";
    std::vector<core::TrackAnalysis> out(specs.size());
    std::vector<std::string> errors(specs.size());
    auto worker = [&](std::size_t first) {
        for (std::size_t i = first; i < specs.size(); i += 2) {
            try {
                out[i] = renderAndAnalyse(specs[i], cache_dir, with_stems, separator);
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        }
    };
    std::thread second(worker, 1);
    worker(0);
    second.join();
    for (const auto& e : errors) {
        if (!e.empty()) {
            throw std::runtime_error(e);
        }
    }
    return out;
}

TrackSpec referenceSpec(const Draw& draw, core::TranceStyle style, int index) {
    const auto seed = draw.reference_seed + 100 * static_cast<std::uint64_t>(style) +
                      static_cast<std::uint64_t>(index);
    TrackSpec spec;
    spec.name = std::string("ref-").append(core::styleName(style)).append("-");
    spec.name.append(std::to_string(seed));
    spec.params = core::randomParams(style, seed, kCorpusMinutes, {});
    return spec;
}

TrackSpec wipSpec(const Draw& draw, core::TranceStyle style, int index,
                  std::optional<core::SynthFlaw> flaw) {
    const std::uint64_t flaw_slot = flaw ? static_cast<std::uint64_t>(*flaw) + 1 : 0;
    const auto seed = draw.wip_seed + 1000 * flaw_slot + 100 * static_cast<std::uint64_t>(style) +
                      static_cast<std::uint64_t>(index);
    TrackSpec spec;
    spec.name = std::string("wip-").append(flaw ? core::flawName(*flaw) : "clean").append("-");
    spec.name.append(core::styleName(style)).append("-").append(std::to_string(seed));
    std::vector<core::SynthFlaw> flaws;
    if (flaw) {
        flaws.push_back(*flaw);
    }
    spec.params = core::randomParams(style, seed, kCorpusMinutes, flaws);
    return spec;
}

profile::Profile buildCorpusProfile(const std::vector<core::TrackAnalysis>& references) {
    std::vector<profile::Reference> refs;
    for (const auto& a : references) {
        profile::Reference r;
        r.analysis = a;
        r.embedding = a.embedding;
        refs.push_back(std::move(r));
    }
    profile::BuildOptions options;
    options.seed = 1;
    auto p = profile::buildProfile("gap-quality", refs, options);
    if (!p.isOk()) {
        throw std::runtime_error("profile: " + p.status().message());
    }
    return std::move(p).value();
}

std::vector<std::string> flawFamily(core::SynthFlaw flaw) {
    switch (flaw) {
    case core::SynthFlaw::kMuddyBass:
        return {"low_mid_buildup"};
    case core::SynthFlaw::kWideLowEnd:
        return {"wide_low_end"};
    case core::SynthFlaw::kWeakSidechain:
        return {"weak_sidechain"};
    case core::SynthFlaw::kNarrowSupersaw:
        return {"narrow_stereo"};
    case core::SynthFlaw::kQuietMaster:
        return {"quiet_master"};
    case core::SynthFlaw::kHarshHighs:
        return {"harsh_highs"};
    case core::SynthFlaw::kShortBreakdown:
        return {"short_breakdown"};
    }
    return {};
}

} // namespace styledna::test
