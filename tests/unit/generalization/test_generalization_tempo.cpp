// Tempo on the widened tempo set (70-200 BPM; four-on-the-floor, half-time,
// double-time and breakbeat drums; triplet hats): the metrical level.
//
// Truth is the notated tempo. An exact octave (half or double) is an accepted
// reading of the same metre; a 3:2, 2:3, 4:3 or 3:4 relative puts the beats
// between the real ones and is never accepted. Tolerance: 4 % relative (the
// MIREX Accuracy1/2 window), applied to the ratio measured / truth.

#include <array>
#include <cmath>
#include <cstdio>

#include <catch2/catch.hpp>

#include "unit/generalization/wide_set.hpp"

using namespace styledna;

namespace {

constexpr double kTolerance = 0.04; // relative, MIREX Accuracy1/2

bool near(double ratio, double target) {
    return std::abs(ratio / target - 1.0) <= kTolerance;
}

bool octaveOrExact(double ratio) {
    return near(ratio, 1.0) || near(ratio, 2.0) || near(ratio, 0.5);
}

bool threeTwoRelative(double ratio) {
    for (double r :
         {2.0 / 3.0, 3.0 / 2.0, 4.0 / 3.0, 3.0 / 4.0, 1.0 / 3.0, 3.0, 8.0 / 3.0, 3.0 / 8.0}) {
        if (near(ratio, r)) {
            return true;
        }
    }
    return false;
}

} // namespace

TEST_CASE("wide tempo: tempo within 4 % or an exact octave, never a 3:2 or 4:3 relative",
          "[generalization][tempo]") {
    const auto& set = test::wideSet(core::SynthVariety::kWideTempo);
    int exact = 0, octave = 0, relative = 0;
    for (const auto& t : set) {
        const double truth = t.truth.params.tempo_bpm;
        const double measured = test::featureOf(t, "tempo_bpm");
        const double ratio = measured / truth;
        INFO(t.name << ": truth " << truth << " measured " << measured << " ratio " << ratio);
        CHECK(octaveOrExact(ratio));
        CHECK_FALSE(threeTwoRelative(ratio));
        exact += near(ratio, 1.0) ? 1 : 0;
        octave += (near(ratio, 2.0) || near(ratio, 0.5)) ? 1 : 0;
        relative += threeTwoRelative(ratio) ? 1 : 0;
    }
    const auto n = static_cast<double>(set.size());
    std::printf("wide tempo (%zu tracks): Accuracy1 %.3f, Accuracy2 %.3f, 3:2/4:3 relatives %d\n",
                set.size(), exact / n, (exact + octave) / n, relative);
    CHECK(relative == 0);
}

TEST_CASE("wide tempo: ranked tempo candidates hold the truth", "[generalization][tempo]") {
    for (const auto& t : test::wideSet(core::SynthVariety::kWideTempo)) {
        const double truth = t.truth.params.tempo_bpm;
        const auto& candidates = t.features.grid.tempo_candidates;
        INFO(t.name << ": truth " << truth << ", " << candidates.size() << " candidates");
        REQUIRE(candidates.size() >= 3);
        // [0] is the reported tempo (relative 1e-9: the same number, rescaled).
        CHECK(std::abs(candidates[0].bpm / t.features.grid.tempo_bpm - 1.0) < 1e-9);
        double sum = 0.0;
        bool holds_truth = false;
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            INFO("candidate " << i << ": " << candidates[i].bpm << " BPM, confidence "
                              << candidates[i].confidence);
            CHECK(candidates[i].confidence >= 0.0);
            CHECK(candidates[i].confidence <= 1.0);
            if (i > 0) {
                CHECK(candidates[i].confidence <= candidates[i - 1].confidence);
            }
            sum += candidates[i].confidence;
            holds_truth = holds_truth || octaveOrExact(candidates[i].bpm / truth);
        }
        CHECK(sum == Approx(1.0).epsilon(1e-6)); // relative; shares of one total
        CHECK(holds_truth);
    }
}
