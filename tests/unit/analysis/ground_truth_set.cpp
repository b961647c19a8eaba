#include "unit/analysis/ground_truth_set.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include <catch2/catch.hpp>

#include "core/audio/audio_writer.hpp"
#include "core/audio/decode.hpp"
#include "core/features/extractor.hpp"
#include "unit/test_support.hpp"

namespace styledna::test {

namespace {

struct TrackSpec {
    int style_index;
    std::uint64_t seed;
    std::vector<std::string> flaws;
};

// wide_low_end once per style; the other flaws spread over the styles; the
// last psy track is the short_breakdown twin of psy i = 1, the extra track the
// twin of psy i = 0.
std::vector<TrackSpec> setSpecs() {
    const std::vector<std::vector<std::vector<std::string>>> flaws_by_style{
        {{}, {}, {"wide_low_end"}, {"weak_sidechain"}, {"quiet_master"}, {"harsh_highs"}},
        {{}, {}, {"wide_low_end"}, {"narrow_supersaw"}, {"muddy_bass"}, {"weak_sidechain"}},
        {{}, {}, {"wide_low_end"}, {"weak_sidechain"}, {"harsh_highs"}, {"quiet_master"}},
        {{}, {}, {"wide_low_end"}, {"narrow_supersaw"}, {"muddy_bass"}, {"short_breakdown"}},
    };
    std::vector<TrackSpec> specs;
    for (int style = 0; style < 4; ++style) {
        for (int i = 0; i < 6; ++i) {
            auto seed = static_cast<std::uint64_t>(7000 + 100 * style + i);
            const auto& flaws =
                flaws_by_style[static_cast<std::size_t>(style)][static_cast<std::size_t>(i)];
            if (style == 3 && i == 5) {
                seed = 7000 + 100 * style + 1; // twin of psy i = 1
            }
            specs.push_back({style, seed, flaws});
        }
    }
    specs.push_back({3, 7300, {"short_breakdown"}}); // twin of psy i = 0
    return specs;
}

} // namespace

bool GroundTruthTrack::hasFlaw(const std::string& flaw) const {
    return std::find(flaws.begin(), flaws.end(), flaw) != flaws.end();
}

core::SynthParams groundTruthParams(int style_index, std::uint64_t seed,
                                    const std::vector<std::string>& flaws) {
    const core::TranceStyle styles[] = {core::TranceStyle::kUplifting,
                                        core::TranceStyle::kProgressive, core::TranceStyle::kTech,
                                        core::TranceStyle::kPsy};
    std::vector<core::SynthFlaw> parsed;
    for (const auto& f : flaws) {
        auto flaw = core::parseFlaw(f);
        REQUIRE(flaw.isOk());
        parsed.push_back(*flaw);
    }
    return core::randomParams(styles[style_index & 3], seed, kGroundTruthMinutes, parsed);
}

core::AudioBuffer writeAndDecode(const core::AudioBuffer& mix, const std::string& path) {
    const auto written = core::writeAudioFile(path, mix);
    INFO(written.toString());
    REQUIRE(written.isOk());
    auto decoded = core::decodeFile(path);
    INFO(decoded.status().toString());
    REQUIRE(decoded.isOk());
    return std::move(decoded->audio);
}

const core::RenderedTrack& shortTrack(double sample_rate_hz) {
    static std::map<double, core::RenderedTrack> cache;
    if (auto it = cache.find(sample_rate_hz); it != cache.end()) {
        return it->second;
    }
    auto params = core::randomParams(core::TranceStyle::kUplifting, 7000, 1.0, {});
    params.sample_rate_hz = sample_rate_hz;
    auto track = core::renderTrack(params);
    INFO(track.status().toString());
    REQUIRE(track.isOk());
    return cache.emplace(sample_rate_hz, std::move(track).value()).first->second;
}

const std::vector<GroundTruthTrack>& groundTruthSet() {
    static std::vector<GroundTruthTrack> set;
    if (!set.empty()) {
        return set;
    }
    const auto dir = tempDir("ground-truth");
    std::vector<GroundTruthTrack> tracks;
    for (const auto& spec : setSpecs()) {
        GroundTruthTrack t;
        t.style_index = spec.style_index;
        t.seed = spec.seed;
        t.flaws = spec.flaws;
        const auto params = groundTruthParams(spec.style_index, spec.seed, spec.flaws);
        t.name = std::string(core::styleName(params.style)) + "/" + std::to_string(spec.seed);
        for (const auto& f : spec.flaws) {
            t.name += "+" + f;
        }
        INFO(t.name);
        auto track = core::renderTrack(params);
        REQUIRE(track.isOk());
        const auto path = (dir / "mix.wav").string();
        const auto decoded = writeAndDecode(track->mix, path);
        t.decode_bit_exact = decoded.channels == track->mix.channels;
        auto features = core::extractFeatures(decoded, core::ExtractOptions{2});
        INFO(features.status().toString());
        REQUIRE(features.isOk());
        t.truth = std::move(track->truth);
        t.features = std::move(features).value();
        tracks.push_back(std::move(t));
    }
    std::filesystem::remove_all(dir);
    set = std::move(tracks);
    return set;
}

} // namespace styledna::test
