// Feature weights: the formula, its fallbacks and the committed spread table.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "core/profile/feature_stats.hpp"
#include "core/profile/feature_weight.hpp"
#include "core/profile/style_spread_table.hpp"

using namespace styledna::profile;

namespace {

// n values spread uniformly over [centre - half, centre + half].
FeatureStats spreadStats(const std::string& name, double centre, double half, int n) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) {
        v.push_back(centre - half + 2.0 * half * i / (n - 1));
    }
    return scalarStats(name, "", v, {1, 0});
}

} // namespace

TEST_CASE("style spread table is sorted, finite and positive", "[profile][weight]") {
    const auto table = styleSpreadTable();
    REQUIRE(table.size() > 50);
    for (std::size_t i = 0; i < table.size(); ++i) {
        INFO(table[i].name);
        CHECK(std::isfinite(table[i].robust_spread));
        CHECK(table[i].robust_spread > 0.0);
        CHECK(table[i].count >= 8);
        if (i > 0) {
            CHECK(table[i - 1].name < table[i].name);
        }
    }
    CHECK(styleSpread("tempo_bpm").has_value());
    CHECK(styleSpread("arrangement.energy_curve.00").has_value());
    CHECK_FALSE(styleSpread("no_such_feature").has_value());
    CHECK_FALSE(styleSpread("sample_peak_dbfs").has_value()); // pinned by the synth's master
    CHECK(!styleSpreadSource().empty());
}

TEST_CASE("weight = clamp(1 - s_profile / s_all, 0, 1)", "[profile][weight]") {
    CHECK(spreadWeight(0.0, 2.0) == 1.0);
    CHECK(spreadWeight(1.0, 2.0) == 0.5);
    CHECK(spreadWeight(2.0, 2.0) == 0.0);
    CHECK(spreadWeight(5.0, 2.0) == 0.0);

    const double s_all = *styleSpread("tempo_bpm");
    // Uniform over +-h: IQR = h (type 7 on an even grid), s = h / 1.349.
    auto tight = std::vector<FeatureStats>{spreadStats("tempo_bpm", 138, 0.2 * s_all, 21)};
    auto loose = std::vector<FeatureStats>{spreadStats("tempo_bpm", 138, 3.0 * s_all, 21)};
    applyWeights(tight, "");
    applyWeights(loose, "");
    CHECK(tight[0].weight_basis == kWeightBasisStyleSpread);
    CHECK(tight[0].weight == Approx(1.0 - 0.2 / 1.349).margin(1e-9));
    CHECK(loose[0].weight == 0.0);
    CHECK(tight[0].weight > loose[0].weight);
}

TEST_CASE("weight fallbacks say so", "[profile][weight]") {
    std::vector<FeatureStats> stats{spreadStats("no_such_feature", 0, 1, 10),
                                    spreadStats("tempo_bpm", 138, 1, 2)};
    applyWeights(stats, "");
    CHECK(stats[0].weight == kDefaultWeight);
    CHECK(stats[0].weight_basis == kWeightBasisNotInTable);
    CHECK(stats[1].weight == kDefaultWeight); // two values: no IQR to speak of
    CHECK(stats[1].weight_basis == kWeightBasisFewValues);

    // A section feature missing from the table borrows its whole-track spread.
    std::vector<FeatureStats> section{spreadStats("tempo_bpm", 138, 0.1, 10)};
    applyWeights(section, "no_such_section");
    CHECK(section[0].weight_basis == kWeightBasisWholeTrackSpread);
    CHECK(section[0].weight > 0.9);
}

TEST_CASE("categorical weight from the entropy", "[profile][weight]") {
    std::vector<FeatureStats> stats{
        categoricalStats("mode", {"minor", "minor", "minor", "minor"}),
        categoricalStats("mode", {"minor", "major", "minor", "major"}),
        categoricalStats("key", {"A minor", "A minor", "E minor", "D minor"}),
    };
    applyWeights(stats, "");
    CHECK(stats[0].weight == 1.0); // everyone shares one value
    CHECK(stats[0].weight_basis == kWeightBasisEntropy);
    CHECK(stats[1].weight == Approx(0.0).margin(1e-12)); // even over both modes
    // H = -(.5 ln .5 + 2 * .25 ln .25) = 1.5 ln 2 over 24 keys.
    CHECK(stats[2].weight == Approx(1.0 - 1.5 * std::log(2.0) / std::log(24.0)).epsilon(1e-12));
}
