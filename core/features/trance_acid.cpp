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
    double sweep_db = 0.0;
    std::vector<double> band_range(bands.size());
    for (const auto& [r0, r1] : runs) {
        const int a0 = std::max(0, r0), a1 = std::min(static_cast<int>(bars.size()), r1);
        if (a1 - a0 < 3) {
            continue;
        }
        std::vector<std::vector<double>> levels(bands.size());
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
                levels[j].push_back(10.0 * std::log10(acc / double(f1 - f0) + 1e-12));
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
    }
    if (res.bars_used < params.min_bars) {
        return res;
    }
    res.sweep_db = sweep_db;
    res.score = std::clamp((res.sweep_db - params.sweep_zero_db) /
                               (params.sweep_full_db - params.sweep_zero_db),
                           0.0, 1.0);
    res.present = res.score >= 0.5;
    return res;
}

} // namespace styledna::core
