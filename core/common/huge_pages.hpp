#pragma once
// Transparent huge pages for large, freshly allocated buffers.
//
// Why: the first touch of each fresh 4 KiB page costs 11-15 us on the
// reference VM (PERF.md), so a 100 MB spectrogram pays ~0.3 s of page faults
// before any arithmetic. Advising MADV_HUGEPAGE before the first touch lets the
// kernel back the buffer with 2 MiB pages: 512x fewer faults (~25 ms for
// 256 MiB). Large std::vector buffers come straight from mmap (glibc), so
// advice given right after allocation covers every page not yet touched.
//
// adviseHugePages(data, bytes): advises the 2 MiB-aligned interior of
//   [data, data + bytes); no-op below kHugePageMinBytes, or where the kernel
//   lacks THP (the buffer is then ordinary memory; nothing else changes).
// reserveHuge(v, n): on an EMPTY vector, v.reserve(n) and advise the storage;
//   later resize()/push_back() up to n elements fault in huge pages.
// Thread-safety: touches only the caller's buffer.

#include <cstddef>
#include <vector>

namespace styledna::core {

inline constexpr std::size_t kHugePageMinBytes = std::size_t{4} << 20;

void adviseHugePages(const void* data, std::size_t bytes);

template <class T> void reserveHuge(std::vector<T>& v, std::size_t n) {
    v.reserve(n);
    adviseHugePages(v.data(), n * sizeof(T));
}

} // namespace styledna::core
