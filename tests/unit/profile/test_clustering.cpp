// Spherical k-means, silhouette, automatic k and cluster labels.
#include <algorithm>
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "core/profile/cluster_label.hpp"
#include "core/profile/clustering.hpp"
#include "core/profile/feature_stats.hpp"
#include "unit/profile/profile_fixtures.hpp"

using namespace styledna;
using namespace styledna::profile;

TEST_CASE("adjusted Rand index", "[profile][clustering]") {
    CHECK(adjustedRandIndex({0, 0, 1, 1, 2, 2}, {5, 5, 3, 3, 9, 9}) == Approx(1.0));
    CHECK(adjustedRandIndex({0, 0, 0, 0}, {1, 1, 1, 1}) == 1.0);
    // Hubert & Arabie worked example size: {0,0,1,1} vs {0,1,0,1}: index 0,
    // expected (2 * 2) / 6, max 2 -> ARI = -0.5.
    CHECK(adjustedRandIndex({0, 0, 1, 1}, {0, 1, 0, 1}) == Approx(-0.5).margin(1e-12));
    CHECK(adjustedRandIndex({0, 1}, {0}) == 0.0);
}

TEST_CASE("silhouette on an analytic layout", "[profile][clustering]") {
    // Two pairs of identical unit vectors, orthogonal to each other: a = 0,
    // b = 1 for every row, s = 1.
    const UnitRows rows{{1, 0}, {1, 0}, {0, 1}, {0, 1}};
    CHECK(meanSilhouette(rows, {0, 0, 1, 1}, 2) == Approx(1.0).margin(1e-12));
    // Mixed up: a = 1, b = 0.5 for each row -> s = -0.5.
    CHECK(meanSilhouette(rows, {0, 1, 0, 1}, 2) == Approx(-0.5).margin(1e-12));
    // A row alone in its cluster contributes 0: rows 0, 1 -> 1; rows 2 and 3
    // (each alone) -> 0; mean 0.5.
    CHECK(meanSilhouette(rows, {0, 0, 1, 2}, 3) == Approx(0.5).margin(1e-12));
    CHECK(meanSilhouette(rows, {0, 0, 0, 0}, 1) == 0.0);
}

TEST_CASE("k-means recovers well-separated clusters and chooses k", "[profile][clustering]") {
    for (const int k_true : {2, 3, 5}) {
        for (const std::uint64_t seed : {1u, 2u, 3u}) {
            INFO("k " << k_true << " seed " << seed);
            std::vector<int> truth;
            // 16-D, centres random unit vectors, noise 0.08 per dim (norm ~0.3).
            const auto rows = test::blobRows(16, k_true, 8, 0.08, seed, truth);
            auto choice = chooseClusters(rows, 8, seed);
            REQUIRE(choice.isOk());
            CHECK(choice->k == k_true);
            CHECK(adjustedRandIndex(choice->assignment, truth) >= 0.95);
            CHECK(choice->silhouette >= kMinSilhouette);
            CHECK(choice->silhouette_by_k.size() ==
                  static_cast<std::size_t>(std::min(8, int(rows.size()) / 3) - 1));
            for (const auto& c : choice->centroids) {
                double norm = 0.0;
                for (const float v : c) {
                    norm += double(v) * v;
                }
                CHECK(std::sqrt(norm) == Approx(1.0).margin(1e-6)); // float rounding
            }
        }
    }
}

namespace {

// Unit vectors in the plane: groups at 0 and 120 degrees and a third at 240
// made of two sub-groups at 240 -+ half_split; each (sub-)group has 8 rows
// evenly spread over +-8 degrees. `three` gets the three groups, `four` the
// four (sub-)groups.
UnitRows splitLayout(double half_split, std::vector<int>& three, std::vector<int>& four) {
    UnitRows rows;
    const double centres[] = {0.0, 120.0, 240.0 - half_split, 240.0 + half_split};
    for (int g = 0; g < 4; ++g) {
        for (int i = 0; i < 8; ++i) {
            const double deg = centres[g] - 8.0 + 16.0 * i / 7.0;
            const double rad = deg * 3.14159265358979323846 / 180.0;
            rows.push_back({static_cast<float>(std::cos(rad)), static_cast<float>(std::sin(rad))});
            three.push_back(std::min(g, 2));
            four.push_back(g);
        }
    }
    return rows;
}

} // namespace

TEST_CASE("k: the smallest k within the silhouette tolerance of the best",
          "[profile][clustering]") {
    // Sub-groups 32 degrees apart: splitting them scores a little higher than
    // the three groups (0.962 against 0.960), within kSilhouetteTolerance; the
    // highest silhouette alone would pick k = 4.
    {
        std::vector<int> three, four;
        const auto rows = splitLayout(16.0, three, four);
        auto choice = chooseClusters(rows, 8, 5);
        REQUIRE(choice.isOk());
        REQUIRE(choice->silhouette_by_k.size() == 7);
        const double s3 = choice->silhouette_by_k[1], s4 = choice->silhouette_by_k[2];
        CHECK(s4 > s3);
        INFO("s3 " << s3 << " s4 " << s4 << " se(s4) " << choice->silhouette_se_by_k[2]);
        CHECK(s4 - s3 < kSilhouetteToleranceSe * choice->silhouette_se_by_k[2]);
        CHECK(*std::max_element(choice->silhouette_by_k.begin(), choice->silhouette_by_k.end()) ==
              s4);
        CHECK(choice->k == 3);
        CHECK(adjustedRandIndex(choice->assignment, three) == Approx(1.0));
        CHECK(choice->silhouette == s3);
        CHECK(choice->silhouette_se_by_k.size() == 7);
    }
    // 60 degrees apart: the split is worth more than the tolerance (0.985
    // against 0.857), and k = 4.
    {
        std::vector<int> three, four;
        const auto rows = splitLayout(30.0, three, four);
        auto choice = chooseClusters(rows, 8, 5);
        REQUIRE(choice.isOk());
        CHECK(choice->silhouette_by_k[2] - choice->silhouette_by_k[1] >
              kSilhouetteToleranceSe * choice->silhouette_se_by_k[2]);
        CHECK(choice->k == 4);
        CHECK(adjustedRandIndex(choice->assignment, four) == Approx(1.0));
    }
}

TEST_CASE("a single blob stays one cluster", "[profile][clustering]") {
    for (const std::uint64_t seed : {11u, 12u, 13u}) {
        std::vector<int> truth;
        const auto rows = test::blobRows(16, 1, 40, 0.15, seed, truth);
        auto choice = chooseClusters(rows, 8, seed);
        REQUIRE(choice.isOk());
        INFO("seed " << seed << " best silhouette tried "
                     << *std::max_element(choice->silhouette_by_k.begin(),
                                          choice->silhouette_by_k.end()));
        CHECK(choice->k == 1);
        CHECK(choice->silhouette == 0.0);
        CHECK(choice->centroids.size() == 1);
    }
    // Fewer than six rows: never split.
    std::vector<int> truth;
    const auto few = test::blobRows(16, 2, 2, 0.01, 4, truth);
    auto choice = chooseClusters(few, 8, 4);
    REQUIRE(choice.isOk());
    CHECK(choice->k == 1);
    CHECK(choice->silhouette_by_k.empty());
}

TEST_CASE("k-means is deterministic for a seed and honours cancellation", "[profile][clustering]") {
    std::vector<int> truth;
    const auto rows = test::blobRows(8, 3, 10, 0.3, 21, truth);
    auto a = sphericalKMeans(rows, {3, 5, 100, 99});
    auto b = sphericalKMeans(rows, {3, 5, 100, 99});
    REQUIRE(a.isOk());
    REQUIRE(b.isOk());
    CHECK(a->assignment == b->assignment);
    CHECK(a->centroids == b->centroids);
    CHECK(a->total_distance == b->total_distance);
    CHECK_FALSE(sphericalKMeans(rows, {0, 1, 10, 1}).isOk());
    core::CancellationToken cancel;
    cancel.cancel();
    auto c = chooseClusters(rows, 8, 1, cancel);
    REQUIRE_FALSE(c.isOk());
    CHECK(c.status().code() == core::StatusCode::kCancelled);
}

TEST_CASE("cluster labels: user majority, else defining features", "[profile][clustering]") {
    const auto stat = [](const std::string& name, std::vector<double> v) {
        return scalarStats(name, "", std::move(v), {1, 0});
    };
    // Two sub-styles of three: 138 BPM acid vs 128 BPM without; supersaw and
    // sidechain alike in both.
    const std::vector<FeatureStats> profile_stats{
        stat("tempo_bpm", {128, 128, 130, 136, 138, 140}),
        stat("acid_score", {0.1, 0.1, 0.2, 0.8, 0.9, 0.9}),
        stat("supersaw_width", {0.5, 0.6, 0.5, 0.5, 0.6, 0.5}),
        stat("sidechain_depth_db", {5, 6, 7, 5, 6, 7})};
    const std::vector<FeatureStats> cluster_stats{
        stat("tempo_bpm", {136, 138, 140}), stat("acid_score", {0.8, 0.9, 0.9}),
        stat("supersaw_width", {0.5, 0.6, 0.5}), stat("sidechain_depth_db", {5, 6, 7})};
    const std::vector<FeatureStats> rest_stats{
        stat("tempo_bpm", {128, 128, 130}), stat("acid_score", {0.1, 0.1, 0.2}),
        stat("supersaw_width", {0.5, 0.6, 0.5}), stat("sidechain_depth_db", {4.5, 5.5, 6.5})};
    const auto label = [&](const std::vector<std::string>& members) {
        return clusterLabel(0, members, cluster_stats, rest_stats, profile_stats);
    };
    CHECK(label({"uplifting", "uplifting", "psy"}) == "uplifting"); // 2 of 3 >= 60 %
    // acid: within-group s = 0.05 / 1.349 = 0.037, floored at 0.1 x the
    // profile's 0.75 / 1.349 = 0.056: z = 0.8 / 0.056 = 14 >= 2. Sidechain:
    // medians 0.5 dB apart with 1 dB IQRs in both groups: z = 0.67, not named.
    CHECK(label({"uplifting", "psy", "tech"}) == "138 BPM \u00b7 acid");
    CHECK(label({"", "", ""}) == "138 BPM \u00b7 acid");
    // The other way round it is the lack of acid that stands out.
    CHECK(clusterLabel(1, {}, rest_stats, cluster_stats, profile_stats) ==
          "128 BPM \u00b7 no acid");
    // One cluster: nothing to set it apart from.
    CHECK(clusterLabel(0, {}, profile_stats, {}, profile_stats) ==
          "133 BPM"); // median of 128 128 130 136 138 140
    CHECK(clusterLabel(2, {}, {}, {}, profile_stats) == "sub-style 3");
}
