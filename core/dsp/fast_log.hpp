#pragma once
// fastLog2(x): log2 of a positive, finite, normal float with absolute error
// below 0.005 (exponent from the bits, quadratic fit of the mantissa), about
// 10x cheaper than std::log2. For onset/flux functions and other log-magnitude
// features where a 0.03 dB error is irrelevant; not for anything reported in dB.
// Undefined for x <= 0, NaN, Inf and denormals (callers add a floor, e.g. 1 + m).

#include <bit>
#include <cstdint>

namespace styledna::core {

inline float fastLog2(float x) {
    const auto bits = std::bit_cast<std::uint32_t>(x);
    const auto exponent = static_cast<float>(static_cast<int>((bits >> 23) & 255u) - 128);
    const float m = std::bit_cast<float>((bits & 0x007FFFFFu) | 0x3F800000u); // [1, 2)
    return exponent + ((-0.34484843f * m + 2.02466578f) * m - 0.67487759f);
}

} // namespace styledna::core
