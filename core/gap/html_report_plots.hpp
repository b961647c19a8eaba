#pragma once
// The plots of the HTML report (html_report.hpp), each an SvgPlot
// (svg_plot.hpp) built from the WIP's analysis, the profile and the GapReport.
//
//  tonal_balance   x: the seven tonal_balance_<band>_db bands (categories);
//                  y: dB share of the track's energy. WIP line and points;
//                  profile p10-p90 band and median line (profile.stats); the
//                  compared cluster's p10-p90 band when report.cluster >= 0
//                  and that cluster has the statistics.
//  energy_per_bar  x: bars of the WIP (bar i drawn at i + 0.5, ticks show bar
//                  numbers from 1); y: dBFS. The WIP's energy_per_bar_db
//                  series; its sections as shaded labelled spans; the
//                  references' envelope: arrangement.energy_curve.NN p10-p90
//                  and median, point i at (i + 0.5) N / 32 of N bars (the
//                  curve's box-filter resampling, arrangement_stats.hpp); the
//                  cluster's p10-p90 when present. y spans at most 48 dB below
//                  the top so a silent bar (-120 dBFS) sits on the axis.
//  stereo_width    x: stereo_width_low / _mid / _high; y: width 0..1. Per band
//                  the profile's p10-p90 box with its median, the cluster's
//                  box, and the WIP as a labelled point.
//  gap_evidence    one gap: each place it was measured (whole mix, sections,
//                  stems; strongest first, at most 6) with the WIP value as a
//                  point against that comparison's acceptable range and target.
//
// Missing data: a plot needs the WIP's values (at least one finite band value;
// a series with at least one finite bar). Without them `svg` is empty and
// `note` says what is not available. Missing reference statistics do not
// remove the plot: the WIP is drawn alone and `note` says which reference
// statistics are missing. Non-finite values are never drawn (svg_plot.hpp).
// Threads: pure functions.

#include <string>

#include "core/analysis/track_analysis.hpp"
#include "core/gap/gap_report.hpp"
#include "core/profile/profile.hpp"

namespace styledna::gap {

struct ReportPlot {
    std::string name;    // data-plot name
    std::string title;   // heading for a producer
    std::string caption; // how to read it
    std::string svg;     // the <svg> element; empty when not available
    std::string note;    // what is missing (plain text, not escaped), or ""
};

ReportPlot tonalBalancePlot(const GapReport& report, const core::TrackAnalysis& wip,
                            const profile::Profile& profile);
ReportPlot energyPerBarPlot(const GapReport& report, const core::TrackAnalysis& wip,
                            const profile::Profile& profile);
ReportPlot stereoWidthPlot(const GapReport& report, const core::TrackAnalysis& wip,
                           const profile::Profile& profile);
// Empty svg (and no note) when the gap has fewer than two evidence entries
// with finite values: one number needs no plot.
ReportPlot gapEvidencePlot(const Gap& gap);

// Where a comparison was made, for a producer: "whole mix", "drop", "bass stem",
// "bass stem, drop".
std::string placeName(const std::string& section, const std::string& stem);

// The cluster of that id, or null.
const profile::Cluster* findCluster(const profile::Profile& profile, int id);

} // namespace styledna::gap
