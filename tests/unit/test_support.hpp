#pragma once
// Helpers shared by unit tests: a per-test temporary directory and signals.

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "core/audio/audio_buffer.hpp"

namespace styledna::test {

// A fresh directory under $STYLEDNA_TEST_TMP (or the system temp dir).
inline std::filesystem::path tempDir(const std::string& name) {
    const char* base = std::getenv("STYLEDNA_TEST_TMP");
    std::filesystem::path root = base ? base : std::filesystem::temp_directory_path();
    std::random_device rd;
    auto dir = root / ("styledna-" + name + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    return dir;
}

inline core::AudioBuffer sine(double freq_hz, double amplitude, double seconds, double rate_hz,
                              std::size_t channels = 2) {
    const auto n = static_cast<std::size_t>(seconds * rate_hz);
    core::AudioBuffer b(channels, n, rate_hz);
    for (std::size_t i = 0; i < n; ++i) {
        const float v = static_cast<float>(amplitude * std::sin(2 * M_PI * freq_hz * i / rate_hz));
        for (auto& ch : b.channels) {
            ch[i] = v;
        }
    }
    return b;
}

} // namespace styledna::test
