#pragma once
// Numbered schema migrations. Migration i (1-based) moves user_version from
// i-1 to i. Never edit a released migration: append a new one.

#include "db/sqlite.hpp"

namespace styledna::db {

int latestSchemaVersion();
// Applies every pending migration, each in its own transaction.
Status migrate(Connection& conn);

} // namespace styledna::db
