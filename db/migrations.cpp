#include "db/migrations.hpp"

#include <array>
#include <string>

namespace styledna::db {
namespace {

constexpr std::array<const char*, 4> kMigrations{
    // 1: tracks, analyses, profiles
    R"SQL(
CREATE TABLE tracks (
    content_hash    TEXT PRIMARY KEY,
    path            TEXT NOT NULL,
    duration_s      REAL NOT NULL,
    sample_rate_hz  REAL NOT NULL,
    channels        INTEGER NOT NULL,
    frames          INTEGER NOT NULL,
    container       TEXT NOT NULL,
    encoding        TEXT NOT NULL,
    file_size_bytes INTEGER NOT NULL,
    first_seen      TEXT NOT NULL,
    last_seen       TEXT NOT NULL
);
CREATE INDEX tracks_path ON tracks(path);
CREATE TABLE analyses (
    content_hash     TEXT NOT NULL REFERENCES tracks(content_hash) ON DELETE CASCADE,
    analyzer_version TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    document         TEXT NOT NULL,
    PRIMARY KEY (content_hash, analyzer_version)
);
CREATE TABLE profiles (
    name        TEXT PRIMARY KEY,
    track_count INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    document    TEXT NOT NULL
);
)SQL",
    // 2: each profile's similarity index (core/index serialisation), written in
    // the same statement as its document
    R"SQL(
ALTER TABLE profiles ADD COLUMN index_blob BLOB;
)SQL",
    // 3: remediation. A plan is a core/fixes FixPlan as JSON; a journal holds
    // the previous values of every change an apply sends, one row per change,
    // each row's state updated as Live confirms it, so an interrupted apply
    // still says which changes reached Live and undo restores them exactly.
    R"SQL(
CREATE TABLE fix_plans (
    plan_id     TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL,
    wip_hash    TEXT NOT NULL,
    profile     TEXT NOT NULL,
    document    TEXT NOT NULL
);
CREATE TABLE track_role_maps (
    set_key     TEXT PRIMARY KEY,
    mapping     TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE apply_journals (
    journal_id  TEXT PRIMARY KEY,
    plan_id     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    state       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE apply_journal_entries (
    journal_id  TEXT NOT NULL REFERENCES apply_journals(journal_id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    change      TEXT NOT NULL,
    state       TEXT NOT NULL,
    previous_value REAL NOT NULL,
    target_value   REAL NOT NULL,
    read_back_value REAL,
    PRIMARY KEY (journal_id, seq)
);
)SQL",
    // 4: an apply marks its entries "sent" before sending them (db/store.hpp),
    // so an apply the daemon did not finish tells sent from not sent. Journals
    // written before recorded no sends: an unfinished one's pending entries may
    // have reached Live.
    R"SQL(
UPDATE apply_journal_entries SET state = 'sent'
 WHERE state = 'pending'
   AND journal_id IN (SELECT journal_id FROM apply_journals WHERE state = 'sending');
)SQL",
};

int userVersion(Connection& conn) {
    auto stmt = Statement::prepare(conn, "PRAGMA user_version");
    if (!stmt || !stmt->step().isOk()) {
        return -1;
    }
    return static_cast<int>(stmt->columnInt(0));
}

} // namespace

int latestSchemaVersion() {
    return static_cast<int>(kMigrations.size());
}

Status migrate(Connection& conn) {
    const int current = userVersion(conn);
    if (current < 0) {
        return conn.error("cannot read schema version");
    }
    if (current > latestSchemaVersion()) {
        return Status(core::StatusCode::kFailedPrecondition,
                      conn.path() + ": database schema version " + std::to_string(current) +
                          " is newer than this build supports (" +
                          std::to_string(latestSchemaVersion()) + "); upgrade StyleDNA");
    }
    for (int v = current; v < latestSchemaVersion(); ++v) {
        auto tx = Transaction::begin(conn);
        if (!tx) {
            return tx.status();
        }
        if (auto s = conn.exec(kMigrations[static_cast<std::size_t>(v)]); !s.isOk()) {
            return s;
        }
        if (auto s = conn.exec("PRAGMA user_version = " + std::to_string(v + 1)); !s.isOk()) {
            return s;
        }
        if (auto s = tx->commit(); !s.isOk()) {
            return s;
        }
    }
    return Status::ok();
}

} // namespace styledna::db
