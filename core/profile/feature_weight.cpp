#include "core/profile/feature_weight.hpp"

#include <algorithm>
#include <cmath>

#include "core/profile/feature_stats.hpp"
#include "core/profile/style_spread_table.hpp"

namespace styledna::profile {

namespace {

int possibleCategories(const FeatureStats& s) {
    const int seen = static_cast<int>(s.distribution.size());
    if (s.name == "key") {
        return std::max(24, seen);
    }
    if (s.name == "mode") {
        return std::max(2, seen);
    }
    return seen;
}

void weighCategorical(FeatureStats& s) {
    const int k = possibleCategories(s);
    if (k < 2 || s.count <= 0) {
        s.weight = kDefaultWeight;
        s.weight_basis = kWeightBasisNotInTable;
        return;
    }
    double h = 0.0;
    for (const auto& [value, n] : s.distribution) {
        if (n > 0) {
            const double p = double(n) / s.count;
            h -= p * std::log(p);
        }
    }
    s.weight = std::clamp(1.0 - h / std::log(double(k)), 0.0, 1.0);
    s.weight_basis = kWeightBasisEntropy;
}

} // namespace

double spreadWeight(double s_profile, double s_all) {
    return std::clamp(1.0 - s_profile / s_all, 0.0, 1.0);
}

void applyWeights(std::vector<FeatureStats>& stats, const std::string& section_label) {
    for (auto& s : stats) {
        if (s.categorical) {
            weighCategorical(s);
            continue;
        }
        if (s.count < kMinWeightCount) {
            s.weight = kDefaultWeight;
            s.weight_basis = kWeightBasisFewValues;
            continue;
        }
        std::optional<double> s_all;
        const char* basis = kWeightBasisStyleSpread;
        if (section_label.empty()) {
            s_all = styleSpread(s.name);
        } else {
            s_all = styleSpread("section." + section_label + "." + s.name);
            if (!s_all) {
                s_all = styleSpread(s.name);
                basis = kWeightBasisWholeTrackSpread;
            }
        }
        if (!s_all || !(*s_all > 0.0)) {
            s.weight = kDefaultWeight;
            s.weight_basis = kWeightBasisNotInTable;
            continue;
        }
        s.weight = spreadWeight(robustSpread(s), *s_all);
        s.weight_basis = basis;
    }
}

void applyStemWeights(std::vector<FeatureStats>& stats, const std::string& stem,
                      const std::string& section_label) {
    applyWeights(stats, section_label);
    for (auto& s : stats) {
        if (s.categorical || s.count < kMinWeightCount) {
            continue;
        }
        std::string key = "stem.";
        key.append(stem).append(".").append(s.name);
        if (const auto s_all = styleSpread(key); s_all && *s_all > 0.0) {
            s.weight = spreadWeight(robustSpread(s), *s_all);
            s.weight_basis = kWeightBasisStyleSpread;
        } else if (s.weight_basis == kWeightBasisStyleSpread ||
                   s.weight_basis == kWeightBasisWholeTrackSpread) {
            s.weight_basis = kWeightBasisMixTwinSpread;
        }
    }
}

} // namespace styledna::profile
