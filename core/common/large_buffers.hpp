#pragma once
// Large buffers without paying for fresh pages on every analysis.
//
// Why: the first touch of each fresh 4 KiB page costs 11-15 us on the
// reference VM (PERF.md), so a 5-minute analysis (decoded audio, mid/side,
// two spectrograms: ~500 MB) pays ~90k page faults before any arithmetic. A
// process-wide pool of released float buffers lets the next analysis take
// them already backed by memory: on the 2-core VM repeat analyses fault ~0
// pages and decode + features on 2 threads drops from 0.8-1.3 s to 0.45 s.
// Huge pages (MADV_HUGEPAGE) were tried and dropped: with THP defrag
// "madvise" (this VM) the kernel compacts memory synchronously on the fault,
// which made a process's first analysis 1.8-2.0 s instead of 0.6-0.7 s.
//
// reserveLarge(v, n): on an EMPTY vector, gives it capacity >= n: a pooled
//   buffer when one fits (float vectors of kLargeBufferMinBytes and more),
//   else a fresh reservation (with headroom, below). resize()/push_back() up to n stay inside it.
// recycleLarge(v): hands v's storage to the pool (v is left empty); small
//   buffers are simply freed. The pool keeps at most kPoolMaxBytes, dropping
//   the oldest buffers beyond that. 2 GB: a daemon analyses two files at once,
//   each with stems (decoded mix, mid/side, two spectrograms and three stereo
//   stems alive during the separation: ~0.8 GB per 5-minute file); with 768 MB
//   a 16-track profile build faulted 1.53 M pages (steady state ~2x the rate
//   at 2 GB, 1.02 M in all). So that an idle daemon does not keep 2 GB of
//   touched memory after a build, it trims the pool to kPoolIdleKeepBytes
//   once no analysis has run for a minute (server/job_pool.hpp): enough for
//   one 5-minute analysis with stems to start on pooled pages.
// Thread-safety: the pool is guarded by a mutex.

#include <cstddef>
#include <type_traits>
#include <vector>

namespace styledna::core {

inline constexpr std::size_t kLargeBufferMinBytes = std::size_t{4} << 20;
inline constexpr std::size_t kPoolMaxBytes = std::size_t{2048} << 20;
inline constexpr std::size_t kPoolIdleKeepBytes = std::size_t{768} << 20;
// A fresh pooled-size reservation is 1/8 larger than asked (address space only:
// pages past what the caller writes are never touched), so that the same
// buffer serves the next, slightly longer track. Without it, a profile build
// over references of 4.9-5.2 minutes missed the pool on 14 of ~100 steady-state
// requests (each 50-100 MB of fresh pages) because the pooled buffers were 1-4 %
// too short.
inline constexpr std::size_t kLargeBufferHeadroomDivisor = 8;

// Swaps a pooled buffer of capacity >= n (the smallest that fits) into the
// empty `v`; false when none fits.
bool takePooledBuffer(std::vector<float>& v, std::size_t n);
void recycleLarge(std::vector<float>& v);
std::size_t pooledBytes(); // for tests and benchmarks
// Frees the oldest pooled buffers until at most keep_bytes stay; returns the
// bytes freed.
std::size_t trimLargePool(std::size_t keep_bytes);

template <class T> void reserveLarge(std::vector<T>& v, std::size_t n) {
    if constexpr (std::is_same_v<T, float>) {
        if (n * sizeof(float) >= kLargeBufferMinBytes) {
            if (!takePooledBuffer(v, n)) {
                v.reserve(n + n / kLargeBufferHeadroomDivisor);
            }
            return;
        }
    }
    v.reserve(n);
}

} // namespace styledna::core
