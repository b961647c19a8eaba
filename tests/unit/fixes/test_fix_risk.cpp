#include <catch2/catch.hpp>

#include "core/fixes/fix_risk.hpp"

using namespace styledna;

namespace {

gap::Comparison cmp(std::string feature, double value, double low, double high,
                    std::string section = "") {
    gap::Comparison c;
    c.feature = std::move(feature);
    c.section = std::move(section);
    c.wip_value = value;
    c.range_low = low;
    c.range_high = high;
    c.in_range = value >= low && value <= high;
    c.basis = "cluster";
    return c;
}

gap::Gap muddyGap() {
    gap::Gap g;
    g.id = "low_mid_buildup";
    g.feature = "spectral.band_low_mid_db";
    g.evidence.push_back(cmp("spectral.band_low_mid_db", 6, -2, 2));
    g.evidence.push_back(cmp("spectral.band_low_mid_db", 7, -2, 2, "intro"));
    return g;
}

} // namespace

TEST_CASE("fix risk: the share of a side feature's margin the move uses", "[fixes]") {
    const gap::Gap g = muddyGap();
    gap::GapReport before, after;
    before.comparisons = {g.evidence[0], g.evidence[1],
                          cmp("spectral.centroid_hz", 1500, 1000, 2000),
                          cmp("stereo.width", 0.7, 0.6, 0.8)};

    SECTION("side features that do not move: no risk, whatever the own feature does") {
        after.comparisons = {cmp("spectral.band_low_mid_db", 0, -2, 2),
                             cmp("spectral.band_low_mid_db", 1, -2, 2, "intro"),
                             cmp("spectral.centroid_hz", 1500, 1000, 2000),
                             cmp("stereo.width", 0.7, 0.6, 0.8)};
        const auto r = fixes::fixRisk(g, before, after);
        CHECK(r.risk == 0);
        CHECK(r.feature.empty());
    }
    SECTION("centroid from the centre to three quarters of the way to the edge") {
        after.comparisons = {cmp("spectral.band_low_mid_db", 0, -2, 2),
                             cmp("spectral.centroid_hz", 1875, 1000, 2000),
                             cmp("stereo.width", 0.71, 0.6, 0.8)};
        const auto r = fixes::fixRisk(g, before, after);
        CHECK(r.risk == Approx(0.75));
        CHECK(r.feature == "spectral.centroid_hz");
    }
    SECTION("a side feature pushed out of range is the whole margin") {
        after.comparisons = {cmp("stereo.width", 0.5, 0.6, 0.8)};
        CHECK(fixes::fixRisk(g, before, after).risk == 1.0);
    }
    SECTION("moving toward the centre is no risk; features out of range before are not judged") {
        before.comparisons.push_back(cmp("loudness.lufs", -20, -10, -6));
        after.comparisons = {cmp("stereo.width", 0.69, 0.6, 0.8),
                             cmp("loudness.lufs", -30, -10, -6)};
        const auto r = fixes::fixRisk(g, before, after);
        CHECK(r.risk == Approx(0.1).margin(1e-9)); // width 0.7 -> 0.69: 10 % of its margin
        CHECK(r.feature == "stereo.width");
    }
}
