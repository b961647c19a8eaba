#pragma once
// Store: StyleDNA's SQLite database (WAL mode), one per data dir.
//
// Schema versions are numbered migrations applied in order inside one
// transaction each and recorded in PRAGMA user_version (see migrations.cpp).
// Tables: tracks (one row per content hash), analyses (JSON documents keyed by
// content hash + analyser version: re-analysing an unchanged file is a cache
// hit), profiles (Style DNA documents; filled by the profile issue).
// Every multi-row write runs in one transaction: a crash leaves either the old
// or the new state, never a mix.
// Threads: all methods may be called from any thread; calls are serialised by
// an internal mutex (one connection; SQLite work here is short).

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "db/sqlite.hpp"

namespace styledna::db {

struct TrackRecord {
    std::string content_hash;
    std::string path;
    double duration_s = 0.0;
    double sample_rate_hz = 0.0;
    int channels = 0;
    std::int64_t frames = 0;
    std::string container;
    std::string encoding;
    std::int64_t file_size_bytes = 0;
};

struct StoredAnalysis {
    std::string content_hash;
    std::string analyzer_version;
    std::string created_at; // ISO 8601 UTC
    std::string json;       // the analysis document (core/analysis/analysis_json)
};

struct StoreCounts {
    std::int64_t tracks = 0;
    std::int64_t analyses = 0;
    std::int64_t profiles = 0;
};

struct ProfileRecord {
    std::string name;
    int track_count = 0;
    std::string created_at;
    std::string updated_at;
    std::string json;
    std::string index_blob; // core/index serialisation; "" when none
};

// Fix plans (core/fixes FixPlan as JSON, fix_plan_json.hpp) and per-set track
// role maps ("Bass=bass,Lead 1=lead", keyed by core/fixes setKey()).
struct FixPlanRecord {
    std::string plan_id;
    std::string created_at;
    std::string wip_hash;
    std::string profile;
    std::string document;
};

// ---- apply journals (the Live bridge: ApplyFixes / UndoApply) ----
// A journal row per apply or undo; an entry per ParameterChange sent, written
// before anything is sent to Live and updated as Live confirms each change.
// Journal states: "sending" (in progress) | "complete" | "interrupted" (Live
// restarted, or the daemon stopped mid-apply) | "undone".
// Entry states:
//   "pending"     journaled, not sent yet
//   "sent"        sent (at least once), Live's read-back not judged yet
//   "applied"     read back equal to the target
//   "failed"      Live holds another value, or refused the change
//   "unconfirmed" sent, no read-back came
//   "unknown"     was "sent" when the daemon stopped: Live may hold either value
//   "not_sent"    was "pending" when the daemon stopped
struct JournalEntryRecord {
    int seq = 0;
    std::string change_json; // the ParameterChange as resolved (names, indices, display)
    std::string state;
    double previous_value = 0; // read from Live right before sending
    double target_value = 0;
    std::optional<double> read_back_value;
};

struct JournalRecord {
    std::string journal_id, plan_id, created_at, state, kind, message; // kind: apply | undo
    std::vector<JournalEntryRecord> entries;
};

// A journal without its entries: how many entries are in each state.
struct JournalSummary {
    std::string journal_id, plan_id, created_at, state, kind, message;
    int entries = 0;
    std::map<std::string, int> entry_states; // state -> count; absent states are 0
    int count(const std::string& entry_state) const {
        auto it = entry_states.find(entry_state);
        return it == entry_states.end() ? 0 : it->second;
    }
};

// Summary and message of every journal the daemon left "sending" when it
// stopped (see interruptUnfinishedJournals()).
struct InterruptedJournal {
    std::string journal_id, plan_id, kind, message;
    int confirmed = 0; // "applied"
    int unknown = 0;   // "sent" -> "unknown"
    int not_sent = 0;  // "pending" -> "not_sent"
    int failed = 0;    // "failed", judged before the daemon stopped
    int unconfirmed = 0;
};
// ---- end apply journals ----

class Store {
public:
    // Opens (creating if needed) the database at `path` and migrates it.
    static Result<std::unique_ptr<Store>> open(const std::string& path);

    int schemaVersion();
    Result<std::optional<StoredAnalysis>> findAnalysis(const std::string& content_hash,
                                                       const std::string& analyzer_version);
    // Upserts the track row and the analysis row in one transaction.
    Status putAnalysis(const TrackRecord& track, const StoredAnalysis& analysis);
    Result<std::optional<TrackRecord>> findTrack(const std::string& content_hash);
    Result<StoreCounts> counts();

    Result<std::vector<ProfileRecord>> listProfiles();
    // With `with_index`, also reads the index blob (large: only when loading).
    Result<std::optional<ProfileRecord>> findProfile(const std::string& name,
                                                     bool with_index = false);
    // Inserts or replaces the profile (document and index) in one transaction;
    // created_at is kept on replace unless `profile.created_at` is set.
    Status putProfile(const ProfileRecord& profile);
    Result<bool> deleteProfile(const std::string& name);

    // --- fix plans and track role maps (remediation planning) ---
    // Inserts the plan (plan ids are unique: an existing id is replaced).
    Status putFixPlan(const FixPlanRecord& plan);
    Result<std::optional<FixPlanRecord>> findFixPlan(const std::string& plan_id);
    // Replaces the set's map; updated_at is now.
    Status putTrackRoleMap(const std::string& set_key, const std::string& mapping);
    Result<std::optional<std::string>> findTrackRoleMap(const std::string& set_key);
    // --- end of fix plans and track role maps ---
    // ---- apply journals ----
    // Inserts the journal and all its entries in one transaction.
    Status createJournal(const JournalRecord& journal);
    // Updates the state and read-back of the given entries (by seq) in one transaction.
    Status updateJournalEntries(const std::string& journal_id,
                                const std::vector<JournalEntryRecord>& entries);
    Status setJournalState(const std::string& journal_id, const std::string& state,
                           const std::string& message);
    // The journal with its entries in seq order; nullopt when absent.
    Result<std::optional<JournalRecord>> findJournal(const std::string& journal_id);
    // The newest `limit` journals (created_at, then insertion order), newest first.
    Result<std::vector<JournalSummary>> listJournals(int limit);
    // Every journal still "sending" belongs to an apply or undo the daemon did
    // not finish (it was killed or crashed): marks it "interrupted" with a
    // message counting its entries ("interrupted: the daemon stopped during
    // this apply; 4 changes confirmed by read-back, 2 sent but not confirmed
    // (unknown: Live may hold either value), 0 not sent"), its "sent" entries
    // "unknown" and its "pending" ones "not_sent"; other entry states are
    // kept. One transaction. Call it only while no apply can run (daemon
    // start, before serving).
    Result<std::vector<InterruptedJournal>> interruptUnfinishedJournals();
    // fix_plans.document of a plan (the FixPlan JSON); nullopt when absent.
    Result<std::optional<std::string>> findFixPlanDocument(const std::string& plan_id);
    // ---- end apply journals ----

    // "ok" when PRAGMA integrity_check passes, else its report.
    Result<std::string> integrityCheck();
    // WAL checkpoint (TRUNCATE); called on graceful shutdown.
    Status checkpoint();
    const std::string& path() const { return m_conn.path(); }

private:
    explicit Store(Connection conn) : m_conn(std::move(conn)) {}
    std::mutex m_mutex;
    Connection m_conn;
};

// Current UTC time as "2026-11-25T21:58:13Z".
std::string isoTimestampUtc();

} // namespace styledna::db
