// Profile statistics on inputs with analytic answers.
#include <cmath>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "core/profile/arrangement_stats.hpp"
#include "core/profile/feature_stats.hpp"
#include "unit/profile/profile_fixtures.hpp"

using namespace styledna;
using namespace styledna::profile;

namespace {

const FeatureStats& find(const std::vector<FeatureStats>& list, const std::string& name) {
    for (const auto& s : list) {
        if (s.name == name) {
            return s;
        }
    }
    FAIL("no statistics for " << name);
    return list.front();
}

bool has(const std::vector<FeatureStats>& list, const std::string& name) {
    for (const auto& s : list) {
        if (s.name == name) {
            return true;
        }
    }
    return false;
}

} // namespace

TEST_CASE("type-7 quantiles of small sorted sets", "[profile][stats]") {
    // Exact arithmetic on small integers: tolerances are a few ulps (absolute 1e-12).
    const std::vector<double> five{1, 2, 3, 4, 5};
    CHECK(quantileSorted(five, 0.5) == 3.0);
    CHECK(quantileSorted(five, 0.25) == 2.0);
    CHECK(quantileSorted(five, 0.10) == Approx(1.4).margin(1e-12));
    CHECK(quantileSorted(five, 0.90) == Approx(4.6).margin(1e-12));
    CHECK(quantileSorted(five, 0.05) == Approx(1.2).margin(1e-12));
    CHECK(quantileSorted(five, 0.0) == 1.0);
    CHECK(quantileSorted(five, 1.0) == 5.0);
    CHECK(quantileSorted({1, 2, 3, 4}, 0.5) == 2.5); // even count: mean of the middle two
    CHECK(quantileSorted({7}, 0.9) == 7.0);
    CHECK(quantileSorted({}, 0.5) == 0.0);
}

TEST_CASE("scalar statistics of 0..100", "[profile][stats]") {
    std::vector<double> v;
    for (int i = 100; i >= 0; --i) { // unsorted on purpose
        v.push_back(i);
    }
    const auto s = scalarStats("tempo_bpm", "BPM", v, {42, 1000});
    CHECK(s.count == 101);
    CHECK(s.unit == "BPM");
    CHECK(s.mean == Approx(50.0).margin(1e-12));
    // sample std: sqrt(2 * sum_{k=1}^{50} k^2 / 100) = sqrt(858.5)
    CHECK(s.std == Approx(std::sqrt(858.5)).epsilon(1e-12));
    CHECK(s.median == 50.0);
    CHECK(s.p5 == 5.0);
    CHECK(s.p10 == 10.0);
    CHECK(s.p25 == 25.0);
    CHECK(s.p75 == 75.0);
    CHECK(s.p90 == 90.0);
    CHECK(s.p95 == 95.0);
    // 101 >= 20 references: the range is p10-p90 exactly.
    CHECK(s.range_low == 10.0);
    CHECK(s.range_high == 90.0);
    // The bootstrap median of 101 uniform steps stays within about +-10 of 50
    // (its standard error is ~7): a loose bound that any seed meets.
    CHECK(s.median_ci_low < 50.0);
    CHECK(s.median_ci_high > 50.0);
    CHECK(s.median_ci_low > 35.0);
    CHECK(s.median_ci_high < 65.0);
    CHECK(robustSpread(s) == Approx(50.0 / 1.349).epsilon(1e-12));
}

TEST_CASE("bootstrap CI is reproducible with the seed", "[profile][stats]") {
    std::vector<double> v;
    test::NoiseSource noise(5);
    for (int i = 0; i < 30; ++i) {
        v.push_back(noise.normal());
    }
    const auto a = scalarStats("x", "", v, {7, 500});
    const auto b = scalarStats("x", "", v, {7, 500});
    CHECK(a.median_ci_low == b.median_ci_low); // bit-identical, not approximately
    CHECK(a.median_ci_high == b.median_ci_high);
    const auto c = scalarStats("x", "", v, {8, 500});
    CHECK((c.median_ci_low != a.median_ci_low || c.median_ci_high != a.median_ci_high));
    // Another feature name draws another stream (deriveSeed by name).
    const auto d = scalarStats("y", "", v, {7, 500});
    CHECK((d.median_ci_low != a.median_ci_low || d.median_ci_high != a.median_ci_high));
    CHECK(a.median_ci_low <= a.median);
    CHECK(a.median_ci_high >= a.median);
    // No resamples or a single value: the CI collapses onto the median.
    const auto none = scalarStats("x", "", v, {7, 0});
    CHECK(none.median_ci_low == none.median);
    CHECK(none.median_ci_high == none.median);
    const auto one = scalarStats("x", "", {3.5}, {7, 500});
    CHECK(one.median_ci_low == 3.5);
    CHECK(one.median_ci_high == 3.5);
    CHECK(one.std == 0.0);
}

TEST_CASE("bootstrap CI of many values: the direct median draw has the resampling's quantiles",
          "[profile][stats]") {
    // n = 401 odd values 0..400: a resample's median is the value at position
    // X_(201) of 401 uniform draws on 0..400, and P(X_(201) <= j) = P(Binomial(401,
    // (j + 1) / 401) >= 201) exactly. The CI's ends are its 5 % and 95 % quantiles
    // (about 200 -+ 16.5); with B = 20000 the estimated quantiles fall within 2
    // positions of the exact ones (their sampling sd is ~0.3 positions).
    REQUIRE(401 >= kDirectBootstrapFrom);
    std::vector<double> v;
    for (int i = 0; i <= 400; ++i) {
        v.push_back(i);
    }
    const auto s = scalarStats("x", "", v, {3, 20000});
    const int n = 401, k = 201;
    auto cdf = [&](int j) { // P(X_(k) <= j)
        const double p = (j + 1.0) / n;
        if (p >= 1.0) {
            return 1.0;
        }
        double total = 0.0;
        for (int m = k; m <= n; ++m) {
            total +=
                std::exp(std::lgamma(n + 1.0) - std::lgamma(m + 1.0) - std::lgamma(n - m + 1.0) +
                         m * std::log(p) + (n - m) * std::log1p(-p));
        }
        return total;
    };
    auto quantile = [&](double q) {
        int j = 0;
        while (cdf(j) < q) {
            ++j;
        }
        return static_cast<double>(j);
    };
    CHECK(std::abs(s.median_ci_low - quantile(0.05)) <= 2.0);
    CHECK(std::abs(s.median_ci_high - quantile(0.95)) <= 2.0);
    // Even n: the mean of the two middle draws, likewise centred.
    v.pop_back();
    const auto even = scalarStats("x", "", v, {3, 20000});
    CHECK(even.median == 199.5);
    CHECK(even.median_ci_low < 199.5 - 10.0);
    CHECK(even.median_ci_low > 199.5 - 23.0);
    CHECK(even.median_ci_high > 199.5 + 10.0);
    CHECK(even.median_ci_high < 199.5 + 23.0);
    CHECK(std::abs((even.median_ci_low + even.median_ci_high) / 2.0 - 199.5) <= 2.0);
}

TEST_CASE("range widens to the median CI below 20 references", "[profile][stats]") {
    // {10, 11, 12}: a resample's median is 10 with probability 7/27 (two or
    // three draws of 10), far above 5 %, so ci_low = 10 for any seed; p10 = 10.2.
    const auto few = scalarStats("x", "", {10, 11, 12}, {1, 1000});
    CHECK(few.p10 == Approx(10.2).margin(1e-12));
    CHECK(few.p90 == Approx(11.8).margin(1e-12));
    CHECK(few.median_ci_low == 10.0);
    CHECK(few.median_ci_high == 12.0);
    CHECK(few.range_low == 10.0);
    CHECK(few.range_high == 12.0);

    // 20 values: no widening even where the CI would reach past p10/p90.
    std::vector<double> twenty;
    for (int i = 0; i < 20; ++i) {
        twenty.push_back(i < 10 ? 0.0 : 1.0);
    }
    const auto many = scalarStats("x", "", twenty, {1, 1000});
    CHECK(many.range_low == many.p10);
    CHECK(many.range_high == many.p90);
}

TEST_CASE("non-finite values are dropped", "[profile][stats][edge]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const auto s = scalarStats("x", "", {1.0, nan, 3.0, inf}, {1, 100});
    CHECK(s.count == 2);
    CHECK(s.median == 2.0);
    const auto empty = scalarStats("x", "", {nan}, {1, 100});
    CHECK(empty.count == 0);
    CHECK(empty.median == 0.0);
}

TEST_CASE("categorical distribution with derived mode", "[profile][stats]") {
    std::vector<core::TrackAnalysis> analyses;
    const char* keys[] = {"A minor", "A minor", "F major", "A minor", ""};
    for (int i = 0; i < 5; ++i) {
        test::SyntheticTrack t;
        t.key = keys[i];
        analyses.push_back(test::syntheticAnalysis(i, t));
    }
    std::vector<const core::TrackFeatures*> tracks;
    for (const auto& a : analyses) {
        tracks.push_back(&a.features);
    }
    const auto stats = tableStats(wholeTrackTable(tracks), {1, 100});
    const auto& key = find(stats, "key");
    CHECK(key.categorical);
    CHECK(key.count == 4); // the empty label does not count
    CHECK(key.distribution == std::map<std::string, int>{{"A minor", 3}, {"F major", 1}});
    const auto& mode = find(stats, "mode");
    CHECK(mode.distribution == std::map<std::string, int>{{"major", 1}, {"minor", 3}});
    // key_tonic_pc is a code, not a quantity.
    CHECK_FALSE(has(stats, "key_tonic_pc"));
    CHECK(find(stats, "tempo_bpm").unit == "BPM"); // from the registry
}

TEST_CASE("section statistics: a track's sections of one label count once", "[profile][stats]") {
    std::vector<core::TrackAnalysis> analyses;
    for (int i = 0; i < 4; ++i) {
        analyses.push_back(test::syntheticAnalysis(i, {}));
    }
    std::vector<const core::TrackFeatures*> tracks;
    for (const auto& a : analyses) {
        tracks.push_back(&a.features);
    }
    const auto tables = sectionTables(tracks);
    REQUIRE(tables.count("drop"));
    const auto stats = tableStats(tables.at("drop"), {1, 100});
    const auto& energy = find(stats, "mean_energy_db");
    CHECK(energy.count == 4);     // four tracks, eight drop sections
    CHECK(energy.median == -8.0); // mean of the two drops (-9, -7)
    CHECK(energy.unit == "dBFS");
    CHECK(tables.count("intro"));
    CHECK_FALSE(tables.count("chorus"));
}

TEST_CASE("arrangement values and the energy curve", "[profile][stats][arrangement]") {
    const auto a = test::syntheticAnalysis(0, {}); // 128 bars: 16, 32, 16, 32, 16, 16
    const auto v = wholeTrackValues(a.features);
    CHECK(v.at("arrangement.section_count") == 6);
    CHECK(v.at("arrangement.length_bars") == 128);
    CHECK(v.at("arrangement.drop_count") == 2);
    CHECK(v.at("arrangement.drop_bars") == 24); // mean of 32 and 16
    CHECK(v.at("arrangement.breakdown_bars") == 32);
    CHECK(v.at("arrangement.drop_gain_db") == 4.0);
    // Energy ramp -20 + 10 b / 128 over 128 bars: point i is the mean over bars
    // 4i .. 4i + 3, i.e. -20 + 10 (4i + 1.5) / 128.
    for (int i : {0, 7, 31}) {
        CHECK(v.at(energyCurveName(i)) == Approx(-20.0 + 10.0 * (4 * i + 1.5) / 128).margin(1e-9));
    }
    CHECK_FALSE(v.count(energyCurveName(32)));
    CHECK(energyCurveName(7) == "arrangement.energy_curve.07");
    CHECK(featureUnit("arrangement.drop_bars") == "bars");
    CHECK(featureUnit("arrangement.drop_gain_db") == "dB");
    CHECK(featureUnit(energyCurveName(3)) == "dBFS");

    // Without a breakdown there is no drop gain to speak of.
    auto no_breakdown = a.features;
    std::erase_if(no_breakdown.sections,
                  [](const core::Section& s) { return s.label == "breakdown"; });
    const auto v2 = wholeTrackValues(no_breakdown);
    CHECK_FALSE(v2.count("arrangement.drop_gain_db"));
    CHECK(v2.at("arrangement.breakdown_count") == 0);
    CHECK_FALSE(v2.count("arrangement.breakdown_bars"));
}

TEST_CASE("energy curve resampling by overlap", "[profile][stats][arrangement]") {
    // Fewer bars than points: each point takes the bar it lies in.
    CHECK(resampleCurve({1, 2}, 4) == std::vector<double>{1, 1, 2, 2});
    // Partial bars weigh by overlap: [0, 1.5) and [1.5, 3) of {1, 2, 3}.
    const auto two = resampleCurve({1, 2, 3}, 2);
    REQUIRE(two.size() == 2);
    CHECK(two[0] == Approx(4.0 / 3.0).margin(1e-12));
    CHECK(two[1] == Approx(8.0 / 3.0).margin(1e-12));
    CHECK(resampleCurve({}, 32).empty());
    CHECK(resampleCurve({1.0}, 32).size() == 32);
}
