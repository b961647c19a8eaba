#pragma once
// renderHtmlReport(): one self-contained HTML document (no network, no external
// scripts, fonts or images) for a GapReport: the ranked gaps, the conformance
// score and its parts, the nearest references, and inline SVG plots written by
// this code:
//  * tonal balance: the WIP's seven tonal_balance_*_db bands against the
//    profile's p10-p90 band and median (whole track);
//  * energy per bar: the WIP's energy_per_bar_db series with its sections
//    marked, against the references' envelope (arrangement.energy_curve.*
//    p10-p90 and median, stretched over the WIP's length);
//  * stereo width per band (stereo_width_low/mid/high) against the profile.
// Every plot is an <svg> with a data-plot="<name>" attribute and at least one
// drawn path or shape; text is HTML-escaped. Threads: pure function.

#include <string>

#include "core/analysis/track_analysis.hpp"
#include "core/gap/gap_report.hpp"
#include "core/profile/profile.hpp"

namespace styledna::gap {

std::string renderHtmlReport(const GapReport& report, const core::TrackAnalysis& wip,
                             const profile::Profile& profile);

} // namespace styledna::gap
