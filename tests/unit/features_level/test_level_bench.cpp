// Timing of the level families on a 5-minute 44.1 kHz stereo signal (hidden:
// run with `test_features_level [.bench]`). Prints, asserts nothing about time.
// Shared STFTs are built first and timed separately, so each family's figure
// is its own work beyond the shared context.

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cstdio>

#include "core/dsp/loudness_blocks.hpp"
#include "core/dsp/true_peak.hpp"
#include "core/features/analysis_context.hpp"
#include "core/features/loudness_features.hpp"
#include "core/features/spectral_features.hpp"
#include "core/features/stereo_features.hpp"
#include "unit/features_level/level_test_signals.hpp"

using namespace styledna::core;

namespace {

template <class F> double bestMs(int runs, F&& f) {
    double best = 1e30;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        const auto t1 = std::chrono::steady_clock::now();
        best = std::min(best, std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    return best;
}

} // namespace

TEST_CASE("level families: time per 5-minute stereo track", "[.bench][level]") {
    const double rate = 44100.0;
    const std::size_t n = 300 * 44100;
    auto common = styledna::test::pinkNoise(n, 0.15, 1);
    auto l = styledna::test::pinkNoise(n, 0.08, 2);
    auto r = styledna::test::pinkNoise(n, 0.08, 3);
    for (std::size_t i = 0; i < n; ++i) {
        l[i] += common[i];
        r[i] += common[i];
    }
    const auto audio = styledna::test::stereoBuffer(std::move(l), std::move(r), rate);
    const int runs = 3;

    const std::array<const float*, 2> ch{audio.channels[0].data(), audio.channels[1].data()};
    const std::array<double, 2> w{1.0, 1.0};
    const double k_ms = bestMs(runs, [&] { (void)computeLoudnessBlocks(ch, w, n, rate); });
    const double tp_ms = bestMs(runs, [&] {
        (void)truePeakAmplitude(ch[0], n);
        (void)truePeakAmplitude(ch[1], n);
    });

    AnalysisContext ctx(audio);
    const double mono_stft_ms = bestMs(1, [&] { (void)ctx.monoSpectrum(); });
    const double side_stft_ms = bestMs(1, [&] { (void)ctx.sideSpectrum(); });
    const auto familyMs = [&](auto make) {
        return bestMs(runs, [&] {
            auto family = make();
            REQUIRE(family->configure().isOk());
            TrackFeatures out;
            REQUIRE(family->process(ctx, out).isOk());
        });
    };
    const double loud_ms = familyMs([] { return makeLoudnessFamily(); });
    const double spec_ms = familyMs([] { return makeSpectralFamily(); });
    const double stereo_ms = familyMs([] { return makeStereoFamily(); });
    // Sections: 16 sections over the track after one process().
    auto stereo_family = makeStereoFamily();
    auto spectral_family = makeSpectralFamily();
    auto loud_family = makeLoudnessFamily();
    TrackFeatures out;
    REQUIRE(stereo_family->process(ctx, out).isOk());
    REQUIRE(spectral_family->process(ctx, out).isOk());
    REQUIRE(loud_family->process(ctx, out).isOk());
    const double section_ms = bestMs(runs, [&] {
        for (int s = 0; s < 16; ++s) {
            std::map<std::string, double> values;
            const double a = 300.0 * s / 16.0, b = 300.0 * (s + 1) / 16.0;
            REQUIRE(loud_family->processSection(ctx, a, b, values).isOk());
            REQUIRE(spectral_family->processSection(ctx, a, b, values).isOk());
            REQUIRE(stereo_family->processSection(ctx, a, b, values).isOk());
        }
    });
    std::printf("[level bench] 5-min 44.1 kHz stereo, best of %d, one thread:\n"
                "  K-weighting + 100 ms blocks  %7.1f ms\n"
                "  true peak (2 channels)       %7.1f ms\n"
                "  loudness family (all)        %7.1f ms\n"
                "  spectral family (own work)   %7.1f ms   (shared mono STFT %.1f ms)\n"
                "  stereo family (own work)     %7.1f ms   (shared side STFT %.1f ms)\n"
                "  16 sections x 3 families     %7.1f ms\n",
                runs, k_ms, tp_ms, loud_ms, spec_ms, mono_stft_ms, stereo_ms, side_stft_ms,
                section_ms);
}
