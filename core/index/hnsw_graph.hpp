#pragma once
// HnswGraph: hnswlib 0.6.2's HierarchicalNSW<float> over InnerProductSpace
// behind Status-returning calls, for VectorIndex's approximate path.
// hnsw_graph.cpp is the only translation unit that includes hnswlib: 0.6.2's
// hnswlib.h defines non-inline functions (cpuid, AVXCapable, ...), so a second
// one would not link.
//
// Vectors come normalised from the caller (dim floats); similarity is
// 1 - hnswlib's inner-product distance. Rows are hnswlib's internal ids,
// 0..size()-1 in insertion order; each row's vector and label live once, in
// hnswlib's level-0 block, and rowVector()/rowLabel() read them in place.
// add() of a known label replaces its vector in place (0.6.2's addPoint calls
// updatePoint for a known label; 0.6.2 has no replace_deleted). Capacity grows
// by 1.5x when full.
// writeGraph()/readGraph() move the graph section of the VectorIndex format
// (vector_index.hpp) straight from/to hnswlib's public members: 0.6.2's
// saveIndex/loadIndex take only a file path, and loadIndex trusts every
// neighbour id it reads (a corrupt file makes searches read out of bounds).
// readGraph() validates the whole section before it allocates the graph.
// Threads: search(), rowVector() and rowLabel() may run concurrently; the rest
// need exclusive access. insertRows() runs its own threads on addPoint.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/common/status.hpp"
#include "core/index/byte_io.hpp"
#include "core/index/vector_index.hpp"

namespace styledna::index::detail {

class HnswGraph {
public:
    // Row r of an insertRows() batch: dim floats to be multiplied by `scale`
    // (1 when already normalised).
    struct Row {
        std::uint64_t label = 0;
        const float* vector = nullptr;
        float scale = 1.0f;
    };
    // Called from several threads at once: must only read.
    using RowSource = std::function<Row(std::size_t row)>;

    static core::Result<std::unique_ptr<HnswGraph>> create(int dim, const IndexParams& params,
                                                           std::size_t capacity);
    ~HnswGraph();

    std::size_t size() const;
    std::size_t capacity() const;
    bool contains(std::uint64_t label) const;

    // Inserts, or replaces the vector of a known label.
    core::Status add(std::uint64_t label, const float* vector);
    // Inserts rows 0..count-1 of `rows` (labels not in the graph, distinct) on
    // `threads` threads, after growing the capacity once to fit them all.
    core::Status insertRows(std::size_t count, const RowSource& rows, int threads);
    void setEfSearch(int ef_search);
    // Most similar first, at most k.
    core::Result<std::vector<Neighbour>> search(const float* query, int k) const;

    // Row `row`'s vector; row r + 1 starts rowStrideFloats() floats later.
    const float* rowVector(std::size_t row) const;
    std::size_t rowStrideFloats() const;
    std::uint64_t rowLabel(std::size_t row) const;
    std::size_t memoryBytes() const;

    core::Status writeGraph(ByteWriter& out) const;
    // A graph whose row i has label i of `labels` (count x u64) and vector i
    // of `vectors` (count x dim x f32), both validated by the caller and
    // possibly unaligned, with the links read from `in`.
    static core::Result<std::unique_ptr<HnswGraph>> readGraph(int dim, const IndexParams& params,
                                                              std::size_t count, const char* labels,
                                                              const char* vectors, ByteReader& in);

private:
    struct State;
    explicit HnswGraph(std::unique_ptr<State> state);
    core::Status reserve(std::size_t rows);
    std::unique_ptr<State> m_state;
};

} // namespace styledna::index::detail
