#include <catch2/catch.hpp>

#include <fstream>

#include "db/migrations.hpp"
#include "db/store.hpp"
#include "unit/test_support.hpp"

using namespace styledna;

namespace {

db::TrackRecord track(const std::string& hash) {
    return {hash,    "/music/" + hash + ".wav", 300.0, 44100.0, 2, 13230000, "WAV", "PCM_16",
            52920044};
}

} // namespace

TEST_CASE("A new store is migrated to the latest schema in WAL mode", "[db][store]") {
    const auto dir = test::tempDir("db");
    auto store = db::Store::open((dir / "s.db").string());
    REQUIRE(store.isOk());
    CHECK((*store)->schemaVersion() == db::latestSchemaVersion());
    auto integrity = (*store)->integrityCheck();
    REQUIRE(integrity.isOk());
    CHECK(*integrity == "ok");
    CHECK(std::filesystem::exists(dir / "s.db-wal"));
}

TEST_CASE("Analyses are cached by content hash and analyser version", "[db][store]") {
    const auto dir = test::tempDir("db");
    const auto path = (dir / "s.db").string();
    {
        auto store = db::Store::open(path);
        REQUIRE(store.isOk());
        auto& s = **store;
        CHECK_FALSE(s.findAnalysis("h1", "v1")->has_value());
        REQUIRE(s.putAnalysis(track("h1"), {"h1", "v1", "", R"({"x":1})"}).isOk());
        auto found = s.findAnalysis("h1", "v1");
        REQUIRE(found.isOk());
        REQUIRE(found->has_value());
        CHECK((*found)->json == R"({"x":1})");
        CHECK_FALSE(s.findAnalysis("h1", "v2")->has_value()); // other analyser version
        // Re-putting replaces; the track row stays single.
        REQUIRE(s.putAnalysis(track("h1"), {"h1", "v1", "", R"({"x":2})"}).isOk());
        CHECK(s.counts()->tracks == 1);
        CHECK(s.counts()->analyses == 1);
    }
    // Reopening keeps everything (durability across daemon restarts).
    auto reopened = db::Store::open(path);
    REQUIRE(reopened.isOk());
    CHECK((*(*reopened)->findAnalysis("h1", "v1"))->json == R"({"x":2})");
    auto t = (*reopened)->findTrack("h1");
    REQUIRE(t.isOk());
    REQUIRE(t->has_value());
    CHECK((*t)->frames == 13230000);
}

TEST_CASE("A failed transaction leaves nothing behind", "[db][transaction]") {
    const auto dir = test::tempDir("db");
    auto conn = db::Connection::open((dir / "t.db").string());
    REQUIRE(conn.isOk());
    REQUIRE(conn->exec("CREATE TABLE t (x INTEGER PRIMARY KEY)").isOk());
    {
        auto tx = db::Transaction::begin(*conn);
        REQUIRE(tx.isOk());
        REQUIRE(conn->exec("INSERT INTO t VALUES (1)").isOk());
        CHECK_FALSE(conn->exec("INSERT INTO t VALUES (1)").isOk()); // constraint violation
        // no commit: the destructor rolls back
    }
    auto count = db::Statement::prepare(*conn, "SELECT count(*) FROM t");
    REQUIRE(count.isOk());
    REQUIRE(*count->step());
    CHECK(count->columnInt(0) == 0);
}

TEST_CASE("Profiles: put, list, find, delete", "[db][profiles]") {
    const auto dir = test::tempDir("db");
    auto store = db::Store::open((dir / "p.db").string());
    REQUIRE(store.isOk());
    auto& s = **store;
    REQUIRE(s.putProfile({"uplifting", 12, "", "", "{}"}).isOk());
    REQUIRE(s.putProfile({"psy", 3, "", "", "{}"}).isOk());
    auto list = s.listProfiles();
    REQUIRE(list.isOk());
    REQUIRE(list->size() == 2);
    CHECK((*list)[0].name == "psy");
    CHECK(*s.deleteProfile("psy"));
    CHECK_FALSE(*s.deleteProfile("psy"));
    CHECK_FALSE(s.findProfile("psy")->has_value());
    CHECK((*s.findProfile("uplifting"))->track_count == 12);
}

TEST_CASE("A file that is not a database gives a clear error", "[db][errors]") {
    const auto dir = test::tempDir("db");
    const auto path = (dir / "junk.db").string();
    std::ofstream(path) << std::string(4096, 'x');
    auto store = db::Store::open(path);
    REQUIRE_FALSE(store.isOk());
    CHECK(store.status().message().find("junk.db") != std::string::npos);
}

TEST_CASE("A database from a newer StyleDNA is refused, not modified", "[db][migrations]") {
    const auto dir = test::tempDir("db");
    const auto path = (dir / "future.db").string();
    {
        auto conn = db::Connection::open(path);
        REQUIRE(conn.isOk());
        REQUIRE(conn->exec("PRAGMA user_version = 999").isOk());
    }
    auto store = db::Store::open(path);
    REQUIRE_FALSE(store.isOk());
    CHECK(store.status().code() == core::StatusCode::kFailedPrecondition);
    CHECK(store.status().message().find("newer") != std::string::npos);
}
