#pragma once
// Thin RAII layer over the SQLite C API.
//
// Connection owns sqlite3*; Statement owns sqlite3_stmt*; Transaction is
// BEGIN IMMEDIATE ... COMMIT, rolled back by the destructor unless commit()
// succeeded. Errors come back as core::Status with the SQLite message and the
// database path. Not thread-safe by itself: db::Store serialises access.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <sqlite3.h>

#include "core/common/status.hpp"

namespace styledna::db {

using core::Result;
using core::Status;

struct SqliteClose {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

class Connection {
public:
    static Result<Connection> open(const std::string& path);
    sqlite3* get() const { return m_db.get(); }
    const std::string& path() const { return m_path; }
    Status exec(std::string_view sql);
    Status error(std::string_view what) const; // Status with sqlite3_errmsg

private:
    std::unique_ptr<sqlite3, SqliteClose> m_db;
    std::string m_path;
};

class Statement {
public:
    static Result<Statement> prepare(const Connection& conn, std::string_view sql);

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, double value);
    Statement& bind(int index, std::int64_t value);
    Statement& bindNull(int index);
    Statement& bindBlob(int index, std::string_view bytes); // NULL when empty
    // SQLITE_ROW -> true, SQLITE_DONE -> false, else error Status.
    Result<bool> step();
    Status run(); // step to completion, expecting no rows or ignoring them
    // Steps to completion, calling read(*this) on each row; the first step
    // error is returned.
    template <class F> Status forEachRow(F&& read) {
        while (true) {
            auto row = step();
            if (!row) {
                return row.status();
            }
            if (!*row) {
                return Status::ok();
            }
            read(*this);
        }
    }
    // Steps once: the row as read(*this), std::nullopt when there is none, or
    // the step error. For queries that find one row by key.
    template <class F>
    Result<std::optional<std::invoke_result_t<F&, const Statement&>>> readRow(F&& read) {
        using Row = std::invoke_result_t<F&, const Statement&>;
        auto row = step();
        if (!row) {
            return row.status();
        }
        if (!*row) {
            return std::optional<Row>{};
        }
        return std::optional<Row>(read(*this));
    }
    void reset();

    std::string columnText(int col) const;
    std::string columnBlob(int col) const; // "" for NULL
    double columnDouble(int col) const;
    std::int64_t columnInt(int col) const;
    bool columnIsNull(int col) const;

private:
    std::unique_ptr<sqlite3_stmt, SqliteFinalize> m_stmt;
    const Connection* m_conn = nullptr;
};

class Transaction {
public:
    static Result<Transaction> begin(Connection& conn);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    ~Transaction();
    Status commit();

private:
    explicit Transaction(Connection& conn) : m_conn(&conn) {}
    Connection* m_conn;
    bool m_done = false;
};

} // namespace styledna::db
