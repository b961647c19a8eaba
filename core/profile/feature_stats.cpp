#include "core/profile/feature_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>

#include "core/features/registry.hpp"
#include "core/profile/arrangement_stats.hpp"
#include "core/profile/profile_random.hpp"
#include "core/profile/two_workers.hpp"

namespace styledna::profile {

namespace {

// Bootstrap draws (values x resamples summed over a table's features) above
// which tableStats() uses two workers (~2 ms of work; a thread costs ~50 us).
constexpr std::size_t kParallelStatsWork = 200000;

// Scalar features that are codes, not quantities.
bool isNominalCode(const std::string& name) {
    return name == "key_tonic_pc";
}

std::string modeOfKey(const std::string& key) {
    const auto space = key.rfind(' ');
    return space == std::string::npos ? std::string() : key.substr(space + 1);
}

// The median of one bootstrap resample of `sorted` (ascending): n draws with
// replacement, counted per position instead of copied and partially sorted, so
// the k-th smallest drawn value is found by walking the counts (the values and
// the draws are those of a copy + nth_element; only the work differs).
double medianOfResample(const std::vector<double>& sorted, SplitMix64& rng,
                        std::vector<std::uint32_t>& counts) {
    const std::size_t n = sorted.size();
    counts.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        ++counts[rng.index(n)];
    }
    // Order statistic `rank` (0-based) of the resample.
    std::size_t position = 0, seen = counts[0];
    auto orderStatistic = [&](std::size_t rank) {
        while (seen <= rank) {
            seen += counts[++position];
        }
        return sorted[position];
    };
    const std::size_t mid = n / 2;
    if (n % 2 == 1) {
        return orderStatistic(mid);
    }
    // Even n: the mean of the element at n / 2 and the largest element below it.
    const double below = orderStatistic(mid - 1);
    const double at_mid = orderStatistic(mid);
    return below + 0.5 * (at_mid - below);
}

// Gamma(shape, 1) for shape >= 1 (Marsaglia & Tsang 2000), from the profile's
// SplitMix64 only (std:: distributions differ between standard libraries).
double gammaDraw(double shape, SplitMix64& rng) {
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
        double x = 0.0, v = 0.0;
        do {
            // Standard normal, Box-Muller (1 - uniform() is in (0, 1]).
            const double r = std::sqrt(-2.0 * std::log(1.0 - rng.uniform()));
            x = r * std::cos(2.0 * std::numbers::pi * rng.uniform());
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        const double u = 1.0 - rng.uniform();
        if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) {
            return d * v;
        }
    }
}

// The same resample median as medianOfResample() in distribution, in O(1): the
// draws are floor(n U_i) with U_i uniform on [0, 1), so the resample's k-th
// smallest position is floor(n U_(k)), and the k-th smallest of n uniforms is
// Beta(k, n + 1 - k); for even n the next one is the smallest of the n - k
// uniforms above it, U_(k) + (1 - U_(k)) (1 - V^(1 / (n - k))), V uniform.
double medianOfResampleDirect(const std::vector<double>& sorted, SplitMix64& rng) {
    const std::size_t n = sorted.size();
    const auto position = [n](double u) {
        return std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)));
    };
    const std::size_t mid = n / 2;
    const std::size_t k = n % 2 == 1 ? mid + 1 : mid; // 1-based rank of the lower middle
    const double a = gammaDraw(static_cast<double>(k), rng);
    const double b = gammaDraw(static_cast<double>(n + 1 - k), rng);
    const double u_k = a / (a + b);
    const double below = sorted[position(u_k)];
    if (n % 2 == 1) {
        return below;
    }
    const double v = 1.0 - rng.uniform();
    const double u_next = u_k + (1.0 - u_k) * (1.0 - std::pow(v, 1.0 / static_cast<double>(n - k)));
    const double at_mid = sorted[position(u_next)];
    return below + 0.5 * (at_mid - below);
}

} // namespace

double quantileSorted(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) {
        return 0.0;
    }
    const double h = (static_cast<double>(sorted.size()) - 1.0) * std::clamp(p, 0.0, 1.0);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double robustSpreadSorted(const std::vector<double>& sorted) {
    return (quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25)) / 1.349;
}

namespace {

// quantileSorted(sort(values), p) with two selections instead of a full sort;
// reorders `values`.
double quantileOf(std::vector<double>& values, double p) {
    const double h = (static_cast<double>(values.size()) - 1.0) * std::clamp(p, 0.0, 1.0);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    const auto at = [&](std::size_t k) {
        std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k),
                         values.end());
        return values[k];
    };
    const double low = at(lo);
    const double high =
        hi == lo
            ? low
            : *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
    return low + (h - static_cast<double>(lo)) * (high - low);
}

} // namespace

FeatureStats scalarStats(const std::string& name, const std::string& unit,
                         std::vector<double> values, const StatsOptions& options) {
    FeatureStats s;
    s.name = name;
    s.unit = unit;
    values.erase(
        std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
        values.end());
    s.count = static_cast<int>(values.size());
    if (values.empty()) {
        return s;
    }
    std::sort(values.begin(), values.end());
    const double n = static_cast<double>(values.size());
    s.mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
    if (values.size() > 1) {
        double ss = 0.0;
        for (const double v : values) {
            ss += (v - s.mean) * (v - s.mean);
        }
        s.std = std::sqrt(ss / (n - 1.0));
    }
    s.median = quantileSorted(values, 0.5);
    s.p5 = quantileSorted(values, 0.05);
    s.p10 = quantileSorted(values, 0.10);
    s.p25 = quantileSorted(values, 0.25);
    s.p75 = quantileSorted(values, 0.75);
    s.p90 = quantileSorted(values, 0.90);
    s.p95 = quantileSorted(values, 0.95);

    s.median_ci_low = s.median_ci_high = s.median;
    if (options.bootstrap_resamples > 0 && values.size() > 1) {
        SplitMix64 rng(deriveSeed(options.seed, "bootstrap:" + name));
        std::vector<double> medians;
        std::vector<std::uint32_t> counts;
        medians.reserve(static_cast<std::size_t>(options.bootstrap_resamples));
        const bool direct = values.size() >= kDirectBootstrapFrom;
        for (int b = 0; b < options.bootstrap_resamples; ++b) {
            medians.push_back(direct ? medianOfResampleDirect(values, rng)
                                     : medianOfResample(values, rng, counts));
        }
        s.median_ci_low = quantileOf(medians, 0.05);
        s.median_ci_high = quantileOf(medians, 0.95);
    }
    s.range_low = s.p10;
    s.range_high = s.p90;
    if (s.count < kRangeWidenBelowCount) {
        s.range_low = std::min(s.range_low, s.median_ci_low);
        s.range_high = std::max(s.range_high, s.median_ci_high);
    }
    return s;
}

FeatureStats categoricalStats(const std::string& name, const std::vector<std::string>& values) {
    FeatureStats s;
    s.name = name;
    s.categorical = true;
    for (const auto& v : values) {
        if (!v.empty()) {
            ++s.distribution[v];
            ++s.count;
        }
    }
    return s;
}

void FeatureTable::addTrack(const std::map<std::string, double>& values,
                            const std::map<std::string, std::string>& track_labels) {
    for (const auto& [name, v] : values) {
        if (std::isfinite(v)) {
            scalars[name].push_back(v);
        }
    }
    for (const auto& [name, v] : track_labels) {
        if (!v.empty()) {
            labels[name].push_back(v);
        }
    }
}

std::map<std::string, double> wholeTrackValues(const core::TrackFeatures& features) {
    std::map<std::string, double> out;
    for (const auto& [name, v] : features.values) {
        if (std::isfinite(v) && !isNominalCode(name)) {
            out[name] = v;
        }
    }
    addArrangementValues(features, out);
    return out;
}

std::map<std::string, std::string> trackLabels(const core::TrackFeatures& features) {
    std::map<std::string, std::string> out;
    for (const auto& [name, v] : features.labels) {
        if (!v.empty()) {
            out[name] = v;
        }
    }
    if (const auto key = out.find("key"); key != out.end()) {
        if (const auto mode = modeOfKey(key->second); !mode.empty()) {
            out["mode"] = mode;
        }
    }
    return out;
}

std::map<std::string, std::map<std::string, double>>
sectionValues(const core::TrackFeatures& features) {
    // label -> feature -> (sum, count)
    std::map<std::string, std::map<std::string, std::pair<double, int>>> acc;
    for (const auto& section : features.sections) {
        auto& by_feature = acc[section.label];
        for (const auto& [name, v] : section.values) {
            if (std::isfinite(v) && !isNominalCode(name)) {
                auto& [sum, count] = by_feature[name];
                sum += v;
                ++count;
            }
        }
    }
    std::map<std::string, std::map<std::string, double>> out;
    for (const auto& [label, by_feature] : acc) {
        for (const auto& [name, sc] : by_feature) {
            out[label][name] = sc.first / sc.second;
        }
    }
    return out;
}

TrackRows trackRows(const core::TrackFeatures& features) {
    return {wholeTrackValues(features), trackLabels(features), sectionValues(features)};
}

FeatureTable wholeTrackTable(const std::vector<const TrackRows*>& tracks) {
    FeatureTable table;
    for (const auto* t : tracks) {
        table.addTrack(t->values, t->labels);
    }
    return table;
}

std::map<std::string, FeatureTable> sectionTables(const std::vector<const TrackRows*>& tracks) {
    std::map<std::string, FeatureTable> tables;
    for (const auto* t : tracks) {
        for (const auto& [label, values] : t->sections) {
            tables[label].addTrack(values, {});
        }
    }
    return tables;
}

FeatureTable wholeTrackTable(const std::vector<const core::TrackFeatures*>& tracks) {
    FeatureTable table;
    for (const auto* t : tracks) {
        table.addTrack(wholeTrackValues(*t), trackLabels(*t));
    }
    return table;
}

std::map<std::string, FeatureTable>
sectionTables(const std::vector<const core::TrackFeatures*>& tracks) {
    std::map<std::string, FeatureTable> tables;
    for (const auto* t : tracks) {
        for (const auto& [label, values] : sectionValues(*t)) {
            tables[label].addTrack(values, {});
        }
    }
    return tables;
}

std::string featureUnit(const std::string& name) {
    if (name.rfind(kArrangementPrefix, 0) == 0) {
        return arrangementUnit(name);
    }
    static const std::map<std::string, std::string> units = [] {
        std::map<std::string, std::string> m;
        for (const auto& info : core::featureCatalog()) {
            m[info.name] = info.unit;
        }
        return m;
    }();
    const auto it = units.find(name);
    return it == units.end() ? std::string() : it->second;
}

std::vector<FeatureStats> tableStats(const FeatureTable& table, const StatsOptions& options) {
    // Features are independent (each bootstrap has its own seed), so the large
    // tables (a profile of hundreds of members: the bootstrap is n draws per
    // resample) are shared by two workers; small ones stay on this thread.
    std::vector<const std::pair<const std::string, std::vector<double>>*> scalars;
    std::size_t work = 0;
    for (const auto& entry : table.scalars) {
        scalars.push_back(&entry);
        work += entry.second.size();
    }
    std::vector<FeatureStats> out(scalars.size());
    work *= static_cast<std::size_t>(std::max(1, options.bootstrap_resamples));
    forEachOnTwoWorkers(
        scalars.size(),
        [&](std::size_t i) {
            out[i] = scalarStats(scalars[i]->first, featureUnit(scalars[i]->first),
                                 scalars[i]->second, options);
        },
        work >= kParallelStatsWork);
    out.reserve(table.scalars.size() + table.labels.size());
    for (const auto& [name, values] : table.labels) {
        out.push_back(categoricalStats(name, values));
    }
    std::sort(out.begin(), out.end(), [](const FeatureStats& a, const FeatureStats& b) {
        return a.name < b.name || (a.name == b.name && a.categorical < b.categorical);
    });
    return out;
}

} // namespace styledna::profile
