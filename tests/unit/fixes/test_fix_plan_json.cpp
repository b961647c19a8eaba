// FixPlan <-> JSON: every field survives a round trip; missing keys keep the
// defaults; a wrong type is an error naming its path.
#include <catch2/catch.hpp>

#include "core/fixes/fix_plan_json.hpp"

using namespace styledna::fixes;

namespace {

FixPlan samplePlan() {
    FixPlan plan;
    plan.plan_id = "p-1";
    plan.wip_path = "/wip.wav";
    plan.wip_hash = "abc";
    plan.profile = "uplifting";
    plan.conformance_before = 61.25;
    plan.predicted_conformance = 78.5;
    plan.target_conformance = 80;
    plan.target_reached = false;
    plan.target_note = "best reachable 78.5 of 80";
    plan.set_source = "file:set.json";
    plan.strength = 0.5;
    plan.generation_ms = 212.25;
    plan.roles.push_back({1, "Bass", "bass", true});
    Fix fix;
    fix.id = "fix-1";
    fix.gap_id = "low_mid_buildup";
    fix.gap_feature = "tonal_balance_low_mid_db";
    fix.category = "tonal_balance";
    fix.title = "Cut the low mids on 'Bass'";
    fix.expected_improvement = 6.5;
    fix.confidence = 0.8;
    fix.strength = 0.5;
    ParameterChange c;
    c.change_id = "fix-1.1";
    c.track_index = 1;
    c.track_name = "Bass";
    c.device_index = 0;
    c.device_name = "EQ Eight";
    c.device_class = "Eq8";
    c.parameter_index = 18;
    c.parameter_name = "2 Gain A";
    c.from_value = 0;
    c.to_value = -3.5;
    c.unit = "dB";
    c.from_unit_value = 0;
    c.to_unit_value = -3.5;
    c.display_from = "0.00 dB";
    c.display_to = "-3.50 dB";
    fix.changes.push_back(c);
    PredictedFeature p;
    p.feature = "tonal_balance_low_mid_db";
    p.before = -8;
    p.after = -11;
    p.range_low = -13;
    p.range_high = -9;
    p.in_range_after = true;
    fix.predicted.push_back(p);
    plan.fixes.push_back(fix);
    fix.id = "fix-2";
    fix.rejection_reason = "pushes lows out of range";
    plan.rejected.push_back(fix);
    return plan;
}

} // namespace

TEST_CASE("fix plan JSON round trip keeps every field", "[fixes][json]") {
    FixPlan plan = samplePlan();
    auto back = fixPlanFromJson(fixPlanToJson(plan));
    REQUIRE(back.isOk());
    CHECK(fixPlanToJson(*back, 2) == fixPlanToJson(plan, 2));
    CHECK(back->fixes.at(0).changes.at(0).display_to == "-3.50 dB");
    CHECK(back->rejected.at(0).rejection_reason == "pushes lows out of range");
    CHECK(back->roles.at(0).from_user);
    CHECK(back->strength == 0.5);
}

TEST_CASE("fix plan JSON: missing keys keep defaults, wrong types name the path", "[fixes][json]") {
    auto empty = fixPlanFromJson("{}");
    REQUIRE(empty.isOk());
    CHECK(empty->strength == 1);
    auto bad = fixPlanFromJson(R"({"fixes":[{"changes":[{"to_value":"x"}]}]})");
    REQUIRE_FALSE(bad.isOk());
    CHECK(bad.status().message() == "fix plan: fixes[0].changes[0].to_value: expected a number");
    CHECK_FALSE(fixPlanFromJson("not json").isOk());
}
