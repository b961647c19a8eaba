#pragma once
// SHA-256 of a file's bytes, as lowercase hex (64 characters). This is the
// track "content hash": it identifies the exact file contents, so a re-encoded
// or re-tagged file is a different track, while a renamed or moved file is the
// same one. Reads in 1 MiB chunks; honours cancellation between chunks.

#include <functional>
#include <string>

#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"

namespace styledna::core {

// is_cancelled is polled between chunks (every 1 MiB).
Result<std::string> sha256File(const std::string& path,
                               const std::function<bool()>& is_cancelled = {});
std::string sha256Hex(const void* data, std::size_t size);

} // namespace styledna::core
