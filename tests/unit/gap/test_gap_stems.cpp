// Stems in the gap analysis: the balance offset of a stem's tonal bands
// (spread-weighted median) and the basis of stem comparisons (the nearest
// cluster's stem statistics when enough members have the stem, else the whole
// profile's). Tolerances are absolute 1e-12 on values that are copies or
// single subtractions of the inputs, 1e-9 on the severity formula.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/gap/gap_analyzer.hpp"
#include "core/gap/gap_compare.hpp"
#include "unit/gap/gap_fixtures.hpp"

using namespace styledna;
using namespace styledna::test;
using gap::analyzeGap;
using gap::BandMatching;
using gap::bandOffset;

namespace {

const std::vector<std::string> kBands{"tonal_balance_sub_db",      "tonal_balance_low_db",
                                      "tonal_balance_low_mid_db",  "tonal_balance_mid_db",
                                      "tonal_balance_high_mid_db", "tonal_balance_high_db",
                                      "tonal_balance_air_db"};

// A bass stem as the references hold it: sub, low and low mids tight
// (p10-p90 = 2 dB, robust scale 2 / 2.5631 = 0.78 dB), mids and above spread
// over tens of dB (bright and dark bass patches: scale 30 / 1.349 = 22 dB).
gap::StatsList bassStemStats() {
    gap::StatsList list;
    for (std::size_t i = 0; i < kBands.size(); ++i) {
        const double median = -5.0 - 10.0 * static_cast<double>(i);
        list.push_back(
            i < 3 ? stat(kBands[i], "dB", median, 0.5, median - 1.0, median + 1.0, 0.5)
                  : stat(kBands[i], "dB", median, 15.0, median - 35.0, median + 35.0, 0.0));
    }
    return list;
}

// A bright bass: the tight bands on their medians, the four upper bands +30 dB.
std::map<std::string, double> brightBass() {
    std::map<std::string, double> values;
    for (std::size_t i = 0; i < kBands.size(); ++i) {
        values[kBands[i]] = -5.0 - 10.0 * static_cast<double>(i) + (i < 3 ? 0.0 : 30.0);
    }
    return values;
}

const gap::Comparison* findStemComparison(const gap::GapReport& r, const std::string& feature,
                                          const std::string& stem, const std::string& basis) {
    for (const auto& c : r.comparisons) {
        if (c.feature == feature && c.stem == stem && c.section.empty() && c.basis == basis) {
            return &c;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("band offset: the median, or the median weighted by 1 / each band's scale",
          "[gap][stems]") {
    const auto stats = bassStemStats();
    const auto values = brightBass();
    // Differences 0, 0, 0, 30, 30, 30, 30: the plain median is 30.
    CHECK(bandOffset(values, &stats, BandMatching::kMedian) == Approx(30.0).margin(1e-12));
    // Weights 3 x 1 / 0.78 against 4 x 1 / 22.2: the tight bands hold more than half.
    CHECK(bandOffset(values, &stats, BandMatching::kSpreadWeightedMedian) ==
          Approx(0.0).margin(1e-12));

    // Equal scales: the weighted median is the type-7 median (an even count averages the middle).
    gap::StatsList equal;
    std::map<std::string, double> four;
    const double diffs[] = {1.0, 2.0, 3.0, 10.0};
    for (std::size_t i = 0; i < 4; ++i) {
        equal.push_back(stat(kBands[i], "dB", 0.0, 1.0, -2.0, 2.0, 0.5));
        four[kBands[i]] = diffs[i];
    }
    CHECK(bandOffset(four, &equal, BandMatching::kMedian) == Approx(2.5).margin(1e-12));
    CHECK(bandOffset(four, &equal, BandMatching::kSpreadWeightedMedian) ==
          Approx(2.5).margin(1e-12));
    four.erase(kBands[0]);
    CHECK(bandOffset(four, &equal, BandMatching::kSpreadWeightedMedian) ==
          Approx(3.0).margin(1e-12));

    // Fewer than three bands, or no statistics: no offset.
    four.erase(kBands[1]);
    CHECK(bandOffset(four, &equal, BandMatching::kSpreadWeightedMedian) == 0.0);
    CHECK(bandOffset(values, nullptr, BandMatching::kSpreadWeightedMedian) == 0.0);
}

TEST_CASE("a bright bass stem's upper bands do not make its low end read as thin", "[gap][stems]") {
    profile::Profile p;
    p.name = "t";
    p.stats = bassStemStats(); // the same numbers on the mix, for contrast
    p.stem_stats["bass"] = bassStemStats();

    auto on_stem = wipWith({{"rms_dbfs", -9.0}});
    on_stem.stems.separator = "test";
    on_stem.stems.stems["bass"].values = brightBass();
    auto r = analyzeGap(on_stem, p);
    REQUIRE(r.isOk());
    const auto* low = findStemComparison(*r, "tonal_balance_low_db", "bass", "profile");
    REQUIRE(low != nullptr);
    CHECK(low->in_range);
    CHECK(low->wip_value == Approx(-15.0).margin(1e-12)); // not shifted
    CHECK(r->gaps.empty());

    // The mix keeps the plain median: the same bands read 30 dB low in the sub, low and low mids.
    auto r_mix = analyzeGap(wipWith(brightBass()), p);
    REQUIRE(r_mix.isOk());
    const auto* mix_low = findStemComparison(*r_mix, "tonal_balance_low_db", "", "profile");
    REQUIRE(mix_low != nullptr);
    CHECK(mix_low->wip_value == Approx(-45.0).margin(1e-12));
    CHECK_FALSE(mix_low->in_range);
    CHECK_FALSE(r_mix->gaps.empty());
}

TEST_CASE("stems are judged against the nearest cluster's stem statistics when enough members "
          "have them",
          "[gap][stems]") {
    profile::Profile p;
    p.name = "t";
    p.space = plainSpace();
    p.stats = {stat("rms_dbfs", "dBFS", -9.0, 0.5, -10.0, -8.0, 0.5)};
    // The library's bass stems duck by about 12 dB; this sub-style's by about 6 dB.
    p.stem_stats["bass"] = {stat("sidechain_depth_db", "dB", -12.0, 0.5, -13.0, -11.0, 0.7)};
    profile::Cluster c;
    c.id = 0;
    c.label = "rolling";
    c.centroid = {1.0f, 0.0f};
    c.variance = 0.05;
    c.stats = p.stats;
    c.stem_stats["bass"] = {stat("sidechain_depth_db", "dB", -6.0, 0.5, -7.0, -5.0, 0.7)};
    p.clusters = {c};
    p.members = {{"m", "/m.wav", "", 0, 44100, {1.0f, 0.0f}}};

    auto wip = wipWith({{"rms_dbfs", -9.0}});
    wip.embedding = oneSegment({1.0f, 0.0f});
    wip.stems.separator = "test";
    wip.stems.stems["bass"].values["sidechain_depth_db"] = -6.0;

    SECTION("enough members: both listed; a stem that fits its sub-style is no gap") {
        p.clusters[0].stem_stats["bass"][0].count = 6;
        auto r = analyzeGap(wip, p);
        REQUIRE(r.isOk());
        REQUIRE(r->cluster == 0);
        const auto* by_cluster = findStemComparison(*r, "sidechain_depth_db", "bass", "cluster");
        const auto* by_profile = findStemComparison(*r, "sidechain_depth_db", "bass", "profile");
        REQUIRE(by_cluster != nullptr);
        REQUIRE(by_profile != nullptr);
        CHECK(by_cluster->in_range);
        CHECK(by_cluster->target_value == -6.0);
        CHECK_FALSE(by_profile->in_range);
        CHECK(r->gaps.empty());
    }
    SECTION("enough members, outside both: the cluster's numbers head the evidence") {
        p.clusters[0].stem_stats["bass"][0].count = 6;
        wip.stems.stems["bass"].values["sidechain_depth_db"] = -4.0;
        auto r = analyzeGap(wip, p);
        REQUIRE(r.isOk());
        const auto* by_cluster = findStemComparison(*r, "sidechain_depth_db", "bass", "cluster");
        const auto* by_profile = findStemComparison(*r, "sidechain_depth_db", "bass", "profile");
        REQUIRE(by_cluster != nullptr);
        REQUIRE(by_profile != nullptr);
        REQUIRE(r->gaps.size() == 1);
        const auto& g = r->gaps[0];
        REQUIRE(g.evidence.size() == 1);
        CHECK(g.evidence[0].basis == "cluster");
        CHECK(g.target_value == -6.0);
        // The mean of the two severities; one place: three quarters of it.
        const double mean = 0.5 * (by_cluster->severity + by_profile->severity);
        CHECK(g.evidence[0].severity == Approx(mean).margin(1e-12));
        CHECK(g.severity == Approx(0.75 * mean).margin(1e-12));
    }
    SECTION("too few members: the whole profile judges alone") {
        p.clusters[0].stem_stats["bass"][0].count = 5;
        auto r = analyzeGap(wip, p);
        REQUIRE(r.isOk());
        CHECK(findStemComparison(*r, "sidechain_depth_db", "bass", "cluster") == nullptr);
        const auto* by_profile = findStemComparison(*r, "sidechain_depth_db", "bass", "profile");
        REQUIRE(by_profile != nullptr);
        REQUIRE(r->gaps.size() == 1);
        CHECK(r->gaps[0].evidence[0].basis == "profile");
        CHECK(r->gaps[0].severity == Approx(0.75 * by_profile->severity).margin(1e-12));
        // 6 dB above a range ending at -11 dB, scale max(1 / 1.349, 2 / 2.5631): d = 5 / 0.7803.
        const double d = 5.0 / (2.0 / 2.5631);
        const double w = 0.4 + 0.6 * 0.7;
        CHECK(by_profile->severity == Approx(1.0 - std::exp(-0.6 * d * w / 2.5)).margin(1e-9));
    }
}

TEST_CASE("the drums stem's kick/bass overlap in breakdowns and buildups is never evidence",
          "[gap][stems]") {
    // Trance plays no bass there: the overlap is a share of the separator's
    // residue in the bass stem's 40-120 Hz (learned stems read -10 dB where the
    // references read 0 dB). In a drop the same numbers are a kick/bass clash.
    profile::Profile p;
    p.name = "t";
    p.stats = {stat("rms_dbfs", "dBFS", -9.0, 0.5, -10.0, -8.0, 0.5)};
    const auto overlap = stat("kick_bass_overlap_db", "", -25.0, 2.0, -28.0, -22.0, 0.5);
    for (const std::string label : {"breakdown", "buildup", "drop"}) {
        p.stem_section_stats["drums"][label] = {overlap};
    }
    auto wip = wipWith({{"rms_dbfs", -9.0}});
    wip.stems.separator = "test";
    for (const std::string label : {"breakdown", "buildup", "drop"}) {
        core::Section s;
        s.label = label;
        s.values["kick_bass_overlap_db"] = -5.0; // 10 robust units above
        wip.stems.stems["drums"].sections.push_back(s);
    }
    auto r = analyzeGap(wip, p);
    REQUIRE(r.isOk());
    int listed = 0;
    for (const auto& c : r->comparisons) {
        listed += c.feature == "kick_bass_overlap_db" && c.stem == "drums" ? 1 : 0;
    }
    CHECK(listed == 3); // compared and listed in every section
    const auto* clash = findGap(*r, "kick_bass_clash");
    REQUIRE(clash != nullptr);
    REQUIRE(clash->evidence.size() == 1);
    CHECK(clash->evidence[0].section == "drop");
    CHECK(clash->evidence[0].stem == "drums");
}
