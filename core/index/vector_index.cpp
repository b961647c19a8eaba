#include "core/index/vector_index.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "core/common/sha256.hpp"
#include "core/index/byte_io.hpp"
#include "core/index/exact_scan.hpp"
#include "core/index/hnsw_graph.hpp"

namespace styledna::index {
namespace {

using detail::ByteReader;
using detail::ByteWriter;
using detail::HnswGraph;

constexpr std::array<char, 8> kMagic = {'S', 'D', 'N', 'A', 'V', 'I', 'D', 'X'};
constexpr std::size_t kDigestBytes = 32;
// magic, version, total bytes, dim, m, ef_construction, ef_search,
// exact_below, seed, path, count.
constexpr std::size_t kHeaderBytes = 8 + 4 + 8 + 4 + 4 + 4 + 4 + 8 + 8 + 1 + 8;
constexpr int kMaxParamValue = 100000;
constexpr int kMaxThreads = 256;
// A stored vector's norm may differ from 1 by this much (absolute): float
// normalisation leaves ~1e-6 at 64k dims; anything larger is corruption.
constexpr double kUnitNormTolerance = 1e-4;

core::Status checkParams(int dim, const IndexParams& p) {
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

core::Status corrupt(const std::string& what) {
    return {core::StatusCode::kDataLoss, "index blob: " + what};
}

std::array<unsigned char, kDigestBytes> sha256(const char* data, std::size_t size) {
    const std::string hex = core::sha256Hex(data, size);
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    std::array<unsigned char, kDigestBytes> out{};
    for (std::size_t i = 0; i < kDigestBytes; ++i) {
        out[i] = static_cast<unsigned char>(nibble(hex[2 * i]) * 16 + nibble(hex[2 * i + 1]));
    }
    return out;
}

} // namespace

struct VectorIndex::Impl {
    int dim = 0;
    IndexParams params;
    // Exact path (emptied once the graph exists): row i is labels[i], its
    // normalised vector at vectors[i * dim].
    std::vector<std::uint64_t> labels;
    std::vector<float> vectors;
    std::unordered_map<std::uint64_t, std::uint32_t> row_of_label;
    // hnsw path.
    std::unique_ptr<HnswGraph> graph;

    std::size_t size() const { return graph ? graph->size() : labels.size(); }

    // Moves the exact rows into a new graph with `extra` rows of room, once
    // size() has reached exact_below. On failure the exact rows stay.
    core::Status buildGraph(std::size_t extra, int threads) {
        auto created = HnswGraph::create(dim, params, labels.size() + extra);
        if (!created.isOk()) {
            return created.status();
        }
        const auto stride = static_cast<std::size_t>(dim);
        auto rows = [this, stride](std::size_t r) {
            return HnswGraph::Row{labels[r], vectors.data() + r * stride, 1.0f};
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

VectorIndex::VectorIndex(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
VectorIndex::~VectorIndex() = default;

core::Result<std::unique_ptr<VectorIndex>> VectorIndex::create(int dim, const IndexParams& params) {
    if (auto st = checkParams(dim, params); !st.isOk()) {
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

core::Result<std::string> VectorIndex::serialize() const {
    const Impl& s = *m_impl;
    const std::size_t count = s.size();
    const auto dim = static_cast<std::size_t>(s.dim);
    std::string out;
    // Exact for the exact path; the graph section adds ~ 90 bytes a row at m 16.
    out.reserve(kHeaderBytes + count * (8 + dim * 4) + (s.graph ? count * 100 : 0) + kDigestBytes);
    ByteWriter w(out);
    w.putBytes(kMagic.data(), kMagic.size());
    w.put<std::uint32_t>(kIndexFormatVersion);
    const std::size_t total_offset = out.size();
    w.put<std::uint64_t>(0); // total bytes, patched below
    w.put<std::uint32_t>(static_cast<std::uint32_t>(s.dim));
    w.put<std::int32_t>(s.params.m);
    w.put<std::int32_t>(s.params.ef_construction);
    w.put<std::int32_t>(s.params.ef_search);
    w.put<std::uint64_t>(s.params.exact_below);
    w.put<std::uint64_t>(s.params.seed);
    w.put<std::uint8_t>(s.graph ? 1 : 0);
    w.put<std::uint64_t>(count);
    if (s.graph) {
        for (std::size_t i = 0; i < count; ++i) {
            w.put<std::uint64_t>(s.graph->rowLabel(i));
        }
        for (std::size_t i = 0; i < count; ++i) {
            w.putBytes(s.graph->rowVector(i), dim * sizeof(float));
        }
        if (auto st = s.graph->writeGraph(w); !st.isOk()) {
            return st;
        }
    } else {
        w.putBytes(s.labels.data(), count * sizeof(std::uint64_t));
        w.putBytes(s.vectors.data(), count * dim * sizeof(float));
    }
    const std::uint64_t total = out.size() + kDigestBytes;
    std::memcpy(out.data() + total_offset, &total, sizeof(total));
    const auto digest = sha256(out.data(), out.size());
    w.putBytes(digest.data(), digest.size());
    return out;
}

core::Result<std::unique_ptr<VectorIndex>> VectorIndex::deserialize(const std::string& bytes) {
    if (bytes.size() < kHeaderBytes + kDigestBytes) {
        return corrupt("truncated: " + std::to_string(bytes.size()) + " bytes, a header needs " +
                       std::to_string(kHeaderBytes + kDigestBytes));
    }
    ByteReader in(std::string_view(bytes.data(), bytes.size() - kDigestBytes));
    if (std::memcmp(in.take(kMagic.size()), kMagic.data(), kMagic.size()) != 0) {
        return corrupt("not a StyleDNA vector index (bad magic)");
    }
    std::uint32_t version = 0;
    std::uint64_t total = 0;
    in.get(version);
    in.get(total);
    if (version != kIndexFormatVersion) {
        return core::failedPrecondition("index blob: format version " + std::to_string(version) +
                                        " is not supported (this build reads version " +
                                        std::to_string(kIndexFormatVersion) + ")");
    }
    if (total != bytes.size()) {
        return corrupt((total > bytes.size() ? "truncated: " : "trailing bytes: ") +
                       std::to_string(bytes.size()) + " bytes, the header says " +
                       std::to_string(total));
    }
    const std::size_t body = bytes.size() - kDigestBytes;
    std::array<unsigned char, kDigestBytes> stored_digest{};
    std::memcpy(stored_digest.data(), bytes.data() + body, kDigestBytes);
    if (sha256(bytes.data(), body) != stored_digest) {
        return corrupt("checksum mismatch (the bytes were altered)");
    }

    std::uint32_t dim = 0;
    std::uint8_t path = 0;
    std::uint64_t exact_below = 0;
    std::uint64_t count = 0;
    IndexParams params;
    in.get(dim);
    in.get(params.m);
    in.get(params.ef_construction);
    in.get(params.ef_search);
    in.get(exact_below);
    in.get(params.seed);
    in.get(path);
    in.get(count);
    params.exact_below = static_cast<std::size_t>(exact_below);
    if (dim > static_cast<std::uint32_t>(kMaxIndexDim)) {
        return corrupt("dim " + std::to_string(dim) + " is out of range");
    }
    if (auto st = checkParams(static_cast<int>(dim), params); !st.isOk()) {
        return corrupt(st.message());
    }
    if (path > 1) {
        return corrupt("unknown path " + std::to_string(path));
    }
    const std::size_t row_bytes = sizeof(std::uint64_t) + std::size_t{dim} * sizeof(float);
    if (count > kMaxIndexVectors || count > in.remaining() / row_bytes) {
        return corrupt("truncated: " + std::to_string(count) + " vectors of dim " +
                       std::to_string(dim) + " do not fit in " + std::to_string(bytes.size()) +
                       " bytes");
    }
    const bool hnsw = path == 1;
    if (hnsw != (count >= exact_below)) {
        return corrupt(std::string(hnsw ? "a graph" : "no graph") + " with " +
                       std::to_string(count) + " vectors and exact_below " +
                       std::to_string(exact_below));
    }
    const char* labels = in.take(count * sizeof(std::uint64_t));
    const char* vectors = in.take(count * dim * sizeof(float));

    std::vector<std::uint64_t> sorted(count);
    if (count > 0) {
        std::memcpy(sorted.data(), labels, count * sizeof(std::uint64_t));
    }
    std::sort(sorted.begin(), sorted.end());
    if (auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end()) {
        return corrupt("label " + std::to_string(*dup) + " appears twice");
    }
    std::vector<float> row(dim);
    for (std::size_t i = 0; i < count; ++i) {
        std::memcpy(row.data(), vectors + i * dim * sizeof(float), dim * sizeof(float));
        double sum = 0.0;
        for (const float x : row) {
            sum += static_cast<double>(x) * x;
        }
        if (!std::isfinite(sum) || std::abs(std::sqrt(sum) - 1.0) > kUnitNormTolerance) {
            return corrupt("vector " + std::to_string(i) + " is not a finite unit vector");
        }
    }

    auto impl = std::make_unique<Impl>();
    impl->dim = static_cast<int>(dim);
    impl->params = params;
    if (hnsw) {
        auto graph = HnswGraph::readGraph(impl->dim, params, count, labels, vectors, in);
        if (!graph.isOk()) {
            return graph.status();
        }
        impl->graph = std::move(graph).value();
    } else {
        impl->labels.resize(count);
        impl->vectors.resize(count * dim);
        if (count > 0) {
            std::memcpy(impl->labels.data(), labels, count * sizeof(std::uint64_t));
            std::memcpy(impl->vectors.data(), vectors, count * dim * sizeof(float));
        }
        impl->row_of_label.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            impl->row_of_label.emplace(impl->labels[i], static_cast<std::uint32_t>(i));
        }
    }
    if (in.remaining() != 0) {
        return corrupt(std::to_string(in.remaining()) + " unexpected bytes after the data");
    }
    return std::unique_ptr<VectorIndex>(new VectorIndex(std::move(impl)));
}

} // namespace styledna::index
