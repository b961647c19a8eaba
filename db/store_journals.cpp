// Store: the apply journals of the Live bridge (contract in store.hpp).
#include <map>

#include "db/store.hpp"

namespace styledna::db {
namespace {

// A journal's head row, selected as "journal_id, plan_id, created_at, state,
// kind, message"; the entry counts are left to the caller.
JournalSummary readJournalHead(const Statement& r) {
    JournalSummary j;
    j.journal_id = r.columnText(0);
    j.plan_id = r.columnText(1);
    j.created_at = r.columnText(2);
    j.state = r.columnText(3);
    j.kind = r.columnText(4);
    j.message = r.columnText(5);
    return j;
}

} // namespace

Status Store::createJournal(const JournalRecord& journal) {
    std::lock_guard lock(m_mutex);
    auto tx = Transaction::begin(m_conn);
    if (!tx) {
        return tx.status();
    }
    auto head = Statement::prepare(m_conn, "INSERT INTO apply_journals (journal_id, plan_id, "
                                           "created_at, state, kind, message) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!head) {
        return head.status();
    }
    head->bind(1, journal.journal_id)
        .bind(2, journal.plan_id)
        .bind(3, journal.created_at.empty() ? isoTimestampUtc() : journal.created_at)
        .bind(4, journal.state)
        .bind(5, journal.kind)
        .bind(6, journal.message);
    if (auto s = head->run(); !s.isOk()) {
        return s;
    }
    auto entry = Statement::prepare(
        m_conn,
        "INSERT INTO apply_journal_entries (journal_id, seq, change, state, "
        "previous_value, target_value, read_back_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!entry) {
        return entry.status();
    }
    for (const auto& e : journal.entries) {
        entry->reset();
        entry->bind(1, journal.journal_id)
            .bind(2, static_cast<std::int64_t>(e.seq))
            .bind(3, e.change_json)
            .bind(4, e.state)
            .bind(5, e.previous_value)
            .bind(6, e.target_value);
        if (e.read_back_value) {
            entry->bind(7, *e.read_back_value);
        } else {
            entry->bindNull(7);
        }
        if (auto s = entry->run(); !s.isOk()) {
            return s;
        }
    }
    return tx->commit();
}

Status Store::updateJournalEntries(const std::string& journal_id,
                                   const std::vector<JournalEntryRecord>& entries) {
    std::lock_guard lock(m_mutex);
    auto tx = Transaction::begin(m_conn);
    if (!tx) {
        return tx.status();
    }
    auto stmt = Statement::prepare(m_conn, "UPDATE apply_journal_entries SET state = ?3, "
                                           "read_back_value = ?4, change = ?5 "
                                           "WHERE journal_id = ?1 AND seq = ?2");
    if (!stmt) {
        return stmt.status();
    }
    for (const auto& e : entries) {
        stmt->reset();
        stmt->bind(1, journal_id).bind(2, static_cast<std::int64_t>(e.seq)).bind(3, e.state);
        if (e.read_back_value) {
            stmt->bind(4, *e.read_back_value);
        } else {
            stmt->bindNull(4);
        }
        stmt->bind(5, e.change_json);
        if (auto s = stmt->run(); !s.isOk()) {
            return s;
        }
    }
    return tx->commit();
}

Status Store::setJournalState(const std::string& journal_id, const std::string& state,
                              const std::string& message) {
    std::lock_guard lock(m_mutex);
    auto stmt = Statement::prepare(
        m_conn, "UPDATE apply_journals SET state = ?2, message = ?3 WHERE journal_id = ?1");
    if (!stmt) {
        return stmt.status();
    }
    stmt->bind(1, journal_id).bind(2, state).bind(3, message);
    return stmt->run();
}

Result<std::optional<JournalRecord>> Store::findJournal(const std::string& journal_id) {
    std::lock_guard lock(m_mutex);
    auto head = Statement::prepare(m_conn, "SELECT journal_id, plan_id, created_at, state, kind, "
                                           "message FROM apply_journals WHERE journal_id = ?1");
    if (!head) {
        return head.status();
    }
    head->bind(1, journal_id);
    auto found = head->readRow(readJournalHead);
    if (!found) {
        return found.status();
    }
    if (!*found) {
        return std::optional<JournalRecord>{};
    }
    auto& h = **found;
    JournalRecord j{std::move(h.journal_id),
                    std::move(h.plan_id),
                    std::move(h.created_at),
                    std::move(h.state),
                    std::move(h.kind),
                    std::move(h.message),
                    {}};
    auto entries = Statement::prepare(
        m_conn, "SELECT seq, change, state, previous_value, target_value, read_back_value "
                "FROM apply_journal_entries WHERE journal_id = ?1 ORDER BY seq");
    if (!entries) {
        return entries.status();
    }
    entries->bind(1, journal_id);
    if (auto status = entries->forEachRow([&](const Statement& r) {
            JournalEntryRecord e;
            e.seq = static_cast<int>(r.columnInt(0));
            e.change_json = r.columnText(1);
            e.state = r.columnText(2);
            e.previous_value = r.columnDouble(3);
            e.target_value = r.columnDouble(4);
            if (!r.columnIsNull(5)) {
                e.read_back_value = r.columnDouble(5);
            }
            j.entries.push_back(std::move(e));
        });
        !status.isOk()) {
        return status;
    }
    return std::optional<JournalRecord>(std::move(j));
}

namespace {

// state -> count of one journal's entries.
Result<std::map<std::string, int>> entryStateCounts(Connection& conn,
                                                    const std::string& journal_id) {
    auto stmt = Statement::prepare(conn, "SELECT state, COUNT(*) FROM apply_journal_entries "
                                         "WHERE journal_id = ?1 GROUP BY state");
    if (!stmt) {
        return stmt.status();
    }
    stmt->bind(1, journal_id);
    std::map<std::string, int> counts;
    if (auto status = stmt->forEachRow([&](const Statement& r) {
            counts[r.columnText(0)] = static_cast<int>(r.columnInt(1));
        });
        !status.isOk()) {
        return status;
    }
    return counts;
}

std::string plural(int n, const char* one, const char* many) {
    std::string out = std::to_string(n);
    out.append(" ").append(n == 1 ? one : many);
    return out;
}

std::string interruptedMessage(const InterruptedJournal& j) {
    std::string out = "interrupted: the daemon stopped during this ";
    out.append(j.kind == "undo" ? "undo" : "apply")
        .append("; ")
        .append(plural(j.confirmed, "change", "changes"))
        .append(" confirmed by read-back, ")
        .append(std::to_string(j.unknown))
        .append(" sent but not confirmed (unknown: Live may hold either value), ")
        .append(std::to_string(j.not_sent))
        .append(" not sent");
    if (j.failed > 0) {
        out.append(", ").append(std::to_string(j.failed)).append(" failed");
    }
    if (j.unconfirmed > 0) {
        out.append(", ").append(std::to_string(j.unconfirmed)).append(" unconfirmed");
    }
    return out;
}

} // namespace

Result<std::vector<JournalSummary>> Store::listJournals(int limit) {
    std::lock_guard lock(m_mutex);
    auto head = Statement::prepare(m_conn, "SELECT journal_id, plan_id, created_at, state, kind, "
                                           "message FROM apply_journals "
                                           "ORDER BY created_at DESC, rowid DESC LIMIT ?1");
    if (!head) {
        return head.status();
    }
    head->bind(1, static_cast<std::int64_t>(limit));
    std::vector<JournalSummary> out;
    if (auto status =
            head->forEachRow([&](const Statement& r) { out.push_back(readJournalHead(r)); });
        !status.isOk()) {
        return status;
    }
    for (auto& j : out) {
        auto counts = entryStateCounts(m_conn, j.journal_id);
        if (!counts) {
            return counts.status();
        }
        j.entry_states = std::move(*counts);
        for (const auto& [state, n] : j.entry_states) {
            j.entries += n;
        }
    }
    return out;
}

Result<std::vector<InterruptedJournal>> Store::interruptUnfinishedJournals() {
    std::lock_guard lock(m_mutex);
    auto tx = Transaction::begin(m_conn);
    if (!tx) {
        return tx.status();
    }
    auto head = Statement::prepare(m_conn, "SELECT journal_id, plan_id, created_at, state, kind, "
                                           "message FROM apply_journals WHERE state = 'sending' "
                                           "ORDER BY created_at, rowid");
    if (!head) {
        return head.status();
    }
    std::vector<InterruptedJournal> out;
    if (auto status = head->forEachRow([&](const Statement& r) {
            auto h = readJournalHead(r);
            InterruptedJournal j;
            j.journal_id = std::move(h.journal_id);
            j.plan_id = std::move(h.plan_id);
            j.kind = std::move(h.kind);
            out.push_back(std::move(j));
        });
        !status.isOk()) {
        return status;
    }
    auto mark = Statement::prepare(
        m_conn, "UPDATE apply_journal_entries SET state = CASE state WHEN 'sent' THEN 'unknown' "
                "WHEN 'pending' THEN 'not_sent' ELSE state END WHERE journal_id = ?1");
    auto close = Statement::prepare(m_conn, "UPDATE apply_journals SET state = 'interrupted', "
                                            "message = ?2 WHERE journal_id = ?1");
    if (!mark) {
        return mark.status();
    }
    if (!close) {
        return close.status();
    }
    for (auto& j : out) {
        mark->reset();
        mark->bind(1, j.journal_id);
        if (auto s = mark->run(); !s.isOk()) {
            return s;
        }
        auto counts = entryStateCounts(m_conn, j.journal_id);
        if (!counts) {
            return counts.status();
        }
        for (const auto& [state, n] : *counts) {
            (state == "applied"       ? j.confirmed
             : state == "unknown"     ? j.unknown
             : state == "not_sent"    ? j.not_sent
             : state == "unconfirmed" ? j.unconfirmed
                                      : j.failed) += n;
        }
        j.message = interruptedMessage(j);
        close->reset();
        close->bind(1, j.journal_id).bind(2, j.message);
        if (auto s = close->run(); !s.isOk()) {
            return s;
        }
    }
    if (auto s = tx->commit(); !s.isOk()) {
        return s;
    }
    return out;
}

Result<std::optional<std::string>> Store::findFixPlanDocument(const std::string& plan_id) {
    std::lock_guard lock(m_mutex);
    auto stmt = Statement::prepare(m_conn, "SELECT document FROM fix_plans WHERE plan_id = ?1");
    if (!stmt) {
        return stmt.status();
    }
    stmt->bind(1, plan_id);
    return stmt->readRow([](const Statement& r) { return r.columnText(0); });
}

} // namespace styledna::db
