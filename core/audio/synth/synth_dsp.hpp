#pragma once
// Small inline DSP blocks for the synthesizer's inner loops: polyBLEP
// oscillators, RBJ biquads, a 4-pole ladder lowpass. Header-only so the
// per-sample calls inline; no allocation, no virtual calls.
//
// Units: frequencies in Hz, rate in Hz; phase in cycles [0, 1).

#include <algorithm>
#include <cmath>
#include <numbers>

namespace styledna::core::synth_detail {

// polyBLEP residual for a unit step at phase 0; t = phase, dt = increment.
inline double polyBlep(double t, double dt) {
    if (t < dt) {
        const double x = t / dt;
        return x + x - x * x - 1.0;
    }
    if (t > 1.0 - dt) {
        const double x = (t - 1.0) / dt;
        return x * x + x + x + 1.0;
    }
    return 0.0;
}

// Band-limited sawtooth in [-1, 1] (rising ramp); square when `square`.
struct BlepOsc {
    double phase = 0.0;
    double increment = 0.0; // frequency / rate, must stay below 0.5

    void setFrequency(double hz, double rate_hz) { increment = hz / rate_hz; }
    double saw() {
        const double value = 2.0 * phase - 1.0 - polyBlep(phase, increment);
        advance();
        return value;
    }
    double square() {
        double value = phase < 0.5 ? 1.0 : -1.0;
        value += polyBlep(phase, increment);
        double shifted = phase + 0.5;
        if (shifted >= 1.0) {
            shifted -= 1.0;
        }
        value -= polyBlep(shifted, increment);
        advance();
        return value;
    }
    void advance() {
        phase += increment;
        if (phase >= 1.0) {
            phase -= 1.0;
        }
    }
};

// Transposed direct form II biquad (RBJ Audio EQ Cookbook designs).
struct Biquad {
    double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
    double z1 = 0, z2 = 0;

    double process(double x) {
        const double y = b0 * x + z1;
        z1 = b1 * x - a1 * y + z2;
        z2 = b2 * x - a2 * y;
        return y;
    }
    void reset() { z1 = z2 = 0; }

    enum class Kind { kLowpass, kHighpass, kBandpass, kPeaking, kAllpass };
    // gain_db only for kPeaking. Keeps the state (for smooth automation).
    void design(Kind kind, double freq_hz, double q, double rate_hz, double gain_db = 0.0) {
        const double w0 = 2.0 * std::numbers::pi * freq_hz / rate_hz;
        const double cw = std::cos(w0);
        const double alpha = std::sin(w0) / (2.0 * q);
        double nb0 = 1, nb1 = 0, nb2 = 0, na0 = 1, na1 = -2 * cw, na2 = 1 - alpha;
        switch (kind) {
        case Kind::kLowpass:
            nb0 = nb2 = (1 - cw) / 2;
            nb1 = 1 - cw;
            na0 = 1 + alpha;
            break;
        case Kind::kHighpass:
            nb0 = nb2 = (1 + cw) / 2;
            nb1 = -(1 + cw);
            na0 = 1 + alpha;
            break;
        case Kind::kBandpass: // 0 dB peak gain
            nb0 = alpha;
            nb1 = 0;
            nb2 = -alpha;
            na0 = 1 + alpha;
            break;
        case Kind::kPeaking: {
            const double a = std::pow(10.0, gain_db / 40.0);
            nb0 = 1 + alpha * a;
            nb1 = -2 * cw;
            nb2 = 1 - alpha * a;
            na0 = 1 + alpha / a;
            na2 = 1 - alpha / a;
            break;
        }
        case Kind::kAllpass:
            nb0 = 1 - alpha;
            nb1 = -2 * cw;
            nb2 = 1 + alpha;
            na0 = 1 + alpha;
            break;
        }
        b0 = nb0 / na0;
        b1 = nb1 / na0;
        b2 = nb2 / na0;
        a1 = na1 / na0;
        a2 = na2 / na0;
    }
};

// Cheap odd saturator, |x| <= 3 maps monotonically into [-1, 1].
inline double softSaturate(double x) {
    if (x > 3.0) {
        return 1.0;
    }
    if (x < -3.0) {
        return -1.0;
    }
    const double x2 = x * x;
    return x * (27.0 + x2) / (27.0 + 9.0 * x2);
}

// 4-pole ladder lowpass with saturated global feedback, resonance 0..~1.
// Zero-delay-feedback (topology-preserving transform) form: each stage is a
// trapezoidal one-pole y = G x + (1 - G) s, and the feedback loop is solved
// for the current sample instead of taking last sample's output. A unit delay
// in the loop turns the feedback positive at Nyquist (loop gain 4 r (g / (2 -
// g))^4 there), so a naive ladder whistles at 22 kHz once the cutoff nears
// Nyquist with resonance above ~0.44; this one resonates at its cutoff only,
// and self-oscillates only as resonance reaches 1 (k = 4), at any cutoff.
struct LadderFilter {
    double s[4] = {0, 0, 0, 0};
    double G = 0.1;

    // Coefficient for cutoff_hz (the caller keeps it below ~0.45 * rate);
    // tan() prewarps, so the resonance sits at cutoff_hz up to Nyquist.
    void setCutoff(double cutoff_hz, double rate_hz) {
        const double g = std::tan(std::numbers::pi * std::min(cutoff_hz, 0.49 * rate_hz) / rate_hz);
        G = g / (1.0 + g);
    }
    double process(double x, double resonance) {
        const double k = 4.0 * resonance;
        const double G2 = G * G;
        const double sum = (1.0 - G) * (G2 * G * s[0] + G2 * s[1] + G * s[2] + s[3]);
        const double u = softSaturate((x - k * sum) / (1.0 + k * G2 * G2));
        return stage(3, stage(2, stage(1, stage(0, u)))) * (1.0 + resonance); // passband loss
    }
    // Three-pole (18 dB/oct) variant, as in the TB-303's diode ladder: three
    // stages in the loop, whose phase reaches 180 degrees where each stage
    // gives 1/2, so feedback 8 self-oscillates; resonance 0..~1 maps to 0..7.6.
    double process3(double x, double resonance) {
        const double k = 7.6 * resonance;
        const double sum = (1.0 - G) * (G * G * s[0] + G * s[1] + s[2]);
        const double u = softSaturate((x - k * sum) / (1.0 + k * G * G * G));
        return stage(2, stage(1, stage(0, u))) * (1.0 + 1.5 * resonance);
    }

private:
    // One trapezoidal one-pole stage: v = G (x - s), y = s + v, s' = y + v.
    double stage(int i, double x) {
        const double v = G * (x - s[i]);
        const double y = s[i] + v;
        s[i] = y + v;
        return y;
    }
};

inline double midiToHz(double note) {
    return 440.0 * std::exp2((note - 69.0) / 12.0);
}
inline double dbToGain(double db) {
    return std::pow(10.0, db / 20.0);
}

} // namespace styledna::core::synth_detail
