// Base64 (core/common/base64.hpp): RFC 4648 test vectors, binary round trips
// and the strict decoder's rejections.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/common/base64.hpp"

using namespace styledna;

namespace {

std::string encode(const std::string& s) {
    return core::encodeBase64(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

} // namespace

TEST_CASE("Base64 matches the RFC 4648 test vectors", "[common][base64]") {
    const std::vector<std::pair<std::string, std::string>> vectors{{"", ""},
                                                                   {"f", "Zg=="},
                                                                   {"fo", "Zm8="},
                                                                   {"foo", "Zm9v"},
                                                                   {"foob", "Zm9vYg=="},
                                                                   {"fooba", "Zm9vYmE="},
                                                                   {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, coded] : vectors) {
        CHECK(encode(plain) == coded);
        auto back = core::decodeBase64(coded);
        REQUIRE(back.isOk());
        CHECK(std::string(back->begin(), back->end()) == plain);
    }
}

TEST_CASE("Base64 round-trips every byte value", "[common][base64]") {
    std::vector<std::uint8_t> bytes;
    for (int i = 0; i < 256 * 3 + 1; ++i) {
        bytes.push_back(static_cast<std::uint8_t>(i * 7 + 3));
    }
    for (std::size_t n = 0; n < 8; ++n) {
        const auto text = core::encodeBase64(bytes.data(), bytes.size() - n);
        auto back = core::decodeBase64(text);
        REQUIRE(back.isOk());
        CHECK(*back == std::vector<std::uint8_t>(bytes.begin(), bytes.end() - n));
    }
}

TEST_CASE("Base64 decoding rejects what encoding never writes", "[common][base64][edge]") {
    for (const char* bad :
         {"Zg=", "Zm9v!A==", "Z===", "Zg==Zg==", "Zh==", "Zm9=", "Zm=v", "Zm 9v"}) {
        INFO(bad);
        auto r = core::decodeBase64(bad);
        CHECK_FALSE(r.isOk());
        CHECK(r.status().code() == core::StatusCode::kInvalidArgument);
        CHECK(r.status().message().rfind("base64: ", 0) == 0);
    }
}
