#pragma once
// Feature weight: how defining a feature is for a style, 0..1.
//
// Scalar features: a feature the references hold tight, relative to how much
// it varies across all trance styles, defines the style:
//     w = clamp(1 - s_profile / s_all, 0, 1),   s = IQR / 1.349 (type-7 quantiles)
// s_profile from the profile's own p25/p75; s_all from the committed spread
// table (style_spread_table.hpp). w = 1: every reference sits on one value
// that styles otherwise spread over; w = 0: the references spread as widely as
// all styles do (or wider). The robust spread ignores a few wild references.
// Lookups: whole track by name; per section "section.<label>.<name>", falling
// back to the whole-track entry of the same name (a section feature varies at
// least about as much between styles as its whole-track twin).
// Fallback w = kDefaultWeight (0.5: neither defining nor irrelevant) when the
// table holds neither name, or fewer than kMinWeightCount references reported
// the feature (an IQR of one or two values says nothing); weight_basis says so.
//
// Categorical features: w = 1 - H / ln K, H the entropy (nats) of the
// distribution, K the number of possible values (key 24, mode 2, else the
// number seen; K < 2 gives the default): 1 when every reference shares one
// value, 0 when they spread evenly over all of them.
// Threads: pure functions.

#include <string>
#include <vector>

#include "core/profile/profile.hpp"

namespace styledna::profile {

inline constexpr double kDefaultWeight = 0.5;
inline constexpr int kMinWeightCount = 3;

// FeatureStats::weight_basis values.
inline constexpr const char* kWeightBasisStyleSpread = "style_spread";
inline constexpr const char* kWeightBasisWholeTrackSpread = "style_spread_whole_track";
inline constexpr const char* kWeightBasisNotInTable = "default_not_in_table";
inline constexpr const char* kWeightBasisFewValues = "default_few_values";
inline constexpr const char* kWeightBasisEntropy = "categorical_entropy";

// w from the two spreads (s_all > 0); exposed for tests and the docs.
double spreadWeight(double s_profile, double s_all);

// Sets weight and weight_basis of every entry. section_label: "" for whole-track
// statistics, else the section label the statistics belong to.
void applyWeights(std::vector<FeatureStats>& stats, const std::string& section_label);

// Stem statistics (Profile::stem_stats / stem_section_stats): the table's
// "stem.<stem>.<name>" entry when it holds one (basis kWeightBasisStyleSpread),
// else exactly applyWeights(stats, section_label) on the mix's names (the
// stem feature's whole-track twin: a stem's bass centroid varies between
// styles about as much as the mix's; basis kWeightBasisMixTwinSpread), with
// the same defaults.
inline constexpr const char* kWeightBasisMixTwinSpread = "style_spread_mix_twin";
void applyStemWeights(std::vector<FeatureStats>& stats, const std::string& stem,
                      const std::string& section_label);

} // namespace styledna::profile
