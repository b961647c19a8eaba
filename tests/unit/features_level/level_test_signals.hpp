#pragma once
// Analytic and seeded test signals for the level (loudness / spectral / stereo)
// tests and the DSP blocks they use. Deterministic on every platform: the
// noise comes from std::mt19937_64 raw output with our own conversions.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <utility>
#include <vector>

#include "core/audio/audio_buffer.hpp"

namespace styledna::test {

inline double dbToAmplitude(double db) {
    return std::pow(10.0, db / 20.0);
}

// amplitude * sin(2 pi f t + phase), t = i / rate.
inline std::vector<float> sine(double hz, double amplitude, std::size_t frames, double rate_hz,
                               double phase_rad = 0.0) {
    std::vector<float> x(frames);
    const double w = 2.0 * std::numbers::pi * hz / rate_hz;
    for (std::size_t i = 0; i < frames; ++i) {
        x[i] = static_cast<float>(amplitude * std::sin(w * static_cast<double>(i) + phase_rad));
    }
    return x;
}

struct ToneSegment {
    double level_dbfs; // sine peak level
    double seconds;
};

// EBU-style tone sequence: each segment lasts floor(seconds * rate) samples;
// the phase runs on continuously across segments.
inline std::vector<float> toneSequence(const std::vector<ToneSegment>& segments, double hz,
                                       double rate_hz) {
    std::vector<float> x;
    const double w = 2.0 * std::numbers::pi * hz / rate_hz;
    std::size_t i = 0;
    for (const auto& s : segments) {
        const auto len = static_cast<std::size_t>(s.seconds * rate_hz);
        const double a = dbToAmplitude(s.level_dbfs);
        for (std::size_t k = 0; k < len; ++k, ++i) {
            x.push_back(static_cast<float>(a * std::sin(w * static_cast<double>(i))));
        }
    }
    return x;
}

class NoiseSource {
public:
    explicit NoiseSource(std::uint64_t seed) : m_rng(seed) {}
    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(m_rng() >> 11) * 0x1.0p-53; }
    // Standard normal (Box-Muller, one value per call).
    double gaussian() {
        const double u1 = 1.0 - uniform();
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }

private:
    std::mt19937_64 m_rng;
};

// Gaussian white noise with the given RMS.
inline std::vector<float> whiteNoise(std::size_t frames, double rms, std::uint64_t seed) {
    NoiseSource src(seed);
    std::vector<float> x(frames);
    for (auto& v : x) {
        v = static_cast<float>(rms * src.gaussian());
    }
    return x;
}

// Pink noise (-3 dB/octave power per Hz; equal power per octave) by Paul
// Kellet's refined filter (within +-0.05 dB of 1/f from 9 Hz to Nyquist at
// 44.1 kHz), scaled to the given RMS.
inline std::vector<float> pinkNoise(std::size_t frames, double rms, std::uint64_t seed) {
    NoiseSource src(seed);
    std::vector<double> y(frames);
    double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
    double energy = 0.0;
    for (std::size_t i = 0; i < frames + 20000; ++i) {
        const double white = src.gaussian();
        b0 = 0.99886 * b0 + white * 0.0555179;
        b1 = 0.99332 * b1 + white * 0.0750759;
        b2 = 0.96900 * b2 + white * 0.1538520;
        b3 = 0.86650 * b3 + white * 0.3104856;
        b4 = 0.55000 * b4 + white * 0.5329522;
        b5 = -0.7616 * b5 - white * 0.0168980;
        const double pink = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
        b6 = white * 0.115926;
        if (i >= 20000) { // skip the filters' start-up
            y[i - 20000] = pink;
            energy += pink * pink;
        }
    }
    const double scale = frames > 0 ? rms / std::sqrt(energy / static_cast<double>(frames)) : 0.0;
    std::vector<float> x(frames);
    for (std::size_t i = 0; i < frames; ++i) {
        x[i] = static_cast<float>(y[i] * scale);
    }
    return x;
}

inline core::AudioBuffer stereoBuffer(std::vector<float> left, std::vector<float> right,
                                      double rate_hz) {
    core::AudioBuffer b;
    b.sample_rate_hz = rate_hz;
    b.channels.push_back(std::move(left));
    b.channels.push_back(std::move(right));
    return b;
}

inline core::AudioBuffer monoBuffer(std::vector<float> x, double rate_hz) {
    core::AudioBuffer b;
    b.sample_rate_hz = rate_hz;
    b.channels.push_back(std::move(x));
    return b;
}

inline std::vector<float> scaled(std::vector<float> x, double gain) {
    for (auto& v : x) {
        v = static_cast<float>(v * gain);
    }
    return x;
}

inline std::vector<float> concat(std::vector<float> a, const std::vector<float>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

} // namespace styledna::test
