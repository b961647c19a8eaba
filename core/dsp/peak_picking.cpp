#include "core/dsp/peak_picking.hpp"

#include <algorithm>

#include "core/dsp/tempo_induction.hpp"

namespace styledna::core {

std::vector<PickedPeak> pickPeaks(const std::vector<float>& env, const PeakPickParams& p) {
    std::vector<PickedPeak> peaks;
    const long n = static_cast<long>(env.size());
    if (n < 3) {
        return peaks;
    }
    std::vector<float> sorted(env);
    const auto q = static_cast<std::size_t>(0.95 * static_cast<double>(n - 1));
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(q), sorted.end());
    const double scale = sorted[q];
    if (scale <= 0.0) {
        return peaks;
    }
    std::vector<double> prefix(static_cast<std::size_t>(n) + 1, 0.0);
    for (long i = 0; i < n; ++i) {
        prefix[static_cast<std::size_t>(i) + 1] =
            prefix[static_cast<std::size_t>(i)] + env[static_cast<std::size_t>(i)];
    }
    long last = -p.wait - 1;
    for (long i = 1; i + 1 < n; ++i) {
        const float v = env[static_cast<std::size_t>(i)];
        if (v <= 0.0f || i - last <= p.wait) {
            continue;
        }
        const long mlo = std::max(0L, i - p.pre_max);
        const long mhi = std::min(n - 1, i + p.post_max);
        bool is_max = true;
        for (long j = mlo; j <= mhi && is_max; ++j) {
            is_max = env[static_cast<std::size_t>(j)] <= v;
        }
        if (!is_max) {
            continue;
        }
        const long alo = std::max(0L, i - p.pre_avg);
        const long ahi = std::min(n - 1, i + p.post_avg);
        const double mean =
            (prefix[static_cast<std::size_t>(ahi) + 1] - prefix[static_cast<std::size_t>(alo)]) /
            static_cast<double>(ahi - alo + 1);
        if (v < mean + p.delta * scale) {
            continue;
        }
        const auto u = static_cast<std::size_t>(i);
        peaks.push_back({static_cast<double>(i) + parabolicOffset(env[u - 1], v, env[u + 1]), v});
        last = i;
    }
    return peaks;
}

} // namespace styledna::core
