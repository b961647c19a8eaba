#pragma once
// Base64 (RFC 4648, standard alphabet, '=' padding, no line breaks) for binary
// payloads inside JSON documents (e.g. float32 vectors of the analysis).
// decodeBase64 accepts exactly what encodeBase64 writes: length a multiple of
// 4, alphabet characters only, padding only at the end, zero unused bits;
// anything else is an invalidArgument naming the first offending position.
// Threads: pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"

namespace styledna::core {

std::string encodeBase64(const std::uint8_t* data, std::size_t size);
Result<std::vector<std::uint8_t>> decodeBase64(std::string_view text);

} // namespace styledna::core
