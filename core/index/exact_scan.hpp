#pragma once
// topKByInnerProduct: the k stored vectors with the largest inner product with
// a query, by a blocked Eigen matrix-vector product and a k-element heap (the
// scores of one block live on the stack: no allocation proportional to count).
//
// Storage: `count` vectors of `dim` floats; vector i starts at
// first + i * stride_floats (stride_floats >= dim: the exact store packs the
// vectors, hnswlib's level-0 block interleaves them with links and labels).
// Returns min(k, count) (similarity, row) pairs, most similar first; equal
// similarities are ordered by lower row.
// Threads: a pure function; concurrent calls on the same storage are fine.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace styledna::index::detail {

struct ScoredRow {
    float similarity = 0.0f;
    std::uint32_t row = 0;
};

std::vector<ScoredRow> topKByInnerProduct(const float* first, std::size_t stride_floats,
                                          std::size_t count, int dim, const float* query,
                                          std::size_t k);

} // namespace styledna::index::detail
