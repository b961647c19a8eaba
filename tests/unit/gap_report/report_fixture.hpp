#pragma once
// A hand-made gap report for the HTML report tests and the Chromium check
// (tests/tools/html_report_tool.cpp): no analyzer, no audio.
//
// The WIP: 138 bpm, A minor, 136 bars (intro 16, drop 16, breakdown 8, buildup
// 8, drop 48, breakdown 16, drop 16, outro 8), energy per bar from those
// sections, every tonal balance and stereo width band. Its flaws: low mids
// +4 dB (muddy bass), a wide low end, a short breakdown, a quiet master, a weak
// sidechain, narrow supersaws. The profile: 24 references in two sub-styles
// (0 "progressive", 1 "uplifting"), whole-profile and cluster statistics for
// every band and for the 32-point energy curve. The report compares with
// cluster 1 and ranks six gaps in five categories with their evidence.

#include "core/analysis/track_analysis.hpp"
#include "core/gap/gap_report.hpp"
#include "core/profile/profile.hpp"

namespace styledna::test {

struct ReportFixture {
    gap::GapReport report;
    core::TrackAnalysis wip;
    profile::Profile profile;
};

ReportFixture reportFixture();

// Statistics with p10 / p90 = median -/+ spread, p25 / p75 at half the spread,
// acceptable range = p10..p90, weight 0.6.
profile::FeatureStats makeStats(const std::string& name, const std::string& unit, double median,
                                double spread);

} // namespace styledna::test
