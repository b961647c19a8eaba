#include "core/dsp/biquad_cascade.hpp"

#include <cmath>
#include <complex>
#include <numbers>

namespace styledna::core {
namespace {

constexpr double kButterworthQ = 0.70710678118654752;

BiquadCoefficients rbjPass(double cutoff_hz, double rate_hz, bool lowpass) {
    const double w0 = 2.0 * std::numbers::pi * cutoff_hz / rate_hz;
    const double cw = std::cos(w0);
    const double alpha = std::sin(w0) / (2.0 * kButterworthQ);
    const double a0 = 1.0 + alpha;
    BiquadCoefficients c;
    if (lowpass) {
        c.b0 = (1.0 - cw) / 2.0 / a0;
        c.b1 = (1.0 - cw) / a0;
    } else {
        c.b0 = (1.0 + cw) / 2.0 / a0;
        c.b1 = -(1.0 + cw) / a0;
    }
    c.b2 = c.b0;
    c.a1 = -2.0 * cw / a0;
    c.a2 = (1.0 - alpha) / a0;
    return c;
}

} // namespace

BiquadCoefficients kWeightingShelf(double rate_hz) {
    constexpr double f0 = 1681.974450955533;
    constexpr double gain_db = 3.999843853973347;
    constexpr double q = 0.7071752369554196;
    const double k = std::tan(std::numbers::pi * f0 / rate_hz);
    const double vh = std::pow(10.0, gain_db / 20.0);
    const double vb = std::pow(vh, 0.4996667741545416);
    const double a0 = 1.0 + k / q + k * k;
    BiquadCoefficients c;
    c.b0 = (vh + vb * k / q + k * k) / a0;
    c.b1 = 2.0 * (k * k - vh) / a0;
    c.b2 = (vh - vb * k / q + k * k) / a0;
    c.a1 = 2.0 * (k * k - 1.0) / a0;
    c.a2 = (1.0 - k / q + k * k) / a0;
    return c;
}

BiquadCoefficients kWeightingHighpass(double rate_hz) {
    constexpr double f0 = 38.13547087602444;
    constexpr double q = 0.5003270373238773;
    const double k = std::tan(std::numbers::pi * f0 / rate_hz);
    const double a0 = 1.0 + k / q + k * k;
    BiquadCoefficients c;
    c.b0 = 1.0;
    c.b1 = -2.0;
    c.b2 = 1.0;
    c.a1 = 2.0 * (k * k - 1.0) / a0;
    c.a2 = (1.0 - k / q + k * k) / a0;
    return c;
}

BiquadCoefficients butterworthLowpass(double cutoff_hz, double rate_hz) {
    return rbjPass(cutoff_hz, rate_hz, true);
}

BiquadCoefficients butterworthHighpass(double cutoff_hz, double rate_hz) {
    return rbjPass(cutoff_hz, rate_hz, false);
}

std::vector<BiquadCoefficients> linkwitzRileyLowpass(double cutoff_hz, double rate_hz) {
    const auto s = butterworthLowpass(cutoff_hz, rate_hz);
    return {s, s};
}

std::vector<BiquadCoefficients> linkwitzRileyHighpass(double cutoff_hz, double rate_hz) {
    const auto s = butterworthHighpass(cutoff_hz, rate_hz);
    return {s, s};
}

double magnitudeAt(const BiquadCoefficients& c, double hz, double rate_hz) {
    const double w = 2.0 * std::numbers::pi * hz / rate_hz;
    const std::complex<double> z1 = std::polar(1.0, -w);
    const std::complex<double> z2 = z1 * z1;
    return std::abs((c.b0 + c.b1 * z1 + c.b2 * z2) / (1.0 + c.a1 * z1 + c.a2 * z2));
}

BiquadCascade::BiquadCascade(std::vector<BiquadCoefficients> sections)
    : m_sections(std::move(sections)), m_state(m_sections.size(), {0.0, 0.0}) {}

void BiquadCascade::reset() {
    for (auto& s : m_state) {
        s = {0.0, 0.0};
    }
}

double BiquadCascade::processSample(double x) {
    for (std::size_t i = 0; i < m_sections.size(); ++i) {
        const auto& c = m_sections[i];
        auto& z = m_state[i];
        const double y = c.b0 * x + z[0];
        z[0] = c.b1 * x - c.a1 * y + z[1];
        z[1] = c.b2 * x - c.a2 * y;
        x = y;
    }
    return x;
}

void BiquadCascade::process(const float* in, float* out, std::size_t n) {
    for (std::size_t i = 0; i < m_sections.size(); ++i) {
        const auto c = m_sections[i];
        double z0 = m_state[i][0];
        double z1 = m_state[i][1];
        const float* src = i == 0 ? in : out;
        for (std::size_t j = 0; j < n; ++j) {
            const double x = src[j];
            const double y = c.b0 * x + z0;
            z0 = c.b1 * x - c.a1 * y + z1;
            z1 = c.b2 * x - c.a2 * y;
            out[j] = static_cast<float>(y);
        }
        // Keep silence from running on denormals after a decayed tail.
        m_state[i] = {std::fabs(z0) < 1e-30 ? 0.0 : z0, std::fabs(z1) < 1e-30 ? 0.0 : z1};
    }
    if (m_sections.empty() && out != in) {
        for (std::size_t j = 0; j < n; ++j) {
            out[j] = in[j];
        }
    }
}

} // namespace styledna::core
