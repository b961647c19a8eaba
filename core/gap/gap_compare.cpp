#include "core/gap/gap_compare.hpp"

#include <algorithm>
#include <cmath>

#include "core/gap/gap_causes.hpp"
#include "core/profile/feature_stats.hpp"

namespace styledna::gap {

using profile::FeatureStats;

namespace {

// max(IQR / 1.349, (p90 - p10) / kP10P90Sigmas, floor) of the quantiles mapped by t.
template <class Transform> double robustScale(const FeatureStats& s, double floor, Transform t) {
    return std::max({(t(s.p75) - t(s.p25)) / 1.349, (t(s.p90) - t(s.p10)) / kP10P90Sigmas, floor});
}

} // namespace

const FeatureStats* findStats(const StatsList& list, const std::string& name) {
    const auto it = std::lower_bound(
        list.begin(), list.end(), name,
        [](const FeatureStats& s, const std::string& key) { return s.name < key; });
    if (it != list.end() && it->name == name) {
        return &*it;
    }
    for (const auto& s : list) { // hand-made lists need not be sorted
        if (s.name == name) {
            return &s;
        }
    }
    return nullptr;
}

bool isEnergyPoint(const std::string& name) {
    return name.rfind("arrangement.energy_curve.", 0) == 0;
}

double severityOf(double d, double weight) {
    const double w = kWeightFloor + (1.0 - kWeightFloor) * std::clamp(weight, 0.0, 1.0);
    return 1.0 - std::exp(-d * w / kSeverityScale);
}

AcceptableRange acceptableRange(const std::string& name, const FeatureStats& s) {
    const double r = measurementResolution(name, s.unit, s.median);
    if (s.range_high - s.range_low >= 2.0 * r) {
        return {s.range_low, s.range_high};
    }
    return {std::min(s.range_low, s.median - r), std::max(s.range_high, s.median + r)};
}

Judgement judge(const std::string& name, double wip, const FeatureStats& s) {
    const auto range = acceptableRange(name, s);
    const bool log_domain = s.unit == "Hz" && wip > 0 && s.p10 > 0 && range.low > 0;
    auto t = [&](double v) { return log_domain ? std::log2(std::max(v, 1e-9)) : v; };
    const double resolution = measurementResolution(name, s.unit, s.median);
    const double floor =
        log_domain ? std::log2(1.0 + resolution / std::max(s.median, 1e-9)) : resolution;
    const double scale = robustScale(s, floor, t);
    const double outside = std::max({t(range.low) - t(wip), t(wip) - t(range.high), 0.0});
    Judgement j;
    j.z = (t(wip) - t(s.median)) / scale;
    j.distance = outside / scale;
    j.in_range = wip >= range.low && wip <= range.high;
    return j;
}

Comparison compare(const std::string& name, double wip, const FeatureStats& s,
                   const std::string& basis, const std::string& section, const std::string& stem,
                   double distance_scale, double shift) {
    Comparison c;
    c.feature = name;
    c.unit = s.unit;
    c.section = section;
    c.stem = stem;
    c.wip_value = wip - shift;
    c.target_value = s.median;
    const auto range = acceptableRange(name, s);
    c.range_low = range.low;
    c.range_high = range.high;
    c.delta = c.wip_value - s.median;
    c.weight = s.weight;
    c.basis = basis;
    const auto j = judge(name, c.wip_value, s);
    c.z_score = j.z;
    c.in_range = j.in_range;
    c.severity = severityOf(j.distance * distance_scale, s.weight);
    return c;
}

bool isTonalBand(const std::string& name) {
    return name.rfind("tonal_balance_", 0) == 0;
}

double bandOffset(const std::map<std::string, double>& values, const StatsList* stats,
                  BandMatching matching) {
    std::vector<std::pair<double, double>> d; // (wip - target, weight)
    double total = 0.0;
    for (const auto& [name, v] : values) {
        if (isTonalBand(name) && stats != nullptr) {
            if (const auto* s = findStats(*stats, name)) {
                double weight = 1.0;
                if (matching == BandMatching::kSpreadWeightedMedian) {
                    const double floor = measurementResolution(name, s->unit, s->median);
                    weight = 1.0 / robustScale(*s, floor, [](double x) { return x; });
                }
                d.emplace_back(v - s->median, weight);
                total += weight;
            }
        }
    }
    if (d.size() < 3) {
        return 0.0;
    }
    std::sort(d.begin(), d.end());
    // The first value at which the cumulative weight passes half the total;
    // the mean of two when it lands on half exactly (the type-7 median of an
    // even count, for equal weights).
    double below = 0.0;
    for (std::size_t i = 0; i + 1 < d.size(); ++i) {
        below += d[i].second;
        if (below > 0.5 * total) {
            return d[i].first;
        }
        if (below == 0.5 * total) {
            return d[i].first + 0.5 * (d[i + 1].first - d[i].first);
        }
    }
    return d.back().first;
}

double energyOffset(const std::map<std::string, double>& values, const StatsList& stats) {
    std::vector<double> d;
    for (const auto& [name, v] : values) {
        if (isEnergyPoint(name)) {
            if (const auto* s = findStats(stats, name)) {
                d.push_back(v - s->median);
            }
        }
    }
    if (d.empty()) {
        return 0.0;
    }
    std::sort(d.begin(), d.end());
    return profile::quantileSorted(d, 0.5);
}

Comparison evidenceOf(const std::optional<Comparison>& by_cluster,
                      const std::optional<Comparison>& by_profile) {
    if (!by_cluster) {
        return *by_profile;
    }
    if (!by_profile) {
        return *by_cluster;
    }
    Comparison c = *by_cluster;
    c.severity = 0.5 * (by_cluster->severity + by_profile->severity);
    return c;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size() || a.empty()) {
        return 0.0;
    }
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
    }
    return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

} // namespace styledna::gap
