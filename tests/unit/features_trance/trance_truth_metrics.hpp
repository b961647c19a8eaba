#pragma once
// Scoring helpers for the trance family against synthesizer truth.

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "core/features/track_features.hpp"
#include "unit/features_trance/trance_synth_cases.hpp"

#include "unit/rank_statistics.hpp"

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

} // namespace styledna::test
