#pragma once
// The profile's random numbers: splitmix64, never std:: distributions (their
// output is implementation-defined), so a build with one seed gives the same
// profile with any standard library.
//
// Every consumer draws from its own stream: deriveSeed(seed, "purpose") mixes
// the build seed with an FNV-1a hash of a purpose string ("bootstrap:tempo_bpm",
// "kmeans:3"), so adding a feature or a cluster count never shifts the draws of
// another. Threads: plain value type, one per thread.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace styledna::profile {

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : m_state(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform index in [0, n), n > 0 (bias below 2^-53 n, irrelevant here).
    std::size_t index(std::size_t n) {
        const auto i = static_cast<std::size_t>(uniform() * static_cast<double>(n));
        return i < n ? i : n - 1;
    }

private:
    std::uint64_t m_state;
};

inline std::uint64_t deriveSeed(std::uint64_t seed, std::string_view purpose) {
    std::uint64_t h = 0xcbf29ce484222325ULL; // FNV-1a 64
    for (const char c : purpose) {
        h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    }
    SplitMix64 mix(seed ^ h);
    return mix.next();
}

} // namespace styledna::profile
