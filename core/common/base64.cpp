#include "core/common/base64.hpp"

#include <array>

namespace styledna::core {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int, 256> makeDecodeTable() {
    std::array<int, 256> table{};
    for (auto& v : table) {
        v = -1;
    }
    for (int i = 0; i < 64; ++i) {
        table[static_cast<unsigned char>(kAlphabet[i])] = i;
    }
    return table;
}
constexpr auto kDecode = makeDecodeTable();

} // namespace

std::string encodeBase64(const std::uint8_t* data, std::size_t size) {
    std::string out;
    out.reserve((size + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= size; i += 3) {
        const std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i + 1 == size) {
        const std::uint32_t v = data[i] << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == size) {
        const std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

Result<std::vector<std::uint8_t>> decodeBase64(std::string_view text) {
    if (text.size() % 4 != 0) {
        return invalidArgument("base64: length " + std::to_string(text.size()) +
                               " is not a multiple of 4");
    }
    std::vector<std::uint8_t> out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
        if (pad == 1 && text[i + 2] == '=') {
            return invalidArgument("base64: misplaced padding at " + std::to_string(i + 2));
        }
        std::uint32_t v = 0;
        for (int j = 0; j < 4; ++j) {
            const int d = j < 4 - pad ? kDecode[static_cast<unsigned char>(text[i + j])] : 0;
            if (d < 0) {
                return invalidArgument("base64: invalid character at " + std::to_string(i + j));
            }
            v = (v << 6) | static_cast<std::uint32_t>(d);
        }
        if ((pad == 1 && (v & 0xFFu) != 0) || (pad == 2 && (v & 0xFFFFu) != 0)) {
            return invalidArgument("base64: non-zero padding bits at " + std::to_string(i));
        }
        out.push_back(static_cast<std::uint8_t>(v >> 16));
        if (pad < 2) {
            out.push_back(static_cast<std::uint8_t>(v >> 8));
        }
        if (pad < 1) {
            out.push_back(static_cast<std::uint8_t>(v));
        }
    }
    return out;
}

} // namespace styledna::core
