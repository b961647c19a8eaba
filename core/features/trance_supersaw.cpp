#include "core/features/trance_supersaw.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>

#include <kissfft/kiss_fftr.h>

#include "core/common/statistics.hpp"

namespace styledna::core {
namespace {

struct KissFftrFree {
    void operator()(kiss_fftr_cfg c) const { kiss_fftr_free(c); }
};
using KissFftrHandle = std::unique_ptr<std::remove_pointer_t<kiss_fftr_cfg>, KissFftrFree>;

// Power-weighted std (cents) of the clusters in one |L|^2 + |R|^2 spectrum.
void clusterSpreads(const std::vector<double>& power, double bin_hz, double cluster_cents,
                    std::vector<double>& spreads) {
    const std::size_t nb = power.size();
    const auto binAt = [&](double hz) {
        return std::min(nb - 1, static_cast<std::size_t>(std::max(0.0, hz / bin_hz)));
    };
    // Smoothed spectrum (moving average over +-40 cents) via prefix sums.
    std::vector<double> prefix(nb + 1, 0.0);
    for (std::size_t k = 0; k < nb; ++k) {
        prefix[k + 1] = prefix[k] + power[k];
    }
    const double r40 = std::exp2(40.0 / 1200.0);
    const double rc = std::exp2(cluster_cents / 1200.0);
    const std::size_t k_lo = binAt(200.0), k_hi = binAt(2500.0);
    std::vector<double> smooth(nb, 0.0);
    for (std::size_t k = std::max<std::size_t>(1, binAt(200.0 / rc / r40));
         k < std::min(nb - 1, binAt(2500.0 * rc * r40)); ++k) {
        const std::size_t a = binAt(k * bin_hz / r40), e = std::max(a + 1, binAt(k * bin_hz * r40));
        smooth[k] = (prefix[e] - prefix[a]) / static_cast<double>(e - a);
    }
    struct Peak {
        std::size_t k;
        double p;
    };
    std::vector<Peak> peaks;
    for (std::size_t k = k_lo + 1; k + 1 < k_hi; ++k) {
        if (smooth[k] > 0 && smooth[k] >= smooth[k - 1] && smooth[k] > smooth[k + 1]) {
            peaks.push_back({k, smooth[k]});
        }
    }
    std::sort(peaks.begin(), peaks.end(), [](const Peak& x, const Peak& y) { return x.p > y.p; });
    std::vector<std::size_t> taken;
    const double r100 = std::exp2(100.0 / 1200.0);
    for (const Peak& pk : peaks) {
        if (taken.size() >= 24) {
            break;
        }
        bool near = false;
        for (std::size_t t : taken) {
            const double ratio = double(std::max(t, pk.k)) / double(std::min(t, pk.k));
            near = near || ratio < r100;
        }
        if (near) {
            continue;
        }
        // Local median over +-3 semitones: prominence test and noise floor.
        const double r3 = std::exp2(3.0 / 12.0);
        const std::size_t a = binAt(pk.k * bin_hz / r3), e = binAt(pk.k * bin_hz * r3);
        std::vector<double> local(power.begin() + static_cast<std::ptrdiff_t>(a),
                                  power.begin() + static_cast<std::ptrdiff_t>(e));
        const double floor = medianOf(local);
        if (pk.p < 10.0 * floor) {
            continue;
        }
        taken.push_back(pk.k);
        // Two passes: centroid, then std about it, both within +-cluster_cents.
        double centre_hz = pk.k * bin_hz;
        double sd = 0.0;
        for (int pass = 0; pass < 2; ++pass) {
            const std::size_t c0 = binAt(centre_hz / rc), c1 = binAt(centre_hz * rc);
            double w = 0, m1 = 0, m2 = 0;
            for (std::size_t k = c0; k <= c1; ++k) {
                const double p = std::max(0.0, power[k] - floor);
                const double cents = 1200.0 * std::log2(std::max(1e-9, k * bin_hz) / centre_hz);
                w += p;
                m1 += p * cents;
                m2 += p * cents * cents;
            }
            if (!(w > 0)) {
                break;
            }
            const double mean = m1 / w;
            sd = std::sqrt(std::max(0.0, m2 / w - mean * mean));
            centre_hz *= std::exp2(mean / 1200.0);
        }
        if (sd > 0) {
            spreads.push_back(sd);
        }
    }
}

} // namespace

double spreadFromWidthRatio(double ratio) {
    if (!(ratio > 0)) {
        return 0.0;
    }
    // Seven voices at evenly spaced pans (the usual supersaw), incoherent.
    const auto ratioOf = [](double s) {
        double side = 0.0, mid = 0.0;
        for (int v = 0; v < 7; ++v) {
            const double pan = (v / 3.0 - 1.0) * s;
            const double c = std::cos(std::numbers::pi * pan / 2.0);
            side += 1.0 - c;
            mid += 1.0 + c;
        }
        return side / mid;
    };
    if (ratio >= ratioOf(1.0)) {
        return 1.0;
    }
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 50; ++i) {
        const double mid = 0.5 * (lo + hi);
        (ratioOf(mid) < ratio ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

double supersawWidthRatio(const AnalysisContext& ctx,
                          const std::vector<std::pair<double, double>>& ranges,
                          const TranceSupersawParams& params) {
    if (!ctx.isStereo()) {
        return 0.0;
    }
    const Spectrogram& mono = ctx.monoSpectrum();
    const Spectrogram& side = ctx.sideSpectrum();
    if (mono.num_frames == 0 || side.num_frames != mono.num_frames) {
        return 0.0;
    }
    const std::size_t k0 = mono.binForHz(params.lo_hz), k1 = mono.binForHz(params.hi_hz);
    const double hop_s = 1.0 / mono.frameRateHz();
    double s_sum = 0.0, m_sum = 0.0;
    for (const auto& [a, e] : ranges) {
        const auto f0 = static_cast<std::size_t>(
            std::clamp(std::ceil(a / hop_s), 0.0, double(mono.num_frames)));
        const auto f1 = static_cast<std::size_t>(
            std::clamp(std::ceil(e / hop_s), 0.0, double(mono.num_frames)));
        for (std::size_t i = f0; i < f1; ++i) {
            const float* m = mono.frame(i);
            const float* s = side.frame(i);
            for (std::size_t k = k0; k < k1; ++k) {
                m_sum += static_cast<double>(m[k]) * m[k];
                s_sum += static_cast<double>(s[k]) * s[k];
            }
        }
    }
    return m_sum > 0 ? s_sum / m_sum : 0.0;
}

TranceSupersawResult analyseSupersaw(const AnalysisContext& ctx,
                                     const std::vector<std::pair<double, double>>& ranges,
                                     const std::vector<double>& window_starts_s,
                                     const TranceSupersawParams& params) {
    TranceSupersawResult res;
    res.width_ratio = supersawWidthRatio(ctx, ranges, params);
    res.width = spreadFromWidthRatio(res.width_ratio);

    const AudioBuffer& audio = ctx.audio();
    const std::size_t n = params.fft_size;
    if (audio.empty() || n < 1024 || (n & (n - 1)) != 0 || audio.frames() < n) {
        return res;
    }
    const double rate = ctx.sampleRateHz();
    KissFftrHandle cfg(kiss_fftr_alloc(static_cast<int>(n), 0, nullptr, nullptr));
    if (!cfg) {
        return res;
    }
    std::vector<float> window(n), frame(n);
    for (std::size_t i = 0; i < n; ++i) {
        window[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / n));
    }
    std::vector<kiss_fft_cpx> spectrum(n / 2 + 1);
    std::vector<double> power(n / 2 + 1);
    std::vector<double> spreads;
    int windows = 0;
    for (double t : window_starts_s) {
        if (windows >= params.max_windows) {
            break;
        }
        const double begin_s = t + 0.03; // skip the chord attack at the bar line
        const double end_s = begin_s + static_cast<double>(n) / rate;
        const bool inside = std::any_of(ranges.begin(), ranges.end(), [&](const auto& r) {
            return begin_s >= r.first && end_s <= r.second;
        });
        const auto first = static_cast<std::size_t>(std::max(0.0, begin_s * rate));
        if (!inside || first + n > audio.frames()) {
            continue;
        }
        std::fill(power.begin(), power.end(), 0.0);
        for (const auto& ch : audio.channels) {
            for (std::size_t i = 0; i < n; ++i) {
                frame[i] = ch[first + i] * window[i];
            }
            kiss_fftr(cfg.get(), frame.data(), spectrum.data());
            for (std::size_t k = 0; k < power.size(); ++k) {
                power[k] += static_cast<double>(spectrum[k].r) * spectrum[k].r +
                            static_cast<double>(spectrum[k].i) * spectrum[k].i;
            }
        }
        clusterSpreads(power, rate / static_cast<double>(n), params.cluster_cents, spreads);
        ++windows;
        if (ctx.cancel().isCancelled()) {
            break;
        }
    }
    res.detune_clusters = static_cast<int>(spreads.size());
    if (!spreads.empty()) {
        res.detune_cents = medianOf(spreads) / 0.67;
    }
    return res;
}

} // namespace styledna::core
