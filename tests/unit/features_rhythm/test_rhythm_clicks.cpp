// Rhythm family on analytic click patterns: tempo, beat alignment, four-on-
// the-floor, swing and edge cases.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "core/features/analysis_context.hpp"
#include "core/features/rhythm_features.hpp"
#include "unit/features_rhythm/rhythm_signals.hpp"

using namespace styledna::core;
using styledna::test::beatTimes;
using styledna::test::clickTrack;

namespace {

TrackFeatures runRhythm(const AudioBuffer& audio) {
    AnalysisContext ctx(audio);
    auto family = makeRhythmFamily();
    REQUIRE(family->configure().isOk());
    TrackFeatures out;
    REQUIRE(family->process(ctx, out).isOk());
    return out;
}

// Largest |detected beat - nearest true beat| over the detected beats.
double maxBeatError(const std::vector<double>& detected, const std::vector<double>& truth) {
    double worst = 0.0;
    for (double t : detected) {
        auto it = std::lower_bound(truth.begin(), truth.end(), t);
        double best = 1e9;
        if (it != truth.end())
            best = std::min(best, std::abs(*it - t));
        if (it != truth.begin())
            best = std::min(best, std::abs(*(it - 1) - t));
        worst = std::max(worst, best);
    }
    return worst;
}

} // namespace

TEST_CASE("click tracks: tempo within 0.1 BPM and beats on the clicks", "[rhythm][analytic]") {
    for (double bpm : {87.0, 120.0, 137.5, 174.0}) {
        const double duration_s = 60.0;
        const auto truth = beatTimes(bpm, duration_s, 0.25);
        const auto out = runRhythm(clickTrack(truth, duration_s));
        INFO("bpm " << bpm << " got " << out.values.at("tempo_bpm") << " conf "
                    << out.values.at("tempo_confidence") << " first beat "
                    << out.grid.beat_times_s.front());
        // Absolute 0.1 BPM: the brief's requirement for programmed clicks.
        CHECK(out.values.at("tempo_bpm") == Approx(bpm).margin(0.1));
        REQUIRE(out.grid.valid());
        // 20 ms absolute: beat times must line up with the clicks (brief).
        CHECK(maxBeatError(out.grid.beat_times_s, truth) < 0.020);
    }
}

TEST_CASE("four_on_floor_score: kick on every beat vs breakbeat", "[rhythm][analytic]") {
    const double bpm = 130.0, duration_s = 40.0, beat = 60.0 / bpm;
    // Four-on-the-floor: thump on every beat, clicks on the off-beats.
    std::vector<double> kicks = beatTimes(bpm, duration_s, 0.1);
    std::vector<double> hats = beatTimes(bpm, duration_s, 0.1, 0.5);
    auto fotf = clickTrack(kicks, duration_s, 0.5, true);
    const auto hat_buf = clickTrack(hats, duration_s, 0.2);
    for (std::size_t i = 0; i < fotf.frames(); ++i)
        fotf.channels[0][i] += hat_buf.channels[0][i];
    const auto a = runRhythm(fotf);
    // Breakbeat (two-step): kicks on beat 1 and the "and" of 3, clicks (snare) on 2 and 4.
    std::vector<double> bb_kicks, bb_snares;
    for (double bar = 0.1; bar + 4 * beat < duration_s; bar += 4 * beat) {
        bb_kicks.push_back(bar);
        bb_kicks.push_back(bar + 2.5 * beat);
        bb_snares.push_back(bar + beat);
        bb_snares.push_back(bar + 3 * beat);
    }
    auto breaks = clickTrack(bb_kicks, duration_s, 0.5, true);
    const auto snare_buf = clickTrack(bb_snares, duration_s, 0.5);
    for (std::size_t i = 0; i < breaks.frames(); ++i)
        breaks.channels[0][i] += snare_buf.channels[0][i];
    const auto b = runRhythm(breaks);
    INFO("4otf " << a.values.at("four_on_floor_score") << " breakbeat "
                 << b.values.at("four_on_floor_score") << " tempo " << b.values.at("tempo_bpm"));
    CHECK(a.values.at("tempo_bpm") == Approx(bpm).margin(0.1));
    // 0.8 / 0.5: the brief's "high" bar, and a breakbeat has half its beats
    // without a kick and half its kick energy off the beat.
    CHECK(a.values.at("four_on_floor_score") > 0.8);
    CHECK(b.values.at("four_on_floor_score") < 0.5);
}

TEST_CASE("swing_ratio: straight and triplet-shuffled eighths", "[rhythm][analytic]") {
    const double bpm = 120.0, duration_s = 40.0;
    for (double fraction : {0.5, 2.0 / 3.0}) {
        std::vector<double> times = beatTimes(bpm, duration_s, 0.1);
        const auto off = beatTimes(bpm, duration_s, 0.1, fraction);
        auto audio = clickTrack(times, duration_s, 0.5, true);
        const auto hats = clickTrack(off, duration_s, 0.3);
        for (std::size_t i = 0; i < audio.frames(); ++i)
            audio.channels[0][i] += hats.channels[0][i];
        const auto out = runRhythm(audio);
        const double expected = fraction / (1.0 - fraction); // 1 straight, 2 triplet
        INFO("fraction " << fraction << " swing " << out.values.at("swing_ratio"));
        // Absolute 0.1: onset positions are sub-frame interpolated (~1 ms).
        CHECK(out.values.at("swing_ratio") == Approx(expected).margin(0.1));
        CHECK(out.values.at("tempo_bpm") == Approx(bpm).margin(0.1));
    }
}

TEST_CASE("onset_rate_hz counts clicks", "[rhythm][analytic]") {
    const double duration_s = 30.0;
    const auto out = runRhythm(clickTrack(beatTimes(120.0, duration_s, 0.1, 0.0), duration_s));
    // 2 clicks per second; relative 5 %: the edges of the track may lose one.
    CHECK(out.values.at("onset_rate_hz") == Approx(2.0).epsilon(0.05));
}

TEST_CASE("rhythm edge cases: silence, short, empty, stereo, sections", "[rhythm][edge]") {
    auto family = makeRhythmFamily();
    REQUIRE(family->configure().isOk());
    for (double seconds : {0.0, 0.001, 2.0, 30.0}) {
        AudioBuffer silence(2, static_cast<std::size_t>(seconds * 44100.0), 44100.0);
        AnalysisContext ctx(silence);
        TrackFeatures out;
        REQUIRE(family->process(ctx, out).isOk());
        INFO(seconds << " s of silence");
        CHECK(out.values.at("tempo_bpm") == 0.0);
        CHECK(out.values.at("tempo_confidence") == 0.0);
        CHECK(out.values.at("swing_ratio") == 1.0);
        CHECK_FALSE(out.grid.valid());
        std::map<std::string, double> sec;
        CHECK(family->processSection(ctx, 0.0, 1.0, sec).isOk());
        CHECK(sec.at("onset_rate_hz") == 0.0);
    }
    // Short but periodic (3 s < min_duration_s): defined zeros.
    {
        const auto clicks = clickTrack(beatTimes(128.0, 3.0), 3.0);
        AnalysisContext ctx(clicks);
        TrackFeatures out;
        REQUIRE(family->process(ctx, out).isOk());
        CHECK(out.values.at("tempo_bpm") == 0.0);
    }
    // Stereo input and sections: the section rate follows the clicks' density.
    {
        auto mono = clickTrack(beatTimes(128.0, 40.0, 0.05), 40.0, 0.5, true);
        AudioBuffer stereo(2, mono.frames(), 44100.0);
        stereo.channels[0] = mono.channels[0];
        stereo.channels[1] = mono.channels[0];
        AnalysisContext ctx(stereo);
        TrackFeatures out;
        REQUIRE(family->process(ctx, out).isOk());
        CHECK(out.values.at("tempo_bpm") == Approx(128.0).margin(0.1));
        std::map<std::string, double> sec;
        REQUIRE(family->processSection(ctx, 10.0, 20.0, sec).isOk());
        // 128 BPM = 2.133 clicks/s; relative 5 % for the section edges.
        CHECK(sec.at("onset_rate_hz") == Approx(128.0 / 60.0).epsilon(0.05));
        CHECK(sec.at("four_on_floor_score") > 0.8);
        CHECK_FALSE(family->processSection(ctx, 5.0, 5.0, sec).isOk());
    }
    // Invalid params are rejected by configure().
    RhythmParams bad;
    bad.max_bpm = bad.min_bpm;
    CHECK_FALSE(makeRhythmFamily(bad)->configure().isOk());
    // Every declared feature is written.
    {
        const auto clicks = clickTrack(beatTimes(140.0, 20.0), 20.0);
        const auto out = runRhythm(clicks);
        for (const auto& info : family->describe()) {
            CHECK(out.values.count(info.name) == 1);
        }
    }
}
