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

#include "unit/rank_statistics.hpp"

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

inline double f1Score(int tp, int fp, int fn) {
    return tp > 0 ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0;
}

} // namespace styledna::test
