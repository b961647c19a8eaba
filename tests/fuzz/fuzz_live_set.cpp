// libFuzzer target: any file offered to `styledna fix --set SET.json` (and to
// styledna-fake-live --set) must give either a LiveSet that survives an exact
// JSON round trip, or an invalidArgument Status that starts "Live set JSON: ";
// never a crash, a hang or undefined behaviour.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/live/live_set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace styledna;
    auto parsed =
        live::liveSetFromJson(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!parsed) {
        if (parsed.status().code() != core::StatusCode::kInvalidArgument ||
            parsed.status().message().rfind("Live set JSON: ", 0) != 0) {
            std::abort();
        }
        return 0;
    }
    const auto out = live::liveSetToJson(*parsed, -1);
    auto again = live::liveSetFromJson(out);
    if (!again || live::liveSetToJson(*again, -1) != out) {
        std::abort(); // an accepted document must round-trip exactly
    }
    return 0;
}
