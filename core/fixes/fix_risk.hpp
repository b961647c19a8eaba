#pragma once
// Fix.risk: how much a validated move eats into the safety margin of the
// features it is not meant to change, from the same offline simulation that
// validated it (core/fixes/fix_planner).
//
// For every comparison of the gap report that is not evidence of the fix's own
// gap, in range before the move and with a range of positive width:
//   headroom h = distance to the nearer range edge / half the range width
//   (1 at the centre of the references' range, 0 on its edge);
//   (negative outside the range, in the same unit);
//   its share used = max(0, h_before - h_after).
// risk = the largest share used over those features, capped at 1. Validation
// rejects a move that takes a feature of medium severity or more out of its
// range; a smaller slip out of range stays in the plan and shows here. A bell cut that
// fixes the bass but moves the whole-track low-mid balance from the middle of
// the references' range to its edge reads ~1; a move whose side effects stay
// where they were reads 0. `riskFeature` names the feature that set it.

#include <string>

#include "core/gap/gap_report.hpp"

namespace styledna::fixes {

struct FixRisk {
    double risk = 0;
    std::string feature, section, stem; // the comparison that set it ("" when 0)
};

FixRisk fixRisk(const gap::Gap& fixed_gap, const gap::GapReport& before,
                const gap::GapReport& after);

} // namespace styledna::fixes
