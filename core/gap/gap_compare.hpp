#pragma once
// The arithmetic of one comparison, for analyzeGap() (the method is written
// at the top of gap_analyzer.cpp): robust scale, z, distance outside the
// acceptable range, severity, and the offsets that make the tonal balance and
// the energy curve comparable. Threads: pure functions.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/gap/gap_report.hpp"
#include "core/profile/profile.hpp"

namespace styledna::gap {

using StatsList = std::vector<profile::FeatureStats>;

inline constexpr double kWeightFloor = 0.4;     // share of severity a weight-0 feature keeps
inline constexpr double kSeverityScale = 2.5;   // robust units (x weight factor) per e-fold
inline constexpr double kP10P90Sigmas = 2.5631; // p90 - p10 of a normal, in standard deviations

// The statistics of `name` in `list` (binary search on a sorted list, then a
// scan: hand-made lists need not be sorted); null when absent.
const profile::FeatureStats* findStats(const StatsList& list, const std::string& name);

bool isEnergyPoint(const std::string& name); // "arrangement.energy_curve.NN"
bool isTonalBand(const std::string& name);   // "tonal_balance_*"

// 1 - exp(-d (kWeightFloor + (1 - kWeightFloor) weight) / kSeverityScale).
double severityOf(double distance, double weight);

// The acceptable range of `s` as a comparison uses it: [range_low,
// range_high], and when that spans less than 2 r, r = measurementResolution()
// at the median (gap_causes.hpp), widened to contain median +- r. A range is
// never narrower than what the feature can resolve: references that all read
// the same (every outro's sidechain depth 0 dB, a range of 0..0) would
// otherwise call any reading a resolution step away out of range, and with
// the scale at its floor, far out. Ranges the references spread at least
// 2 r wide are unchanged (a breakdown of 16..32 bars stays that).
struct AcceptableRange {
    double low = 0, high = 0;
};
AcceptableRange acceptableRange(const std::string& name, const profile::FeatureStats& s);

// One value against one set of statistics, in robust units:
//   s = max(IQR / 1.349, (p90 - p10) / kP10P90Sigmas, measurementResolution);
//   z = (wip - median) / s; distance = max(low - wip, wip - high, 0) / s
// with [low, high] = acceptableRange(). Frequencies (unit Hz, positive
// values) are judged in octaves: log2 of the value, the quantiles, the range
// and the floor (2 % of the median -> log2(1.02)).
struct Judgement {
    double z = 0, distance = 0;
    bool in_range = true;
};
Judgement judge(const std::string& name, double wip, const profile::FeatureStats& s);

// The Comparison of `wip` against `s` (target = median, range =
// acceptableRange(), delta, z,
// severity = severityOf(distance x distance_scale, weight)). distance_scale < 1
// counts the same distance less (sections, stems). shift is removed from the
// WIP's value before it is judged and reported (the tonal balance's common
// band offset).
Comparison compare(const std::string& name, double wip, const profile::FeatureStats& s,
                   const std::string& basis, const std::string& section, const std::string& stem,
                   double distance_scale = 1.0, double shift = 0.0);

// How the common offset of one place's tonal balance bands is taken.
enum class BandMatching {
    // The median over the bands of (wip - target): the mix, whose bands move
    // as shares of one spectrum.
    kMedian,
    // The weighted median, each band weighing 1 / its robust scale (as judge()
    // computes it, floored at 0.5 dB): the stems. A stem's upper bands are
    // the sound designer's choice (a bright psy bass reaches the high mids, a
    // sub bass stops at 250 Hz), so the references spread tens of dB there;
    // when more than half the bands of a bright stem sit above a dark
    // majority's medians, the plain median takes their offset and every band
    // the references hold tight reads as lowered. Equal scales give kMedian.
    kSpreadWeightedMedian,
};

// The tonal balance bands of one place are shares of the total, so one
// boosted band lowers every other one by the same amount; without this offset
// a muddy bass also reads as dull highs and a thin low end. 0 with fewer than
// 3 bands or no statistics.
double bandOffset(const std::map<std::string, double>& values, const StatsList* stats,
                  BandMatching matching = BandMatching::kMedian);

// Median over the energy curve points of (wip - target): the level offset
// removed before the curve's shape is compared.
double energyOffset(const std::map<std::string, double>& values, const StatsList& stats);

// The evidence of a mix comparison made against both the cluster and the
// whole profile (at least one present): the cluster's numbers with the mean
// of the two severities; the one present otherwise.
Comparison evidenceOf(const std::optional<Comparison>& by_cluster,
                      const std::optional<Comparison>& by_profile);

// Cosine of two vectors of one size; 0 for empty, mismatched or zero vectors.
double cosine(const std::vector<float>& a, const std::vector<float>& b);

} // namespace styledna::gap
