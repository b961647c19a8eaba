#pragma once
// Scoring helpers for the trance family against synthesizer truth.

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "core/features/track_features.hpp"
#include "unit/features_trance/trance_synth_cases.hpp"

namespace styledna::test {

// Internal truth boundaries (bars) and how many have a detected boundary
// within `tolerance_bars`.
inline std::pair<int, int>
boundaryHits(const TranceCase& c, const std::vector<core::Section>& found, int tolerance_bars = 1) {
    int hits = 0, total = 0;
    for (std::size_t i = 1; i < c.sections.size(); ++i) {
        ++total;
        const int b = c.sections[i].start_bar;
        for (std::size_t j = 1; j < found.size(); ++j) {
            if (std::abs(found[j].start_bar - b) <= tolerance_bars) {
                ++hits;
                break;
            }
        }
    }
    return {hits, total};
}

// Fraction of bars whose detected label equals the truth label.
inline double barLabelAgreement(const TranceCase& c, const std::vector<core::Section>& found) {
    std::vector<std::string> truth(static_cast<std::size_t>(c.total_bars));
    for (const auto& s : c.sections) {
        for (int b = s.start_bar; b < s.start_bar + s.bars && b < c.total_bars; ++b) {
            truth[static_cast<std::size_t>(b)] = s.label;
        }
    }
    int same = 0;
    for (const auto& s : found) {
        for (int b = s.start_bar; b < s.start_bar + s.bars && b < c.total_bars; ++b) {
            same += truth[static_cast<std::size_t>(b)] == s.label ? 1 : 0;
        }
    }
    return c.total_bars > 0 ? double(same) / c.total_bars : 0.0;
}

inline std::vector<double> ranks(const std::vector<double>& v) {
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

// Spearman rank correlation (Pearson on tie-averaged ranks).
inline double spearman(const std::vector<double>& a, const std::vector<double>& b) {
    const auto ra = ranks(a), rb = ranks(b);
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
