#include "core/features/trance_supersaw.hpp"

#include <algorithm>
#include <array>
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

// Hann window's power response at a fractional bin offset (large-n form):
// W(x) = 0.5 sinc(x) + 0.25 (sinc(x - 1) + sinc(x + 1)), K = W^2, K(0) = 0.25.
double hannPower(double x) {
    const auto sinc = [](double v) {
        return std::abs(v) < 1e-9 ? 1.0 : std::sin(std::numbers::pi * v) / (std::numbers::pi * v);
    };
    const double w = 0.5 * sinc(x) + 0.25 * (sinc(x - 1.0) + sinc(x + 1.0));
    return w * w;
}

// K tabulated at 1/32 bin over +-kKernelBins (beyond: below -120 dB of K(0)).
constexpr int kKernelBins = 48;
constexpr int kKernelSteps = 32;
const std::vector<double>& kernelTable() {
    static const std::vector<double> table = [] {
        std::vector<double> t(kKernelBins * kKernelSteps + 2);
        for (std::size_t i = 0; i < t.size(); ++i) {
            t[i] = hannPower(static_cast<double>(i) / kKernelSteps);
        }
        return t;
    }();
    return table;
}

double kernelAt(const std::vector<double>& table, double x) {
    const double a = std::abs(x) * kKernelSteps;
    if (a >= kKernelBins * kKernelSteps) {
        return 0.0;
    }
    const auto i = static_cast<std::size_t>(a);
    const double f = a - static_cast<double>(i);
    return table[i] + f * (table[i + 1] - table[i]);
}

// The voice counts the fit tries (a supersaw's 2-16 voices; between those
// listed the std-to-detune factor changes by under 2 %).
constexpr std::array<int, 11> kVoiceCounts{2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 16};

// One prominent partial cluster: |L|^2 + |R|^2 minus the local floor over
// +-cluster_cents about its power centroid, at bin offsets from that centroid.
struct Cluster {
    std::vector<double> offset_bins;
    std::vector<double> power;
    double centre_bin = 0.0;
    double var_cents2 = 0.0; // power-weighted variance about the centroid
};

// Fit of one voice count to one cluster: the detune whose model (n equal
// voices evenly over [-d, d], each the window's response) has the cluster's
// variance, and the model's relative squared error with the least-squares
// amplitude.
struct VoiceFit {
    double detune_cents = 0.0;
    double error = 1.0;
};

VoiceFit fitVoices(const Cluster& c, int voices, const std::vector<double>& table) {
    const double cents_per_bin_ln = 1200.0 / std::numbers::ln2;
    const auto modelInto = [&](double detune, std::vector<double>& model) {
        std::fill(model.begin(), model.end(), 0.0);
        for (int v = 0; v < voices; ++v) {
            const double cents = (2.0 * v / (voices - 1) - 1.0) * detune;
            const double at = c.centre_bin * (std::exp2(cents / 1200.0) - 1.0);
            for (std::size_t k = 0; k < model.size(); ++k) {
                model[k] += kernelAt(table, c.offset_bins[k] - at);
            }
        }
    };
    const auto varianceOf = [&](const std::vector<double>& model) {
        double w = 0.0, m1 = 0.0, m2 = 0.0;
        for (std::size_t k = 0; k < model.size(); ++k) {
            const double cents = cents_per_bin_ln * std::log1p(c.offset_bins[k] / c.centre_bin);
            w += model[k];
            m1 += model[k] * cents;
            m2 += model[k] * cents * cents;
        }
        return w > 0 ? std::max(0.0, m2 / w - (m1 / w) * (m1 / w)) : 0.0;
    };
    std::vector<double> model(c.power.size());
    // Variance of one voice (the window alone) and of n voices at a first
    // guess; the model's variance grows as lobe + f(n)^2 d^2, so a few
    // rescalings of d converge.
    modelInto(0.0, model);
    const double lobe = varianceOf(model);
    const double factor2 = static_cast<double>(voices + 1) / (3.0 * (voices - 1));
    double detune = std::sqrt(std::max(0.0, c.var_cents2 - lobe) / factor2);
    for (int it = 0; it < 3 && detune > 0.0; ++it) {
        modelInto(detune, model);
        const double got = varianceOf(model) - lobe;
        const double want = c.var_cents2 - lobe;
        if (!(got > 0.0) || !(want > 0.0)) {
            break;
        }
        detune *= std::sqrt(want / got);
    }
    modelInto(detune, model);
    double pm = 0.0, mm = 0.0, pp = 0.0;
    for (std::size_t k = 0; k < model.size(); ++k) {
        pm += c.power[k] * model[k];
        mm += model[k] * model[k];
        pp += c.power[k] * c.power[k];
    }
    VoiceFit fit;
    fit.detune_cents = detune;
    if (mm > 0.0 && pp > 0.0) {
        fit.error = std::max(0.0, 1.0 - pm * pm / (mm * pp));
    }
    return fit;
}

// The prominent partial clusters of one |L|^2 + |R|^2 spectrum.
void findClusters(const std::vector<double>& power, double bin_hz, double cluster_cents,
                  std::vector<Cluster>& clusters) {
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
        // Two passes: centroid, then the cluster about it, within +-cluster_cents.
        double centre_hz = pk.k * bin_hz;
        Cluster c;
        for (int pass = 0; pass < 2; ++pass) {
            const std::size_t c0 = binAt(centre_hz / rc), c1 = binAt(centre_hz * rc);
            double w = 0, m1 = 0, m2 = 0;
            c.offset_bins.clear();
            c.power.clear();
            for (std::size_t k = c0; k <= c1; ++k) {
                const double p = std::max(0.0, power[k] - floor);
                const double cents = 1200.0 * std::log2(std::max(1e-9, k * bin_hz) / centre_hz);
                w += p;
                m1 += p * cents;
                m2 += p * cents * cents;
                c.offset_bins.push_back(static_cast<double>(k) - centre_hz / bin_hz);
                c.power.push_back(p);
            }
            if (!(w > 0)) {
                break;
            }
            const double mean = m1 / w;
            c.var_cents2 = std::max(0.0, m2 / w - mean * mean);
            if (pass == 0) {
                centre_hz *= std::exp2(mean / 1200.0);
            } else {
                for (double& o : c.offset_bins) {
                    o -= mean / 1200.0 * std::numbers::ln2 * centre_hz / bin_hz; // recentre
                }
            }
        }
        c.centre_bin = centre_hz / bin_hz;
        if (c.var_cents2 > 0.0 && !c.power.empty()) {
            clusters.push_back(std::move(c));
        }
    }
}

// Detune of the outermost voice from the clusters. Each cluster's best-fitting
// voice count; the clusters that one fits well (relative error under
// kCleanFit: partials of one note, not two chord notes' partials overlapping)
// vote for the track's voice count, and the detune is the median of those
// clusters' detunes for it. Without a clean cluster, the median variance read
// with seven voices (the std of n even voices is d sqrt((n + 1) / (3 (n - 1))),
// 0.65-0.71 d for 5-9 voices).
constexpr double kCleanFit = 0.2;

double detuneFromClusters(const std::vector<Cluster>& clusters) {
    if (clusters.empty()) {
        return 0.0;
    }
    const auto& table = kernelTable();
    std::array<int, kVoiceCounts.size()> votes{};
    std::vector<std::vector<VoiceFit>> fits(clusters.size());
    std::vector<std::size_t> clean;
    for (std::size_t i = 0; i < clusters.size(); ++i) {
        std::size_t best = 0;
        for (std::size_t j = 0; j < kVoiceCounts.size(); ++j) {
            fits[i].push_back(fitVoices(clusters[i], kVoiceCounts[j], table));
            if (fits[i][j].error < fits[i][best].error) {
                best = j;
            }
        }
        if (fits[i][best].error < kCleanFit) {
            ++votes[best];
            clean.push_back(i);
        }
    }
    std::vector<double> values;
    if (clean.empty()) {
        const auto seven = static_cast<std::size_t>(
            std::find(kVoiceCounts.begin(), kVoiceCounts.end(), 7) - kVoiceCounts.begin());
        for (const auto& f : fits) {
            values.push_back(f[seven].detune_cents);
        }
        return medianOf(values);
    }
    const auto voted =
        static_cast<std::size_t>(std::max_element(votes.begin(), votes.end()) - votes.begin());
    for (std::size_t i : clean) {
        values.push_back(fits[i][voted].detune_cents);
    }
    return medianOf(values);
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
    std::vector<Cluster> clusters;
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
        findClusters(power, rate / static_cast<double>(n), params.cluster_cents, clusters);
        ++windows;
        if (ctx.cancel().isCancelled()) {
            break;
        }
    }
    res.detune_clusters = static_cast<int>(clusters.size());
    res.detune_cents = detuneFromClusters(clusters);
    return res;
}

} // namespace styledna::core
