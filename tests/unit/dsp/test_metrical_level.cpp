// Metrical level: analytic onset trains whose beat is known.

#include <cmath>

#include <catch2/catch.hpp>

#include "core/dsp/metrical_level.hpp"

using namespace styledna::core;

namespace {

// Onsets of a bar pattern repeated `bars` times: beat period P frames,
// positions in beats with strengths.
std::vector<PickedPeak> pattern(double period, int bars,
                                const std::vector<std::pair<double, float>>& bar) {
    std::vector<PickedPeak> out;
    for (int b = 0; b < bars; ++b) {
        for (const auto& [beat, strength] : bar) {
            out.push_back({(4.0 * b + beat) * period + 3.0, strength});
        }
    }
    return out;
}

// Flat tempogram: only the onset positions decide.
double flat(double) {
    return 1.0;
}

} // namespace

TEST_CASE("metricalFit: onsets on every beat fit the beat exactly", "[dsp][tempo]") {
    const auto onsets = pattern(30.0, 32, {{0, 1.f}, {1, 1.f}, {2, 1.f}, {3, 1.f}});
    // Every onset sits on a template point of weight 1; absolute 0.01 covers
    // the phase search step (1/480 beat) against the 0.9-frame tolerance.
    CHECK(metricalFit(onsets, 30.0).score == Approx(1.0).margin(0.01));
    // Other levels (analytic weights, absolute 0.02 as above):
    // 3/2 tempo (period 20): beat, eighth: (1 + 0.6) / 2
    CHECK(metricalFit(onsets, 20.0).score == Approx(0.8).margin(0.02));
    // 3/4 tempo (period 40): beat, sixteenth, eighth, sixteenth: 2.2 / 4
    CHECK(metricalFit(onsets, 40.0).score == Approx(0.55).margin(0.02));
    // 4/3 tempo (period 22.5): beat and two triplets: 1.3 / 3
    CHECK(metricalFit(onsets, 22.5).score == Approx(1.3 / 3.0).margin(0.02));
    CHECK(metricalFit({}, 30.0).score == 0.0);
}

TEST_CASE("rankTempoLevels: the beat class wins over 3:2 and 4:3 relatives", "[dsp][tempo]") {
    const double fr = 86.1328125;
    const double beat = 60.0 * fr / 180.0; // 180 BPM
    // Kick on every beat, clap on 2 and 4, hats on the off-beat eighths.
    const auto onsets = pattern(
        beat, 64,
        {{0, 1.f}, {1, 1.f}, {2, 1.f}, {3, 1.f}, {0.5, .4f}, {1.5, .4f}, {2.5, .4f}, {3.5, .4f}});
    for (double wrong : {2.0 / 3.0, 4.0 / 3.0, 3.0 / 4.0, 3.0 / 2.0}) {
        INFO("tempogram period x " << wrong);
        const auto levels = rankTempoLevels(onsets, beat / wrong, fr, flat);
        REQUIRE(levels.size() >= 3);
        // The chosen level is 180 BPM or an octave of it (relative 1e-9).
        const double bpm = 60.0 * fr / levels[0].period_frames;
        const double octaves = std::log2(bpm / 180.0);
        CHECK(std::abs(octaves - std::round(octaves)) < 1e-9);
        double sum = 0.0;
        for (const auto& l : levels) {
            sum += l.confidence;
        }
        CHECK(sum == Approx(1.0).epsilon(1e-9));
    }
}
