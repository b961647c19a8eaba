#include "core/audio/synth/drum_voices.hpp"

#include <cmath>
#include <numbers>

#include "core/audio/synth/synth_dsp.hpp"
#include "core/audio/synth/synth_random.hpp"

namespace styledna::core::synth_detail {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

std::size_t framesFor(double ms, double rate_hz) {
    return static_cast<std::size_t>(std::ceil(ms * 1e-3 * rate_hz)) + 1;
}

// exp(-t / tau) reaching -60 dB (factor 1e-3) at decay_ms.
double decayPerSample(double decay_ms, double rate_hz) {
    return std::exp(std::log(1e-3) / (decay_ms * 1e-3 * rate_hz));
}

} // namespace

std::vector<float> renderKick(double start_hz, double end_hz, double decay_ms, double rate_hz,
                              std::uint32_t noise_seed) {
    std::vector<float> out(framesFor(decay_ms, rate_hz));
    NoiseSource noise(noise_seed);
    Biquad click_hp;
    click_hp.design(Biquad::Kind::kHighpass, 2500.0, 0.7, rate_hz);
    const double amp_step = decayPerSample(decay_ms, rate_hz);
    const double pitch_step = std::exp(-1.0 / (0.035 * rate_hz));
    const double click_step = std::exp(-1.0 / (0.0012 * rate_hz));
    double amp = 1.0, sweep = 1.0, click = 0.5, phase = 0.0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double hz = end_hz + (start_hz - end_hz) * sweep;
        const double body = std::sin(kTwoPi * phase) * amp;
        const double transient = click_hp.process(noise.next()) * click;
        // Short fade-in (0.2 ms) so the onset is not a step.
        const double fade = std::min(1.0, static_cast<double>(i) / (0.0002 * rate_hz));
        out[i] = static_cast<float>(softSaturate(1.3 * (body + transient)) * fade);
        phase += hz / rate_hz;
        phase -= std::floor(phase);
        amp *= amp_step;
        sweep *= pitch_step;
        click *= click_step;
    }
    return out;
}

std::vector<float> renderClap(double rate_hz, std::uint32_t noise_seed) {
    std::vector<float> out(framesFor(200.0, rate_hz));
    NoiseSource noise(noise_seed);
    Biquad bp;
    bp.design(Biquad::Kind::kBandpass, 1200.0, 1.2, rate_hz);
    const double tail_step = decayPerSample(160.0, rate_hz);
    const double burst_step = decayPerSample(9.0, rate_hz);
    const std::size_t spacing = static_cast<std::size_t>(0.010 * rate_hz);
    double tail = 1.0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        double env = 0.0;
        for (std::size_t burst = 0; burst < 3; ++burst) {
            if (i >= burst * spacing) {
                env = std::max(env, std::pow(burst_step, static_cast<double>(i - burst * spacing)));
            }
        }
        if (i >= 2 * spacing) {
            env = std::max(env, 0.6 * tail);
            tail *= tail_step;
        }
        out[i] = static_cast<float>(2.5 * bp.process(noise.next()) * env);
    }
    return out;
}

std::vector<float> renderHat(double decay_ms, double rate_hz, std::uint32_t noise_seed) {
    std::vector<float> out(framesFor(decay_ms, rate_hz));
    NoiseSource noise(noise_seed);
    Biquad hp1, hp2;
    hp1.design(Biquad::Kind::kHighpass, 7000.0, 0.7, rate_hz);
    hp2.design(Biquad::Kind::kHighpass, 7000.0, 0.7, rate_hz);
    const double step = decayPerSample(decay_ms, rate_hz);
    double env = 1.0;
    for (auto& v : out) {
        v = static_cast<float>(hp2.process(hp1.process(noise.next())) * env);
        env *= step;
    }
    return out;
}

std::vector<float> renderSnare(double rate_hz, std::uint32_t noise_seed) {
    std::vector<float> out(framesFor(150.0, rate_hz));
    NoiseSource noise(noise_seed);
    Biquad bp;
    bp.design(Biquad::Kind::kBandpass, 3000.0, 0.8, rate_hz);
    const double body_step = decayPerSample(60.0, rate_hz);
    const double noise_step = decayPerSample(150.0, rate_hz);
    double body = 0.6, hiss = 1.0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double t = static_cast<double>(i) / rate_hz;
        out[i] = static_cast<float>(body * std::sin(kTwoPi * 185.0 * t) +
                                    1.6 * hiss * bp.process(noise.next()));
        body *= body_step;
        hiss *= noise_step;
    }
    return out;
}

std::vector<float> renderCrash(double rate_hz, std::uint32_t noise_seed) {
    std::vector<float> out(framesFor(2000.0, rate_hz));
    NoiseSource noise(noise_seed);
    Biquad hp;
    hp.design(Biquad::Kind::kHighpass, 4000.0, 0.7, rate_hz);
    const double step = decayPerSample(2000.0, rate_hz);
    double env = 1.0;
    for (auto& v : out) {
        v = static_cast<float>(hp.process(noise.next()) * env);
        env *= step;
    }
    return out;
}

void addRiser(float* out, std::size_t frames, double rate_hz, float gain,
              std::uint32_t noise_seed) {
    if (frames == 0) {
        return;
    }
    NoiseSource noise(noise_seed);
    Biquad bp;
    constexpr std::size_t kBlock = 32;
    const double inv = 1.0 / static_cast<double>(frames);
    for (std::size_t start = 0; start < frames; start += kBlock) {
        const double x = static_cast<double>(start) * inv;
        bp.design(Biquad::Kind::kBandpass, 400.0 * std::pow(9000.0 / 400.0, x), 1.5, rate_hz);
        const double level = gain * std::pow(10.0, (-30.0 + 30.0 * x) / 20.0);
        const std::size_t end = std::min(frames, start + kBlock);
        for (std::size_t i = start; i < end; ++i) {
            out[i] += static_cast<float>(level * 2.0 * bp.process(noise.next()));
        }
    }
}

} // namespace styledna::core::synth_detail
