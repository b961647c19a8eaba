#pragma once
// VectorIndex: nearest neighbours by inner product on L2-normalised vectors
// (= cosine similarity), for the "which of my references does this sound
// like?" query of a profile.
//
// Two paths behind one interface:
//   exact: a brute-force scan with Eigen over the stored vectors; used while
//          size() < params.exact_below (below a few thousand vectors a scan is
//          faster than any graph index and always exact);
//   hnsw:  hnswlib (InnerProductSpace, M, ef_construction, ef_search), built
//          once size() reaches exact_below and updated incrementally after.
// search() reports which path answered.
// Labels are caller-chosen 64-bit ids, unique per index (add() of an existing
// label replaces its vector). Vectors are normalised on add() and query.
// Threads: search() may run concurrently with other search() calls; add(),
// load and save need exclusive access (the caller holds a writer lock).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.hpp"

namespace styledna::index {

struct IndexParams {
    int m = 16;
    int ef_construction = 200;
    int ef_search = 100;
    std::size_t exact_below = 4096;
    std::uint64_t seed = 100;
};

struct Neighbour {
    std::uint64_t label = 0;
    float similarity = 0.0f; // cosine, -1..1
};

struct SearchResult {
    std::vector<Neighbour> neighbours; // most similar first, at most k
    const char* path = "exact";        // "exact" | "hnsw"
};

class VectorIndex {
public:
    static core::Result<std::unique_ptr<VectorIndex>> create(int dim, const IndexParams& params = {});
    ~VectorIndex();

    int dim() const;
    std::size_t size() const;
    const IndexParams& params() const;
    // Approximate resident bytes of vectors and graph.
    std::size_t memoryBytes() const;

    // Fails on a wrong size or a non-finite / all-zero vector.
    core::Status add(std::uint64_t label, const std::vector<float>& vector);
    core::Result<SearchResult> search(const std::vector<float>& query, int k) const;
    // Same, forcing the exact scan (recall reference, tests).
    core::Result<SearchResult> searchExact(const std::vector<float>& query, int k) const;

    // A self-describing byte string (version, dim, params, labels, vectors and,
    // when built, the hnsw graph) for a SQLite blob; deserialize() validates it.
    core::Result<std::string> serialize() const;
    static core::Result<std::unique_ptr<VectorIndex>> deserialize(const std::string& bytes);

private:
    struct Impl;
    explicit VectorIndex(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace styledna::index
