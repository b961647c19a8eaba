#pragma once
// Rank statistics shared by the ground-truth suites.

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace styledna::test {

// Ranks 0..n-1 with ties given their average rank.
inline std::vector<double> tieAveragedRanks(const std::vector<double>& v) {
    std::vector<std::size_t> idx(v.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < idx.size();) {
        std::size_t j = i;
        while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) {
            ++j;
        }
        for (std::size_t k = i; k <= j; ++k) {
            r[idx[k]] = 0.5 * double(i + j);
        }
        i = j + 1;
    }
    return r;
}

// Spearman rank correlation: Pearson correlation of tie-averaged ranks
// (0 when either side is constant).
inline double spearman(const std::vector<double>& a, const std::vector<double>& b) {
    const auto ra = tieAveragedRanks(a), rb = tieAveragedRanks(b);
    const double n = double(a.size());
    const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n;
    const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < ra.size(); ++i) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

} // namespace styledna::test
