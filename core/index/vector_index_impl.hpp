#pragma once
// VectorIndex's state, shared by vector_index.cpp (adding, searching) and
// index_format.cpp (serialize/deserialize). Internal to core/index.

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/common/status.hpp"
#include "core/index/exact_scan.hpp"
#include "core/index/hnsw_graph.hpp"
#include "core/index/vector_index.hpp"

namespace styledna::index {

namespace detail {
// Largest m, ef_construction and ef_search accepted.
inline constexpr int kMaxParamValue = 100000;
// dim and params within the ranges of vector_index.hpp.
core::Status checkIndexParams(int dim, const IndexParams& params);
} // namespace detail

struct VectorIndex::Impl {
    int dim = 0;
    IndexParams params;
    // Exact path (emptied once the graph exists): row i is labels[i], its
    // normalised vector at vectors[i * dim].
    std::vector<std::uint64_t> labels;
    std::vector<float> vectors;
    std::unordered_map<std::uint64_t, std::uint32_t> row_of_label;
    // hnsw path.
    std::unique_ptr<detail::HnswGraph> graph;

    std::size_t size() const { return graph ? graph->size() : labels.size(); }

    // Moves the exact rows into a new graph with `extra` rows of room, once
    // size() has reached exact_below. On failure the exact rows stay.
    core::Status buildGraph(std::size_t extra, int threads) {
        auto created = detail::HnswGraph::create(dim, params, labels.size() + extra);
        if (!created.isOk()) {
            return created.status();
        }
        const auto stride = static_cast<std::size_t>(dim);
        auto rows = [this, stride](std::size_t r) {
            return detail::HnswGraph::Row{labels[r], vectors.data() + r * stride, 1.0f};
        };
        if (auto st = (*created)->insertRows(labels.size(), rows, threads); !st.isOk()) {
            return st;
        }
        graph = std::move(created).value();
        std::vector<std::uint64_t>().swap(labels);
        std::vector<float>().swap(vectors);
        std::unordered_map<std::uint64_t, std::uint32_t>().swap(row_of_label);
        return core::Status::ok();
    }

    void putExact(std::uint64_t label, const float* v, float scale) {
        const auto stride = static_cast<std::size_t>(dim);
        auto [it, inserted] = row_of_label.try_emplace(label, labels.size());
        if (inserted) {
            labels.push_back(label);
            vectors.resize(vectors.size() + stride);
        }
        float* out = vectors.data() + std::size_t{it->second} * stride;
        for (std::size_t d = 0; d < stride; ++d) {
            out[d] = v[d] * scale;
        }
    }

    SearchResult exactSearch(const float* q, int k) const {
        SearchResult result;
        const bool in_graph = graph != nullptr;
        const float* first = in_graph ? graph->rowVector(0) : vectors.data();
        const std::size_t stride = in_graph ? graph->rowStrideFloats() : std::size_t(dim);
        const auto top =
            detail::topKByInnerProduct(first, stride, size(), dim, q, static_cast<std::size_t>(k));
        result.neighbours.reserve(top.size());
        for (const auto& t : top) {
            result.neighbours.push_back(
                {in_graph ? graph->rowLabel(t.row) : labels[t.row], t.similarity});
        }
        result.path = "exact";
        return result;
    }
};

} // namespace styledna::index
