#include "core/index/hnsw_graph.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <mutex>
#include <new>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>

#include <hnswlib/hnswlib.h>

namespace styledna::index::detail {
namespace {

using Hnsw = hnswlib::HierarchicalNSW<float>;

static_assert(sizeof(hnswlib::labeltype) == sizeof(std::uint64_t));
static_assert(sizeof(hnswlib::tableint) == sizeof(std::uint32_t));

// Smallest capacity allocated: hnswlib mallocs capacity * row bytes and treats
// a null result of malloc(0) as out of memory.
constexpr std::size_t kMinCapacity = 64;
// Levels are drawn as floor(-ln(u) / ln(m)); even m = 2 stays far below this.
constexpr int kMaxLevel = 64;
constexpr std::uint32_t kNoEntryPoint = 0xFFFFFFFFu;
// Rows one insert thread claims at a time.
constexpr std::size_t kInsertChunk = 64;

core::Status fromException(const char* what_call, const std::exception& e) {
    const std::string message = std::string("hnswlib ") + what_call + ": " + e.what();
    if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr ||
        std::strstr(e.what(), "Not enough memory") != nullptr) {
        return {core::StatusCode::kResourceExhausted, message};
    }
    return core::internalError(message);
}

core::Status corrupt(const std::string& what) {
    return {core::StatusCode::kDataLoss, "index blob: graph: " + what};
}

} // namespace

// The space must outlive the graph (hnswlib keeps a pointer to its dim): the
// graph is declared second, so it is destroyed first.
struct HnswGraph::State {
    State(int dim_in) : dim(dim_in), space(static_cast<std::size_t>(dim_in)) {}
    int dim;
    hnswlib::InnerProductSpace space;
    std::unique_ptr<Hnsw> hnsw;
};

HnswGraph::HnswGraph(std::unique_ptr<State> state) : m_state(std::move(state)) {}
HnswGraph::~HnswGraph() = default;

core::Result<std::unique_ptr<HnswGraph>> HnswGraph::create(int dim, const IndexParams& params,
                                                           std::size_t capacity) {
    try {
        auto state = std::make_unique<State>(dim);
        state->hnsw = std::make_unique<Hnsw>(&state->space, std::max(capacity, kMinCapacity),
                                             static_cast<std::size_t>(params.m),
                                             static_cast<std::size_t>(params.ef_construction),
                                             static_cast<std::size_t>(params.seed));
        // 0.6.2 leaves these counters uninitialised; searchKnn increments them.
        state->hnsw->metric_distance_computations = 0;
        state->hnsw->metric_hops = 0;
        state->hnsw->setEf(static_cast<std::size_t>(params.ef_search));
        return std::unique_ptr<HnswGraph>(new HnswGraph(std::move(state)));
    } catch (const std::exception& e) {
        return fromException("create", e);
    }
}

std::size_t HnswGraph::size() const {
    return m_state->hnsw->cur_element_count;
}
std::size_t HnswGraph::capacity() const {
    return m_state->hnsw->max_elements_;
}

bool HnswGraph::contains(std::uint64_t label) const {
    return m_state->hnsw->label_lookup_.count(label) != 0;
}

core::Status HnswGraph::reserve(std::size_t rows) {
    Hnsw& h = *m_state->hnsw;
    if (rows <= h.max_elements_) {
        return core::Status::ok();
    }
    try {
        h.resizeIndex(std::max(rows, h.max_elements_ + h.max_elements_ / 2));
        return core::Status::ok();
    } catch (const std::exception& e) {
        return fromException("resizeIndex", e);
    }
}

core::Status HnswGraph::add(std::uint64_t label, const float* vector) {
    if (!contains(label)) {
        if (auto st = reserve(size() + 1); !st.isOk()) {
            return st;
        }
    }
    try {
        m_state->hnsw->addPoint(vector, label);
        return core::Status::ok();
    } catch (const std::exception& e) {
        return fromException("addPoint", e);
    }
}

core::Status HnswGraph::insertRows(std::size_t count, const RowSource& rows, int threads) {
    if (auto st = reserve(size() + count); !st.isOk()) {
        return st;
    }
    Hnsw& h = *m_state->hnsw;
    const int dim = m_state->dim;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    core::Status error;
    auto worker = [&] {
        std::vector<float> scaled(static_cast<std::size_t>(dim));
        while (!failed.load(std::memory_order_relaxed)) {
            const std::size_t begin = next.fetch_add(kInsertChunk);
            if (begin >= count) {
                return;
            }
            const std::size_t end = std::min(count, begin + kInsertChunk);
            for (std::size_t r = begin; r < end; ++r) {
                const Row row = rows(r);
                const float* v = row.vector;
                if (row.scale != 1.0f) {
                    for (int d = 0; d < dim; ++d) {
                        scaled[static_cast<std::size_t>(d)] = v[d] * row.scale;
                    }
                    v = scaled.data();
                }
                try {
                    h.addPoint(v, row.label);
                } catch (const std::exception& e) {
                    const std::lock_guard<std::mutex> lock(error_mutex);
                    if (error.isOk()) {
                        error = fromException("addPoint", e);
                    }
                    failed = true;
                    return;
                }
            }
        }
    };
    std::vector<std::thread> helpers;
    for (int t = 1; t < threads; ++t) {
        try {
            helpers.emplace_back(worker);
        } catch (const std::system_error&) {
            break; // fewer threads than asked: the work still gets done
        }
    }
    worker();
    for (auto& helper : helpers) {
        helper.join();
    }
    return error;
}

void HnswGraph::setEfSearch(int ef_search) {
    m_state->hnsw->setEf(static_cast<std::size_t>(ef_search));
}

core::Result<std::vector<Neighbour>> HnswGraph::search(const float* query, int k) const {
    try {
        auto heap = m_state->hnsw->searchKnn(query, static_cast<std::size_t>(k));
        std::vector<Neighbour> out(heap.size());
        // The heap pops the least similar first.
        for (std::size_t i = out.size(); i-- > 0;) {
            out[i] = {heap.top().second, 1.0f - heap.top().first};
            heap.pop();
        }
        return out;
    } catch (const std::exception& e) {
        return fromException("searchKnn", e);
    }
}

const float* HnswGraph::rowVector(std::size_t row) const {
    return reinterpret_cast<const float*>(
        m_state->hnsw->getDataByInternalId(static_cast<hnswlib::tableint>(row)));
}

std::size_t HnswGraph::rowStrideFloats() const {
    return m_state->hnsw->size_data_per_element_ / sizeof(float);
}

std::uint64_t HnswGraph::rowLabel(std::size_t row) const {
    return m_state->hnsw->getExternalLabel(static_cast<hnswlib::tableint>(row));
}

std::size_t HnswGraph::memoryBytes() const {
    const Hnsw& h = *m_state->hnsw;
    std::size_t upper_levels = 0;
    for (std::size_t i = 0; i < h.cur_element_count; ++i) {
        upper_levels += static_cast<std::size_t>(h.element_levels_[i]) * h.size_links_per_element_;
    }
    // Per capacity slot: level-0 row, a link-list pointer, a level, a lock, and
    // one visited-list entry; per label, an unordered_map node and bucket.
    const std::size_t per_slot = h.size_data_per_element_ + sizeof(char*) + sizeof(int) +
                                 sizeof(std::mutex) + sizeof(hnswlib::vl_type);
    const std::size_t lookup =
        h.label_lookup_.size() *
            (sizeof(void*) + sizeof(std::uint64_t) + sizeof(std::uint32_t) + sizeof(std::size_t)) +
        h.label_lookup_.bucket_count() * sizeof(void*);
    return h.max_elements_ * per_slot + upper_levels + lookup;
}

core::Status HnswGraph::writeGraph(ByteWriter& out) const {
    const Hnsw& h = *m_state->hnsw;
    const std::size_t count = h.cur_element_count;
    out.put<std::int32_t>(count == 0 ? -1 : h.maxlevel_);
    out.put<std::uint32_t>(count == 0 ? kNoEntryPoint : h.enterpoint_node_);
    for (std::size_t i = 0; i < count; ++i) {
        const int level = h.element_levels_[i];
        if (level < 0 || level > kMaxLevel) {
            return core::internalError("hnsw graph: row " + std::to_string(i) + " has level " +
                                       std::to_string(level));
        }
        out.put<std::uint8_t>(static_cast<std::uint8_t>(level));
    }
    auto put_list = [&out, &h](std::size_t row, int level) {
        const hnswlib::linklistsizeint* list =
            h.get_linklist_at_level(static_cast<hnswlib::tableint>(row), level);
        const std::uint16_t n = h.getListCount(const_cast<hnswlib::linklistsizeint*>(list));
        out.put<std::uint16_t>(n);
        out.putBytes(list + 1, std::size_t{n} * sizeof(hnswlib::tableint));
    };
    for (std::size_t i = 0; i < count; ++i) {
        put_list(i, 0);
    }
    for (std::size_t i = 0; i < count; ++i) {
        for (int level = 1; level <= h.element_levels_[i]; ++level) {
            put_list(i, level);
        }
    }
    return core::Status::ok();
}

namespace {

// Checks one neighbour list and leaves `in` after it.
core::Status checkList(ByteReader& in, std::size_t row, int level, std::size_t most,
                       std::size_t count, const std::uint8_t* levels) {
    std::uint16_t n = 0;
    if (!in.get(n)) {
        return corrupt("truncated in the links of row " + std::to_string(row));
    }
    if (n > most) {
        return corrupt("row " + std::to_string(row) + " level " + std::to_string(level) + " has " +
                       std::to_string(n) + " neighbours (at most " + std::to_string(most) + ")");
    }
    const char* ids = in.take(std::size_t{n} * sizeof(std::uint32_t));
    if (ids == nullptr) {
        return corrupt("truncated in the links of row " + std::to_string(row));
    }
    for (std::size_t j = 0; j < n; ++j) {
        std::uint32_t id = 0;
        std::memcpy(&id, ids + j * sizeof(id), sizeof(id));
        if (id >= count || id == row || levels[id] < level) {
            return corrupt("row " + std::to_string(row) + " level " + std::to_string(level) +
                           " links to row " + std::to_string(id) + ", which " +
                           (id >= count ? "does not exist"
                            : id == row ? "is itself"
                                        : "is not on that level"));
        }
    }
    return core::Status::ok();
}

} // namespace

core::Result<std::unique_ptr<HnswGraph>> HnswGraph::readGraph(int dim, const IndexParams& params,
                                                              std::size_t count, const char* labels,
                                                              const char* vectors, ByteReader& in) {
    std::int32_t max_level = 0;
    std::uint32_t entry = 0;
    if (!in.get(max_level) || !in.get(entry)) {
        return corrupt("truncated header");
    }
    if (count == 0 ? (max_level != -1 || entry != kNoEntryPoint)
                   : (max_level < 0 || max_level > kMaxLevel || entry >= count)) {
        return corrupt("entry point " + std::to_string(entry) + " at level " +
                       std::to_string(max_level) + " does not fit " + std::to_string(count) +
                       " rows");
    }
    const auto* levels = reinterpret_cast<const std::uint8_t*>(in.take(count));
    if (levels == nullptr) {
        return corrupt("truncated in the levels");
    }
    for (std::size_t i = 0; i < count; ++i) {
        if (levels[i] > max_level) {
            return corrupt("row " + std::to_string(i) + " has level " + std::to_string(levels[i]) +
                           ", above the top level " + std::to_string(max_level));
        }
    }
    if (count > 0 && levels[entry] != max_level) {
        return corrupt("the entry point is not on the top level");
    }
    // Pass 1: validate every list on a copy of the reader.
    const auto m = static_cast<std::size_t>(params.m);
    ByteReader check = in;
    for (std::size_t i = 0; i < count; ++i) {
        if (auto st = checkList(check, i, 0, 2 * m, count, levels); !st.isOk()) {
            return st;
        }
    }
    for (std::size_t i = 0; i < count; ++i) {
        for (int level = 1; level <= levels[i]; ++level) {
            if (auto st = checkList(check, i, level, m, count, levels); !st.isOk()) {
                return st;
            }
        }
    }

    // Pass 2: fill hnswlib's arrays. cur_element_count only counts complete
    // rows, so the destructor frees exactly what was allocated if this throws.
    auto created = create(dim, params, count);
    if (!created.isOk()) {
        return created.status();
    }
    std::unique_ptr<HnswGraph> graph = std::move(created).value();
    Hnsw& h = *graph->m_state->hnsw;
    const std::size_t vector_bytes = static_cast<std::size_t>(dim) * sizeof(float);
    try {
        h.label_lookup_.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            const auto row = static_cast<hnswlib::tableint>(i);
            std::memset(h.data_level0_memory_ + i * h.size_data_per_element_, 0,
                        h.size_data_per_element_);
            std::uint16_t n = 0;
            in.get(n);
            hnswlib::linklistsizeint* list = h.get_linklist0(row);
            h.setListCount(list, n);
            std::memcpy(list + 1, in.take(std::size_t{n} * sizeof(std::uint32_t)),
                        std::size_t{n} * sizeof(std::uint32_t));
            std::memcpy(h.getDataByInternalId(row), vectors + i * vector_bytes, vector_bytes);
            std::uint64_t label = 0;
            std::memcpy(&label, labels + i * sizeof(label), sizeof(label));
            h.setExternalLabel(row, label);
            h.label_lookup_[label] = row;
            h.element_levels_[i] = levels[i];
            h.linkLists_[i] = nullptr;
            if (levels[i] > 0) {
                const std::size_t bytes = h.size_links_per_element_ * levels[i] + 1;
                h.linkLists_[i] = static_cast<char*>(std::malloc(bytes));
                if (h.linkLists_[i] == nullptr) {
                    throw std::bad_alloc();
                }
                std::memset(h.linkLists_[i], 0, bytes);
            }
            h.cur_element_count = i + 1;
        }
        for (std::size_t i = 0; i < count; ++i) {
            for (int level = 1; level <= levels[i]; ++level) {
                std::uint16_t n = 0;
                in.get(n);
                hnswlib::linklistsizeint* list =
                    h.get_linklist(static_cast<hnswlib::tableint>(i), level);
                h.setListCount(list, n);
                std::memcpy(list + 1, in.take(std::size_t{n} * sizeof(std::uint32_t)),
                            std::size_t{n} * sizeof(std::uint32_t));
            }
        }
    } catch (const std::exception& e) {
        return fromException("load", e);
    }
    h.maxlevel_ = max_level;
    h.enterpoint_node_ = entry;
    h.num_deleted_ = 0;
    // A generator state differing from the first build's, so rows added after
    // a load do not repeat the first rows' levels.
    h.level_generator_.seed(static_cast<unsigned>(params.seed + count));
    return graph;
}

} // namespace styledna::index::detail
