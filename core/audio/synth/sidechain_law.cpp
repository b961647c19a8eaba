#include "core/audio/synth/sidechain_law.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/common/statistics.hpp"

namespace styledna::core::synth_detail {
namespace {

// Fraction of the depth still reduced at x in [0, 1] of the recovery span,
// and the x at which 10 % remains, for the finite-span shapes.
double recoveryLeft(DuckShape shape, double x) {
    x = std::clamp(x, 0.0, 1.0);
    switch (shape) {
    case DuckShape::kLinear:
        return 1.0 - x;
    case DuckShape::kCosine:
        return 0.5 * (1.0 + std::cos(std::numbers::pi * x));
    case DuckShape::kHoldRelease:
        return 1.0 - x * x;
    case DuckShape::kExponential:
        break;
    }
    return 0.0;
}
double tenPercentPoint(DuckShape shape) {
    switch (shape) {
    case DuckShape::kLinear:
        return 0.9;
    case DuckShape::kCosine:
        return std::acos(-0.8) / std::numbers::pi;
    case DuckShape::kHoldRelease:
        return std::sqrt(0.9);
    case DuckShape::kExponential:
        break;
    }
    return 1.0;
}

} // namespace

std::vector<float> duckShapeCurve(DuckShape shape, double depth_db, double attack_ms,
                                  double hold_ms, double release_ms, std::size_t frames,
                                  double rate_hz) {
    std::vector<float> curve(frames, 1.0f);
    const double hold = shape == DuckShape::kHoldRelease ? hold_ms : 0.0;
    const double recover_start_ms = attack_ms + hold;
    const double to_ten_ms = std::max(1e-3, release_ms - recover_start_ms);
    const double span_ms = to_ten_ms / tenPercentPoint(shape);
    const double tau_ms = to_ten_ms / std::log(10.0);
    for (std::size_t n = 0; n < frames; ++n) {
        const double t_ms = static_cast<double>(n) * 1e3 / rate_hz;
        double gr = 0.0;
        if (t_ms < attack_ms) {
            gr = depth_db * t_ms / attack_ms;
        } else if (t_ms < recover_start_ms) {
            gr = depth_db;
        } else if (shape == DuckShape::kExponential) {
            gr = depth_db * std::exp(-(t_ms - recover_start_ms) / tau_ms);
        } else {
            gr = depth_db * recoveryLeft(shape, (t_ms - recover_start_ms) / span_ms);
        }
        curve[n] = static_cast<float>(std::pow(10.0, -gr / 20.0));
    }
    return curve;
}

std::vector<float> compressorGainCurve(const std::vector<float>& key, double threshold_db,
                                       double ratio, double knee_db, double attack_ms,
                                       double release_ms, double rate_hz) {
    std::vector<float> gain(key.size(), 1.0f);
    const double det_release = std::exp(-1.0 / (0.010 * rate_hz));
    const double att = attack_ms > 0 ? std::exp(-1.0 / (attack_ms * 1e-3 * rate_hz)) : 0.0;
    const double rel = std::exp(-1.0 / (release_ms * 1e-3 * rate_hz));
    const double slope = 1.0 / std::max(1.0, ratio) - 1.0;
    double peak = 0.0;
    double gr = 0.0;
    for (std::size_t i = 0; i < key.size(); ++i) {
        const double a = std::abs(static_cast<double>(key[i]));
        peak = a > peak ? a : peak * det_release;
        const double x = 20.0 * std::log10(std::max(peak, 1e-9));
        const double over = x - threshold_db;
        double target = 0.0;
        if (2.0 * over > knee_db) {
            target = -slope * over;
        } else if (knee_db > 0 && 2.0 * over > -knee_db) {
            const double d = over + 0.5 * knee_db;
            target = -slope * d * d / (2.0 * knee_db);
        }
        gr = target > gr ? target + att * (gr - target) : target + rel * (gr - target);
        gain[i] = static_cast<float>(std::pow(10.0, -gr / 20.0));
    }
    return gain;
}

DuckMeasurement measureDuck(const std::vector<float>& gain, const std::vector<std::size_t>& onsets,
                            std::size_t window, double rate_hz) {
    DuckMeasurement m;
    std::vector<double> depths, releases;
    for (std::size_t k = 0; k < onsets.size(); ++k) {
        const std::size_t start = onsets[k];
        const std::size_t next = k + 1 < onsets.size() ? onsets[k + 1] : gain.size();
        const std::size_t end = std::min({next, start + window, gain.size()});
        if (start >= end) {
            continue;
        }
        std::size_t arg = start;
        for (std::size_t i = start; i < end; ++i) {
            if (gain[i] < gain[arg]) {
                arg = i;
            }
        }
        const double depth = -20.0 * std::log10(std::max(1e-9, static_cast<double>(gain[arg])));
        if (depth < 0.01) {
            continue;
        }
        const double ten = depth * 0.1;
        std::size_t rec = end;
        for (std::size_t i = arg; i < end; ++i) {
            if (-20.0 * std::log10(std::max(1e-9, static_cast<double>(gain[i]))) <= ten) {
                rec = i;
                break;
            }
        }
        depths.push_back(depth);
        releases.push_back(static_cast<double>(rec - start) * 1e3 / rate_hz);
    }
    m.kicks = depths.size();
    m.depth_db = medianOf(depths);
    m.release_ms = medianOf(releases);
    return m;
}

} // namespace styledna::core::synth_detail
