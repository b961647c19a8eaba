// Ground truth from the trance synthesizer: loudness against the truth JSON
// (measured there with libebur128 on the written mix), the wide_low_end flaw
// against the stereo family's low_end_mono_ok, and the direction of the
// spectral/stereo flaws against the same seed without the flaw.
// Short tracks (0.5 min requested = the 32-bar minimum, about a minute).

#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <memory>
#include <tuple>

#include "core/features/loudness_features.hpp"
#include "core/features/spectral_features.hpp"
#include "core/features/stereo_features.hpp"
#include "unit/features_level/level_family_runner.hpp"
#include "unit/features_level/level_synth_tracks.hpp"

using namespace styledna::core;

namespace {

// All three level families over one mix, values merged.
std::map<std::string, double> levelFeatures(const AudioBuffer& mix) {
    std::map<std::string, double> all;
    std::vector<std::unique_ptr<FeatureFamily>> families;
    families.push_back(makeLoudnessFamily());
    families.push_back(makeSpectralFamily());
    families.push_back(makeStereoFamily());
    for (auto& family : families) {
        const auto out = styledna::test::runFamily(*family, mix);
        styledna::test::requireFinite(out.values);
        all.insert(out.values.begin(), out.values.end());
    }
    return all;
}

const char* const kStyles[] = {"uplifting", "progressive", "tech", "psy"};
using styledna::test::levelSynthTrack;

} // namespace

TEST_CASE("synth: loudness matches the truth", "[loudness][synth]") {
    for (const auto style : kStyles) {
        // quiet_master on two styles only: each render costs about a second.
        const bool quiet_too = std::string(style) == "uplifting" || std::string(style) == "tech";
        for (const auto& flaws :
             {std::vector<std::string>{}, std::vector<std::string>{"quiet_master"}}) {
            if (!flaws.empty() && !quiet_too) {
                continue;
            }
            const auto& track = levelSynthTrack(style, 1, flaws);
            auto family = makeLoudnessFamily();
            const auto v = styledna::test::runFamily(*family, track.mix).values;
            const double di = v.at("loudness_integrated_lufs") - track.integrated_lufs;
            const double dtp = v.at("true_peak_dbtp") - track.true_peak_dbtp;
            std::printf("[level] synth %-11s %-6s I %.3f (truth %.3f, d %+.4f) TP %.3f (truth "
                        "%.3f, d %+.3f) LRA %.2f PLR %.2f\n",
                        style, flaws.empty() ? "clean" : "quiet", v.at("loudness_integrated_lufs"),
                        track.integrated_lufs, di, v.at("true_peak_dbtp"), track.true_peak_dbtp,
                        dtp, v.at("loudness_range_lu"), v.at("plr_db"));
            // Same algorithm as libebur128 (agreement 0.01 LU, see the libebur128 test).
            CHECK(std::fabs(di) <= 0.02);
            // Different 4x interpolators on soft-clipped masters: 0.25 dB absolute.
            CHECK(std::fabs(dtp) <= 0.25);
        }
    }
}

TEST_CASE("synth: wide_low_end is flagged, clean tracks are not", "[stereo][synth]") {
    for (const auto style : kStyles) {
        for (const std::uint64_t seed : {1u, 2u}) {
            for (const bool flawed : {false, true}) {
                const auto flaws =
                    flawed ? std::vector<std::string>{"wide_low_end"} : std::vector<std::string>{};
                const auto& track = levelSynthTrack(style, seed, flaws);
                auto family = makeStereoFamily();
                const auto v = styledna::test::runFamily(*family, track.mix).values;
                std::printf("[level] synth %-11s seed %llu %-13s low corr %.3f width low %.4f "
                            "width %.3f mid %.3f high %.3f fold %.2f dB allpass %.0f Hz\n",
                            style, static_cast<unsigned long long>(seed),
                            flawed ? "wide_low_end" : "clean", v.at("low_end_correlation"),
                            v.at("stereo_width_low"), v.at("stereo_width"),
                            v.at("stereo_width_mid"), v.at("stereo_width_high"),
                            v.at("mono_fold_loss_db"), track.low_end_allpass_hz);
                INFO(style << " seed " << seed << " flawed " << flawed);
                CHECK(v.at("low_end_mono_ok") == (flawed ? 0.0 : 1.0));
            }
        }
    }
}

TEST_CASE("synth: flaws move the spectral and stereo features the right way",
          "[spectral][stereo][synth]") {
    for (const char* style : {"uplifting", "psy"}) {
        const auto clean = levelFeatures(levelSynthTrack(style, 1).mix);
        const auto muddy = levelFeatures(levelSynthTrack(style, 1, {"muddy_bass"}).mix);
        const auto harsh = levelFeatures(levelSynthTrack(style, 1, {"harsh_highs"}).mix);
        const auto narrow = levelFeatures(levelSynthTrack(style, 1, {"narrow_supersaw"}).mix);
        std::printf("[level] synth %-11s low_mid clean %.2f muddy %.2f dB | bass centroid %.1f "
                    "-> %.1f Hz | high_mid clean %.2f harsh %.2f dB | width mid clean %.3f "
                    "narrow %.3f high %.3f -> %.3f\n",
                    style, clean.at("tonal_balance_low_mid_db"),
                    muddy.at("tonal_balance_low_mid_db"), clean.at("bass_spectral_centroid_hz"),
                    muddy.at("bass_spectral_centroid_hz"), clean.at("tonal_balance_high_mid_db"),
                    harsh.at("tonal_balance_high_mid_db"), clean.at("stereo_width_mid"),
                    narrow.at("stereo_width_mid"), clean.at("stereo_width_high"),
                    narrow.at("stereo_width_high"));
        INFO(style);
        // Muddy bass: a 150-500 Hz bell on the bass bus adds low-mid energy (measured
        // +0.8 dB uplifting, +1.2 dB psy on seed 1; the master limiter eats some).
        CHECK(muddy.at("tonal_balance_low_mid_db") > clean.at("tonal_balance_low_mid_db") + 0.5);
        CHECK(muddy.at("bass_spectral_centroid_hz") > clean.at("bass_spectral_centroid_hz"));
        // Harsh highs: a 3-8 kHz bell on the chord/lead bus.
        CHECK(harsh.at("tonal_balance_high_mid_db") + harsh.at("tonal_balance_high_db") >
              clean.at("tonal_balance_high_mid_db") + clean.at("tonal_balance_high_db") + 1.0);
        // Narrow supersaw: much less side energy where the supersaws live.
        CHECK(narrow.at("stereo_width_mid") < 0.5 * clean.at("stereo_width_mid"));
        CHECK(narrow.at("stereo_width") < clean.at("stereo_width"));
    }
}
