// Stereo family: mono, identical, hard-panned, polarity-inverted and
// uncorrelated inputs; band-specific width; sample rates; edges; sections.

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include "core/features/stereo_features.hpp"
#include "unit/features_level/level_family_runner.hpp"
#include "unit/features_level/level_test_signals.hpp"

using namespace styledna::core;
using namespace styledna::test;

namespace {

std::map<std::string, double> stereo(const AudioBuffer& audio) {
    auto family = makeStereoFamily();
    auto v = runFamily(*family, audio).values;
    requireFinite(v);
    return v;
}

std::vector<float> negated(std::vector<float> x) {
    return scaled(std::move(x), -1.0);
}

// Test content with energy in every band: pink noise.
std::vector<float> programme(std::size_t n, std::uint64_t seed) {
    return pinkNoise(n, 0.1, seed);
}

} // namespace

TEST_CASE("stereo: mono and identical channels", "[stereo]") {
    const double rate = 44100.0;
    const auto x = programme(44100 * 5, 1);
    for (const auto& v : {stereo(monoBuffer(x, rate)), stereo(stereoBuffer(x, x, rate))}) {
        CHECK(v.at("stereo_width") == 0.0);
        CHECK(v.at("stereo_width_low") == 0.0);
        CHECK(v.at("stereo_width_mid") == 0.0);
        CHECK(v.at("stereo_width_high") == 0.0);
        CHECK(v.at("stereo_correlation") == Approx(1.0).margin(1e-9));
        CHECK(v.at("low_end_correlation") == Approx(1.0).margin(1e-6));
        CHECK(v.at("mono_fold_loss_db") == Approx(0.0).margin(1e-9));
        CHECK(v.at("low_end_mono_ok") == 1.0);
    }
}

TEST_CASE("stereo: hard-panned, polarity-inverted, uncorrelated", "[stereo]") {
    const double rate = 44100.0;
    const std::size_t n = 44100 * 10;
    const auto x = programme(n, 2);
    SECTION("hard left") {
        const auto v = stereo(stereoBuffer(x, std::vector<float>(n, 0.0f), rate));
        // M = S = L/2 exactly, in every band.
        CHECK(v.at("stereo_width") == Approx(0.5).margin(1e-9));
        CHECK(v.at("stereo_width_low") == Approx(0.5).margin(1e-6));
        CHECK(v.at("stereo_width_mid") == Approx(0.5).margin(1e-6));
        CHECK(v.at("stereo_width_high") == Approx(0.5).margin(1e-6));
        CHECK(v.at("stereo_correlation") == 0.0); // one silent channel
        CHECK(v.at("mono_fold_loss_db") == Approx(-3.0103).margin(1e-6));
        CHECK(v.at("low_end_mono_ok") == 0.0);
    }
    SECTION("polarity-inverted right") {
        const auto v = stereo(stereoBuffer(x, negated(x), rate));
        CHECK(v.at("stereo_width") == Approx(1.0).margin(1e-9));
        CHECK(v.at("stereo_width_low") == Approx(1.0).margin(1e-6));
        CHECK(v.at("stereo_width_mid") == Approx(1.0).margin(1e-6));
        CHECK(v.at("stereo_width_high") == Approx(1.0).margin(1e-6));
        CHECK(v.at("stereo_correlation") == Approx(-1.0).margin(1e-9));
        CHECK(v.at("low_end_correlation") == Approx(-1.0).margin(1e-6));
        CHECK(v.at("mono_fold_loss_db") == -100.0); // everything cancels: the floor
        CHECK(v.at("low_end_mono_ok") == 0.0);
    }
    SECTION("uncorrelated equal-level noise") {
        const auto v = stereo(stereoBuffer(programme(n, 3), programme(n, 4), rate));
        INFO("width " << v.at("stereo_width") << " corr " << v.at("stereo_correlation") << " low "
                      << v.at("stereo_width_low") << " low corr " << v.at("low_end_correlation")
                      << " fold " << v.at("mono_fold_loss_db"));
        // Estimation noise of 10 s of noise: 0.02 absolute on ratios (the low band
        // has the fewest degrees of freedom), 0.1 dB on the fold loss.
        CHECK(v.at("stereo_width") == Approx(0.5).margin(0.02));
        CHECK(v.at("stereo_width_low") == Approx(0.5).margin(0.05));
        CHECK(v.at("stereo_width_mid") == Approx(0.5).margin(0.02));
        CHECK(v.at("stereo_width_high") == Approx(0.5).margin(0.02));
        CHECK(v.at("stereo_correlation") == Approx(0.0).margin(0.02));
        CHECK(v.at("low_end_correlation") == Approx(0.0).margin(0.1));
        CHECK(v.at("mono_fold_loss_db") == Approx(-3.0103).margin(0.1));
    }
}

TEST_CASE("stereo: per-band width separates the bands", "[stereo]") {
    const double rate = GENERATE(44100.0, 48000.0, 96000.0);
    const auto n = static_cast<std::size_t>(rate * 6);
    const double half_pi = std::numbers::pi / 2;
    // Low: 60 Hz with R 90 degrees behind (width sin^2(45) = 0.5, correlation
    // cos 90 = 0); mid: 500 Hz identical (width 0); high: 5 kHz polarity-inverted (1).
    auto l = sine(60.0, 0.3, n, rate);
    auto r = sine(60.0, 0.3, n, rate, -half_pi);
    const auto mid = sine(500.0, 0.3, n, rate);
    const auto high = sine(5000.0, 0.3, n, rate);
    for (std::size_t i = 0; i < n; ++i) {
        l[i] += mid[i] + high[i];
        r[i] += mid[i] - high[i];
    }
    const auto v = stereo(stereoBuffer(l, r, rate));
    INFO("rate " << rate << " low " << v.at("stereo_width_low") << " mid "
                 << v.at("stereo_width_mid") << " high " << v.at("stereo_width_high")
                 << " low corr " << v.at("low_end_correlation"));
    // 0.01 absolute: filter/STFT leakage between bands is below -30 dB.
    CHECK(v.at("stereo_width_low") == Approx(0.5).margin(0.01));
    CHECK(v.at("low_end_correlation") == Approx(0.0).margin(0.01));
    CHECK(v.at("stereo_width_mid") == Approx(0.0).margin(0.01));
    CHECK(v.at("stereo_width_high") == Approx(1.0).margin(0.01));
    CHECK(v.at("low_end_mono_ok") == 0.0);
    // Overall: equal power in the three tones -> width (0.5 + 0 + 1) / 3.
    CHECK(v.at("stereo_width") == Approx(0.5).margin(0.01));
}

TEST_CASE("stereo: empty, one sample, silence", "[stereo]") {
    for (const std::size_t frames : {std::size_t{0}, std::size_t{1}, std::size_t{44100}}) {
        for (const std::size_t channels : {std::size_t{1}, std::size_t{2}}) {
            AudioBuffer a(channels, frames, 44100.0);
            if (frames == 1) {
                for (auto& ch : a.channels) {
                    ch[0] = 0.5f; // one identical sample per channel
                }
            }
            const auto v = stereo(a);
            INFO("frames " << frames << " channels " << channels);
            CHECK(v.at("stereo_width_mid") == 0.0);
            CHECK(v.at("stereo_width_low") == 0.0);
            CHECK(v.at("low_end_correlation") == 1.0);
            CHECK(v.at("low_end_mono_ok") == 1.0);
            CHECK(v.at("mono_fold_loss_db") <= 0.0);
        }
    }
}

TEST_CASE("stereo: per-section width", "[stereo]") {
    const double rate = 44100.0;
    const std::size_t n = 44100 * 5;
    // 5 s mono, then 5 s of uncorrelated channels.
    const auto a = programme(n, 5);
    const auto l = concat(a, programme(n, 6));
    const auto r = concat(a, programme(n, 7));
    auto family = makeStereoFamily();
    TrackFeatures track;
    const auto s = runSections(*family, stereoBuffer(l, r, rate), {{0.5, 4.5}, {5.5, 9.5}}, track);
    requireFinite(s[0]);
    requireFinite(s[1]);
    CHECK(s[0].at("stereo_width") == Approx(0.0).margin(1e-9));
    CHECK(s[0].at("stereo_correlation") == Approx(1.0).margin(1e-9));
    CHECK(s[0].at("stereo_width_mid") == Approx(0.0).margin(1e-6));
    CHECK(s[0].at("low_end_correlation") == Approx(1.0).margin(1e-3));
    CHECK(s[1].at("stereo_width") == Approx(0.5).margin(0.03));
    CHECK(s[1].at("stereo_width_high") == Approx(0.5).margin(0.03));
    CHECK(s[1].at("stereo_correlation") == Approx(0.0).margin(0.03));
    CHECK(track.values.at("stereo_width") == Approx(0.25).margin(0.02));
}
