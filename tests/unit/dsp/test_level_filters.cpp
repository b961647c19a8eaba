// Biquad designs (K-weighting, Butterworth, Linkwitz-Riley), the triangular
// decimator and fractional-bin band integration used by the level features.

#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>
#include <vector>

#include "core/dsp/biquad_cascade.hpp"
#include "core/dsp/decimate.hpp"
#include "core/dsp/spectral_bands.hpp"
#include "core/dsp/stft.hpp"
#include "unit/features_level/level_test_signals.hpp"

using namespace styledna::core;

namespace {
double db(double linear) {
    return 20.0 * std::log10(linear);
}
} // namespace

TEST_CASE("K-weighting reproduces BS.1770-4 at 48 kHz", "[dsp][biquad][loudness]") {
    const auto s1 = kWeightingShelf(48000.0);
    const auto s2 = kWeightingHighpass(48000.0);
    // Coefficients printed in BS.1770-4 Annex 1 (14 digits); 1e-8 absolute
    // leaves room for the analog-prototype derivation's rounding only.
    CHECK(s1.b0 == Approx(1.53512485958697).margin(1e-8));
    CHECK(s1.b1 == Approx(-2.69169618940638).margin(1e-8));
    CHECK(s1.b2 == Approx(1.19839281085285).margin(1e-8));
    CHECK(s1.a1 == Approx(-1.69065929318241).margin(1e-8));
    CHECK(s1.a2 == Approx(0.73248077421585).margin(1e-8));
    CHECK(s2.b0 == 1.0);
    CHECK(s2.b1 == -2.0);
    CHECK(s2.b2 == 1.0);
    CHECK(s2.a1 == Approx(-1.99004745483398).margin(1e-8));
    CHECK(s2.a2 == Approx(0.99007225036621).margin(1e-8));
}

TEST_CASE("K-weighting response is rate-agnostic", "[dsp][biquad][loudness]") {
    const double rate = GENERATE(44100.0, 48000.0, 96000.0);
    const auto gainDb = [&](double hz) {
        return db(magnitudeAt(kWeightingShelf(rate), hz, rate) *
                  magnitudeAt(kWeightingHighpass(rate), hz, rate));
    };
    // +0.691 dB at 997 Hz is what the -0.691 LUFS offset cancels; 0.01 dB absolute
    // (the bilinear warping differs between rates by less than that at 1 kHz).
    INFO("rate " << rate << " gain at 997 Hz " << gainDb(997.0) << " dB");
    CHECK(gainDb(997.0) == Approx(0.691).margin(0.02));
    // +4 dB shelf plateau around 10 kHz (0.1 dB absolute: still below the top).
    CHECK(gainDb(10000.0) == Approx(4.0).margin(0.1));
    // RLB high-pass: about -3 dB near 40 Hz, strongly down at 10 Hz.
    CHECK(gainDb(40.0) < -2.0);
    CHECK(gainDb(10.0) < -20.0);
}

TEST_CASE("Butterworth and Linkwitz-Riley corners", "[dsp][biquad]") {
    const double rate = GENERATE(8000.0, 44100.0, 48000.0, 96000.0);
    for (const double fc : {120.0, 1000.0}) {
        // 0.01 dB absolute: the bilinear pre-warping makes the corner exact.
        CHECK(db(magnitudeAt(butterworthLowpass(fc, rate), fc, rate)) ==
              Approx(-3.0103).margin(0.01));
        CHECK(db(magnitudeAt(butterworthHighpass(fc, rate), fc, rate)) ==
              Approx(-3.0103).margin(0.01));
        const auto lr = linkwitzRileyLowpass(fc, rate);
        CHECK(db(magnitudeAt(lr[0], fc, rate) * magnitudeAt(lr[1], fc, rate)) ==
              Approx(-6.0206).margin(0.01));
        // Monotonic low-pass over a sweep (invariant).
        double prev = 2.0;
        for (double f = 10.0; f < 0.45 * rate; f *= 1.25) {
            const double m = magnitudeAt(lr[0], f, rate) * magnitudeAt(lr[1], f, rate);
            REQUIRE(m <= prev + 1e-12);
            prev = m;
        }
    }
}

TEST_CASE("BiquadCascade steady state matches the design", "[dsp][biquad]") {
    const double rate = 44100.0;
    BiquadCascade lp(linkwitzRileyLowpass(120.0, rate));
    for (const double f : {60.0, 120.0, 240.0}) {
        lp.reset();
        auto x = styledna::test::sine(f, 1.0, 44100, rate);
        lp.process(x.data(), x.data(), x.size());
        float peak = 0.0f;
        for (std::size_t i = x.size() / 2; i < x.size(); ++i) {
            peak = std::max(peak, std::fabs(x[i]));
        }
        const auto c = linkwitzRileyLowpass(120.0, rate);
        const double expected = magnitudeAt(c[0], f, rate) * magnitudeAt(c[1], f, rate);
        // 0.5 % relative: peak picking on samples of a 44.1 kHz sine.
        CHECK(peak == Approx(expected).epsilon(0.005));
    }
    lp.process(nullptr, nullptr, 0); // empty input is a no-op
    BiquadCascade none({});
    std::vector<float> a{1.0f, 2.0f}, b(2);
    none.process(a.data(), b.data(), 2);
    CHECK(b == a);
}

TEST_CASE("triangular decimator", "[dsp][decimate]") {
    CHECK(decimateTriangular(nullptr, 0, 8).empty());
    CHECK(decimationFactorFor(44100.0, 5512.5) == 8);
    CHECK(decimationFactorFor(48000.0, 5512.5) == 8);
    CHECK(decimationFactorFor(8000.0, 5512.5) == 1);
    CHECK(decimationFactorFor(96000.0, 5512.5) == 17);
    const std::vector<float> one{0.5f};
    const auto y1 = decimateTriangular(one.data(), 1, 8);
    REQUIRE(y1.size() == 1);
    CHECK(y1[0] == Approx(0.5f / 8.0f)); // centre weight 8/64 (zeros outside)
    std::vector<float> dc(1000, 1.0f);
    const auto ydc = decimateTriangular(dc.data(), dc.size(), 8);
    CHECK(ydc.size() == 125);
    CHECK(ydc[60] == Approx(1.0f).epsilon(1e-6)); // DC gain 1 (relative, float rounding)
    const double rate = 44100.0;
    const auto amplitudeAfter = [&](double f) {
        const auto x = styledna::test::sine(f, 1.0, 44100, rate);
        const auto y = decimateTriangular(x.data(), x.size(), 8);
        double ms = 0.0;
        for (std::size_t i = 100; i + 100 < y.size(); ++i) {
            ms += static_cast<double>(y[i]) * y[i];
        }
        return std::sqrt(2.0 * ms / static_cast<double>(y.size() - 200));
    };
    // Passband: 0.05 dB absolute up to 150 Hz (theory -0.01 dB).
    CHECK(db(amplitudeAfter(100.0)) == Approx(0.0).margin(0.05));
    CHECK(db(amplitudeAfter(150.0)) == Approx(0.0).margin(0.05));
    // Content that would alias below 400 Hz (within 400 Hz of fs/8) is >= 44 dB down.
    CHECK(db(amplitudeAfter(5512.5 - 400.0)) < -44.0);
    CHECK(db(amplitudeAfter(5512.5 + 300.0)) < -44.0);
}

TEST_CASE("fractional band weights", "[dsp][spectral_bands]") {
    const double rate = GENERATE(44100.0, 48000.0, 96000.0);
    const std::size_t n = 2048;
    const std::size_t bins = n / 2 + 1;
    const double d = rate / static_cast<double>(n);
    for (const auto& [lo, hi] : std::vector<std::pair<double, double>>{
             {20, 60}, {60, 150}, {150, 400}, {10000, 20000}, {0, rate / 2}}) {
        const auto b = makeBandWeights(bins, d, lo, hi);
        // Weights are fractions of each bin's interval (half-width at DC and
        // Nyquist): weighted interval widths integrate exactly the band width.
        double width = 0.0;
        for (std::size_t i = 0; i < b.weights.size(); ++i) {
            const std::size_t k = b.first_bin + i;
            const double bin_width = (k == 0 || k + 1 == bins) ? 0.5 * d : d;
            width += b.weights[i] * bin_width;
        }
        CHECK(width == Approx(std::min(hi, rate / 2) - lo).epsilon(1e-9)); // relative, rounding
    }
    CHECK(makeBandWeights(bins, d, rate, rate * 2).empty()); // above Nyquist
    CHECK(makeBandWeights(bins, d, 100, 50).empty());        // inverted
    // Hann power normalisation: a full-scale sine at a bin centre sums to 0.5.
    const double f = 40.0 * d;
    const auto x = styledna::test::sine(f, 1.0, 8192, rate);
    const auto spec = computeStft(x.data(), x.size(), rate, {n, 512, WindowType::kHann});
    const float* mag = spec.frame(8);
    double total = 0.0;
    for (std::size_t k = 0; k < bins; ++k) {
        total += hannPowerScale(n, k, bins) * static_cast<double>(mag[k]) * mag[k];
    }
    CHECK(total == Approx(0.5).epsilon(1e-4)); // relative: float FFT rounding
}
