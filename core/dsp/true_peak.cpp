#include "core/dsp/true_peak.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

namespace styledna::core {
namespace {

constexpr std::size_t kTaps = kTruePeakTapsPerPhase;
constexpr std::size_t kPhases = kTruePeakPhases - 1;
constexpr std::size_t kLanes = 8;    // sample-peak lanes
constexpr std::size_t kBlock = 16;   // interpolated outputs computed together
constexpr std::size_t kChunk = 4096; // outputs per buffer refill, multiple of kBlock

using Lanes = float[kLanes];

// GCC/Clang generic vectors: portable 8-wide float arithmetic (two SSE2 /
// NEON registers, one AVX2 register) that the compiler keeps in registers,
// ~5x faster here than the equivalent scalar loops it auto-vectorises.
using V8 = float __attribute__((vector_size(32)));

// mx = max(mx, |v|), lane-wise; by reference (no vector values cross a call
// boundary, whose ABI would differ between the builds below).
[[gnu::always_inline]] inline void absMaxInto(V8& mx, const V8& v) {
    const V8 negated = -v;
    const V8 magnitude = v > negated ? v : negated;
    mx = mx > magnitude ? mx : magnitude;
}

inline void laneMax(Lanes& mx, const Lanes& v) {
    for (std::size_t l = 0; l < kLanes; ++l) {
        const float a = std::fabs(v[l]);
        mx[l] = mx[l] < a ? a : mx[l];
    }
}

// max |y_p[m]| over the three interpolating phases and every m: 16 outputs x
// 3 phases in six 8-wide accumulators, each input load shared by the phases.
// Every output is the same sequence of float multiplies and adds in any build
// (lanes are independent; max is exact), so the AVX2 build chosen at run time
// below gives bit-identical results.
[[gnu::always_inline]] inline float interpolatedPeakBody(const float* x, std::size_t n,
                                                         const float (&g)[kPhases][kTaps]) {
    const std::size_t total = n + kTaps - 1;
    std::vector<float> buf(kChunk + kTaps - 1, 0.0f);
    V8 mx_lo{}, mx_hi{};
    for (std::size_t m0 = 0; m0 < total; m0 += kChunk) {
        const std::size_t count = std::min(kChunk, total - m0);
        const std::size_t padded = (count + kBlock - 1) / kBlock * kBlock;
        const std::size_t len = padded + kTaps - 1;
        // buf[i] = xp[m0 + i] = x[m0 + i - (kTaps - 1)] where that index is valid.
        std::fill(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len), 0.0f);
        const auto shift = static_cast<std::ptrdiff_t>(kTaps - 1);
        const std::ptrdiff_t src_lo =
            std::max<std::ptrdiff_t>(0, static_cast<std::ptrdiff_t>(m0) - shift);
        const std::ptrdiff_t src_hi = std::min<std::ptrdiff_t>(
            static_cast<std::ptrdiff_t>(n), static_cast<std::ptrdiff_t>(m0 + len) - shift);
        if (src_hi > src_lo) {
            std::memcpy(buf.data() + (src_lo + shift - static_cast<std::ptrdiff_t>(m0)), x + src_lo,
                        static_cast<std::size_t>(src_hi - src_lo) * sizeof(float));
        }
        const float* b = buf.data();
        for (std::size_t m = 0; m < padded; m += kBlock) {
            V8 a0{}, a1{}, a2{}, c0{}, c1{}, c2{};
            for (std::size_t j = 0; j < kTaps; ++j) {
                V8 lo, hi;
                std::memcpy(&lo, b + m + j, sizeof(lo));
                std::memcpy(&hi, b + m + 8 + j, sizeof(hi));
                a0 += g[0][j] * lo;
                a1 += g[1][j] * lo;
                a2 += g[2][j] * lo;
                c0 += g[0][j] * hi;
                c1 += g[1][j] * hi;
                c2 += g[2][j] * hi;
            }
            absMaxInto(mx_lo, a0);
            absMaxInto(mx_lo, a1);
            absMaxInto(mx_lo, a2);
            absMaxInto(mx_hi, c0);
            absMaxInto(mx_hi, c1);
            absMaxInto(mx_hi, c2);
        }
    }
    float peak = 0.0f;
    for (int l = 0; l < 8; ++l) {
        peak = std::max(peak, std::max(mx_lo[l], mx_hi[l]));
    }
    return peak;
}

float interpolatedPeakPortable(const float* x, std::size_t n, const float (&g)[kPhases][kTaps]) {
    return interpolatedPeakBody(x, n, g);
}

// x86-64: an AVX2 build of the same body, picked by a plain CPU check (not an
// ifunc/target_clones resolver, which sanitizer runtimes cannot run).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
[[gnu::target("avx2")]] float interpolatedPeakAvx2(const float* x, std::size_t n,
                                                   const float (&g)[kPhases][kTaps]) {
    return interpolatedPeakBody(x, n, g);
}

float interpolatedPeak(const float* x, std::size_t n, const float (&g)[kPhases][kTaps]) {
    static const bool avx2 = __builtin_cpu_supports("avx2");
    return avx2 ? interpolatedPeakAvx2(x, n, g) : interpolatedPeakPortable(x, n, g);
}
#else
float interpolatedPeak(const float* x, std::size_t n, const float (&g)[kPhases][kTaps]) {
    return interpolatedPeakPortable(x, n, g);
}
#endif

} // namespace

const std::array<std::array<float, kTruePeakTapsPerPhase>, kTruePeakPhases - 1>& truePeakFilter() {
    static const auto h = [] {
        constexpr double kBeta = 5.0;
        constexpr std::size_t kLength = kTruePeakPhases * kTaps + 1; // 49, centre 24
        constexpr double kCentre = (kLength - 1) / 2.0;
        const auto bessel0 = [](double x) {
            double sum = 1.0, term = 1.0;
            for (int k = 1; k < 40; ++k) {
                term *= (x / (2.0 * k)) * (x / (2.0 * k));
                sum += term;
            }
            return sum;
        };
        std::array<std::array<float, kTaps>, kTruePeakPhases - 1> out{};
        for (std::size_t p = 1; p < kTruePeakPhases; ++p) {
            double taps[kTaps];
            double sum = 0.0;
            for (std::size_t k = 0; k < kTaps; ++k) {
                const double m = static_cast<double>(kTruePeakPhases * k + p) - kCentre;
                const double arg = std::numbers::pi * m / static_cast<double>(kTruePeakPhases);
                const double r = m / kCentre;
                taps[k] =
                    std::sin(arg) / arg * bessel0(kBeta * std::sqrt(1.0 - r * r)) / bessel0(kBeta);
                sum += taps[k];
            }
            for (std::size_t k = 0; k < kTaps; ++k) {
                out[p - 1][k] = static_cast<float>(taps[k] / sum);
            }
        }
        return out;
    }();
    return h;
}

double truePeakAmplitude(const float* x, std::size_t n) {
    if (n == 0) {
        return 0.0;
    }
    // y_p[m] = sum_k h_p[k] x[m - k] = sum_j g_p[j] xp[m + j], with g reversed and
    // xp = x delayed by kTaps - 1 (zeros outside), for m in [0, n + kTaps - 1).
    const auto& h = truePeakFilter();
    float g[kPhases][kTaps];
    for (std::size_t p = 0; p < kPhases; ++p) {
        for (std::size_t j = 0; j < kTaps; ++j) {
            g[p][j] = h[p][kTaps - 1 - j];
        }
    }
    float peak = interpolatedPeak(x, n, g);
    Lanes smx = {};
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        Lanes v;
        std::memcpy(v, x + i, sizeof(v));
        laneMax(smx, v);
    }
    for (; i < n; ++i) {
        peak = std::max(peak, std::fabs(x[i]));
    }
    for (std::size_t l = 0; l < kLanes; ++l) {
        peak = std::max(peak, smx[l]);
    }
    return peak;
}

double amplitudeToDb(double amplitude, double floor_db) {
    if (!(amplitude > 0.0)) {
        return floor_db;
    }
    return std::max(floor_db, 20.0 * std::log10(amplitude));
}

} // namespace styledna::core
