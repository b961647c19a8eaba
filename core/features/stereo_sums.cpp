#include "core/features/stereo_sums.hpp"

#include <algorithm>
#include <cmath>

namespace styledna::core {

PairSums pairSums(const float* l, const float* r, std::size_t first, std::size_t last) {
    // Float partial sums in 8 lanes over blocks of 2048 samples (vectorised),
    // folded into double per block: ~1e-7 relative error per block.
    constexpr std::size_t kLanes = 8;
    constexpr std::size_t kBlock = 2048;
    PairSums s;
    std::size_t i = first;
    while (i < last) {
        const std::size_t end = std::min(last, i + kBlock);
        float ll[kLanes] = {}, rr[kLanes] = {}, lr[kLanes] = {}, sl[kLanes] = {}, sr[kLanes] = {};
        for (; i + kLanes <= end; i += kLanes) {
            for (std::size_t k = 0; k < kLanes; ++k) {
                const float a = l[i + k];
                const float b = r[i + k];
                ll[k] += a * a;
                rr[k] += b * b;
                lr[k] += a * b;
                sl[k] += a;
                sr[k] += b;
            }
        }
        for (; i < end; ++i) {
            const double a = l[i];
            const double b = r[i];
            s.ll += a * a;
            s.rr += b * b;
            s.lr += a * b;
            s.l += a;
            s.r += b;
        }
        for (std::size_t k = 0; k < kLanes; ++k) {
            s.ll += ll[k];
            s.rr += rr[k];
            s.lr += lr[k];
            s.l += sl[k];
            s.r += sr[k];
        }
    }
    s.n = last > first ? static_cast<double>(last - first) : 0.0;
    return s;
}

double sideShare(const PairSums& s, double silence_mean_square) {
    const double energy = s.ll + s.rr;
    if (s.n <= 0 || !(energy / (2.0 * s.n) > silence_mean_square)) {
        return 0.0;
    }
    return std::clamp((energy - 2.0 * s.lr) / (2.0 * energy), 0.0, 1.0);
}

double correlation(const PairSums& s, double silence_mean_square) {
    if (s.n <= 0) {
        return 1.0;
    }
    const double ml = s.l / s.n, mr = s.r / s.n;
    const double var_l = std::max(0.0, s.ll / s.n - ml * ml);
    const double var_r = std::max(0.0, s.rr / s.n - mr * mr);
    const bool quiet_l = !(var_l > silence_mean_square);
    const bool quiet_r = !(var_r > silence_mean_square);
    if (quiet_l && quiet_r) {
        return 1.0;
    }
    if (quiet_l || quiet_r) {
        return 0.0;
    }
    return std::clamp((s.lr / s.n - ml * mr) / std::sqrt(var_l * var_r), -1.0, 1.0);
}

} // namespace styledna::core
