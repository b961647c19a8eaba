#pragma once
// VectorIndex: nearest neighbours by inner product on L2-normalised vectors
// (= cosine similarity), for the "which of my references does this sound
// like?" query of a profile.
//
// Two paths behind one interface:
//   exact: a brute-force scan with Eigen over the stored vectors; used while
//          size() < params.exact_below (below a few thousand vectors a scan is
//          faster than any graph index and always exact);
//   hnsw:  hnswlib 0.6.2 (InnerProductSpace, M, ef_construction, ef_search),
//          built from the stored vectors once size() reaches exact_below and
//          updated incrementally after; its capacity grows by 1.5x when full.
//          The vectors are then stored once, inside hnswlib's level-0 block,
//          and searchExact() scans them there.
// search() reports which path answered.
// Labels are caller-chosen 64-bit ids, unique per index (add() of an existing
// label replaces its vector: in the graph through hnswlib's updatePoint, which
// 0.6.2's addPoint calls for a known label; there is no removal).
// Vectors are normalised on add() and query; all-zero or non-finite vectors
// are rejected.
// Costs (2-core reference VM, 256-d clustered, bench/similar/bench_vector_index):
// exact search at 1k vectors p50 0.015 ms; at 4096 the exact scan (0.07 ms)
// and the graph at ef 100 (0.075 ms) cost the same, hence the default
// exact_below. The add() that reaches exact_below builds the graph on the
// calling thread (0.5 s at 4096); bulk loads should use addBatch() with a few
// threads (1M vectors: ~460 CPU s at m 16, ef_construction 200).
// Threads: search() and searchExact() may run concurrently with each other;
// add(), addBatch(), setEfSearch(), serialize() and deserialize() need
// exclusive access (the caller holds a writer lock). hnswlib exceptions never
// escape: they become a Status.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.hpp"

namespace styledna::index {

struct IndexParams {
    int m = 16;                     // graph out-degree (level 0: 2m); 2..1024
    int ef_construction = 200;      // candidate list while inserting; 1..100000
    int ef_search = 100;            // candidate list while searching (>= k is used); 1..100000
    std::size_t exact_below = 4096; // exact scan while size() < this; 0 = graph from the start
    std::uint64_t seed = 100;       // hnswlib's level generator
};

struct Neighbour {
    std::uint64_t label = 0;
    float similarity = 0.0f; // cosine, -1..1
};

struct SearchResult {
    std::vector<Neighbour> neighbours; // most similar first, at most k
    const char* path = "exact";        // "exact" | "hnsw"
};

// Most vectors one index holds (hnswlib's internal ids are 32-bit).
inline constexpr std::size_t kMaxIndexVectors = 0xFFFFFFFEu;
// Largest supported dimension.
inline constexpr int kMaxIndexDim = 1 << 16;
// Format version written by serialize(); deserialize() reads exactly this one.
inline constexpr std::uint32_t kIndexFormatVersion = 1;

class VectorIndex {
public:
    // Fails on a dim outside 1..kMaxIndexDim or params outside the ranges above.
    static core::Result<std::unique_ptr<VectorIndex>> create(int dim,
                                                             const IndexParams& params = {});
    ~VectorIndex();

    int dim() const;
    std::size_t size() const;
    const IndexParams& params() const;
    // "exact" or "hnsw": the path search() takes now.
    const char* path() const;
    // Approximate resident bytes of vectors, labels and graph.
    std::size_t memoryBytes() const;

    // Fails on a wrong size or a non-finite / all-zero vector.
    core::Status add(std::uint64_t label, const std::vector<float>& vector);
    // Adds (or replaces) labels.size() vectors, row-major in `vectors`
    // (labels.size() * dim() floats); a label repeated in the batch keeps its
    // last row. Validates every row first and adds nothing when one is bad.
    // Graph inserts run on `threads` threads (hnswlib's addPoint is
    // thread-safe); replacements of existing labels run first, on one thread.
    // An hnswlib failure part-way (out of memory) leaves the rows inserted so
    // far in the index and returns the error.
    core::Status addBatch(const std::vector<std::uint64_t>& labels,
                          const std::vector<float>& vectors, int threads = 1);
    // Changes params().ef_search (1..100000); takes effect on the next search.
    core::Status setEfSearch(int ef_search);

    // k >= 1; returns min(k, size()) neighbours. Fails on a wrong size or a
    // non-finite / all-zero query.
    core::Result<SearchResult> search(const std::vector<float>& query, int k) const;
    // Same, forcing the exact scan (recall reference, tests).
    core::Result<SearchResult> searchExact(const std::vector<float>& query, int k) const;

    // A self-describing byte string for a SQLite blob, little-endian:
    //   "SDNAVIDX", u32 version, u64 total bytes, u32 dim, i32 m,
    //   i32 ef_construction, i32 ef_search, u64 exact_below, u64 seed,
    //   u8 path (0 exact, 1 hnsw), u64 count,
    //   count x u64 labels, count x dim x f32 normalised vectors,
    //   [hnsw] i32 max level, u32 entry point, count x u8 levels, per vector
    //          u16 n + n x u32 level-0 neighbours, then per vector and upper
    //          level u16 n + n x u32 neighbours (ids are row numbers),
    //   32-byte SHA-256 of all the bytes before it.
    // The graph is stored, not rebuilt on load: at 1M x 256-d a load takes
    // seconds, a rebuild minutes (see the benchmark).
    core::Result<std::string> serialize() const;
    // Validates everything (size, magic, version, checksum, params, unique
    // labels, finite unit-norm vectors, neighbour ids, levels and counts) and
    // fails with a DATA_LOSS status naming the first problem; an unknown
    // version is FAILED_PRECONDITION. Never reads out of bounds.
    static core::Result<std::unique_ptr<VectorIndex>> deserialize(const std::string& bytes);

private:
    struct Impl;
    explicit VectorIndex(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace styledna::index
