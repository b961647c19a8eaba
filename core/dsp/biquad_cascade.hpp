#pragma once
// Second-order IIR sections in double precision and the designs the level
// features need: the two BS.1770 K-weighting stages, 2nd-order Butterworth
// low/high-pass and 4th-order Linkwitz-Riley (two identical Butterworth
// sections in series, -6 dB at the crossover).
//
// Conventions: coefficients are normalised so a0 = 1; the transfer function is
//   H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2).
// Every design is rate-agnostic (bilinear transform with pre-warping at the
// given rate); frequencies in Hz, 0 < f < rate / 2 (asserted by the caller).
//
// BiquadCascade runs its sections in series (transposed direct form II,
// double state) and keeps the state between calls; reset() restarts it.
// Not thread-safe: one thread per instance. Pure design functions are.

#include <array>
#include <cstddef>
#include <vector>

namespace styledna::core {

struct BiquadCoefficients {
    double b0 = 1.0, b1 = 0.0, b2 = 0.0, a1 = 0.0, a2 = 0.0;
};

// BS.1770-4 stage 1, the "pre-filter" high shelf (+4 dB above ~2 kHz), designed
// for any rate from the analog prototype (the same derivation libebur128 uses;
// at 48 kHz it reproduces the coefficients printed in BS.1770 to ~1e-8).
BiquadCoefficients kWeightingShelf(double rate_hz);
// BS.1770-4 stage 2, the RLB high-pass (~38 Hz), unnormalised numerator 1, -2, 1
// exactly as in the recommendation.
BiquadCoefficients kWeightingHighpass(double rate_hz);

BiquadCoefficients butterworthLowpass(double cutoff_hz, double rate_hz);  // Q = 1/sqrt(2)
BiquadCoefficients butterworthHighpass(double cutoff_hz, double rate_hz); // Q = 1/sqrt(2)
std::vector<BiquadCoefficients> linkwitzRileyLowpass(double cutoff_hz, double rate_hz);
std::vector<BiquadCoefficients> linkwitzRileyHighpass(double cutoff_hz, double rate_hz);

// |H(e^jw)| of one section at `hz` (linear), for tests and design checks.
double magnitudeAt(const BiquadCoefficients& c, double hz, double rate_hz);

class BiquadCascade {
public:
    explicit BiquadCascade(std::vector<BiquadCoefficients> sections);

    void reset();
    // out may alias in. n may be 0.
    void process(const float* in, float* out, std::size_t n);
    double processSample(double x);

private:
    std::vector<BiquadCoefficients> m_sections;
    std::vector<std::array<double, 2>> m_state;
};

} // namespace styledna::core
