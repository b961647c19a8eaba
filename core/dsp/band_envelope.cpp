#include "core/dsp/band_envelope.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace styledna::core {
namespace {

BiquadSection design(bool highpass, double freq_hz, double q, double rate_hz) {
    const double w0 = 2.0 * std::numbers::pi * freq_hz / rate_hz;
    const double cw = std::cos(w0);
    const double alpha = std::sin(w0) / (2.0 * q);
    const double a0 = 1.0 + alpha;
    BiquadSection s;
    const double b_edge = highpass ? (1.0 + cw) / 2.0 : (1.0 - cw) / 2.0;
    const double b_mid = highpass ? -(1.0 + cw) : (1.0 - cw);
    s.b0 = static_cast<float>(b_edge / a0);
    s.b1 = static_cast<float>(b_mid / a0);
    s.b2 = static_cast<float>(b_edge / a0);
    s.a1 = static_cast<float>(-2.0 * cw / a0);
    s.a2 = static_cast<float>((1.0 - alpha) / a0);
    return s;
}

} // namespace

BiquadSection BiquadSection::highpass(double freq_hz, double q, double rate_hz) {
    return design(true, freq_hz, q, rate_hz);
}

BiquadSection BiquadSection::lowpass(double freq_hz, double q, double rate_hz) {
    return design(false, freq_hz, q, rate_hz);
}

// Butterworth: one section with Q 1/sqrt(2), or two with Q 0.5412 and 1.3066.
ButterworthBand::ButterworthBand(double lo_hz, double hi_hz, int highpass_order, double rate_hz)
    : hp(BiquadSection::highpass(
          lo_hz, highpass_order >= 4 ? 0.54119610 : std::numbers::sqrt2 / 2.0, rate_hz)),
      hp2(BiquadSection::highpass(lo_hz, 1.30656296, rate_hz)),
      lp(BiquadSection::lowpass(std::min(hi_hz, 0.45 * rate_hz), std::numbers::sqrt2 / 2.0,
                                rate_hz)),
      fourth(highpass_order >= 4), use_lp(hi_hz < 0.45 * rate_hz) {}

std::vector<float> bandPowerEnvelope(const float* x, std::size_t n, double rate_hz,
                                     const BandEnvelopeParams& params) {
    const std::size_t block = std::max<std::size_t>(1, params.block);
    std::vector<float> env((n + block - 1) / block, 0.0f);
    if (n == 0 || !(rate_hz > 0)) {
        return env;
    }
    ButterworthBand band(params.lo_hz, params.hi_hz, params.highpass_order, rate_hz);
    for (std::size_t b = 0; b < env.size(); ++b) {
        const std::size_t begin = b * block;
        const std::size_t end = std::min(n, begin + block);
        float acc = 0.0f;
        for (std::size_t i = begin; i < end; ++i) {
            const float y = band.process(x[i]);
            acc += y * y;
        }
        env[b] = acc / static_cast<float>(end - begin);
        band.flushDenormals();
    }
    return env;
}

} // namespace styledna::core
