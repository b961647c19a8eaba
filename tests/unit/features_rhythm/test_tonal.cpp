// Tonal family: key and tuning on analytic chords (synthesized tracks: see
// test_rhythm_synth.cpp, which runs rhythm then tonal as the extractor does).

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/dsp/key_estimation.hpp"
#include "core/features/analysis_context.hpp"
#include "core/features/tonal_features.hpp"
#include "unit/features_rhythm/synth_cases.hpp"

using namespace styledna::core;

namespace {

// Sawtooth-like tone (8 harmonics, 1/h) of a MIDI note at tuning a4_hz.
void addNote(std::vector<float>& x, int midi, double start_s, double dur_s, double a4_hz,
             double gain = 0.05) {
    const double rate = 44100.0;
    const double f0 = a4_hz * std::pow(2.0, (midi - 69) / 12.0);
    const auto s0 = static_cast<std::size_t>(start_s * rate);
    const auto n = static_cast<std::size_t>(dur_s * rate);
    for (std::size_t i = 0; i < n && s0 + i < x.size(); ++i) {
        const double t = static_cast<double>(i) / rate;
        double v = 0.0;
        for (int h = 1; h <= 8 && h * f0 < 15000.0; ++h) {
            v += std::sin(2.0 * M_PI * h * f0 * t) / h;
        }
        const double env = std::min(1.0, std::min(t, dur_s - t) / 0.01);
        x[s0 + i] += static_cast<float>(gain * env * v);
    }
}

// Chords (MIDI note lists) of chord_s each, looped to duration_s.
AudioBuffer chordTrack(const std::vector<std::vector<int>>& chords, double chord_s,
                       double duration_s, double a4_hz = 440.0) {
    AudioBuffer buf(1, static_cast<std::size_t>(duration_s * 44100.0), 44100.0);
    std::size_t c = 0;
    for (double t = 0.0; t + 1e-9 < duration_s; t += chord_s, ++c) {
        for (int note : chords[c % chords.size()]) {
            addNote(buf.channels[0], note, t, std::min(chord_s, duration_s - t), a4_hz);
        }
    }
    return buf;
}

TrackFeatures runTonal(const AudioBuffer& audio) {
    AnalysisContext ctx(audio);
    TrackFeatures out;
    auto family = makeTonalFamily();
    REQUIRE(family->configure().isOk());
    REQUIRE(family->process(ctx, out).isOk());
    return out;
}

} // namespace

TEST_CASE("key labels", "[tonal][analytic]") {
    CHECK(keyLabel(9, true) == "A minor");
    CHECK(keyLabel(0, false) == "C major");
    CHECK(keyLabel(10, false) == "Bb major");
}

TEST_CASE("C major scale and cadence read C major", "[tonal][analytic]") {
    // I - IV - V - I with the scale in the melody register.
    const auto out = runTonal(chordTrack({{48, 60, 64, 67},
                                          {53, 60, 65, 69},
                                          {55, 59, 62, 67},
                                          {48, 64, 67, 72},
                                          {60, 62, 64, 65, 67, 69, 71, 72}},
                                         2.0, 20.0));
    INFO("key " << out.labels.at("key") << " conf " << out.values.at("key_confidence"));
    CHECK(out.labels.at("key") == "C major");
    CHECK(out.values.at("key_tonic_pc") == 0.0);
    CHECK(out.values.at("key_is_minor") == 0.0);
    CHECK(out.values.at("key_confidence") > 0.0);
}

TEST_CASE("A minor progression reads A minor", "[tonal][analytic]") {
    // i - VI - III - VII - i - iv - V(harmonic) - i, bass on the roots.
    const auto out = runTonal(chordTrack({{45, 57, 60, 64},
                                          {41, 57, 60, 65},
                                          {48, 55, 60, 64},
                                          {43, 55, 59, 62},
                                          {45, 57, 60, 64},
                                          {50, 57, 62, 65},
                                          {40, 56, 59, 64},
                                          {45, 57, 60, 64}},
                                         2.0, 32.0));
    INFO("key " << out.labels.at("key") << " conf " << out.values.at("key_confidence"));
    CHECK(out.labels.at("key") == "A minor");
    CHECK(out.values.at("key_tonic_pc") == 9.0);
    CHECK(out.values.at("key_is_minor") == 1.0);
}

TEST_CASE("tuning: 440 and 442 Hz references", "[tonal][analytic]") {
    for (double a4 : {440.0, 442.0, 436.0}) {
        const auto out = runTonal(chordTrack({{57, 61, 64, 69}, {62, 66, 69, 74}}, 2.0, 12.0, a4));
        INFO("a4 " << a4 << " got " << out.values.at("tuning_hz"));
        // Absolute 0.5 Hz (2 cents): the brief's tuning requirement.
        CHECK(out.values.at("tuning_hz") == Approx(a4).margin(0.5));
    }
}

TEST_CASE("tonal edge cases: silence, short, noise-free zeros", "[tonal][edge]") {
    for (double seconds : {0.0, 0.0005, 0.5, 5.0}) {
        AudioBuffer silence(2, static_cast<std::size_t>(seconds * 44100.0), 44100.0);
        const auto out = runTonal(silence);
        INFO(seconds << " s");
        CHECK(out.values.at("key_confidence") == 0.0);
        CHECK(out.values.at("tuning_hz") == 440.0);
        CHECK(out.labels.at("key").empty());
    }
    TonalParams bad;
    bad.hpcp.harmonics = 0;
    CHECK_FALSE(makeTonalFamily(bad)->configure().isOk());
}

TEST_CASE("tonal family time per 5-minute track", "[tonal][.bench]") {
    const auto c = styledna::test::renderSynthCase(1, 7, 5.0);
    AnalysisContext ctx(c.mix);
    ctx.monoSpectrum(); // shared, not the family's cost
    auto family = makeTonalFamily();
    TrackFeatures out;
    double best_ms = 1e9;
    for (int i = 0; i < 5; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        REQUIRE(family->process(ctx, out).isOk());
        const auto t1 = std::chrono::steady_clock::now();
        best_ms = std::min(best_ms, std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::printf("tonal family: %.1f ms for %.1f s of audio (key %s, true %s)\n", best_ms,
                c.duration_s, out.labels["key"].c_str(), keyLabel(c.tonic_pc, c.minor).c_str());
}
