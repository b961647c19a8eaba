// VectorIndex::serialize() and deserialize(): the format of vector_index.hpp.
#include "core/index/vector_index.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string_view>

#include "core/common/sha256.hpp"
#include "core/index/byte_io.hpp"
#include "core/index/vector_index_impl.hpp"

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
// A stored vector's norm may differ from 1 by this much (absolute): float
// normalisation leaves ~1e-6 at 64k dims; anything larger is corruption.
constexpr double kUnitNormTolerance = 1e-4;

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
    if (auto st = detail::checkIndexParams(static_cast<int>(dim), params); !st.isOk()) {
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
