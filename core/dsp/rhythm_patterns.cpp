#include "core/dsp/rhythm_patterns.hpp"

#include <algorithm>
#include <cmath>

namespace styledna::core {
namespace {

double beatFraction(double position, const FrameGrid& grid) {
    const double x = (position - grid.phase) / grid.period;
    return x - std::floor(x);
}

} // namespace

std::vector<double> beatNovelty(const Spectrogram& spec, const FrameGrid& grid) {
    std::vector<double> novelty(grid.num_beats, 0.0);
    if (spec.num_frames == 0 || grid.num_beats < 2 || grid.period <= 0.0) {
        return novelty;
    }
    std::vector<std::size_t> edges;
    for (double hz = 60.0; hz <= 8000.0; hz *= std::pow(2.0, 1.0 / 6.0)) {
        const std::size_t k = spec.binForHz(hz);
        if (edges.empty() || k > edges.back()) {
            edges.push_back(k);
        }
    }
    const std::size_t bands = edges.size() - 1;
    std::vector<double> prev(bands, 0.0), cur(bands, 0.0);
    const double floor_power = std::pow(spec.frame_size / 4.0, 2) * 1e-8;
    for (std::size_t k = 0; k < grid.num_beats; ++k) {
        const double start = std::max(0.0, grid.beatFrame(k));
        const double end = std::min(static_cast<double>(spec.num_frames), grid.beatFrame(k + 1));
        const auto f0 = static_cast<std::size_t>(std::ceil(start));
        const auto f1 = static_cast<std::size_t>(std::max(start, std::ceil(end)));
        std::fill(cur.begin(), cur.end(), 0.0);
        for (std::size_t f = f0; f < f1 && f < spec.num_frames; ++f) {
            const float* mag = spec.frame(f);
            for (std::size_t b = 0; b < bands; ++b) {
                for (std::size_t i = edges[b]; i < edges[b + 1]; ++i) {
                    cur[b] += static_cast<double>(mag[i]) * mag[i];
                }
            }
        }
        const double frames = std::max<double>(1.0, static_cast<double>(f1 - std::min(f0, f1)));
        for (auto& v : cur) {
            v = 10.0 * std::log10(v / frames + floor_power);
        }
        if (k > 0) {
            double sum = 0.0;
            for (std::size_t b = 0; b < bands; ++b) {
                sum += std::abs(cur[b] - prev[b]);
            }
            novelty[k] = sum / static_cast<double>(bands);
        }
        std::swap(prev, cur);
    }
    return novelty;
}

DownbeatEstimate downbeatPhase(const std::vector<double>& novelty, int beats_per_bar) {
    DownbeatEstimate est;
    if (beats_per_bar < 1 || novelty.size() < 2) {
        return est;
    }
    std::vector<double> score(static_cast<std::size_t>(beats_per_bar), 0.0);
    std::vector<int> count(static_cast<std::size_t>(beats_per_bar), 0);
    for (std::size_t k = 1; k < novelty.size(); ++k) {
        score[k % static_cast<std::size_t>(beats_per_bar)] += novelty[k];
        ++count[k % static_cast<std::size_t>(beats_per_bar)];
    }
    for (std::size_t p = 0; p < score.size(); ++p) {
        score[p] /= std::max(1, count[p]);
    }
    const auto best = std::max_element(score.begin(), score.end());
    est.phase = static_cast<int>(best - score.begin());
    double second = 0.0;
    for (std::size_t p = 0; p < score.size(); ++p) {
        if (static_cast<int>(p) != est.phase) {
            second = std::max(second, score[p]);
        }
    }
    est.confidence = *best > 0.0 ? std::clamp((*best - second) / *best, 0.0, 1.0) : 0.0;
    return est;
}

FourOnFloor fourOnFloor(const std::vector<PickedPeak>& kicks, const FrameGrid& grid, int bar_phase,
                        std::size_t first_beat, std::size_t last_beat) {
    FourOnFloor r;
    if (grid.num_beats == 0 || grid.period <= 0.0 || kicks.empty()) {
        return r;
    }
    if (last_beat == 0 || last_beat > grid.num_beats) {
        last_beat = grid.num_beats;
    }
    if (first_beat >= last_beat) {
        return r;
    }
    const double tol = grid.period / 8.0;
    std::vector<double> on(grid.num_beats, 0.0); // strongest on-beat onset per beat
    for (const auto& p : kicks) {
        const double x = (p.position - grid.phase) / grid.period;
        const double k = std::round(x);
        if (std::abs(x - k) * grid.period <= tol && k >= 0 &&
            k < static_cast<double>(grid.num_beats)) {
            auto& slot = on[static_cast<std::size_t>(k)];
            slot = std::max(slot, static_cast<double>(p.strength));
        }
    }
    std::vector<double> strong(on.begin() + static_cast<long>(first_beat),
                               on.begin() + static_cast<long>(last_beat));
    std::sort(strong.begin(), strong.end());
    const double threshold = 0.3 * strong[strong.size() * 9 / 10];
    if (threshold <= 0.0) {
        return r;
    }
    auto barOf = [&](double beat) {
        return static_cast<long>(std::floor((beat - bar_phase) / 4.0));
    };
    std::vector<bool> active_bar;
    const long bar0 = barOf(static_cast<double>(first_beat));
    active_bar.assign(static_cast<std::size_t>(barOf(static_cast<double>(last_beat)) - bar0 + 2),
                      false);
    for (std::size_t k = first_beat; k < last_beat; ++k) {
        if (on[k] >= threshold) {
            active_bar[static_cast<std::size_t>(barOf(static_cast<double>(k)) - bar0)] = true;
        }
    }
    std::size_t beats = 0, hits = 0;
    for (std::size_t k = first_beat; k < last_beat; ++k) {
        if (active_bar[static_cast<std::size_t>(barOf(static_cast<double>(k)) - bar0)]) {
            ++beats;
            hits += on[k] >= threshold ? 1 : 0;
        }
    }
    double on_energy = 0.0, all_energy = 0.0;
    for (const auto& p : kicks) {
        const double x = (p.position - grid.phase) / grid.period;
        if (x < static_cast<double>(first_beat) - 0.5 ||
            x >= static_cast<double>(last_beat) - 0.5) {
            continue;
        }
        const long bar = barOf(std::round(x)) - bar0;
        if (bar < 0 || bar >= static_cast<long>(active_bar.size()) ||
            !active_bar[static_cast<std::size_t>(bar)]) {
            continue;
        }
        const double e = static_cast<double>(p.strength) * p.strength;
        all_energy += e;
        if (std::abs(x - std::round(x)) * grid.period <= tol) {
            on_energy += e;
        }
    }
    r.coverage = beats > 0 ? static_cast<double>(hits) / static_cast<double>(beats) : 0.0;
    r.precision = all_energy > 0.0 ? on_energy / all_energy : 0.0;
    r.score = r.coverage * r.precision;
    return r;
}

double swingRatio(const std::vector<PickedPeak>& onsets, const FrameGrid& grid) {
    if (grid.period <= 0.0 || onsets.empty()) {
        return 1.0;
    }
    double e8 = 0.0, e16 = 0.0;
    for (const auto& p : onsets) {
        const double f = beatFraction(p.position, grid);
        const double w = p.strength;
        if (f >= 0.42 && f < 0.75) {
            e8 += w;
        } else if ((f >= 0.17 && f < 0.42) || (f >= 0.75 && f < 0.95)) {
            e16 += w;
        }
    }
    const bool sixteenths = e16 >= 0.5 * e8 && e16 > 0.0;
    auto folded = [&](double position) {
        const double f = beatFraction(position, grid);
        return sixteenths ? 2.0 * f - std::floor(2.0 * f) : f;
    };
    // Mode of the off-beat position (robust to stray onsets), then the
    // strength-weighted mean of the onsets near it.
    constexpr int kBins = 100;
    std::vector<double> hist(kBins, 0.0);
    for (const auto& p : onsets) {
        hist[static_cast<std::size_t>(folded(p.position) * kBins) % kBins] += p.strength;
    }
    int best = -1;
    double best_mass = 0.0;
    for (int b = 42; b < 72; ++b) {
        double mass = 0.0;
        for (int d = -2; d <= 2; ++d) {
            mass += (3 - std::abs(d)) * hist[static_cast<std::size_t>(b + d)];
        }
        if (mass > best_mass) {
            best_mass = mass;
            best = b;
        }
    }
    if (best < 0) {
        return 1.0;
    }
    const double centre = (best + 0.5) / kBins;
    double sum = 0.0, weight = 0.0;
    for (const auto& p : onsets) {
        const double f = folded(p.position);
        if (std::abs(f - centre) <= 0.04) {
            sum += p.strength * f;
            weight += p.strength;
        }
    }
    // Measure from the on-position in the same band, so a band latency
    // (hi-hat flux vs the grid's envelope) cancels.
    double on_sum = 0.0, on_weight = 0.0;
    for (const auto& p : onsets) {
        double f = folded(p.position);
        f = f >= 0.5 ? f - 1.0 : f;
        if (std::abs(f) <= 0.08) {
            on_sum += p.strength * f;
            on_weight += p.strength;
        }
    }
    const double on = on_weight > 0.0 ? on_sum / on_weight : 0.0;
    const double f = std::clamp(sum / weight - on, 0.05, 0.95);
    return f / (1.0 - f);
}

} // namespace styledna::core
