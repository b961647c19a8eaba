#pragma once
// Arrangement values of one track, as whole-track features named
// "arrangement.<...>" (profile statistics are taken over these like any other).
//
// From TrackFeatures::sections (labels intro | breakdown | buildup | drop | outro):
//   arrangement.section_count         sections in the track                     ""
//   arrangement.length_bars           sum of the sections' bars                 bars
//   arrangement.<label>_count         sections with that label (0 when none)    ""
//   arrangement.<label>_bars          mean length of that label's sections      bars
//                                     (absent when the track has none)
//   arrangement.drop_gain_db          values["drop_gain_db"] (trance family: mean
//                                     power of the drop bars minus the breakdown
//                                     bars), only when the track has both a drop
//                                     and a breakdown section (the family writes 0
//                                     otherwise, which is not a measurement)    dB
// From TrackFeatures::series["energy_per_bar_db"] (one value per bar, dBFS):
//   arrangement.energy_curve.00 .. 31 the curve resampled to kEnergyCurvePoints
//                                     points over the track's own length (point i
//                                     is the mean over bars [i N / 32, (i + 1) N / 32)
//                                     of N bars, partial bars weighted by overlap),
//                                     so tracks of any length line up       dBFS
// A track without sections (or without the series) contributes nothing for
// those names. Threads: pure functions.

#include <map>
#include <string>
#include <vector>

#include "core/features/track_features.hpp"

namespace styledna::profile {

inline constexpr int kEnergyCurvePoints = 32;
inline constexpr const char* kArrangementPrefix = "arrangement.";

// Adds the arrangement values of `features` to `out` (existing keys overwritten).
void addArrangementValues(const core::TrackFeatures& features, std::map<std::string, double>& out);

// Box-filter resampling of a per-bar curve to `points` values over its length
// (see above); empty for an empty curve or points < 1.
std::vector<double> resampleCurve(const std::vector<double>& curve, int points);

// "arrangement.energy_curve.07"
std::string energyCurveName(int point);

// Unit of an arrangement value name ("bars", "dB", "dBFS" or "").
std::string arrangementUnit(const std::string& name);

} // namespace styledna::profile
