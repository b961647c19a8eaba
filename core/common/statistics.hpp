#pragma once
// Small order statistics shared by the synthesizer's truth and the features.
// Thread-safety: pure functions.

#include <algorithm>
#include <cstddef>
#include <vector>

namespace styledna::core {

// Element at index size / 2 of the sorted values (the upper median for an even
// count), 0 for none. Takes its argument by value: it reorders it.
inline double medianOf(std::vector<double> v) {
    if (v.empty()) {
        return 0.0;
    }
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

} // namespace styledna::core
