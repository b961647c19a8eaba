// Hidden benchmark: the trance family on a 5-minute synthesized track, with
// the shared STFTs computed before the clock starts (they are not this
// family's cost). Run: test_features_trance "[.bench]"

#include <chrono>
#include <cstdio>

#include <catch2/catch.hpp>

#include "unit/features_trance/trance_synth_cases.hpp"
#include "unit/features_trance/trance_test_util.hpp"

using namespace styledna;

TEST_CASE("trance family time on a 5-minute track", "[.bench]") {
    const auto& c = test::tranceCase(2, 7, 5.0, {});
    core::AnalysisContext ctx(c.mix);
    const auto t0 = std::chrono::steady_clock::now();
    ctx.monoSpectrum();
    ctx.sideSpectrum();
    const auto t1 = std::chrono::steady_clock::now();
    double best_ms = 1e9;
    for (int rep = 0; rep < 3; ++rep) {
        core::TrackFeatures out;
        out.grid = test::constantGrid(c.tempo_bpm, c.duration_s);
        core::TranceFamily family;
        REQUIRE(family.configure().isOk());
        const auto a = std::chrono::steady_clock::now();
        REQUIRE(family.process(ctx, out).isOk());
        for (auto& s : out.sections) {
            REQUIRE(family.processSection(ctx, s.start_s, s.end_s, s.values).isOk());
        }
        const auto b = std::chrono::steady_clock::now();
        best_ms = std::min(best_ms, std::chrono::duration<double, std::milli>(b - a).count());
    }
    std::printf("%s %.1f s: shared STFTs (mono+side) %.0f ms; trance family (process + "
                "sections) best of 3: %.1f ms\n",
                c.name.c_str(), c.duration_s,
                std::chrono::duration<double, std::milli>(t1 - t0).count(), best_ms);
}
