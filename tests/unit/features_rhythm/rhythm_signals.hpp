#pragma once
// Analytic test signals for the rhythm and tonal families: click patterns at
// exact times and sums of sines. Deterministic (fixed LCG noise).

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/audio/audio_buffer.hpp"

namespace styledna::test {

// A 12 ms exponentially decaying noise burst (broadband click) added at
// sample llround(t * rate) for every t in `times_s`, `gain` peak amplitude,
// plus an optional 55 Hz decaying "kick" thump when `with_thump`.
inline core::AudioBuffer clickTrack(const std::vector<double>& times_s, double duration_s,
                                    double gain = 0.5, bool with_thump = false,
                                    double rate = core::kAnalysisRateHz) {
    core::AudioBuffer buf(1, static_cast<std::size_t>(duration_s * rate), rate);
    auto& x = buf.channels[0];
    std::uint32_t state = 12345u;
    const auto click_len = static_cast<std::size_t>(0.012 * rate);
    const auto thump_len = static_cast<std::size_t>(0.5 * rate); // decays to -87 dB
    for (double t : times_s) {
        const auto start = static_cast<std::size_t>(std::llround(t * rate));
        for (std::size_t i = 0; i < click_len && start + i < x.size(); ++i) {
            state = state * 1664525u + 1013904223u;
            const double noise = (static_cast<double>(state >> 8) / 8388608.0) - 1.0;
            x[start + i] += static_cast<float>(gain * noise *
                                               std::exp(-static_cast<double>(i) / (0.003 * rate)));
        }
        if (with_thump) {
            for (std::size_t i = 0; i < thump_len && start + i < x.size(); ++i) {
                const double s = static_cast<double>(i) / rate;
                x[start + i] += static_cast<float>(gain * std::sin(2.0 * M_PI * 55.0 * s) *
                                                   std::exp(-s / 0.05));
            }
        }
    }
    return buf;
}

// Times of beats k = 0.. at `bpm` within [0, duration_s), shifted by offset_s.
inline std::vector<double> beatTimes(double bpm, double duration_s, double offset_s = 0.0,
                                     double fraction = 0.0) {
    std::vector<double> t;
    const double period = 60.0 / bpm;
    for (int k = 0;; ++k) {
        const double v = offset_s + (k + fraction) * period;
        if (v >= duration_s) {
            break;
        }
        t.push_back(v);
    }
    return t;
}

} // namespace styledna::test
