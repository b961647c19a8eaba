#pragma once
// The gap analyzer's vocabulary of causes: which features are style choices,
// which category each feature reports under, which cause a deviation points
// at (by feature and direction), and the smallest difference of each unit a
// producer can act on (the floor of the robust scale).
//
// A cause key groups every comparison that a producer would fix with one
// move: "low_mid_buildup" collects tonal_balance_low_mid_db above the
// references and bass_spectral_centroid_hz above them, whole track, any
// section, any stem. A deviation no cause claims gets its own key,
// "<feature>_high" / "<feature>_low" (merged over sections and stems; the
// "arrangement." prefix dropped so a value and its arrangement twin merge);
// section lengths and counts of one label merge as "long_<label>" /
// "short_<label>" (so "short_breakdown" also collects arrangement.breakdown_count).
// Units of counts ("*_count") floor at one section.
// Threads: immutable tables, pure functions.

#include <string>
#include <string_view>

namespace styledna::gap {

// How the analyzer treats a feature.
enum class FeatureRole {
    kMix,         // a mix property: judged against the cluster and the whole profile
    kStyle,       // a style choice: judged against the nearest cluster only
    kDescriptive, // compared and listed, never a gap (confidences, durations, codes)
};

struct FeatureClass {
    FeatureRole role = FeatureRole::kMix;
    std::string category; // kCategory* of gap_report.hpp
};

// Role and category of a feature name (registry name or "arrangement.*").
FeatureClass classifyFeature(std::string_view feature);

// What a deviation of `feature` in `direction` (+1 above the references, -1
// below) points at.
struct Cause {
    std::string id;       // stable key, e.g. "low_mid_buildup"
    std::string title;    // e.g. "Muddy low mids"
    std::string category; // kCategory*
};
Cause causeOf(std::string_view feature, int direction);
// The cause of a named id of the table ("wide_low_end"); id as title otherwise.
Cause namedCause(std::string_view id);

// Broadband evidence a band-specific cause explains: a drop of the whole
// band's stereo correlation is the low end's doing when the low end itself is
// out of range ("wide_stereo" by stereo_correlation / stereo_width /
// stereo_width_mid -> "wide_low_end": a stereo bass's harmonics widen the mids
// too); a darker spectral centroid, roll-off or tilt is the low mids'
// ("dull_highs" -> "low_mid_buildup"), and so is a lower sub / low share
// ("thin_low_end" -> "low_mid_buildup": bands are shares of the total, so a
// low-mid boost lowers the others). Returns the specific cause id
// that takes over `feature`'s evidence from `cause_id` when both are present,
// else "".
std::string explainingCause(std::string_view cause_id, std::string_view feature);

// Smallest meaningful difference in a unit, at a typical value `target`
// (measurementResolution() builds on it): 0.5 dB (dB, dBFS, LUFS, LU, dBTP), 0.1 dB/oct,
// 2 % of |target| for Hz (at least 0.5 Hz), 0.5 BPM, 2 bars, 2 cents, max(2 ms,
// 5 %) for ms, 0.1 for 1/beat, 1 s; section counts 1; unitless shares 0.02,
// binary flags 0.5. Without a unit, a name ending in _db / _hz / _ms gives it
// (stem-only features such as kick_bass_overlap_db).
double minimumMeaningfulDifference(std::string_view feature, std::string_view unit, double target);

// What a measurement of `feature` at a typical value `target` can resolve: two
// readings closer than this may be the same sound, so no acceptable range is
// narrower and no robust scale smaller (gap_compare.hpp acceptableRange(),
// judge()). It is minimumMeaningfulDifference() (a range then spans at least
// twice it, the fix_quality tolerance: 1 dB / LU, 4 % for Hz, 0.04 for
// shares) except where the feature's own detector has a coarser floor:
//   sidechain_depth_db at a target under TranceSidechainParams::
//   min_significant_db (2 dB): the detector reports a track's duck under
//   that as 0, and then none in its sections (trance_sidechain.hpp), so
//   references that all read 0 dB say "no duck found", i.e. under 2 dB, not
//   "exactly 0"; from the floor up, fitted depths resolve to the unit's
//   0.5 dB again.
double measurementResolution(std::string_view feature, std::string_view unit, double target);

// Plain words for a feature ("low mids (150-400 Hz)", "bass centroid").
std::string featureWords(std::string_view feature);
// Plain words for a place: "" -> "", "intro" -> "the intro", stem "bass" ->
// "the bass stem", both -> "the bass stem in the intro".
std::string placeWords(std::string_view section, std::string_view stem);

} // namespace styledna::gap
