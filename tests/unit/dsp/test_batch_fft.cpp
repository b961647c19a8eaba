// BatchRealFft against a double-precision DFT and against KissFFT: every
// size the features use, partial batches, and a frame's result independent of
// its lane and of the other frames in the batch.

#include <cmath>
#include <complex>
#include <random>
#include <vector>

#include <catch2/catch.hpp>
#include <kissfft/kiss_fftr.h>

#include "core/dsp/batch_fft.hpp"

using styledna::core::BatchRealFft;

namespace {

std::vector<float> randomFrames(std::size_t count, std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> x(count * n);
    for (auto& v : x) {
        v = u(rng);
    }
    return x;
}

std::vector<std::complex<double>> dft(const float* x, std::size_t n) {
    std::vector<std::complex<double>> out(n / 2 + 1);
    for (std::size_t k = 0; k <= n / 2; ++k) {
        std::complex<double> acc = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            const double a =
                -2.0 * M_PI * static_cast<double>((j * k) % n) / static_cast<double>(n);
            acc += static_cast<double>(x[j]) * std::complex<double>(std::cos(a), std::sin(a));
        }
        out[k] = acc;
    }
    return out;
}

} // namespace

TEST_CASE("batch FFT matches a double DFT for every size and batch fill", "[dsp][fft]") {
    for (std::size_t n : {16u, 32u, 64u, 256u, 1024u, 2048u}) {
        BatchRealFft fft(n);
        const std::size_t bins = n / 2 + 1;
        for (std::size_t count : {1u, 3u, 8u}) {
            const auto x = randomFrames(count, n, static_cast<unsigned>(n * 10 + count));
            std::vector<std::complex<float>> spec(count * bins);
            std::vector<float> power(count * bins), mag(count * bins);
            fft.forward(x.data(), count, spec.data());
            fft.forwardPower(x.data(), count, power.data());
            fft.forwardMagnitude(x.data(), count, mag.data());
            for (std::size_t l = 0; l < count; ++l) {
                const auto ref = dft(x.data() + l * n, n);
                double peak = 0.0, worst = 0.0, worst_pow = 0.0;
                for (std::size_t k = 0; k < bins; ++k) {
                    peak = std::max(peak, std::abs(ref[k]));
                }
                for (std::size_t k = 0; k < bins; ++k) {
                    const auto got = std::complex<double>(spec[l * bins + k]);
                    worst = std::max(worst, std::abs(got - ref[k]));
                    worst_pow =
                        std::max(worst_pow, std::abs(power[l * bins + k] - std::norm(ref[k])));
                    REQUIRE(mag[l * bins + k] ==
                            Approx(std::sqrt(power[l * bins + k])).margin(1e-6));
                }
                INFO("n " << n << " count " << count << " lane " << l << " peak " << peak);
                CHECK(worst <= 2e-6 * peak * std::log2(static_cast<double>(n)));
                CHECK(worst_pow <= 4e-6 * peak * peak * std::log2(static_cast<double>(n)));
            }
        }
    }
}

TEST_CASE("batch FFT agrees with kiss_fftr", "[dsp][fft]") {
    const std::size_t n = 2048, bins = n / 2 + 1;
    BatchRealFft fft(n);
    const auto x = randomFrames(8, n, 7);
    std::vector<std::complex<float>> spec(8 * bins);
    fft.forward(x.data(), 8, spec.data());
    kiss_fftr_cfg cfg = kiss_fftr_alloc(static_cast<int>(n), 0, nullptr, nullptr);
    std::vector<kiss_fft_cpx> ref(bins);
    double worst = 0.0, peak = 0.0;
    for (std::size_t l = 0; l < 8; ++l) {
        kiss_fftr(cfg, x.data() + l * n, ref.data());
        for (std::size_t k = 0; k < bins; ++k) {
            const std::complex<float> r(ref[k].r, ref[k].i);
            peak = std::max(peak, static_cast<double>(std::abs(r)));
            worst = std::max(worst, static_cast<double>(std::abs(spec[l * bins + k] - r)));
        }
    }
    kiss_fftr_free(cfg);
    INFO("peak " << peak << " worst " << worst);
    CHECK(worst <= 2e-6 * peak);
}

TEST_CASE("batch FFT: a frame's result does not depend on its lane or batch", "[dsp][fft]") {
    const std::size_t n = 1024, bins = n / 2 + 1;
    BatchRealFft fft(n);
    const auto x = randomFrames(8, n, 11);
    std::vector<float> all(8 * bins), one(bins), shifted(8 * bins);
    fft.forwardMagnitude(x.data(), 8, all.data());
    // Frame 5 alone (lane 0 of a batch of one) and frames rotated by 3 lanes.
    fft.forwardMagnitude(x.data() + 5 * n, 1, one.data());
    std::vector<float> rotated(8 * n);
    for (std::size_t l = 0; l < 8; ++l) {
        std::copy(x.begin() + static_cast<std::ptrdiff_t>(((l + 3) % 8) * n),
                  x.begin() + static_cast<std::ptrdiff_t>(((l + 3) % 8 + 1) * n),
                  rotated.begin() + static_cast<std::ptrdiff_t>(l * n));
    }
    fft.forwardMagnitude(rotated.data(), 8, shifted.data());
    for (std::size_t k = 0; k < bins; ++k) {
        REQUIRE(one[k] == all[5 * bins + k]);
        for (std::size_t l = 0; l < 8; ++l) {
            REQUIRE(shifted[l * bins + k] == all[((l + 3) % 8) * bins + k]);
        }
    }
}

TEST_CASE("batch FFT rejects sizes it cannot plan", "[dsp][fft]") {
    CHECK_THROWS_AS(BatchRealFft(8), std::invalid_argument);
    CHECK_THROWS_AS(BatchRealFft(1000), std::invalid_argument);
    BatchRealFft fft(16);
    std::vector<float> x(9 * 16), out(9 * 9);
    CHECK_THROWS_AS(fft.forwardPower(x.data(), 9, out.data()), std::invalid_argument);
}

TEST_CASE("batch inverse FFT: round trip and kiss_fftri", "[dsp][fft]") {
    for (std::size_t n : {16u, 32u, 128u, 2048u}) {
        BatchRealFft fft(n);
        const std::size_t bins = n / 2 + 1;
        for (std::size_t count : {1u, 5u, 8u}) {
            const auto x = randomFrames(count, n, static_cast<unsigned>(n + count));
            std::vector<std::complex<float>> spec(count * bins);
            fft.forward(x.data(), count, spec.data());
            // Imaginary parts of bins 0 and n / 2 are ignored: garbage there
            // must not change the result.
            for (std::size_t l = 0; l < count; ++l) {
                spec[l * bins] += std::complex<float>(0.0f, 3.0f);
                spec[l * bins + bins - 1] += std::complex<float>(0.0f, -2.0f);
            }
            std::vector<float> back(count * n, 0.0f);
            fft.inverse(spec.data(), count, back.data());
            double worst = 0.0;
            for (std::size_t i = 0; i < count * n; ++i) {
                worst = std::max(worst, std::abs(static_cast<double>(back[i]) / n - x[i]));
            }
            INFO("n " << n << " count " << count);
            CHECK(worst <= 1e-6 * std::log2(static_cast<double>(n)));
            // Against KissFFT's inverse on the same (cleaned) bins.
            kiss_fftr_cfg inv = kiss_fftr_alloc(static_cast<int>(n), 1, nullptr, nullptr);
            std::vector<kiss_fft_cpx> in(bins);
            std::vector<float> ref(n);
            double diff = 0.0;
            for (std::size_t l = 0; l < count; ++l) {
                for (std::size_t k = 0; k < bins; ++k) {
                    in[k].r = spec[l * bins + k].real();
                    in[k].i = k == 0 || k == bins - 1 ? 0.0f : spec[l * bins + k].imag();
                }
                kiss_fftri(inv, in.data(), ref.data());
                for (std::size_t i = 0; i < n; ++i) {
                    diff = std::max(diff, std::abs(static_cast<double>(ref[i] - back[l * n + i])));
                }
            }
            kiss_fftr_free(inv);
            CHECK(diff <= 2e-6 * static_cast<double>(n) * std::log2(static_cast<double>(n)));
        }
    }
}

TEST_CASE("batch FFT: the portable path agrees with the SIMD one", "[dsp][fft]") {
    const std::size_t n = 512, bins = n / 2 + 1;
    BatchRealFft best(n), portable(n, BatchRealFft::Path::kPortable);
    const auto x = randomFrames(6, n, 5);
    std::vector<std::complex<float>> a(6 * bins), b(6 * bins);
    best.forward(x.data(), 6, a.data());
    portable.forward(x.data(), 6, b.data());
    std::vector<float> pa(6 * bins), pb(6 * bins), ma(6 * bins), mb(6 * bins);
    best.forwardPower(x.data(), 6, pa.data());
    portable.forwardPower(x.data(), 6, pb.data());
    best.forwardMagnitude(x.data(), 6, ma.data());
    portable.forwardMagnitude(x.data(), 6, mb.data());
    double peak = 0.0, diff = 0.0, pdiff = 0.0, mdiff = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        peak = std::max(peak, static_cast<double>(std::abs(b[i])));
        diff = std::max(diff, static_cast<double>(std::abs(a[i] - b[i])));
        pdiff = std::max(pdiff, static_cast<double>(std::abs(pa[i] - pb[i])));
        mdiff = std::max(mdiff, static_cast<double>(std::abs(ma[i] - mb[i])));
    }
    CHECK(diff <= 2e-6 * peak);
    CHECK(pdiff <= 4e-6 * peak * peak);
    CHECK(mdiff <= 2e-6 * peak);
    std::vector<float> ya(6 * n), yb(6 * n);
    best.inverse(b.data(), 6, ya.data());
    portable.inverse(b.data(), 6, yb.data());
    for (std::size_t i = 0; i < ya.size(); ++i) {
        REQUIRE(yb[i] / n == Approx(x[i]).margin(1e-5));
        REQUIRE(ya[i] == Approx(yb[i]).margin(1e-5 * n));
    }
}
