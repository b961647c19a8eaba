// Rhythm and tonal families against the trance synthesizer's ground truth,
// run in extractor order (tonal reads the downbeats rhythm writes), one
// render per track.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/dsp/key_estimation.hpp"
#include "core/features/analysis_context.hpp"
#include "core/features/rhythm_features.hpp"
#include "core/features/tonal_features.hpp"
#include "unit/features_rhythm/synth_cases.hpp"

using namespace styledna::core;
using styledna::test::renderSynthCase;
using styledna::test::SynthCase;

namespace {

struct RhythmResult {
    TrackFeatures out;
    double worst_beat_error_s = 0.0; // vs the synth's exact beat times
};

RhythmResult analyse(const SynthCase& c) {
    AnalysisContext ctx(c.mix);
    auto family = makeRhythmFamily();
    REQUIRE(family->configure().isOk());
    RhythmResult r;
    REQUIRE(family->process(ctx, r.out).isOk());
    auto tonal = makeTonalFamily();
    REQUIRE(tonal->configure().isOk());
    REQUIRE(tonal->process(ctx, r.out).isOk());
    const double period = 60.0 / c.tempo_bpm;
    for (double t : r.out.grid.beat_times_s) {
        const double k = std::round(t / period);
        r.worst_beat_error_s = std::max(r.worst_beat_error_s, std::abs(t - k * period));
    }
    return r;
}

struct Tally {
    int total = 0, tempo = 0, downbeat = 0, key_exact = 0, key_relative = 0;
};

void checkTrack(const SynthCase& c, Tally& tally) {
    const auto r = analyse(c);
    const auto& v = r.out.values;
    const double bar_s = 240.0 / c.tempo_bpm;
    const double db_err = std::abs(std::remainder(r.out.grid.first_downbeat_s, bar_s));
    const std::string key_truth = keyLabel(c.tonic_pc, c.minor);
    const std::string key = r.out.labels.at("key");
    std::printf("%-14s tempo %.3f -> %.3f  beat err %.1f ms  4otf %.2f  downbeat %.3f s  "
                "key %s -> %s (%.2f)  tuning %.2f\n",
                c.name.c_str(), c.tempo_bpm, v.at("tempo_bpm"), 1000 * r.worst_beat_error_s,
                v.at("four_on_floor_score"), r.out.grid.first_downbeat_s, key_truth.c_str(),
                key.c_str(), v.at("key_confidence"), v.at("tuning_hz"));
    ++tally.total;
    INFO(c.name << " true " << c.tempo_bpm << " got " << v.at("tempo_bpm"));
    // Absolute 0.5 BPM: the brief's accuracy requirement for synthesized tracks.
    const bool ok = std::abs(v.at("tempo_bpm") - c.tempo_bpm) <= 0.5;
    tally.tempo += ok ? 1 : 0;
    CHECK(ok);
    // 20 ms absolute: beats must line up with the synthesized kicks (brief).
    CHECK(r.worst_beat_error_s < 0.020);
    // Every synth style is four-on-the-floor; > 0.8 is the brief's bar.
    CHECK(v.at("four_on_floor_score") > 0.8);
    // Straight sixteenths: 1.0 +- 0.15 absolute (band latency of quiet hats
    // under open-hat tails shifts them by a few ms).
    CHECK(v.at("swing_ratio") == Approx(1.0).margin(0.15));
    tally.downbeat += db_err < 0.030 ? 1 : 0;
    const int relative_pc = c.minor ? (c.tonic_pc + 3) % 12 : (c.tonic_pc + 9) % 12;
    tally.key_exact += key == key_truth ? 1 : 0;
    tally.key_relative += key == key_truth || key == keyLabel(relative_pc, !c.minor) ? 1 : 0;
    // Absolute 2 Hz (8 cents): the synth is tuned to 440, but wide supersaw
    // detune (uplifting) biases the peak-deviation mode by up to ~6 cents; the
    // analytic 442 Hz test holds 0.5 Hz.
    CHECK(v.at("tuning_hz") == Approx(440.0).margin(2.0));
}

} // namespace

// Keys: the synth's progression table includes vi-IV-I-V (major), the same
// chord sequence from the same first chord as i-VI-III-VII of the relative
// minor, so for such tracks the truth cannot be told from the audio. Hence
// two bars: key exact >= 85 % and exact-or-relative >= 95 %.
TEST_CASE("synth trance: tempo, beats, four-on-the-floor, key on 24 tracks",
          "[rhythm][tonal][synth]") {
    Tally tally;
    for (int style = 0; style < 4; ++style) {
        for (std::uint64_t i = 1; i <= 6; ++i) {
            checkTrack(renderSynthCase(style, 10 * style + i, 0.75), tally);
        }
    }
    std::printf("tempo within 0.5 BPM: %d/%d, downbeat: %d/%d, key exact %d/%d, "
                "exact or relative %d/%d\n",
                tally.tempo, tally.total, tally.downbeat, tally.total, tally.key_exact, tally.total,
                tally.key_relative, tally.total);
    CHECK(tally.tempo == tally.total); // 100 % required
    // Downbeats: the synth starts on a downbeat at t = 0; >= 90 % of tracks.
    CHECK(tally.downbeat * 10 >= tally.total * 9);
    CHECK(tally.key_exact * 100 >= tally.total * 90);
    CHECK(tally.key_relative * 100 >= tally.total * 95);
}

TEST_CASE("synth trance: triplet-swung sixteenths read swing_ratio ~2", "[rhythm][synth]") {
    for (std::uint64_t seed : {2u, 5u}) {
        const auto c = renderSynthCase(seed % 4, seed, 0.75, 1.0 / 3.0);
        const auto r = analyse(c);
        INFO(c.name << " swing " << r.out.values.at("swing_ratio") << " beat err "
                    << r.worst_beat_error_s << " tempo " << r.out.values.at("tempo_bpm") << " / "
                    << c.tempo_bpm);
        // Absolute 0.25: (1 + s) / (1 - s) = 2 at s = 1/3; sub-frame onset
        // positions of quiet hats carry ~5 ms of jitter.
        CHECK(r.out.values.at("swing_ratio") == Approx(2.0).margin(0.25));
        CHECK(std::abs(r.out.values.at("tempo_bpm") - c.tempo_bpm) <= 0.5);
    }
}

TEST_CASE("synth trance: 5-minute tracks, two per style", "[rhythm][tonal][synth][.slow]") {
    Tally tally;
    for (int style = 0; style < 4; ++style) {
        for (std::uint64_t seed : {100u, 200u}) {
            checkTrack(renderSynthCase(style, seed + style, 5.0), tally);
        }
    }
    std::printf("5-min: tempo %d/%d, downbeat %d/%d, key exact %d/%d, exact or relative %d/%d\n",
                tally.tempo, tally.total, tally.downbeat, tally.total, tally.key_exact, tally.total,
                tally.key_relative, tally.total);
    CHECK(tally.tempo == tally.total);
}

TEST_CASE("rhythm family time per 5-minute track", "[rhythm][.bench]") {
    const auto c = renderSynthCase(0, 7, 5.0);
    AnalysisContext ctx(c.mix);
    ctx.monoSpectrum(); // shared, not the family's cost
    auto family = makeRhythmFamily();
    TrackFeatures out;
    double best_ms = 1e9;
    for (int i = 0; i < 5; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        REQUIRE(family->process(ctx, out).isOk());
        const auto t1 = std::chrono::steady_clock::now();
        best_ms = std::min(best_ms, std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::printf("rhythm family: %.1f ms for %.1f s of audio (tempo %.3f, true %.3f)\n", best_ms,
                c.duration_s, out.values["tempo_bpm"], c.tempo_bpm);
}
