#include <catch2/catch.hpp>

#include "db/store.hpp"
#include "server/fix_plan_loader.hpp"
#include "unit/test_support.hpp"

using namespace styledna;

TEST_CASE("Journals keep previous values and per-entry states", "[live_bridge][journal]") {
    const auto dir = test::tempDir("journal");
    auto store = db::Store::open((dir / "s.db").string());
    REQUIRE(store.isOk());
    auto& s = **store;
    fixes::ParameterChange c;
    c.change_id = "fix-1.1";
    c.track_name = "Bass";
    c.device_class = "Eq8";
    c.parameter_name = "3 Gain A";
    c.to_value = -4.5;
    db::JournalRecord j{"j-1", "plan-1", "", "sending", "apply", "", {}};
    j.entries.push_back({0, server::changeToJson(c), "pending", 0.0, -4.5, std::nullopt});
    j.entries.push_back({1, server::changeToJson(c), "pending", 0.3799999952316284, 0.5, {}});
    REQUIRE(s.createJournal(j).isOk());
    auto e = j.entries;
    e[0].state = "applied";
    e[0].read_back_value = -4.5;
    e[1].state = "unconfirmed";
    REQUIRE(s.updateJournalEntries("j-1", e).isOk());
    REQUIRE(s.setJournalState("j-1", "complete", "1 applied").isOk());
    auto found = s.findJournal("j-1");
    REQUIRE(found.isOk());
    REQUIRE(found->has_value());
    const auto& got = **found;
    CHECK(got.state == "complete");
    CHECK(got.kind == "apply");
    REQUIRE(got.entries.size() == 2);
    CHECK(got.entries[0].state == "applied");
    CHECK(*got.entries[0].read_back_value == -4.5);
    CHECK_FALSE(got.entries[1].read_back_value.has_value());
    CHECK(got.entries[1].previous_value == 0.3799999952316284); // exact, for undo
    auto change = server::changeFromJson(got.entries[0].change_json);
    REQUIRE(change.isOk());
    CHECK(change->parameter_name == "3 Gain A");
    CHECK_FALSE(s.findJournal("nope")->has_value());
    CHECK_FALSE(s.createJournal(j).isOk()); // ids are unique
}

TEST_CASE("Plan documents load by id with their changes", "[live_bridge][journal]") {
    auto plan = server::fixPlanFromDocument(R"({"plan_id":"p1","strength":0.8,"fixes":[
        {"id":"fix-1","confidence":0.9,"changes":[{"change_id":"fix-1.1","track_name":"Bass",
         "device_class":"Eq8","parameter_name":"3 Gain A","from_value":0,"to_value":-3}]}]})");
    REQUIRE(plan.isOk());
    CHECK(plan->strength == 0.8);
    REQUIRE(plan->fixes.size() == 1);
    CHECK(plan->fixes[0].changes[0].to_value == -3);
    auto bad = server::fixPlanFromDocument(R"({"fixes":[{"changes":[{"to_value":"x"}]}]})");
    REQUIRE_FALSE(bad.isOk());
    CHECK_THAT(bad.status().message(), Catch::Contains("fixes[0].changes[0].to_value"));
}
