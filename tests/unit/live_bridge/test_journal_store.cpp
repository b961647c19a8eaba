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

namespace {

db::JournalEntryRecord entry(int seq, const std::string& state, double previous, double target) {
    fixes::ParameterChange c;
    c.change_id = "fix-1." + std::to_string(seq + 1);
    c.track_name = "Bass";
    c.device_class = "Eq8";
    c.parameter_name = std::to_string(seq + 1) + " Gain A";
    c.to_value = target;
    return {seq, server::changeToJson(c), state, previous, target, std::nullopt};
}

db::JournalRecord journal(const std::string& id, const std::string& created_at,
                          const std::string& state, const std::string& kind,
                          const std::vector<std::string>& entry_states) {
    db::JournalRecord j{id, "plan-1", created_at, state, kind, "", {}};
    for (size_t i = 0; i < entry_states.size(); ++i) {
        j.entries.push_back(entry(static_cast<int>(i), entry_states[i],
                                  0.25 * static_cast<double>(i), -3.0 - static_cast<double>(i)));
    }
    return j;
}

std::vector<std::string> entryStates(db::Store& s, const std::string& id) {
    auto found = s.findJournal(id);
    REQUIRE(found.isOk());
    REQUIRE(found->has_value());
    std::vector<std::string> out;
    for (const auto& e : (*found)->entries) {
        out.push_back(e.state);
    }
    return out;
}

} // namespace

TEST_CASE("Journals a stopped daemon left sending are marked interrupted, sent ones unknown",
          "[live_bridge][journal]") {
    const auto dir = test::tempDir("journal");
    auto store = db::Store::open((dir / "s.db").string());
    REQUIRE(store.isOk());
    auto& s = **store;
    // An apply killed in its second round: two confirmed, one failed, one sent
    // twice (still pending in memory, journaled "sent"), one sent once, one never.
    REQUIRE(s.createJournal(journal("j-apply", "2026-12-04T10:00:00Z", "sending", "apply",
                                    {"applied", "sent", "applied", "failed", "sent", "pending"}))
                .isOk());
    REQUIRE(s.createJournal(journal("j-done", "2026-12-04T09:00:00Z", "complete", "apply",
                                    {"applied", "unconfirmed"}))
                .isOk());
    REQUIRE(s.createJournal(journal("j-live", "2026-12-04T08:00:00Z", "interrupted", "apply",
                                    {"applied", "failed"}))
                .isOk());
    REQUIRE(s.createJournal(journal("j-undo", "2026-12-04T11:00:00Z", "sending", "undo",
                                    {"pending", "pending"}))
                .isOk());

    auto interrupted = s.interruptUnfinishedJournals();
    REQUIRE(interrupted.isOk());
    REQUIRE(interrupted->size() == 2);
    const auto& apply = (*interrupted)[0]; // oldest first
    CHECK(apply.journal_id == "j-apply");
    CHECK(apply.kind == "apply");
    CHECK(apply.plan_id == "plan-1");
    CHECK(apply.confirmed == 2);
    CHECK(apply.unknown == 2);
    CHECK(apply.not_sent == 1);
    CHECK(apply.failed == 1);
    CHECK(apply.unconfirmed == 0);
    CHECK(apply.message ==
          "interrupted: the daemon stopped during this apply; 2 changes confirmed by read-back, 2 "
          "sent but not confirmed (unknown: Live may hold either value), 1 not sent, 1 failed");
    const auto& undo = (*interrupted)[1];
    CHECK(undo.journal_id == "j-undo");
    CHECK(undo.message == "interrupted: the daemon stopped during this undo; 0 changes confirmed "
                          "by read-back, 0 sent but not confirmed (unknown: Live may hold either "
                          "value), 2 not sent");

    // Per-entry states kept; sent -> unknown, pending -> not_sent; previous values untouched.
    CHECK(entryStates(s, "j-apply") == std::vector<std::string>{"applied", "unknown", "applied",
                                                                "failed", "unknown", "not_sent"});
    auto found = s.findJournal("j-apply");
    REQUIRE(found->has_value());
    CHECK((*found)->state == "interrupted");
    CHECK((*found)->message == apply.message);
    CHECK((*found)->entries[5].previous_value == 1.25);
    CHECK((*found)->entries[5].target_value == -8.0);
    // Finished journals are left alone, whatever their state.
    CHECK(entryStates(s, "j-done") == std::vector<std::string>{"applied", "unconfirmed"});
    CHECK(s.findJournal("j-done")->value().state == "complete");
    CHECK(s.findJournal("j-live")->value().state == "interrupted");
    CHECK(s.findJournal("j-live")->value().message.empty());

    // Nothing left to mark: a second start finds nothing.
    auto again = s.interruptUnfinishedJournals();
    REQUIRE(again.isOk());
    CHECK(again->empty());
}

TEST_CASE("Journals list newest first with their entry counts", "[live_bridge][journal]") {
    const auto dir = test::tempDir("journal");
    auto store = db::Store::open((dir / "s.db").string());
    REQUIRE(store.isOk());
    auto& s = **store;
    auto empty = s.listJournals(20);
    REQUIRE(empty.isOk());
    CHECK(empty->empty());
    REQUIRE(s.createJournal(journal("j-b", "2026-12-04T10:00:00Z", "complete", "apply",
                                    {"applied", "applied", "failed"}))
                .isOk());
    REQUIRE(s.createJournal(journal("j-a", "2026-12-04T09:00:00Z", "undone", "apply", {"applied"}))
                .isOk());
    // Same second as j-b, written later: listed before it.
    REQUIRE(s.createJournal(journal("j-c", "2026-12-04T10:00:00Z", "interrupted", "apply",
                                    {"unknown", "not_sent"}))
                .isOk());
    REQUIRE(s.createJournal(journal("j-d", "2026-12-04T12:00:00Z", "complete", "undo", {})).isOk());

    auto all = s.listJournals(20);
    REQUIRE(all.isOk());
    std::vector<std::string> ids;
    for (const auto& j : *all) {
        ids.push_back(j.journal_id);
    }
    CHECK(ids == std::vector<std::string>{"j-d", "j-c", "j-b", "j-a"});
    const auto& b = (*all)[2];
    CHECK(b.state == "complete");
    CHECK(b.kind == "apply");
    CHECK(b.plan_id == "plan-1");
    CHECK(b.created_at == "2026-12-04T10:00:00Z");
    CHECK(b.entries == 3);
    CHECK(b.count("applied") == 2);
    CHECK(b.count("failed") == 1);
    CHECK(b.count("unknown") == 0);
    const auto& c = (*all)[1];
    CHECK(c.entries == 2);
    CHECK(c.count("unknown") == 1);
    CHECK(c.count("not_sent") == 1);
    CHECK((*all)[0].entries == 0);
    CHECK((*all)[0].kind == "undo");

    auto newest = s.listJournals(2);
    REQUIRE(newest.isOk());
    REQUIRE(newest->size() == 2);
    CHECK((*newest)[1].journal_id == "j-c");
}

TEST_CASE("Schema 4 marks the pending entries of unfinished older journals as sent",
          "[live_bridge][journal]") {
    // Builds before schema 4 journaled no sends: a journal they left "sending"
    // may hold pending entries that reached Live, so they must not read as not sent.
    const auto dir = test::tempDir("journal");
    const auto path = (dir / "s.db").string();
    {
        auto store = db::Store::open(path);
        REQUIRE(store.isOk());
        REQUIRE((*store)
                    ->createJournal(journal("j-old", "2026-12-01T10:00:00Z", "sending", "apply",
                                            {"applied", "pending", "pending"}))
                    .isOk());
        REQUIRE((*store)
                    ->createJournal(journal("j-fine", "2026-12-01T09:00:00Z", "complete", "apply",
                                            {"applied", "pending"}))
                    .isOk());
    }
    {
        auto conn = db::Connection::open(path);
        REQUIRE(conn.isOk());
        REQUIRE(conn->exec("PRAGMA user_version = 3").isOk());
    }
    auto store = db::Store::open(path);
    REQUIRE(store.isOk());
    auto& s = **store;
    CHECK(s.schemaVersion() == 4);
    CHECK(entryStates(s, "j-old") == std::vector<std::string>{"applied", "sent", "sent"});
    CHECK(entryStates(s, "j-fine") == std::vector<std::string>{"applied", "pending"});
    auto interrupted = s.interruptUnfinishedJournals();
    REQUIRE(interrupted.isOk());
    REQUIRE(interrupted->size() == 1);
    CHECK((*interrupted)[0].unknown == 2);
    CHECK((*interrupted)[0].not_sent == 0);
}
