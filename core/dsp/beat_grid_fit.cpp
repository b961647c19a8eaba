#include "core/dsp/beat_grid_fit.hpp"

#include <algorithm>
#include <cmath>

#include "core/dsp/tempo_induction.hpp"

namespace styledna::core {
namespace {

struct Onset {
    double index;    // beat index k
    double position; // frames
    double weight;
};

bool weightedLine(const std::vector<Onset>& pts, double& a, double& b) {
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& o : pts) {
        sw += o.weight;
        sx += o.weight * o.index;
        sy += o.weight * o.position;
        sxx += o.weight * o.index * o.index;
        sxy += o.weight * o.index * o.position;
    }
    const double den = sw * sxx - sx * sx;
    if (pts.size() < 2 || sw <= 0.0 || std::abs(den) < 1e-12 * sw * sxx) {
        return false;
    }
    b = (sw * sxy - sx * sy) / den;
    a = (sy - b * sx) / sw;
    return true;
}

} // namespace

double combSum(const std::vector<float>& env, double phase, double period) {
    double sum = 0.0;
    const double last = static_cast<double>(env.size()) - 1.0;
    for (double t = phase; t < last; t += period) {
        const auto i = static_cast<std::size_t>(t);
        const double f = t - static_cast<double>(i);
        sum += env[i] * (1.0 - f) + env[i + 1] * f;
    }
    return sum;
}

BeatGridFit fitBeatGrid(const std::vector<float>& env, double period, const BeatGridFitParams& p) {
    BeatGridFit fit;
    const double n = static_cast<double>(env.size());
    if (period < 2.0 || n < 2.0 * period + 3.0) {
        return fit;
    }
    double best_phase = p.initial_phase;
    double best_sum = -1.0;
    for (double ph = 0.0; ph < period && p.initial_phase < 0.0; ph += 0.125) {
        const double s = combSum(env, ph, period);
        if (s > best_sum) {
            best_sum = s;
            best_phase = ph;
        }
    }
    double a = best_phase;
    double b = period;
    std::vector<Onset> onsets;
    for (int round = 0; round < std::max(1, p.rounds); ++round) {
        const double half = p.window * b;
        onsets.clear();
        const auto k_first = static_cast<long>(std::ceil(-a / b));
        for (long k = k_first;; ++k) {
            const double centre = a + b * static_cast<double>(k);
            if (centre >= n - 1.0) {
                break;
            }
            const auto lo = static_cast<long>(std::max(1.0, std::ceil(centre - half)));
            const auto hi = static_cast<long>(std::min(n - 2.0, std::floor(centre + half)));
            if (lo > hi) {
                continue;
            }
            long arg = lo;
            for (long i = lo; i <= hi; ++i) {
                if (env[static_cast<std::size_t>(i)] > env[static_cast<std::size_t>(arg)]) {
                    arg = i;
                }
            }
            const auto u = static_cast<std::size_t>(arg);
            const double v = env[u];
            if (v <= 0.0 || env[u - 1] >= v || env[u + 1] > v) {
                onsets.push_back({static_cast<double>(k), 0.0, 0.0}); // counted, unused
                continue;
            }
            const double pos = arg + parabolicOffset(env[u - 1], v, env[u + 1]);
            onsets.push_back({static_cast<double>(k), pos, v});
        }
        fit.beats_total = onsets.size();
        std::vector<double> strengths;
        for (const auto& o : onsets) {
            strengths.push_back(o.weight);
        }
        if (strengths.empty()) {
            return fit;
        }
        std::nth_element(strengths.begin(), strengths.begin() + strengths.size() * 9 / 10,
                         strengths.end());
        const double floor_w = p.min_strength * strengths[strengths.size() * 9 / 10];
        std::erase_if(onsets,
                      [&](const Onset& o) { return o.weight <= 0.0 || o.weight < floor_w; });
        double na = a, nb = b;
        if (!weightedLine(onsets, na, nb)) {
            break;
        }
        std::vector<double> dev;
        for (const auto& o : onsets) {
            dev.push_back(std::abs(o.position - (na + nb * o.index)));
        }
        std::vector<double> sorted = dev;
        std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
        const double limit = std::max(1.0, 3.0 * 1.4826 * sorted[sorted.size() / 2]);
        std::vector<Onset> kept;
        for (std::size_t i = 0; i < onsets.size(); ++i) {
            if (dev[i] <= limit) {
                kept.push_back(onsets[i]);
            }
        }
        if (weightedLine(kept, na, nb) && nb > 0.5 * b && nb < 2.0 * b) {
            a = na;
            b = nb;
            onsets.swap(kept);
        }
    }
    double ss = 0.0;
    for (const auto& o : onsets) {
        const double e = o.position - (a + b * o.index);
        ss += e * e;
    }
    fit.period_frames = b;
    fit.phase_frames = std::fmod(std::fmod(a, b) + b, b);
    fit.beats_used = onsets.size();
    fit.residual_frames = onsets.empty() ? 0.0 : std::sqrt(ss / static_cast<double>(onsets.size()));
    return fit;
}

} // namespace styledna::core
