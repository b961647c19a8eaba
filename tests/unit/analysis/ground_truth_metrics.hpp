#pragma once
// Scoring the feature layer against synthesizer truth: section boundaries and
// labels compared in seconds (the detected grid's bar 0 need not be the
// truth's), Spearman rank correlation, F1.

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "core/audio/synth/trance_synth.hpp"
#include "core/features/track_features.hpp"

namespace styledna::test {

inline double truthBarS(const core::SynthTruth& truth) {
    return 240.0 / truth.params.tempo_bpm;
}

struct BoundaryScore {
    int hits = 0;         // truth boundaries with a detected boundary within the tolerance
    int total = 0;        // internal truth boundaries (section starts after the first)
    double worst_s = 0.0; // largest distance truth -> nearest detected boundary
};

// Each internal truth boundary matched to the nearest internal detected
// boundary; a hit when |distance| <= tolerance_s.
inline BoundaryScore scoreBoundaries(const core::SynthTruth& truth,
                                     const std::vector<core::Section>& found, double tolerance_s) {
    BoundaryScore score;
    for (std::size_t i = 1; i < truth.sections.size(); ++i) {
        double nearest = std::numeric_limits<double>::infinity();
        for (std::size_t j = 1; j < found.size(); ++j) {
            nearest = std::min(nearest, std::abs(found[j].start_s - truth.sections[i].start_s));
        }
        ++score.total;
        score.hits += nearest <= tolerance_s ? 1 : 0;
        score.worst_s = std::max(score.worst_s, nearest);
    }
    return score;
}

// Detected label at time t ("" outside every section).
inline std::string labelAt(const std::vector<core::Section>& found, double t) {
    for (const auto& s : found) {
        if (t >= s.start_s && t < s.end_s) {
            return s.label;
        }
    }
    return "";
}

// Truth bars (judged at their centre) whose detected label equals the truth's.
inline std::pair<int, int> barLabelHits(const core::SynthTruth& truth,
                                        const std::vector<core::Section>& found) {
    const double bar_s = truthBarS(truth);
    int same = 0, total = 0;
    for (const auto& s : truth.sections) {
        for (int b = s.start_bar; b < s.start_bar + s.bars; ++b) {
            ++total;
            same += labelAt(found, truth.first_downbeat_s + (b + 0.5) * bar_s) == s.label ? 1 : 0;
        }
    }
    return {same, total};
}

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

// Spearman rank correlation: Pearson correlation of tie-averaged ranks.
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

inline double f1Score(int tp, int fp, int fn) {
    return tp > 0 ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0;
}

} // namespace styledna::test
