// libFuzzer target: any byte string fed to the decoder must yield either audio
// that satisfies the AudioBuffer contract or a Status naming the input.
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "core/audio/decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace styledna::core;
    DecodeOptions options;
    options.max_duration_s = 30.0;
    auto result = decodeMemory(data, size, "fuzz.bin", options);
    if (!result) {
        if (result.status().message().rfind("fuzz.bin", 0) != 0) {
            std::abort(); // every error names the input
        }
        return 0;
    }
    const auto& audio = result->audio;
    if (audio.numChannels() < 1 || audio.numChannels() > 2) {
        std::abort();
    }
    for (const auto& ch : audio.channels) {
        if (ch.size() != audio.frames()) {
            std::abort();
        }
        for (float s : ch) {
            if (!std::isfinite(s)) {
                std::abort();
            }
        }
    }
    return 0;
}
