#pragma once
// Band-limited power envelope at fine time resolution (about 1 ms), the input
// of beat-synchronous folding (sidechain pumping analysis).
//
// bandPowerEnvelope(x, n, rate, params):
//   y = x filtered by a Butterworth high-pass at lo_hz of order 2 or 4
//   (highpass_order) and a 2nd-order Butterworth low-pass at hi_hz (skipped
//   when hi_hz >= 0.45 * rate); the envelope value of block b is
//   mean(y[i]^2) over samples [b * block, (b + 1) * block), linear power,
//   full scale sine = 0.5. Block b is centred at (b + 0.5) * block / rate s.
//   Size: ceil(n / block) values; the last block averages what exists.
// Cost: about 5 flops per sample per biquad (2 or 3, float) plus one square-add.
// Thread-safety: pure function.

#include <cmath>
#include <cstddef>
#include <vector>

namespace styledna::core {

struct BandEnvelopeParams {
    double lo_hz = 200.0;   // high-pass corner, > 0
    double hi_hz = 3000.0;  // low-pass corner, > lo_hz
    std::size_t block = 44; // samples per envelope value (44 = 0.998 ms at 44.1 kHz)
    int highpass_order = 2; // 2 or 4
};

std::vector<float> bandPowerEnvelope(const float* x, std::size_t n, double rate_hz,
                                     const BandEnvelopeParams& params);

// Second-order section (RBJ cookbook, transposed direct form II, float state).
struct BiquadSection {
    float b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
    float z1 = 0, z2 = 0;
    static BiquadSection highpass(double freq_hz, double q, double rate_hz);
    static BiquadSection lowpass(double freq_hz, double q, double rate_hz);
    float process(float x) {
        const float y = b0 * x + z1;
        z1 = b1 * x - a1 * y + z2;
        z2 = b2 * x - a2 * y;
        return y;
    }
    // Zeroes state below 1e-25 so silence never runs on denormals.
    void flushDenormals() {
        if (std::fabs(z1) < 1e-25f) {
            z1 = 0.0f;
        }
        if (std::fabs(z2) < 1e-25f) {
            z2 = 0.0f;
        }
    }
};

// Butterworth band filter, sample by sample: a high-pass at lo_hz of order 2
// (Q 1/sqrt(2)) or 4 (Q 0.5412 and 1.3066), then a 2nd-order low-pass at
// hi_hz, skipped when hi_hz >= 0.45 * rate_hz. bandPowerEnvelope's filter;
// the sidechain bands use it too.
struct ButterworthBand {
    ButterworthBand(double lo_hz, double hi_hz, int highpass_order, double rate_hz);
    float process(float x) {
        float y = hp.process(x);
        if (fourth) {
            y = hp2.process(y);
        }
        return use_lp ? lp.process(y) : y;
    }
    void flushDenormals() {
        hp.flushDenormals();
        hp2.flushDenormals();
        lp.flushDenormals();
    }
    BiquadSection hp;
    BiquadSection hp2;
    BiquadSection lp;
    bool fourth = false;
    bool use_lp = false;
};

} // namespace styledna::core
