#include "core/features/trance_acid.hpp"

#include <algorithm>
#include <cmath>

#include "core/dsp/fast_log.hpp"

namespace styledna::core {
namespace {

double median(std::vector<double> v) {
    if (v.empty()) {
        return 0.0;
    }
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

} // namespace

TranceAcidDetectResult analyseAcid(const AnalysisContext& ctx, const TranceBars& bars,
                                   const std::vector<std::pair<int, int>>& runs,
                                   double beat_period_s, const TranceAcidDetectParams& params) {
    TranceAcidDetectResult res;
    const Spectrogram& spec = ctx.monoSpectrum();
    if (spec.num_frames == 0 || bars.size() == 0 || !(beat_period_s > 0)) {
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
    // Octave bands from sweep_lo_hz up to 8 kHz.
    std::vector<std::pair<std::size_t, std::size_t>> bands;
    for (double lo = params.sweep_lo_hz; lo * 2.0 <= 8000.0 * 1.01; lo *= 2.0) {
        bands.emplace_back(spec.binForHz(lo),
                           std::max(spec.binForHz(lo) + 1, spec.binForHz(2 * lo)));
    }
    std::vector<std::pair<std::size_t, std::size_t>> used_frames;
    std::vector<double> motions;
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
            used_frames.emplace_back(f0, f1);
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
        for (const auto& band : levels) {
            if (band.size() < 3) {
                continue;
            }
            const auto [lo, hi] = std::minmax_element(band.begin(), band.end());
            res.sweep_db = std::max(res.sweep_db, *hi - *lo);
            for (std::size_t i = 1; i < band.size(); ++i) {
                motions.push_back(std::abs(band[i] - band[i - 1]));
            }
        }
    }
    res.step_db = median(motions);
    if (res.bars_used < params.min_bars) {
        res.sweep_db = 0.0;
        return res;
    }

    // 16th-note periodicity of the 300 Hz-4 kHz positive log flux in the used bars.
    const std::size_t k0 = spec.binForHz(300.0), k1 = spec.binForHz(4000.0);
    const double lag = beat_period_s / 4.0 / hop_s; // frames, fractional
    double num = 0.0, den = 0.0;
    for (const auto& [f0, f1] : used_frames) {
        std::vector<double> flux;
        for (std::size_t i = std::max<std::size_t>(f0, 1); i < f1; ++i) {
            const float* a = spec.frame(i - 1);
            const float* c = spec.frame(i);
            double s = 0.0;
            for (std::size_t k = k0; k < k1; ++k) {
                s += std::max(0.0f,
                              fastLog2(1.0f + 1000.0f * c[k]) - fastLog2(1.0f + 1000.0f * a[k]));
            }
            flux.push_back(s);
        }
        if (flux.size() < 4) {
            continue;
        }
        double mean = 0.0;
        for (double v : flux) {
            mean += v;
        }
        mean /= double(flux.size());
        for (double& v : flux) {
            v -= mean;
        }
        const auto l0 = static_cast<std::size_t>(std::floor(lag));
        const double w = lag - double(l0);
        for (std::size_t i = 0; i + l0 + 1 < flux.size(); ++i) {
            num += flux[i] * ((1.0 - w) * flux[i + l0] + w * flux[i + l0 + 1]);
            den += flux[i] * flux[i];
        }
    }
    res.periodicity16 = den > 0 ? std::max(0.0, num / den) : 0.0;

    const double sweep = std::clamp((res.sweep_db - params.sweep_zero_db) /
                                        (params.sweep_full_db - params.sweep_zero_db),
                                    0.0, 1.0);
    const double periodic = std::clamp(res.periodicity16 / params.periodicity_full, 0.0, 1.0);
    res.score = sweep * periodic;
    res.present = res.score >= 0.5;
    return res;
}

} // namespace styledna::core
