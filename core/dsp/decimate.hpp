#pragma once
// Integer-factor decimation with a triangular (2-stage CIC / Bartlett) kernel,
// for analyses that only need the low end (< ~250 Hz) of a full-rate signal.
//
// decimateTriangular(x, n, factor): y[m] = sum_j w[j] x[m*factor + j] over
// j in (-factor, factor), w[j] = (factor - |j|) / factor^2 (DC gain 1, zero
// phase: output m is centred on input sample m*factor); samples outside [0, n)
// are zero. Output size ceil(n / factor); factor 1 copies. Output rate is
// rate / factor.
// Response: H(f) = [sin(pi f D / fs) / (D sin(pi f / fs))]^2, D = factor:
// -0.01 dB at 150 Hz and nulls at multiples of fs / D for D = 8 at 44.1 kHz;
// content within +-400 Hz of those nulls (the only part that aliases below
// 400 Hz) is attenuated by >= 44 dB. Not a general-purpose resampler.
// Cost: 2 * factor - 1 multiply-adds per output (~2 per input sample).
// Thread-safety: pure function.

#include <cstddef>
#include <vector>

namespace styledna::core {

std::vector<float> decimateTriangular(const float* x, std::size_t n, std::size_t factor);

// Factor that brings `rate_hz` down to about `target_hz` (>= 1, floor).
std::size_t decimationFactorFor(double rate_hz, double target_hz);

} // namespace styledna::core
