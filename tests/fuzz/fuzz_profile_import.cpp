// libFuzzer target: any byte string offered to `styledna profile import` must
// give either a profile that survives an exact export/import round trip, or an
// invalidArgument Status that names the field ("profile JSON: ..."); never a
// crash, a hang or undefined behaviour.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "core/profile/profile_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace styledna;
    const auto doc = nlohmann::json::parse(data, data + size, nullptr, false);
    if (doc.is_discarded()) {
        return 0; // the daemon answers "not valid JSON" before this point
    }
    auto parsed = profile::profileFromJson(doc);
    if (!parsed) {
        if (parsed.status().code() != core::StatusCode::kInvalidArgument ||
            parsed.status().message().rfind("profile JSON: ", 0) != 0) {
            std::abort();
        }
        return 0;
    }
    const auto out = profile::profileToJson(*parsed, true);
    auto again = profile::profileFromJson(out);
    if (!again || profile::profileToJson(*again, true) != out) {
        std::abort(); // an accepted document must round-trip exactly
    }
    return 0;
}
