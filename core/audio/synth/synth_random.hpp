#pragma once
// Portable deterministic randomness for the synthesizer: xoshiro256** seeded
// through splitmix64. Every draw is defined here bit for bit (no std::
// distributions), so a seed means the same track on every platform.

#include <cstddef>
#include <cstdint>

namespace styledna::core::synth_detail {

inline std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        for (auto& s : m_state) {
            s = splitmix64(seed);
        }
    }
    std::uint64_t next() {
        const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
        const std::uint64_t t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }
    // [0, 1), 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // [0, n), n >= 1 (multiply-shift; bias < 2^-32 for small n).
    std::size_t index(std::size_t n) {
        return static_cast<std::size_t>((next() >> 32) * static_cast<std::uint64_t>(n) >> 32);
    }
    bool chance(double p) { return uniform() < p; }
    // Independent stream for a sub-purpose, so adding draws in one place does
    // not shift every later draw.
    Rng fork(std::uint64_t salt) { return Rng(next() ^ (salt * 0xD1B54A32D192ED03ULL)); }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t m_state[4];
};

// Fast white noise in [-1, 1) for audio (xorshift32); not for parameter draws.
class NoiseSource {
public:
    explicit NoiseSource(std::uint32_t seed) : m_state(seed == 0 ? 0x9E3779B9u : seed) {}
    float next() {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 17;
        m_state ^= m_state << 5;
        return static_cast<float>(static_cast<std::int32_t>(m_state)) * 0x1.0p-31f;
    }

private:
    std::uint32_t m_state;
};

} // namespace styledna::core::synth_detail
