#pragma once
// Per-feature statistics of a set of reference tracks (the profile's numbers).
//
// Rows: each track contributes at most one value per feature.
//   whole track: every finite TrackFeatures::values entry except key_tonic_pc
//                (a pitch-class code, not a quantity: "key" carries it), plus
//                the arrangement values of arrangement_stats.hpp;
//   categorical: TrackFeatures::labels (non-empty values) plus "mode" derived
//                from "key" ("A minor" -> "minor");
//   per section: for each section label, the mean over the track's sections
//                with that label of each finite Section::values entry, so a
//                track with two drops counts once in "drop".
// A feature no track reports is absent; `count` is the number of tracks that
// reported it. Non-finite values are dropped (they do not count).
//
// Scalar statistics of n values x (sorted ascending, x[0] .. x[n-1]):
//   mean, std       arithmetic mean; sample standard deviation (n - 1; 0 for n = 1)
//   quantile(p)     Hyndman & Fan type 7 (numpy / R default): h = (n - 1) p,
//                   q = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]);
//                   median = quantile(0.5) (mean of the middle two for even n)
//   median CI       percentile bootstrap: B = bootstrap_resamples resamples of n
//                   values drawn with replacement (SplitMix64 seeded with
//                   deriveSeed(seed, "bootstrap:" + name)), median of each,
//                   ci = [quantile(0.05), quantile(0.95)] of the B medians (90 %);
//                   B = 0 or n = 1 gives [median, median]. From n =
//                   kDirectBootstrapFrom on, each resample's median is drawn
//                   from its exact distribution instead of from n draws (the
//                   k-th smallest of n draws floor(n U) is floor(n U_(k)),
//                   U_(k) ~ Beta(k, n + 1 - k); feature_stats.cpp): the same
//                   CI in distribution, O(B) instead of O(B n) (at 1,000
//                   members the statistics took ~0.6 s of an --append), other
//                   draws than the n-draw resampling; below it (every profile
//                   where the CI widens the range) the draws are unchanged
//   range           [p10, p90]; with fewer than kRangeWidenBelowCount values it is
//                   widened to contain the median CI: [min(p10, ci_low),
//                   max(p90, ci_high)] (few references: the percentiles alone
//                   understate how uncertain the centre is)
// Weights are not set here (feature_weight.hpp). Threads: pure functions;
// tableStats() shares a large table's features between two workers (each
// feature has its own seed, so the result is the one of a single thread).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/features/track_features.hpp"
#include "core/profile/profile.hpp"

namespace styledna::profile {

inline constexpr int kRangeWidenBelowCount = 20;
inline constexpr std::size_t kDirectBootstrapFrom = 64;

struct StatsOptions {
    std::uint64_t seed = 0;
    int bootstrap_resamples = 1000; // >= 0
};

// Type-7 quantile of ascending values, p in [0, 1]; 0 for none.
double quantileSorted(const std::vector<double>& sorted, double p);

// Statistics of one scalar feature (non-finite values dropped; count 0 gives
// all zeros). weight and weight_basis are left empty.
FeatureStats scalarStats(const std::string& name, const std::string& unit,
                         std::vector<double> values, const StatsOptions& options);

// Distribution of one categorical feature (empty strings dropped).
FeatureStats categoricalStats(const std::string& name, const std::vector<std::string>& values);

// What a set of tracks says, feature by feature: one entry per track that
// reported the feature, in track order.
struct FeatureTable {
    std::map<std::string, std::vector<double>> scalars;
    std::map<std::string, std::vector<std::string>> labels;

    void addTrack(const std::map<std::string, double>& values,
                  const std::map<std::string, std::string>& track_labels);
};

// One track's whole-track row: scalar values (incl. "arrangement.*") and labels
// (incl. derived "mode").
std::map<std::string, double> wholeTrackValues(const core::TrackFeatures& features);
std::map<std::string, std::string> trackLabels(const core::TrackFeatures& features);
// One track's section rows: section label -> feature -> mean over its sections.
std::map<std::string, std::map<std::string, double>>
sectionValues(const core::TrackFeatures& features);

// One track's rows, computed once when a build makes several tables over the
// same tracks (the whole profile, each cluster and its complement).
struct TrackRows {
    std::map<std::string, double> values;                          // wholeTrackValues()
    std::map<std::string, std::string> labels;                     // trackLabels()
    std::map<std::string, std::map<std::string, double>> sections; // sectionValues()
};
TrackRows trackRows(const core::TrackFeatures& features);
// As the TrackFeatures overloads below, from precomputed rows (same tables).
FeatureTable wholeTrackTable(const std::vector<const TrackRows*>& tracks);
std::map<std::string, FeatureTable> sectionTables(const std::vector<const TrackRows*>& tracks);

FeatureTable wholeTrackTable(const std::vector<const core::TrackFeatures*>& tracks);
// Section label -> table over the tracks that have a section with that label.
std::map<std::string, FeatureTable>
sectionTables(const std::vector<const core::TrackFeatures*>& tracks);

// Unit of a feature: the registry's (core/features/registry.hpp) for its
// features, arrangement_stats.hpp's for "arrangement.*", "" otherwise.
std::string featureUnit(const std::string& name);

// Statistics of every feature of a table, sorted by name (scalars and
// categoricals interleaved by name). Units from featureUnit(); weights unset.
std::vector<FeatureStats> tableStats(const FeatureTable& table, const StatsOptions& options);

// Robust spread IQR / 1.349 (the std of a normal with that IQR) of ascending
// values; what feature_weight.hpp and the spread table compare.
double robustSpreadSorted(const std::vector<double>& sorted);
inline double robustSpread(const FeatureStats& s) {
    return (s.p75 - s.p25) / 1.349;
}

} // namespace styledna::profile
