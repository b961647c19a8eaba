// DSP move models on analytic signals, and the simulator's spectral shortcut
// against the time-domain render of the same moves.
// Tolerances: 0.05 dB on steady-state sine gains measured after a 0.5 s
// settle (biquad transients gone; float rounding ~1e-6); 0.1 dB / 0.005 width
// for the spectral shortcut vs the render (Hann 4096 leakage of white noise
// across the band edges moves a band share by a few hundredths of a dB).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "core/fixes/move.hpp"
#include "core/fixes/move_simulator.hpp"
#include "unit/test_support.hpp"

using namespace styledna;
using namespace styledna::fixes;

namespace {

double rmsDb(const std::vector<float>& x, std::size_t from) {
    double s = 0;
    for (std::size_t i = from; i < x.size(); ++i) {
        s += double(x[i]) * x[i];
    }
    return 10 * std::log10(s / double(x.size() - from));
}

core::AudioBuffer noise(double seconds, double side_gain, unsigned seed) {
    const auto n = static_cast<std::size_t>(seconds * 44100);
    core::AudioBuffer b(2, n, 44100);
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.0f, 0.1f);
    for (std::size_t i = 0; i < n; ++i) {
        const float m = d(rng), s = static_cast<float>(side_gain) * d(rng);
        b.channels[0][i] = m + s;
        b.channels[1][i] = m - s;
    }
    return b;
}

} // namespace

TEST_CASE("bell cut: the gain at f0 equals the gain", "[fixes][moves]") {
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        auto b = test::sine(300, 0.5, 2.0, rate);
        const double before = rmsDb(b.channels[0], 22050);
        renderMoves(b, {{MoveKind::kBell, "mix", 300, -6, 1.0, 1, 150}}, {});
        CHECK(rmsDb(b.channels[0], 22050) - before == Approx(-6).margin(0.05));
        CHECK(movePowerGain({MoveKind::kBell, "mix", 300, -6, 1.0, 1, 150}, 300, rate, 0.5).mid ==
              Approx(std::pow(10, -0.6)).epsilon(1e-9));
    }
    // Shelves: the full gain far inside the shelf, none far outside.
    CHECK(10 * std::log10(movePowerGain({MoveKind::kHighShelf, "mix", 2500, -4, 0.71, 1, 150},
                                        15000, 44100, 0.5)
                              .mid) ==
          Approx(-4).margin(0.1));
    CHECK(10 * std::log10(
                   movePowerGain({MoveKind::kLowShelf, "mix", 100, 3, 0.71, 1, 150}, 20, 44100, 0.5)
                       .mid) ==
          Approx(3).margin(0.1));
}

TEST_CASE("bass mono removes the side below f and keeps it above", "[fixes][moves]") {
    for (double hz : {40.0, 2000.0}) {
        core::AudioBuffer b = test::sine(hz, 0.5, 2.0, 44100);
        for (auto& v : b.channels[1]) {
            v = -v; // pure side
        }
        const double before = rmsDb(b.channels[0], 22050);
        renderMoves(b, {{MoveKind::kBassMono, "mix", 150, 0, 0.71, 1, 150}}, {});
        const double after = rmsDb(b.channels[0], 22050);
        if (hz < 100) {
            CHECK(after - before < -30); // LR4 at 150 Hz: ~-33 dB at 40 Hz
        } else {
            CHECK(after - before == Approx(0).margin(0.05));
        }
    }
}

TEST_CASE("width, gain and duck", "[fixes][moves]") {
    auto b = noise(1.0, 0.5, 1);
    auto w = b;
    renderMoves(w, {{MoveKind::kWidth, "mix", 0, 0, 0.71, 2.0, 150}}, {});
    std::vector<float> s0(b.frames()), s1(b.frames());
    for (std::size_t i = 0; i < b.frames(); ++i) {
        s0[i] = 0.5f * (b.channels[0][i] - b.channels[1][i]);
        s1[i] = 0.5f * (w.channels[0][i] - w.channels[1][i]);
    }
    CHECK(rmsDb(s1, 0) - rmsDb(s0, 0) == Approx(6.02).margin(0.01));
    auto g = b;
    renderMoves(g, {{MoveKind::kGain, "mix", 0, 3, 0.71, 1, 150}}, {});
    CHECK(rmsDb(g.channels[0], 0) - rmsDb(b.channels[0], 0) == Approx(3).margin(0.01));
    // Duck: at each beat the gain drops by 6 dB; 90 % of it recovered at release.
    auto d = test::sine(1000, 0.5, 1.0, 44100);
    renderMoves(d, {{MoveKind::kDuck, "mix", 0, -6, 0.71, 1, 100}}, {0.0, 0.5});
    CHECK(20 * std::log10(std::abs(d.channels[0][11]) /
                          (0.5 * std::abs(std::sin(2 * M_PI * 1000 * 11 / 44100.0)))) ==
          Approx(-6).margin(0.05));
}

TEST_CASE("strength scales the move in its own unit", "[fixes][moves]") {
    const Move bell{MoveKind::kBell, "bass", 250, -6, 0.7, 1, 150};
    CHECK(scaledMove(bell, 0.5).gain_db == Approx(-3));
    CHECK(scaledMove(bell, 0.5).freq_hz == 250);
    const Move width{MoveKind::kWidth, "other", 0, 0, 0.7, 2.0, 150};
    CHECK(scaledMove(width, 0.5).width == Approx(1.5));
}

TEST_CASE("spectral shortcut agrees with the time-domain render", "[fixes][moves][simulator]") {
    const auto b = noise(20.0, 0.6, 7);
    core::TrackFeatures features;
    features.grid.tempo_bpm = 120;
    const std::vector<std::vector<Move>> cases{
        {{MoveKind::kBell, "mix", 250, -6, 0.7, 1, 150}},
        {{MoveKind::kHighShelf, "mix", 2500, -4, 0.71, 1, 150}},
        {{MoveKind::kLowShelf, "mix", 100, 4, 0.71, 1, 150}},
        {{MoveKind::kBassMono, "mix", 150, 0, 0.71, 1, 150}},
        {{MoveKind::kWidth, "mix", 0, 0, 0.71, 0.5, 150}},
    };
    const auto in = summarise(b, {}, features);
    const auto base = spectralModel(in.mix.mid, in.mix.side, in.rate_hz, in.fft_size);
    for (const auto& moves : cases) {
        auto rendered = b;
        renderMoves(rendered, moves, {});
        const auto out = summarise(rendered, {}, features);
        const auto measured = spectralModel(out.mix.mid, out.mix.side, out.rate_hz, out.fft_size);
        core::TrackAnalysis wip;
        wip.features.values = base;
        const auto predicted = predict(in, wip, moves).features.values;
        for (const char* f : {"tonal_balance_low_db", "tonal_balance_low_mid_db",
                              "tonal_balance_high_mid_db", "tonal_balance_high_db"}) {
            INFO(f << " move kind " << int(moves[0].kind));
            CHECK(predicted.at(f) == Approx(measured.at(f)).margin(0.1));
        }
        for (const char* f : {"stereo_width", "stereo_width_low", "stereo_width_high"}) {
            INFO(f << " move kind " << int(moves[0].kind));
            CHECK(predicted.at(f) == Approx(measured.at(f)).margin(0.005));
        }
    }
}

TEST_CASE("stem features: a move on the bass changes the bass stem only",
          "[fixes][moves][simulator]") {
    const auto bass = noise(20.0, 0.5, 11);
    const auto other = noise(20.0, 0.3, 12);
    auto mix = bass;
    for (std::size_t c = 0; c < 2; ++c) {
        for (std::size_t i = 0; i < mix.frames(); ++i) {
            mix.channels[c][i] += other.channels[c][i];
        }
    }
    core::TrackFeatures features;
    features.grid.tempo_bpm = 120;
    const auto in = summarise(mix, {{"bass", &bass}, {"other", &other}}, features);
    auto modelOf = [&](const core::AudioBuffer& b) {
        const auto s = summarise(b, {}, features);
        return spectralModel(s.mix.mid, s.mix.side, s.rate_hz, s.fft_size);
    };
    core::TrackAnalysis wip;
    wip.features.values = modelOf(mix);
    wip.stems.stems["bass"].values = modelOf(bass);
    wip.stems.stems["other"].values = modelOf(other);
    const std::vector<Move> moves{{MoveKind::kBell, "bass", 250, -6, 0.7, 1, 150},
                                  {MoveKind::kWidth, "bass", 0, 0, 0.71, 0.0, 150}};
    auto rendered = bass;
    renderMoves(rendered, moves, {});
    const auto measured = modelOf(rendered);
    const auto predicted = predict(in, wip, moves);
    const auto& bass_after = predicted.stems.stems.at("bass").values;
    // Same tolerances as the mix's shortcut above (leakage of noise at band edges).
    for (const char* f :
         {"tonal_balance_low_db", "tonal_balance_low_mid_db", "tonal_balance_mid_db"}) {
        INFO(f);
        CHECK(bass_after.at(f) == Approx(measured.at(f)).margin(0.1));
    }
    CHECK(bass_after.at("tonal_balance_low_mid_db") <
          wip.stems.stems.at("bass").values.at("tonal_balance_low_mid_db") - 2.0);
    // Width 0: the stem is mono, exactly.
    CHECK(bass_after.at("stereo_width_low") == Approx(0).margin(1e-12));
    CHECK(bass_after.at("low_end_correlation") == Approx(1).margin(1e-12));
    CHECK(bass_after.at("stereo_width") == Approx(0).margin(1e-12));
    // The other stem is untouched.
    CHECK(predicted.stems.stems.at("other").values == wip.stems.stems.at("other").values);
    CHECK(predictsFeature("tonal_balance_low_mid_db", "bass"));
    CHECK_FALSE(predictsFeature("loudness_integrated_lufs", "bass"));
}

TEST_CASE("applyMixGain equals predicting the moves with the gain", "[fixes][moves][simulator]") {
    const auto b = noise(20.0, 0.6, 7);
    core::TrackFeatures features;
    features.grid.tempo_bpm = 120;
    const auto in = summarise(b, {}, features);
    core::TrackAnalysis wip;
    wip.features.values = spectralModel(in.mix.mid, in.mix.side, in.rate_hz, in.fft_size);
    for (const char* f : {"loudness_integrated_lufs", "loudness_short_term_max_lufs",
                          "loudness_momentary_max_lufs"}) {
        wip.features.values[f] = -9.0;
    }
    wip.features.values["rms_dbfs"] = -12.0;
    wip.features.values["mean_energy_db"] = -12.5;
    wip.features.values["sample_peak_dbfs"] = -1.0;
    wip.features.values["true_peak_dbtp"] = -0.8;
    wip.features.values["crest_factor_db"] = 11.0;
    wip.features.values["plr_db"] = 8.2;
    wip.peak_dbfs = -1.0;
    const std::vector<Move> cut{{MoveKind::kBell, "mix", 250, -6, 0.7, 1, 150}};
    for (double gain : {-2.0, 0.4, 3.0}) {
        auto with_gain = cut;
        with_gain.push_back({MoveKind::kGain, "mix", 0, gain, 0.71, 1, 150});
        const auto expected = predict(in, wip, with_gain);
        auto shifted = predict(in, wip, cut);
        applyMixGain(shifted, gain);
        for (const auto& [name, value] : expected.features.values) {
            INFO(name << " at " << gain << " dB");
            CHECK(shifted.features.values.at(name) == Approx(value).margin(1e-6));
        }
        CHECK(shifted.peak_dbfs == Approx(expected.peak_dbfs).margin(1e-9));
    }
}
