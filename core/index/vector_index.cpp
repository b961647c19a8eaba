#include "core/index/vector_index.hpp"

#include <algorithm>
#include <cmath>

#include "core/index/exact_scan.hpp"
#include "core/index/vector_index_impl.hpp"

namespace styledna::index {
namespace {

using detail::HnswGraph;
using detail::kMaxParamValue;

constexpr int kMaxThreads = 256;

// 1 / L2 norm of v (summed in double), or an error for a zero or non-finite v.
core::Result<float> inverseNorm(const float* v, int dim, const char* what) {
    double sum = 0.0;
    for (int d = 0; d < dim; ++d) {
        sum += static_cast<double>(v[d]) * v[d];
    }
    if (!std::isfinite(sum)) {
        return core::invalidArgument(std::string("vector index: ") + what +
                                     " has a non-finite value");
    }
    if (sum == 0.0) {
        return core::invalidArgument(std::string("vector index: ") + what + " is all zeros");
    }
    return static_cast<float>(1.0 / std::sqrt(sum));
}

core::Status checkSize(std::size_t size, int dim, const char* what) {
    if (size != static_cast<std::size_t>(dim)) {
        return core::invalidArgument(std::string("vector index: ") + what + " has " +
                                     std::to_string(size) + " values, the index has dim " +
                                     std::to_string(dim));
    }
    return core::Status::ok();
}

} // namespace

namespace detail {

core::Status checkIndexParams(int dim, const IndexParams& p) {
    if (dim < 1 || dim > kMaxIndexDim) {
        return core::invalidArgument("vector index: dim " + std::to_string(dim) + " outside 1.." +
                                     std::to_string(kMaxIndexDim));
    }
    if (p.m < 2 || p.m > 1024) {
        return core::invalidArgument("vector index: m " + std::to_string(p.m) + " outside 2..1024");
    }
    if (p.ef_construction < 1 || p.ef_construction > kMaxParamValue) {
        return core::invalidArgument("vector index: ef_construction " +
                                     std::to_string(p.ef_construction) + " outside 1..100000");
    }
    if (p.ef_search < 1 || p.ef_search > kMaxParamValue) {
        return core::invalidArgument("vector index: ef_search " + std::to_string(p.ef_search) +
                                     " outside 1..100000");
    }
    return core::Status::ok();
}

} // namespace detail

VectorIndex::VectorIndex(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
VectorIndex::~VectorIndex() = default;

core::Result<std::unique_ptr<VectorIndex>> VectorIndex::create(int dim, const IndexParams& params) {
    if (auto st = detail::checkIndexParams(dim, params); !st.isOk()) {
        return st;
    }
    auto impl = std::make_unique<Impl>();
    impl->dim = dim;
    impl->params = params;
    if (params.exact_below == 0) {
        if (auto st = impl->buildGraph(0, 1); !st.isOk()) {
            return st;
        }
    }
    return std::unique_ptr<VectorIndex>(new VectorIndex(std::move(impl)));
}

int VectorIndex::dim() const {
    return m_impl->dim;
}
std::size_t VectorIndex::size() const {
    return m_impl->size();
}
const IndexParams& VectorIndex::params() const {
    return m_impl->params;
}
const char* VectorIndex::path() const {
    return m_impl->graph ? "hnsw" : "exact";
}

std::size_t VectorIndex::memoryBytes() const {
    const Impl& s = *m_impl;
    if (s.graph) {
        return s.graph->memoryBytes();
    }
    // Vectors and labels as allocated, plus one map node (~4 words) and one
    // bucket per label.
    return s.vectors.capacity() * sizeof(float) + s.labels.capacity() * sizeof(std::uint64_t) +
           s.row_of_label.size() * 4 * sizeof(void*) +
           s.row_of_label.bucket_count() * sizeof(void*);
}

core::Status VectorIndex::add(std::uint64_t label, const std::vector<float>& vector) {
    Impl& s = *m_impl;
    if (auto st = checkSize(vector.size(), s.dim, "vector"); !st.isOk()) {
        return st;
    }
    auto inv = inverseNorm(vector.data(), s.dim, "vector");
    if (!inv.isOk()) {
        return inv.status();
    }
    const bool known = s.graph ? s.graph->contains(label) : s.row_of_label.count(label) != 0;
    if (!known && s.size() >= kMaxIndexVectors) {
        return {core::StatusCode::kResourceExhausted, "vector index: full"};
    }
    if (s.graph) {
        std::vector<float> normalised(vector);
        for (float& x : normalised) {
            x *= *inv;
        }
        return s.graph->add(label, normalised.data());
    }
    s.putExact(label, vector.data(), *inv);
    if (s.labels.size() >= s.params.exact_below) {
        return s.buildGraph(0, 1);
    }
    return core::Status::ok();
}

core::Status VectorIndex::addBatch(const std::vector<std::uint64_t>& labels,
                                   const std::vector<float>& vectors, int threads) {
    Impl& s = *m_impl;
    const auto dim = static_cast<std::size_t>(s.dim);
    if (vectors.size() != labels.size() * dim) {
        return core::invalidArgument(
            "vector index: batch of " + std::to_string(labels.size()) + " labels has " +
            std::to_string(vectors.size()) +
            " values, expected labels x dim = " + std::to_string(labels.size() * dim));
    }
    if (threads < 1 || threads > kMaxThreads) {
        return core::invalidArgument("vector index: threads " + std::to_string(threads) +
                                     " outside 1..256");
    }
    std::vector<float> scale(labels.size());
    for (std::size_t r = 0; r < labels.size(); ++r) {
        auto inv = inverseNorm(vectors.data() + r * dim, s.dim, "batch row");
        if (!inv.isOk()) {
            return core::invalidArgument(inv.status().message() + " (row " + std::to_string(r) +
                                         ")");
        }
        scale[r] = *inv;
    }
    // The last row of each label; rows of labels already stored are replaced
    // first, one at a time; the rest are inserted in parallel.
    std::unordered_map<std::uint64_t, std::size_t> last_row;
    last_row.reserve(labels.size());
    for (std::size_t r = 0; r < labels.size(); ++r) {
        last_row[labels[r]] = r;
    }
    std::vector<std::size_t> fresh;
    fresh.reserve(last_row.size());
    for (std::size_t r = 0; r < labels.size(); ++r) {
        if (last_row[labels[r]] != r) {
            continue;
        }
        const bool known =
            s.graph ? s.graph->contains(labels[r]) : s.row_of_label.count(labels[r]) != 0;
        if (known) {
            if (s.graph) {
                std::vector<float> v(vectors.begin() + static_cast<std::ptrdiff_t>(r * dim),
                                     vectors.begin() + static_cast<std::ptrdiff_t>((r + 1) * dim));
                for (float& x : v) {
                    x *= scale[r];
                }
                if (auto st = s.graph->add(labels[r], v.data()); !st.isOk()) {
                    return st;
                }
            } else {
                s.putExact(labels[r], vectors.data() + r * dim, scale[r]);
            }
        } else {
            fresh.push_back(r);
        }
    }
    if (s.size() + fresh.size() > kMaxIndexVectors) {
        return {core::StatusCode::kResourceExhausted, "vector index: batch would overflow it"};
    }
    if (!s.graph && s.size() + fresh.size() < s.params.exact_below) {
        for (const std::size_t r : fresh) {
            s.putExact(labels[r], vectors.data() + r * dim, scale[r]);
        }
        return core::Status::ok();
    }
    if (!s.graph) {
        if (auto st = s.buildGraph(fresh.size(), threads); !st.isOk()) {
            return st;
        }
    }
    auto rows = [&](std::size_t i) {
        const std::size_t r = fresh[i];
        return HnswGraph::Row{labels[r], vectors.data() + r * dim, scale[r]};
    };
    return s.graph->insertRows(fresh.size(), rows, threads);
}

core::Status VectorIndex::setEfSearch(int ef_search) {
    if (ef_search < 1 || ef_search > kMaxParamValue) {
        return core::invalidArgument("vector index: ef_search " + std::to_string(ef_search) +
                                     " outside 1..100000");
    }
    m_impl->params.ef_search = ef_search;
    if (m_impl->graph) {
        m_impl->graph->setEfSearch(ef_search);
    }
    return core::Status::ok();
}

namespace {

core::Result<std::vector<float>> normalisedQuery(const std::vector<float>& query, int dim, int k) {
    if (k < 1) {
        return core::invalidArgument("vector index: k " + std::to_string(k) + " is below 1");
    }
    if (auto st = checkSize(query.size(), dim, "query"); !st.isOk()) {
        return st;
    }
    auto inv = inverseNorm(query.data(), dim, "query");
    if (!inv.isOk()) {
        return inv.status();
    }
    std::vector<float> q(query);
    for (float& x : q) {
        x *= *inv;
    }
    return q;
}

} // namespace

core::Result<SearchResult> VectorIndex::search(const std::vector<float>& query, int k) const {
    const Impl& s = *m_impl;
    auto q = normalisedQuery(query, s.dim, k);
    if (!q.isOk()) {
        return q.status();
    }
    if (!s.graph) {
        return s.exactSearch(q->data(), k);
    }
    auto found = s.graph->search(q->data(), k);
    if (!found.isOk()) {
        return found.status();
    }
    SearchResult result;
    result.neighbours = std::move(found).value();
    result.path = "hnsw";
    return result;
}

core::Result<SearchResult> VectorIndex::searchExact(const std::vector<float>& query, int k) const {
    auto q = normalisedQuery(query, m_impl->dim, k);
    if (!q.isOk()) {
        return q.status();
    }
    return m_impl->exactSearch(q->data(), k);
}

} // namespace styledna::index
