#include "core/features/trance_acid.hpp"

#include <algorithm>
#include <cmath>

namespace styledna::core {
namespace {

// 3-point running median; the window is kept inside the series at its ends.
std::vector<double> runningMedian3(const std::vector<double>& v) {
    std::vector<double> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::size_t a = std::min(i > 0 ? i - 1 : 0, v.size() - 3);
        const double x = v[a], y = v[a + 1], z = v[a + 2];
        out[i] = std::max(std::min(x, y), std::min(std::max(x, y), z));
    }
    return out;
}

// Held-root timbre change of one run: per bar, the largest mean |dB| change of
// the timbre bands against any bar whose root bins all lie within root_tol_db;
// the median over the bars (a single fill bar moves only the bars it pairs
// with).
double heldRootTimbreDb(const std::vector<std::vector<double>>& root_db,
                        const std::vector<std::vector<double>>& timbre_db, double root_tol_db) {
    const std::size_t n = root_db.size();
    std::vector<double> per_bar(n, 0.0);
    for (std::size_t b = 0; b < n; ++b) {
        for (std::size_t c = b + 1; c < n; ++c) {
            double root_change = 0.0;
            for (std::size_t j = 0; j < root_db[b].size(); ++j) {
                root_change = std::max(root_change, std::abs(root_db[b][j] - root_db[c][j]));
            }
            if (root_change >= root_tol_db) {
                continue;
            }
            double change = 0.0;
            for (std::size_t j = 0; j < timbre_db[b].size(); ++j) {
                change += std::abs(timbre_db[b][j] - timbre_db[c][j]);
            }
            change /= double(timbre_db[b].size());
            per_bar[b] = std::max(per_bar[b], change);
            per_bar[c] = std::max(per_bar[c], change);
        }
    }
    const auto mid = per_bar.begin() + static_cast<std::ptrdiff_t>(n / 2);
    std::nth_element(per_bar.begin(), mid, per_bar.end());
    return *mid;
}

double powerDb(double power) {
    return 10.0 * std::log10(power + 1e-12);
}

} // namespace

TranceAcidDetectResult analyseAcid(const AnalysisContext& ctx, const TranceBars& bars,
                                   const std::vector<std::pair<int, int>>& runs,
                                   double /*beat_period_s*/, const TranceAcidDetectParams& params) {
    TranceAcidDetectResult res;
    const Spectrogram& spec = ctx.monoSpectrum();
    if (spec.num_frames == 0 || bars.size() == 0) {
        return res;
    }
    const double hop_s = 1.0 / spec.frameRateHz();
    const std::size_t nf = spec.num_frames;
    auto frames = [&](std::size_t b) {
        const auto f0 = static_cast<std::size_t>(
            std::clamp(std::ceil(bars.start_s[b] / hop_s), 0.0, double(nf)));
        const auto f1 =
            static_cast<std::size_t>(std::clamp(std::ceil(bars.end_s[b] / hop_s), 0.0, double(nf)));
        return std::pair<std::size_t, std::size_t>{f0, f1};
    };
    const double half_octave = std::sqrt(2.0);
    std::vector<std::pair<std::size_t, std::size_t>> bands;
    for (double lo = params.sweep_lo_hz; lo * half_octave <= params.sweep_hi_hz * 1.01;
         lo *= half_octave) {
        bands.emplace_back(spec.binForHz(lo),
                           std::max(spec.binForHz(lo) + 1, spec.binForHz(lo * half_octave)));
    }
    if (bands.size() < 2) {
        return res;
    }
    std::vector<std::pair<std::size_t, std::size_t>> timbre_bands;
    for (double lo = params.timbre_lo_hz; lo * half_octave <= params.timbre_hi_hz * 1.05;
         lo *= half_octave) {
        timbre_bands.emplace_back(spec.binForHz(lo),
                                  std::max(spec.binForHz(lo) + 1, spec.binForHz(lo * half_octave)));
    }
    const std::size_t root_k0 = spec.binForHz(params.root_lo_hz);
    const std::size_t root_k1 = std::max(root_k0 + 1, spec.binForHz(params.root_hi_hz) + 1);
    const std::size_t top_k =
        std::max(root_k1, timbre_bands.empty() ? 0 : timbre_bands.back().second);
    std::vector<double> bar_power(top_k);
    const Spectrogram& side = ctx.sideSpectrum();
    const bool with_side = side.num_frames == nf && side.num_bins == spec.num_bins;
    double timbre_db = 0.0;
    double sweep_db = 0.0;
    std::vector<double> band_range(bands.size());
    for (const auto& [r0, r1] : runs) {
        const int a0 = std::max(0, r0), a1 = std::min(static_cast<int>(bars.size()), r1);
        if (a1 - a0 < 3) {
            continue;
        }
        std::vector<std::vector<double>> levels(bands.size());
        std::vector<std::vector<double>> root_db, run_timbre_db;
        for (int b = a0; b < a1; ++b) {
            const auto [f0, f1] = frames(static_cast<std::size_t>(b));
            if (f1 <= f0 + 2) {
                continue;
            }
            ++res.bars_used;
            for (std::size_t j = 0; j < bands.size(); ++j) {
                double acc = 0.0;
                for (std::size_t i = f0; i < f1; ++i) {
                    const float* m = spec.frame(i);
                    for (std::size_t k = bands[j].first; k < bands[j].second; ++k) {
                        acc += static_cast<double>(m[k]) * m[k];
                    }
                }
                levels[j].push_back(powerDb(acc / double(f1 - f0)));
            }
            std::fill(bar_power.begin(), bar_power.end(), 0.0);
            for (std::size_t i = f0; i < f1; ++i) {
                const float* m = spec.frame(i);
                for (std::size_t k = root_k0; k < top_k; ++k) {
                    bar_power[k] += static_cast<double>(m[k]) * m[k];
                }
            }
            auto& root = root_db.emplace_back();
            for (std::size_t k = root_k0; k < root_k1; ++k) {
                double side_power = 0.0;
                if (with_side) {
                    for (std::size_t i = f0; i < f1; ++i) {
                        const double x = side.frame(i)[k];
                        side_power += x * x;
                    }
                }
                root.push_back(powerDb((bar_power[k] + side_power) / double(f1 - f0)));
            }
            auto& timbre = run_timbre_db.emplace_back();
            for (const auto& [k0, k1] : timbre_bands) {
                double acc = 0.0;
                for (std::size_t k = k0; k < k1; ++k) {
                    acc += bar_power[k];
                }
                timbre.push_back(powerDb(acc / double(f1 - f0)));
            }
        }
        if (levels[0].size() < 3) {
            continue;
        }
        for (std::size_t j = 0; j < bands.size(); ++j) {
            const auto smooth = runningMedian3(levels[j]);
            const auto [lo, hi] = std::minmax_element(smooth.begin(), smooth.end());
            band_range[j] = *hi - *lo;
        }
        double sum = 0.0;
        for (double r : band_range) {
            sum += r;
        }
        sweep_db = std::max(sweep_db, sum / double(band_range.size()));
        if (!timbre_bands.empty()) {
            timbre_db =
                std::max(timbre_db, heldRootTimbreDb(root_db, run_timbre_db, params.root_tol_db));
        }
    }
    if (res.bars_used < params.min_bars) {
        return res;
    }
    res.sweep_db = sweep_db;
    res.timbre_db = timbre_db;
    const double sweep_score = std::clamp((res.sweep_db - params.sweep_zero_db) /
                                              (params.sweep_full_db - params.sweep_zero_db),
                                          0.0, 1.0);
    const double timbre_score = std::clamp((res.timbre_db - params.timbre_zero_db) /
                                               (params.timbre_full_db - params.timbre_zero_db),
                                           0.0, 1.0);
    res.score = std::max(sweep_score, timbre_score);
    res.present = res.score >= 0.5;
    return res;
}

} // namespace styledna::core
