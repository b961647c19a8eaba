#pragma once
// Small vectorisable numeric kernels (see also fast_log.hpp). Plain
// loops over fixed lane arrays so GCC/Clang vectorise them without
// -ffast-math (a scalar reduction would serialise on the add latency).
// Thread-safety: pure functions.

#include <cstddef>

namespace styledna::core {

inline constexpr std::size_t kSumLanes = 8;

// Sum of n floats in kSumLanes independent float partial sums, returned in
// double. Exact enough for a few thousand terms (~1e-7 relative); for long
// signals sum blocks and accumulate the block sums in double.
inline double laneSum(const float* x, std::size_t n) {
    float acc[kSumLanes] = {};
    std::size_t i = 0;
    for (; i + kSumLanes <= n; i += kSumLanes) {
        for (std::size_t l = 0; l < kSumLanes; ++l) {
            acc[l] += x[i + l];
        }
    }
    double s = 0.0;
    for (; i < n; ++i) {
        s += x[i];
    }
    for (float a : acc) {
        s += a;
    }
    return s;
}

} // namespace styledna::core
