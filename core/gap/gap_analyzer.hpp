#pragma once
// analyzeGap(): compare one analysed WIP with a Style Profile (GapReport, see
// gap_report.hpp for the vocabulary). Pure function of its inputs.
//
// Inputs: the WIP's TrackAnalysis (features, sections, embedding, and stems
// when they were analysed: TrackAnalysis::stems) and a Profile (whole-track,
// per-section and per-stem statistics, clusters, members, embedding space).
// The contract of the method (ranking, merging, style choices, conformance)
// is written at the top of gap_analyzer.cpp.

#include "core/analysis/track_analysis.hpp"
#include "core/common/status.hpp"
#include "core/gap/gap_report.hpp"
#include "core/profile/profile.hpp"

namespace styledna::gap {

struct GapOptions {
    int cluster = -1;  // -1: the nearest cluster of the WIP's embedding; else that cluster id
    int nearest_k = 5; // nearest references listed
    int max_gaps = 0;  // 0: every gap; else the top N
};

// invalidArgument when the cluster id does not exist or the WIP has no
// features. When the profile's space cannot embed the WIP (no embedding, or an
// export without head weights) the report is made from the features alone:
// the whole profile is the comparison basis unless a cluster was requested,
// nearest_references is empty and the embedding part of the conformance score
// has weight 0 (its detail says why).
core::Result<GapReport> analyzeGap(const core::TrackAnalysis& wip, const profile::Profile& profile,
                                   const GapOptions& options = {});

} // namespace styledna::gap
