// Tables of truth vs measured on the widened sets (hidden: run with
// test_generalization "[.tables]"); the asserted figures are in
// test_generalization.cpp.

#include <cmath>
#include <cstdio>

#include <catch2/catch.hpp>

#include "unit/generalization/wide_set.hpp"

using namespace styledna;

TEST_CASE("wide sidechain table", "[.tables][sidechain]") {
    for (const auto& t : test::wideSet(core::SynthVariety::kWideSidechain)) {
        const auto& sc = t.truth.params.sidechain;
        std::printf("%-32s %-12s %-13s %-15s att %4.1f kick %+4.1f | depth %5.2f/%5.2f rel "
                    "%6.1f/%6.1f\n",
                    t.name.c_str(), std::string(core::duckShapeName(sc.shape)).c_str(),
                    std::string(core::duckSourceName(sc.source)).c_str(),
                    std::string(core::duckBusName(sc.bus)).c_str(), sc.attack_ms, sc.kick_level_db,
                    test::featureOf(t, "sidechain_depth_db"), t.truth.sidechain_depth_db,
                    test::featureOf(t, "sidechain_release_ms"), t.truth.sidechain_release_ms);
    }
}

TEST_CASE("wide acid table", "[.tables][acid]") {
    for (const auto& t : test::wideSet(core::SynthVariety::kWideAcid)) {
        const auto& p = t.truth.params;
        const bool acid = p.bass_type == core::BassType::kAcid;
        std::printf("%-28s acid %d score %.2f | res %.2f cut %4.0f-%5.0f env %.1f drv %4.1f lvl "
                    "%5.1f %s %s | key %s\n",
                    t.name.c_str(), acid ? 1 : 0, test::featureOf(t, "acid_score"),
                    p.acid.resonance, p.acid.cutoff_min_hz, p.acid.cutoff_max_hz,
                    p.acid.env_mod_octaves, p.acid.drive_db, t.truth.acid_level_db,
                    p.acid.three_pole ? "3p" : "4p", p.acid.square_wave ? "sq" : "sw",
                    t.features.labels.count("key") ? t.features.labels.at("key").c_str() : "?");
    }
}

TEST_CASE("wide tempo table", "[.tables][tempo]") {
    for (const auto& t : test::wideSet(core::SynthVariety::kWideTempo)) {
        const auto& p = t.truth.params;
        std::printf("%-30s %7.2f %-14s %s | %7.2f  ratio %.3f\n", t.name.c_str(), p.tempo_bpm,
                    std::string(core::drumPatternName(p.drum_pattern)).c_str(),
                    p.triplet_hats ? "trip" : "    ", test::featureOf(t, "tempo_bpm"),
                    test::featureOf(t, "tempo_bpm") / p.tempo_bpm);
    }
}
