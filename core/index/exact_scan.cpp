#include "core/index/exact_scan.hpp"

#include <algorithm>
#include <array>

#include <Eigen/Core>

namespace styledna::index::detail {
namespace {

// Columns scored per matrix-vector product: 2 KiB of scores on the stack, and
// the block's vectors (1 MiB at 256-d) stay in L2 between the product and the
// selection.
constexpr std::size_t kBlockColumns = 512;

// The heap keeps its worst element on top: "better" as the less-than.
bool better(const ScoredRow& a, const ScoredRow& b) {
    return a.similarity > b.similarity || (a.similarity == b.similarity && a.row < b.row);
}

} // namespace

std::vector<ScoredRow> topKByInnerProduct(const float* first, std::size_t stride_floats,
                                          std::size_t count, int dim, const float* query,
                                          std::size_t k) {
    using Strided = Eigen::Map<const Eigen::MatrixXf, Eigen::Unaligned, Eigen::OuterStride<>>;
    const std::size_t keep = std::min(k, count);
    std::vector<ScoredRow> heap;
    heap.reserve(keep);
    if (keep == 0) {
        return heap;
    }
    const Eigen::Map<const Eigen::VectorXf> q(query, dim);
    std::array<float, kBlockColumns> scores;
    for (std::size_t begin = 0; begin < count; begin += kBlockColumns) {
        const std::size_t n = std::min(kBlockColumns, count - begin);
        const Strided block(first + begin * stride_floats, dim, static_cast<Eigen::Index>(n),
                            Eigen::OuterStride<>(static_cast<Eigen::Index>(stride_floats)));
        Eigen::Map<Eigen::VectorXf> s(scores.data(), static_cast<Eigen::Index>(n));
        s.noalias() = block.transpose() * q;
        for (std::size_t j = 0; j < n; ++j) {
            const ScoredRow candidate{scores[j], static_cast<std::uint32_t>(begin + j)};
            if (heap.size() < keep) {
                heap.push_back(candidate);
                std::push_heap(heap.begin(), heap.end(), better);
            } else if (better(candidate, heap.front())) {
                std::pop_heap(heap.begin(), heap.end(), better);
                heap.back() = candidate;
                std::push_heap(heap.begin(), heap.end(), better);
            }
        }
    }
    std::sort_heap(heap.begin(), heap.end(), better);
    return heap;
}

} // namespace styledna::index::detail
