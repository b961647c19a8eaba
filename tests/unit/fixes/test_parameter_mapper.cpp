// Parameter mapper: the move each gap gets on a set with the devices, and the
// manual step without them; amounts and strength in the parameter's unit.
#include <catch2/catch.hpp>

#include <random>

#include "core/fixes/parameter_mapper.hpp"
#include "core/fixes/track_roles.hpp"
#include "unit/fixes/test_live_sets.hpp"

using namespace styledna;
using namespace styledna::fixes;

namespace {

gap::Gap gapOf(const std::string& id, const std::string& feature, const std::string& unit,
               double wip, double target) {
    gap::Gap g;
    g.id = id;
    g.feature = feature;
    g.unit = unit;
    g.wip_value = wip;
    g.target_value = target;
    g.delta = wip - target;
    g.severity = 0.8;
    gap::Comparison c;
    c.feature = feature;
    c.unit = unit;
    c.wip_value = wip;
    c.target_value = target;
    c.range_low = target - 1;
    c.range_high = target + 1;
    c.delta = wip - target;
    c.in_range = false;
    g.evidence.push_back(c);
    return g;
}

struct Fixture {
    live::LiveSet set;
    std::vector<TrackRole> roles;
    core::TrackAnalysis wip;
    SimulationInput sim;
    MapContext ctx;
    explicit Fixture(bool devices, const std::string& master = "Mix Bus")
        : set(test::trancePlanSet(devices)), roles(assignRoles(set, {}).value()) {
        core::AudioBuffer b(2, 44100, 44100);
        std::mt19937 rng(3);
        std::normal_distribution<float> d(0.0f, 0.1f);
        for (std::size_t i = 0; i < b.frames(); ++i) {
            b.channels[0][i] = d(rng);
            b.channels[1][i] = d(rng);
        }
        wip.features.values["sidechain_release_ms"] = 120;
        sim = summarise(b, {}, wip.features);
        ctx = MapContext{&set, &roles, master, &wip, &sim};
    }
};

const ParameterChange* change(const std::vector<ParameterChange>& changes,
                              const std::string& parameter) {
    for (const auto& c : changes) {
        if (c.parameter_name == parameter) {
            return &c;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("low-mid buildup: a bell cut in a free EQ Eight band on the bass", "[fixes][mapper]") {
    Fixture f(true);
    auto cands = mapGap(gapOf("low_mid_buildup", "tonal_balance_low_mid_db", "dB", -3, -5), f.ctx);
    REQUIRE(cands.size() == 1);
    const auto changes = changesAt(cands[0], 4.0, 1.0);
    REQUIRE(change(changes, "1 Filter On A") != nullptr);
    CHECK(change(changes, "1 Filter On A")->display_to == "On");
    CHECK(change(changes, "1 Filter Type A")->display_to == "Bell");
    CHECK(change(changes, "1 Gain A")->to_value == Approx(-4));
    CHECK(change(changes, "1 Gain A")->display_to == "-4.00 dB");
    const double hz = change(changes, "1 Frequency A")->to_unit_value;
    CHECK(hz >= 150);
    CHECK(hz <= 450);
    for (const auto& c : changes) {
        CHECK(c.track_name == "Bass");
        CHECK(c.to_value >= -15);
        CHECK(c.confidence > 0);
    }
    // Strength 0.5: half the dB, the same placement.
    const auto half = changesAt(cands[0], 4.0, 0.5);
    CHECK(change(half, "1 Gain A")->to_unit_value == Approx(-2));
    CHECK(change(half, "1 Frequency A")->to_value == change(changes, "1 Frequency A")->to_value);
    CHECK(cands[0].amount == Approx(2)); // the gap's 2 dB excess
    CHECK(movesAt(cands[0], 4.0, 0.5)[0].gain_db == Approx(-2));
}

TEST_CASE("each gap's move, with and without devices", "[fixes][mapper]") {
    struct Expect {
        gap::Gap gap;
        std::string track, parameter, manual_part;
    };
    const std::vector<Expect> expects{
        {gapOf("wide_low_end", "stereo_width_low", "", 0.2, 0.0), "Bass", "Bass Mono", "Utility"},
        {gapOf("weak_sidechain", "sidechain_depth_db", "dB", 1.5, 6), "Bass", "Threshold",
         "Compressor"},
        {gapOf("narrow_stereo", "supersaw_width", "", 0.1, 0.8), "Supersaw Chords", "Stereo Width",
         "Utility"},
        {gapOf("harsh_highs", "tonal_balance_high_mid_db", "dB", -9, -12), "Mix Bus", "1 Gain A",
         "EQ Eight"},
        {gapOf("dull_highs", "tonal_balance_high_db", "dB", -20, -17), "Mix Bus", "1 Gain A",
         "EQ Eight"},
        {gapOf("boomy_low_end", "tonal_balance_low_db", "dB", -3, -5), "Bass", "1 Gain A",
         "EQ Eight"},
        {gapOf("thin_low_end", "tonal_balance_low_db", "dB", -7, -5), "Bass", "1 Gain A",
         "EQ Eight"},
        {gapOf("quiet_master", "loudness_integrated_lufs", "LUFS", -16, -8), "Mix Bus", "Output",
         "EQ Eight or Utility"},
    };
    for (const auto& e : expects) {
        INFO(e.gap.id);
        Fixture with(true);
        auto c = mapGap(e.gap, with.ctx);
        REQUIRE(c.size() == 1);
        const auto changes = changesAt(c[0], c[0].amount, 1.0);
        const auto* p = change(changes, e.parameter);
        REQUIRE(p != nullptr);
        CHECK(p->track_name == e.track);
        CHECK(c[0].fix.manual_step.empty());
        CHECK_FALSE(c[0].moves.empty());
        Fixture without(false);
        auto m = mapGap(e.gap, without.ctx);
        REQUIRE(m.size() == 1);
        CHECK(m[0].changes.empty());
        CHECK(m[0].fix.manual_step.find(e.manual_part) != std::string::npos);
        CHECK_FALSE(m[0].moves.empty()); // still simulated
        CHECK(m[0].fix.confidence < c[0].fix.confidence);
    }
    // The quiet master without a master track: AbletonOSC cannot reach Live's master.
    Fixture no_master(true, "");
    auto q = mapGap(gapOf("quiet_master", "loudness_integrated_lufs", "LUFS", -16, -12.5),
                    no_master.ctx);
    REQUIRE(q.size() == 1);
    CHECK(q[0].changes.empty());
    CHECK(q[0].fix.manual_step.find("cannot reach the master") != std::string::npos);
    CHECK(q[0].fix.manual_step.find("3.5 dB") != std::string::npos);
    // Style choices get no move.
    auto style = gapOf("short_breakdown", "breakdown_bars", "bars", 8, 16);
    style.style_choice = true;
    Fixture f(true);
    CHECK(mapGap(style, f.ctx).empty());
}

TEST_CASE("weak sidechain: threshold lowered by the duck over (1 - 1/ratio)", "[fixes][mapper]") {
    Fixture f(true);
    auto c = mapGap(gapOf("weak_sidechain", "sidechain_depth_db", "dB", 1.5, 6), f.ctx);
    REQUIRE(c.size() == 1);
    const auto changes = changesAt(c[0], 3.0, 1.0);
    const auto* t = change(changes, "Threshold");
    REQUIRE(t != nullptr);
    // ratio 4:1 -> 3 dB more gain reduction needs the threshold 4 dB lower.
    CHECK(t->to_unit_value - t->from_unit_value == Approx(-4.0).margin(1e-6));
    CHECK(t->display_from == "-6.00 dB");
    for (const auto& m : movesAt(c[0], 3.0, 1.0)) {
        CHECK(m.kind == MoveKind::kDuck);
        CHECK(m.gain_db == Approx(-3));
        CHECK(m.release_ms == Approx(120));
    }
}
