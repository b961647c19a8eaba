#pragma once
// A cluster's readable label.
//
//  1. The members' user label, when at least kLabelMajority (60 %) of the
//     members carry the same non-empty one.
//  2. Else its defining features, joined with " · ":
//     "<median tempo_bpm, rounded> BPM" (when the cluster has a tempo), then up
//     to kMaxLabelFeatures phrases for the scalar features that set the cluster
//     apart from the rest of the profile (the members of the other clusters),
//     ranked by the separation
//         z = |median_cluster - median_rest| / s,
//         s = max(sqrt((s_cluster^2 + s_rest^2) / 2), 0.1 s_profile),
//     each s the IQR / 1.349 of that group (a robust Cohen's d: the gap in
//     units of the spread within the groups; the floor keeps a feature that is
//     constant within each group finite). z >= kMinLabelZ (2): for a feature
//     that does not differ between the groups, medians of six-member clusters
//     reach z = 2 with a chance of ~0.2 %, while a real sub-style difference
//     (acid or not) reads 5-15. Features with s = 0 are skipped; tempo_bpm,
//     the energy curve points and key codes are never named. Known features
//     read as words ("acid" / "no acid", "wide supersaw" / "narrow supersaw",
//     "deep sidechain" / "light sidechain", ...); others as "high <name>" /
//     "low <name>". e.g. "138 BPM · acid · wide supersaw".
//     With one cluster (no rest) only the tempo is named.
//  3. "sub-style <id + 1>" when neither gives anything.
// Threads: pure function.

#include <string>
#include <vector>

#include "core/profile/profile.hpp"

namespace styledna::profile {

inline constexpr double kLabelMajority = 0.6;
inline constexpr int kMaxLabelFeatures = 2;
inline constexpr double kMinLabelZ = 2.0;

// rest_stats: statistics over the profile's other members (medians and
// quartiles suffice); profile_stats: over all members (for the floor of s).
std::string clusterLabel(int cluster_id, const std::vector<std::string>& member_labels,
                         const std::vector<FeatureStats>& cluster_stats,
                         const std::vector<FeatureStats>& rest_stats,
                         const std::vector<FeatureStats>& profile_stats);

} // namespace styledna::profile
