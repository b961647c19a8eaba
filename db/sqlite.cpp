#include "db/sqlite.hpp"

namespace styledna::db {

Result<Connection> Connection::open(const std::string& path) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(
        path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        nullptr);
    Connection conn;
    conn.m_db.reset(raw);
    conn.m_path = path;
    if (rc != SQLITE_OK) {
        return Status(core::StatusCode::kUnavailable,
                      path + ": cannot open database (" +
                          (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)) + ")");
    }
    sqlite3_busy_timeout(raw, 5000);
    sqlite3_extended_result_codes(raw, 1);
    return conn;
}

Status Connection::exec(std::string_view sql) {
    char* err = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        return Status(core::StatusCode::kInternal, m_path + ": SQL error: " + msg);
    }
    return Status::ok();
}

Status Connection::error(std::string_view what) const {
    return Status(core::StatusCode::kInternal,
                  m_path + ": " + std::string(what) + ": " + sqlite3_errmsg(m_db.get()));
}

Result<Statement> Statement::prepare(const Connection& conn, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(conn.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK) {
        return conn.error("prepare failed");
    }
    Statement s;
    s.m_stmt.reset(raw);
    s.m_conn = &conn;
    return s;
}

Statement& Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text(m_stmt.get(), index, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
    return *this;
}
Statement& Statement::bind(int index, double value) {
    sqlite3_bind_double(m_stmt.get(), index, value);
    return *this;
}
Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(m_stmt.get(), index, value);
    return *this;
}
Statement& Statement::bindBlob(int index, std::string_view bytes) {
    if (bytes.empty()) {
        sqlite3_bind_null(m_stmt.get(), index);
    } else {
        sqlite3_bind_blob64(m_stmt.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    }
    return *this;
}
Statement& Statement::bindNull(int index) {
    sqlite3_bind_null(m_stmt.get(), index);
    return *this;
}

Result<bool> Statement::step() {
    const int rc = sqlite3_step(m_stmt.get());
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    return m_conn->error("step failed");
}

Status Statement::run() {
    while (true) {
        auto r = step();
        if (!r) {
            return r.status();
        }
        if (!*r) {
            return Status::ok();
        }
    }
}

void Statement::reset() {
    sqlite3_reset(m_stmt.get());
    sqlite3_clear_bindings(m_stmt.get());
}

std::string Statement::columnText(int col) const {
    const auto* p = sqlite3_column_text(m_stmt.get(), col);
    const int n = sqlite3_column_bytes(m_stmt.get(), col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string();
}
std::string Statement::columnBlob(int col) const {
    const auto* p = sqlite3_column_blob(m_stmt.get(), col);
    const int n = sqlite3_column_bytes(m_stmt.get(), col);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string();
}
double Statement::columnDouble(int col) const {
    return sqlite3_column_double(m_stmt.get(), col);
}
std::int64_t Statement::columnInt(int col) const {
    return sqlite3_column_int64(m_stmt.get(), col);
}
bool Statement::columnIsNull(int col) const {
    return sqlite3_column_type(m_stmt.get(), col) == SQLITE_NULL;
}

Result<Transaction> Transaction::begin(Connection& conn) {
    if (auto s = conn.exec("BEGIN IMMEDIATE"); !s.isOk()) {
        return s;
    }
    return Transaction(conn);
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_conn(other.m_conn), m_done(other.m_done) {
    other.m_done = true;
}

Transaction::~Transaction() {
    if (!m_done && m_conn != nullptr) {
        (void)m_conn->exec("ROLLBACK");
    }
}

Status Transaction::commit() {
    auto s = m_conn->exec("COMMIT");
    if (s.isOk()) {
        m_done = true;
    }
    return s;
}

} // namespace styledna::db
