#include "core/common/huge_pages.hpp"

#include <sys/mman.h>

#include <cstdint>

namespace styledna::core {

void adviseHugePages(const void* data, std::size_t bytes) {
#ifdef MADV_HUGEPAGE
    if (data == nullptr || bytes < kHugePageMinBytes) {
        return;
    }
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    const auto begin = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t lo = (begin + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t hi = (begin + bytes) & ~(kHuge - 1);
    if (hi > lo) {
        // Advice only: failure (no THP, odd mapping) leaves ordinary pages.
        (void)::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);
    }
#else
    (void)data;
    (void)bytes;
#endif
}

} // namespace styledna::core
