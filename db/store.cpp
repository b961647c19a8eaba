#include "db/store.hpp"

#include <chrono>
#include <ctime>

#include "db/migrations.hpp"

namespace styledna::db {

std::string isoTimestampUtc() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
    auto conn = Connection::open(path);
    if (!conn) {
        return conn.status();
    }
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
        if (auto s = conn->exec(pragma); !s.isOk()) {
            return Status(core::StatusCode::kUnavailable,
                          path + ": not a usable SQLite database (" + s.message() + ")");
        }
    }
    if (auto s = migrate(*conn); !s.isOk()) {
        return s;
    }
    return std::unique_ptr<Store>(new Store(std::move(conn).value()));
}

int Store::schemaVersion() {
    std::lock_guard lock(m_mutex);
    auto stmt = Statement::prepare(m_conn, "PRAGMA user_version");
    if (!stmt || !stmt->step().isOk()) {
        return -1;
    }
    return static_cast<int>(stmt->columnInt(0));
}

Result<std::optional<StoredAnalysis>> Store::findAnalysis(const std::string& content_hash,
                                                          const std::string& analyzer_version) {
    std::lock_guard lock(m_mutex);
    auto stmt = Statement::prepare(m_conn, "SELECT created_at, document FROM analyses "
                                           "WHERE content_hash = ?1 AND analyzer_version = ?2");
    if (!stmt) {
        return stmt.status();
    }
    stmt->bind(1, content_hash).bind(2, analyzer_version);
    return stmt->readRow([&](const Statement& r) {
        return StoredAnalysis{content_hash, analyzer_version, r.columnText(0), r.columnText(1)};
    });
}

Status Store::putAnalysis(const TrackRecord& track, const StoredAnalysis& analysis) {
    std::lock_guard lock(m_mutex);
    auto tx = Transaction::begin(m_conn);
    if (!tx) {
        return tx.status();
    }
    const std::string now = isoTimestampUtc();
    auto upsert_track = Statement::prepare(
        m_conn,
        "INSERT INTO tracks (content_hash, path, duration_s, sample_rate_hz, channels, frames, "
        "container, encoding, file_size_bytes, first_seen, last_seen) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) "
        "ON CONFLICT(content_hash) DO UPDATE SET path = excluded.path, last_seen = "
        "excluded.last_seen");
    if (!upsert_track) {
        return upsert_track.status();
    }
    upsert_track->bind(1, track.content_hash)
        .bind(2, track.path)
        .bind(3, track.duration_s)
        .bind(4, track.sample_rate_hz)
        .bind(5, static_cast<std::int64_t>(track.channels))
        .bind(6, track.frames)
        .bind(7, track.container)
        .bind(8, track.encoding)
        .bind(9, track.file_size_bytes)
        .bind(10, now);
    if (auto s = upsert_track->run(); !s.isOk()) {
        return s;
    }
    auto upsert_analysis = Statement::prepare(
        m_conn, "INSERT OR REPLACE INTO analyses (content_hash, analyzer_version, created_at, "
                "document) VALUES (?1, ?2, ?3, ?4)");
    if (!upsert_analysis) {
        return upsert_analysis.status();
    }
    upsert_analysis->bind(1, analysis.content_hash)
        .bind(2, analysis.analyzer_version)
        .bind(3, analysis.created_at.empty() ? now : analysis.created_at)
        .bind(4, analysis.json);
    if (auto s = upsert_analysis->run(); !s.isOk()) {
        return s;
    }
    return tx->commit();
}

Result<std::optional<TrackRecord>> Store::findTrack(const std::string& content_hash) {
    std::lock_guard lock(m_mutex);
    auto stmt =
        Statement::prepare(m_conn, "SELECT path, duration_s, sample_rate_hz, channels, frames, "
                                   "container, encoding, file_size_bytes FROM tracks "
                                   "WHERE content_hash = ?1");
    if (!stmt) {
        return stmt.status();
    }
    stmt->bind(1, content_hash);
    return stmt->readRow([&](const Statement& r) {
        TrackRecord t;
        t.content_hash = content_hash;
        t.path = r.columnText(0);
        t.duration_s = r.columnDouble(1);
        t.sample_rate_hz = r.columnDouble(2);
        t.channels = static_cast<int>(r.columnInt(3));
        t.frames = r.columnInt(4);
        t.container = r.columnText(5);
        t.encoding = r.columnText(6);
        t.file_size_bytes = r.columnInt(7);
        return t;
    });
}

Result<StoreCounts> Store::counts() {
    std::lock_guard lock(m_mutex);
    StoreCounts c;
    auto stmt = Statement::prepare(m_conn, "SELECT (SELECT count(*) FROM tracks), "
                                           "(SELECT count(*) FROM analyses), "
                                           "(SELECT count(*) FROM profiles)");
    if (!stmt) {
        return stmt.status();
    }
    auto row = stmt->step();
    if (!row) {
        return row.status();
    }
    c.tracks = stmt->columnInt(0);
    c.analyses = stmt->columnInt(1);
    c.profiles = stmt->columnInt(2);
    return c;
}

Result<std::vector<ProfileRecord>> Store::listProfiles() {
    std::lock_guard lock(m_mutex);
    auto stmt = Statement::prepare(
        m_conn, "SELECT name, track_count, created_at, updated_at FROM profiles ORDER BY name");
    if (!stmt) {
        return stmt.status();
    }
    std::vector<ProfileRecord> out;
    if (auto status = stmt->forEachRow([&](const Statement& r) {
            out.push_back({r.columnText(0),
                           static_cast<int>(r.columnInt(1)),
                           r.columnText(2),
                           r.columnText(3),
                           {},
                           {}});
        });
        !status.isOk()) {
        return status;
    }
    return out;
}

Result<std::optional<ProfileRecord>> Store::findProfile(const std::string& name, bool with_index) {
    std::lock_guard lock(m_mutex);
    auto stmt =
        Statement::prepare(m_conn, with_index ? "SELECT track_count, created_at, updated_at, "
                                                "document, index_blob FROM profiles WHERE name = ?1"
                                              : "SELECT track_count, created_at, updated_at, "
                                                "document, NULL FROM profiles WHERE name = ?1");
    if (!stmt) {
        return stmt.status();
    }
    stmt->bind(1, name);
    return stmt->readRow([&](const Statement& r) {
        return ProfileRecord{name,
                             static_cast<int>(r.columnInt(0)),
                             r.columnText(1),
                             r.columnText(2),
                             r.columnText(3),
                             r.columnBlob(4)};
    });
}

Status Store::putProfile(const ProfileRecord& profile) {
    std::lock_guard lock(m_mutex);
    auto tx = Transaction::begin(m_conn);
    if (!tx) {
        return tx.status();
    }
    const std::string now = isoTimestampUtc();
    auto stmt = Statement::prepare(
        m_conn,
        "INSERT INTO profiles (name, track_count, created_at, updated_at, document, index_blob) "
        "VALUES (?1, ?2, ?5, ?3, ?4, ?6) ON CONFLICT(name) DO UPDATE SET "
        "track_count = excluded.track_count, updated_at = excluded.updated_at, "
        "document = excluded.document, index_blob = excluded.index_blob, "
        "created_at = CASE WHEN ?7 THEN excluded.created_at ELSE profiles.created_at END");
    if (!stmt) {
        return stmt.status();
    }
    stmt->bind(1, profile.name)
        .bind(2, static_cast<std::int64_t>(profile.track_count))
        .bind(3, now)
        .bind(4, profile.json)
        .bind(5, profile.created_at.empty() ? now : profile.created_at)
        .bindBlob(6, profile.index_blob)
        .bind(7, static_cast<std::int64_t>(profile.created_at.empty() ? 0 : 1));
    if (auto s = stmt->run(); !s.isOk()) {
        return s;
    }
    return tx->commit();
}

// --- fix plans and track role maps (remediation planning) ---
Status Store::putFixPlan(const FixPlanRecord& plan) {
    std::lock_guard lock(m_mutex);
    auto stmt = Statement::prepare(
        m_conn, "INSERT OR REPLACE INTO fix_plans (plan_id, created_at, wip_hash, profile, "
                "document) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!stmt) {
        return stmt.status();
    }
    stmt->bind(1, plan.plan_id)
        .bind(2, plan.created_at.empty() ? isoTimestampUtc() : plan.created_at)
        .bind(3, plan.wip_hash)
        .bind(4, plan.profile)
        .bind(5, plan.document);
    return stmt->run();
}

Result<std::optional<FixPlanRecord>> Store::findFixPlan(const std::string& plan_id) {
    std::lock_guard lock(m_mutex);
    auto stmt = Statement::prepare(
        m_conn, "SELECT created_at, wip_hash, profile, document FROM fix_plans WHERE plan_id = ?1");
    if (!stmt) {
        return stmt.status();
    }
    stmt->bind(1, plan_id);
    return stmt->readRow([&](const Statement& r) {
        return FixPlanRecord{plan_id, r.columnText(0), r.columnText(1), r.columnText(2),
                             r.columnText(3)};
    });
}

Status Store::putTrackRoleMap(const std::string& set_key, const std::string& mapping) {
    std::lock_guard lock(m_mutex);
    auto stmt = Statement::prepare(m_conn, "INSERT OR REPLACE INTO track_role_maps (set_key, "
                                           "mapping, updated_at) VALUES (?1, ?2, ?3)");
    if (!stmt) {
        return stmt.status();
    }
    stmt->bind(1, set_key).bind(2, mapping).bind(3, isoTimestampUtc());
    return stmt->run();
}

Result<std::optional<std::string>> Store::findTrackRoleMap(const std::string& set_key) {
    std::lock_guard lock(m_mutex);
    auto stmt =
        Statement::prepare(m_conn, "SELECT mapping FROM track_role_maps WHERE set_key = ?1");
    if (!stmt) {
        return stmt.status();
    }
    stmt->bind(1, set_key);
    return stmt->readRow([](const Statement& r) { return r.columnText(0); });
}
// --- end of fix plans and track role maps ---

Result<bool> Store::deleteProfile(const std::string& name) {
    std::lock_guard lock(m_mutex);
    auto stmt = Statement::prepare(m_conn, "DELETE FROM profiles WHERE name = ?1");
    if (!stmt) {
        return stmt.status();
    }
    stmt->bind(1, name);
    if (auto s = stmt->run(); !s.isOk()) {
        return s;
    }
    return sqlite3_changes(m_conn.get()) > 0;
}

Result<std::string> Store::integrityCheck() {
    std::lock_guard lock(m_mutex);
    auto stmt = Statement::prepare(m_conn, "PRAGMA integrity_check");
    if (!stmt) {
        return stmt.status();
    }
    std::string report;
    if (auto status = stmt->forEachRow([&](const Statement& r) {
            if (!report.empty()) {
                report += "\n";
            }
            report += r.columnText(0);
        });
        !status.isOk()) {
        return status;
    }
    return report;
}

Status Store::checkpoint() {
    std::lock_guard lock(m_mutex);
    return m_conn.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

} // namespace styledna::db
