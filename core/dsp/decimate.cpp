#include "core/dsp/decimate.hpp"

#include <algorithm>
#include <cmath>

namespace styledna::core {

std::vector<float> decimateTriangular(const float* x, std::size_t n, std::size_t factor) {
    if (n == 0 || factor == 0) {
        return {};
    }
    if (factor == 1) {
        return std::vector<float>(x, x + n);
    }
    const std::size_t out_n = (n + factor - 1) / factor;
    const std::size_t taps = 2 * factor - 1;
    std::vector<float> w(taps);
    const double norm = 1.0 / static_cast<double>(factor * factor);
    for (std::size_t j = 0; j < taps; ++j) {
        const double d = static_cast<double>(j) - static_cast<double>(factor - 1);
        w[j] = static_cast<float>((static_cast<double>(factor) - std::fabs(d)) * norm);
    }
    // Interior outputs (full span inside [0, n)) use an 8-lane dot product over
    // the kernel padded with zeros to a multiple of 8, which vectorises.
    constexpr std::size_t kLanes = 8;
    const std::size_t padded = (taps + kLanes - 1) / kLanes * kLanes;
    std::vector<float> wp(padded, 0.0f);
    std::copy(w.begin(), w.end(), wp.begin());
    std::vector<float> y(out_n, 0.0f);
    for (std::size_t m = 0; m < out_n; ++m) {
        const std::size_t centre = m * factor;
        if (centre >= factor - 1 && centre - (factor - 1) + padded <= n) {
            const float* src = x + (centre - (factor - 1));
            float acc[kLanes] = {};
            for (std::size_t j = 0; j < padded; j += kLanes) {
                for (std::size_t l = 0; l < kLanes; ++l) {
                    acc[l] += wp[j + l] * src[j + l];
                }
            }
            float sum = 0.0f;
            for (float a : acc) {
                sum += a;
            }
            y[m] = sum;
            continue;
        }
        // Edges: input span [centre - (factor - 1), centre + factor - 1] clipped to [0, n).
        const std::size_t lo = centre >= factor - 1 ? centre - (factor - 1) : 0;
        const std::size_t hi = std::min(n, centre + factor); // exclusive
        const std::size_t w0 = lo + (factor - 1) - centre;   // weight index of x[lo]
        float acc = 0.0f;
        for (std::size_t i = 0; i < hi - lo; ++i) {
            acc += w[w0 + i] * x[lo + i];
        }
        y[m] = acc;
    }
    return y;
}

std::size_t decimationFactorFor(double rate_hz, double target_hz) {
    if (!(rate_hz > 0.0) || !(target_hz > 0.0)) {
        return 1;
    }
    return std::max<std::size_t>(1,
                                 static_cast<std::size_t>(std::floor(rate_hz / target_hz + 1e-9)));
}

} // namespace styledna::core
