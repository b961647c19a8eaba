#include "core/fixes/fix_risk.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

namespace styledna::fixes {
namespace {

using Key = std::tuple<std::string, std::string, std::string, std::string>;

Key keyOf(const gap::Comparison& c) {
    return {c.feature, c.section, c.stem, c.basis};
}

// 1 at the range centre, 0 on an edge, negative outside.
double headroom(double value, double low, double high) {
    const double half = 0.5 * (high - low);
    return std::min(value - low, high - value) / half;
}

} // namespace

FixRisk fixRisk(const gap::Gap& fixed_gap, const gap::GapReport& before,
                const gap::GapReport& after) {
    std::set<Key> own;
    for (const auto& e : fixed_gap.evidence) {
        own.insert(keyOf(e));
    }
    std::map<Key, const gap::Comparison*> was;
    for (const auto& c : before.comparisons) {
        was[keyOf(c)] = &c;
    }
    FixRisk out;
    for (const auto& c : after.comparisons) {
        const Key key = keyOf(c);
        if (own.count(key) != 0 || c.feature == fixed_gap.feature) {
            continue;
        }
        const auto it = was.find(key);
        if (it == was.end()) {
            continue;
        }
        const gap::Comparison& b = *it->second;
        if (!b.in_range || !(b.range_high > b.range_low) || !std::isfinite(b.wip_value) ||
            !std::isfinite(c.wip_value)) {
            continue;
        }
        const double h_before = headroom(b.wip_value, b.range_low, b.range_high);
        // Past the edge the headroom goes negative: a feature nudged just out
        // from near the edge used little, one thrown from the centre all.
        const double used =
            std::max(0.0, h_before - headroom(c.wip_value, b.range_low, b.range_high));
        if (used > out.risk) {
            out.risk = std::min(1.0, used);
            out.feature = c.feature;
            out.section = c.section;
            out.stem = c.stem;
        }
    }
    return out;
}

} // namespace styledna::fixes
