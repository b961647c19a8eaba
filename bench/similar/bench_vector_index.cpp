// Benchmark: VectorIndex (core/index) on clustered 256-d unit vectors, against
// the targets and against exact-scan floors measured in the same run.
//
// Data. C centres uniform on the unit sphere (normalised N(0, I)). A member of
// cluster c is
//   normalise(centre_c + latent_sigma * B_c z / sqrt(L) + iso_sigma * e / sqrt(dim))
// with B_c a fixed per-cluster dim x L matrix of N(0, 1) entries divided by
// sqrt(dim) (L nearly orthogonal unit directions), z ~ N(0, I_L) and
// e ~ N(0, I_dim): a cluster spreads mostly along L directions of its own,
// like embeddings of tracks that differ in a few musical ways, plus isotropic
// noise. Defaults C = 512, L = 16, latent_sigma 0.5, iso_sigma 0.2 (a member's
// cosine to its centre is ~0.88). --latent-dim 0 gives purely isotropic
// clusters, the hard case: inside a cluster the points are i.i.d., so true
// neighbours barely stand out (PERF.md: recall collapses on i.i.d. vectors).
// Queries are fresh members drawn the same way; rows are generated in chunks
// of 4096 from a generator seeded by (--seed, chunk), so the data do not
// depend on the thread count.
//
// (a) --small vectors (1,000): exact path, search() p50/p99 over
//     --small-queries queries, k = 10; target p99 <= 0.05 ms; floor: the bare
//     Eigen matrix-vector product over the same matrix (no normalisation, no
//     top-k selection).
// (b) --vectors N (1,000,000): addBatch() on --threads threads builds the
//     graph (hnswlib addPoint, --m, --ef-construction): time, memoryBytes() and
//     the process RSS growth. For every ef in --ef: search() p50/p99 over
//     --timing-queries queries and recall@10 over --recall-queries queries
//     against searchExact() (the exact scan of all N; its p50 is the floor).
//     The smallest ef with recall@10 >= 0.95 is the choice, set against the
//     target p99 <= 1 ms. Then serialize() / deserialize() times and size, set
//     against the build (rebuilding on load instead of storing the graph).
// Prints tables; never asserts on time. The development machine is shared, so
// query times are printed twice: wall clock, and the query thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID, blind to preemption by other processes; p99 wall
// times on a loaded machine are mostly time spent descheduled). /proc/loadavg
// and the process's CPU seconds during the build are printed too; compare
// ratios within one run.
//
// Usage: bench_vector_index [--vectors N] [--small N] [--dim D] [--threads T]
//          [--m M] [--ef-construction E] [--ef 16,32,...] [--clusters C]
//          [--latent-dim L] [--latent-sigma S] [--iso-sigma S] [--seed S]
//          [--recall-queries Q] [--timing-queries Q] [--small-queries Q]
//          [--serialize 0|1]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <time.h>

#include <Eigen/Core>

#include "core/index/vector_index.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using styledna::index::IndexParams;
using styledna::index::VectorIndex;

constexpr double kTargetExactP99Ms = 0.05; // (a), 1k vectors
constexpr double kTargetHnswP99Ms = 1.0;   // (b), 1M vectors
constexpr double kTargetRecall = 0.95;
constexpr int kK = 10;
constexpr std::size_t kChunkRows = 4096;

struct Options {
    std::size_t vectors = 1'000'000;
    std::size_t small = 1000;
    int dim = 256;
    int threads = 2;
    int m = 16;
    int ef_construction = 200;
    std::vector<int> ef = {16, 24, 32, 48, 64, 96, 128, 192, 256};
    int clusters = 512;
    int latent_dim = 16;
    float latent_sigma = 0.5f;
    float iso_sigma = 0.2f;
    std::uint64_t seed = 12;
    int recall_queries = 200;
    int timing_queries = 2000;
    int small_queries = 20000;
    bool serialize = true;
};

double ms(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

// This thread's CPU time, ms.
double threadCpuMs() {
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

// User + system CPU seconds of the whole process so far.
double processCpuSeconds() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}

std::string loadAverage() {
    std::ifstream f("/proc/loadavg");
    std::string a, b, c;
    f >> a >> b >> c;
    return a + " " + b + " " + c;
}

// Resident set size of this process, bytes.
std::size_t residentBytes() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stoull(line.substr(6)) * 1024;
        }
    }
    return 0;
}

class Generator {
public:
    Generator(const Options& o) : m_o(o) {
        std::mt19937_64 rng(o.seed);
        std::normal_distribution<float> normal;
        const auto dim = static_cast<std::size_t>(o.dim);
        m_centres.resize(static_cast<std::size_t>(o.clusters) * dim);
        for (int c = 0; c < o.clusters; ++c) {
            float* centre = m_centres.data() + static_cast<std::size_t>(c) * dim;
            double sum = 0;
            for (std::size_t d = 0; d < dim; ++d) {
                centre[d] = normal(rng);
                sum += double(centre[d]) * centre[d];
            }
            for (std::size_t d = 0; d < dim; ++d) {
                centre[d] = static_cast<float>(centre[d] / std::sqrt(sum));
            }
        }
        const float basis_scale = 1.0f / std::sqrt(static_cast<float>(dim));
        m_bases.resize(static_cast<std::size_t>(o.clusters) * dim *
                       static_cast<std::size_t>(o.latent_dim));
        for (float& x : m_bases) {
            x = normal(rng) * basis_scale;
        }
    }

    // rows [begin, end) of the data set with this generator's seed + salt.
    void fill(std::size_t begin, std::size_t end, std::uint64_t salt, float* out) const {
        const auto dim = static_cast<std::size_t>(m_o.dim);
        const auto latent = static_cast<std::size_t>(m_o.latent_dim);
        const float latent_scale =
            latent > 0 ? m_o.latent_sigma / std::sqrt(static_cast<float>(latent)) : 0.0f;
        const float iso_scale = m_o.iso_sigma / std::sqrt(static_cast<float>(dim));
        std::vector<float> z(latent);
        for (std::size_t chunk = begin / kChunkRows; chunk * kChunkRows < end; ++chunk) {
            std::mt19937_64 rng(m_o.seed * 1000003u + salt * 7919u + chunk);
            std::normal_distribution<float> normal;
            std::uniform_int_distribution<int> pick(0, m_o.clusters - 1);
            const std::size_t first = chunk * kChunkRows;
            for (std::size_t r = first; r < std::min(end, first + kChunkRows); ++r) {
                const auto c = static_cast<std::size_t>(pick(rng));
                for (float& x : z) {
                    x = normal(rng);
                }
                float* v = out + (r - begin) * dim;
                const float* centre = m_centres.data() + c * dim;
                const float* basis = m_bases.data() + c * dim * latent;
                double sum = 0;
                for (std::size_t d = 0; d < dim; ++d) {
                    float x = centre[d] + iso_scale * normal(rng);
                    for (std::size_t l = 0; l < latent; ++l) {
                        x += latent_scale * basis[d * latent + l] * z[l];
                    }
                    v[d] = x;
                    sum += double(x) * x;
                }
                const auto inv = static_cast<float>(1.0 / std::sqrt(sum));
                for (std::size_t d = 0; d < dim; ++d) {
                    v[d] *= inv;
                }
            }
        }
    }

    // `count` rows on `threads` threads, whole chunks each.
    std::vector<float> rows(std::size_t count, std::uint64_t salt, int threads) const {
        std::vector<float> out(count * static_cast<std::size_t>(m_o.dim));
        const std::size_t chunks = (count + kChunkRows - 1) / kChunkRows;
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t) {
            pool.emplace_back([&, t] {
                for (std::size_t c = static_cast<std::size_t>(t); c < chunks;
                     c += static_cast<std::size_t>(threads)) {
                    const std::size_t b = c * kChunkRows;
                    const std::size_t e = std::min(count, b + kChunkRows);
                    fill(b, e, salt, out.data() + b * static_cast<std::size_t>(m_o.dim));
                }
            });
        }
        for (auto& t : pool) {
            t.join();
        }
        return out;
    }

private:
    const Options& m_o;
    std::vector<float> m_centres; // clusters x dim
    std::vector<float> m_bases;   // clusters x dim x latent
};

std::vector<float> row(const std::vector<float>& rows, std::size_t i, int dim) {
    const auto d = static_cast<std::size_t>(dim);
    return {rows.begin() + static_cast<std::ptrdiff_t>(i * d),
            rows.begin() + static_cast<std::ptrdiff_t>((i + 1) * d)};
}

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "bench_vector_index: %s\n", what.c_str());
    std::exit(1);
}

std::unique_ptr<VectorIndex> build(const Options& o, std::size_t exact_below,
                                   const std::vector<float>& data, std::size_t count,
                                   double& seconds) {
    IndexParams p;
    p.m = o.m;
    p.ef_construction = o.ef_construction;
    p.exact_below = exact_below;
    auto created = VectorIndex::create(o.dim, p);
    if (!created.isOk()) {
        fail(created.status().toString());
    }
    std::vector<std::uint64_t> labels(count);
    for (std::size_t i = 0; i < count; ++i) {
        labels[i] = i;
    }
    const auto t0 = Clock::now();
    if (auto st = (*created)->addBatch(labels, data, o.threads); !st.isOk()) {
        fail(st.toString());
    }
    seconds = ms(t0, Clock::now()) / 1000.0;
    return std::move(created).value();
}

void smallExact(const Options& o, const Generator& gen) {
    const std::vector<float> data = gen.rows(o.small, 1, o.threads);
    const std::vector<float> queries =
        gen.rows(static_cast<std::size_t>(o.small_queries), 2, o.threads);
    double build_s = 0;
    auto idx = build(o, o.small + 1, data, o.small, build_s);
    std::vector<double> ours;
    std::vector<double> ours_cpu;
    std::vector<double> floor;
    const Eigen::Map<const Eigen::MatrixXf> matrix(data.data(), o.dim,
                                                   static_cast<Eigen::Index>(o.small));
    Eigen::VectorXf scores(static_cast<Eigen::Index>(o.small));
    double sink = 0;
    for (int rep = 0; rep < 2; ++rep) { // the first pass warms caches and the allocator
        ours.clear();
        ours_cpu.clear();
        floor.clear();
        for (int i = 0; i < o.small_queries; ++i) {
            const auto q = row(queries, static_cast<std::size_t>(i), o.dim);
            const double c0 = threadCpuMs();
            const auto t0 = Clock::now();
            auto r = idx->search(q, kK);
            const auto t1 = Clock::now();
            ours_cpu.push_back(threadCpuMs() - c0);
            const Eigen::Map<const Eigen::VectorXf> qv(q.data(), o.dim);
            scores.noalias() = matrix.transpose() * qv;
            const auto t2 = Clock::now();
            sink += r->neighbours[0].similarity + scores[0];
            ours.push_back(ms(t0, t1));
            floor.push_back(ms(t1, t2));
        }
    }
    const double p50 = percentile(ours, 0.5);
    const double p99 = percentile(ours, 0.99);
    const double floor50 = percentile(floor, 0.5);
    std::printf("\n(a) exact path, %zu x %d-d, k = %d, %d queries (path: %s)\n", o.small, o.dim, kK,
                o.small_queries, idx->path());
    std::printf("    search()      wall p50 %.4f ms  p99 %.4f ms   p99 = %.2fx target %.2f ms\n",
                p50, p99, p99 / kTargetExactP99Ms, kTargetExactP99Ms);
    std::printf("    search()      CPU  p50 %.4f ms  p99 %.4f ms   p99 = %.2fx target\n",
                percentile(ours_cpu, 0.5), percentile(ours_cpu, 0.99),
                percentile(ours_cpu, 0.99) / kTargetExactP99Ms);
    std::printf("    floor: bare Eigen gemv p50 %.4f ms p99 %.4f ms; search() p50 = %.2fx floor\n",
                floor50, percentile(floor, 0.99), p50 / floor50);
    std::printf("    (checksum %.3f)\n", sink);
}

void largeGraph(const Options& o, const Generator& gen) {
    std::printf("\n(b) %zu x %d-d, hnsw m %d ef_construction %d, %d build threads\n", o.vectors,
                o.dim, o.m, o.ef_construction, o.threads);
    auto t0 = Clock::now();
    const std::vector<float> data = gen.rows(o.vectors, 3, o.threads);
    const std::vector<float> recall_q =
        gen.rows(static_cast<std::size_t>(o.recall_queries), 4, o.threads);
    const std::vector<float> timing_q =
        gen.rows(static_cast<std::size_t>(o.timing_queries), 5, o.threads);
    std::printf("    data generated in %.1f s\n", ms(t0, Clock::now()) / 1000.0);
    std::fflush(stdout);

    const std::size_t rss_before = residentBytes();
    double build_s = 0;
    const double cpu_before = processCpuSeconds();
    auto idx = build(o, 4096, data, o.vectors, build_s);
    const double build_cpu_s = processCpuSeconds() - cpu_before;
    const std::size_t rss_after = residentBytes();
    std::printf("    build (addBatch): %.1f s wall (%.0f vectors/s), %.1f CPU s = %.2f cores busy; "
                "path %s; load now %s\n",
                build_s, static_cast<double>(o.vectors) / build_s, build_cpu_s,
                build_cpu_s / build_s, idx->path(), loadAverage().c_str());
    std::printf(
        "    memory: memoryBytes() %.0f MiB (vectors alone %.0f MiB); RSS growth %.0f MiB\n",
        static_cast<double>(idx->memoryBytes()) / 1048576.0,
        static_cast<double>(o.vectors) * o.dim * 4 / 1048576.0,
        (static_cast<double>(rss_after) - static_cast<double>(rss_before)) / 1048576.0);
    std::fflush(stdout);

    // Ground truth and the exact-scan floor.
    std::vector<std::vector<std::uint64_t>> truth;
    std::vector<double> exact_ms;
    for (int i = 0; i < o.recall_queries; ++i) {
        const auto q = row(recall_q, static_cast<std::size_t>(i), o.dim);
        const auto a = Clock::now();
        auto r = idx->searchExact(q, kK);
        exact_ms.push_back(ms(a, Clock::now()));
        std::vector<std::uint64_t> labels;
        for (const auto& n : r->neighbours) {
            labels.push_back(n.label);
        }
        truth.push_back(labels);
    }
    const double exact50 = percentile(exact_ms, 0.5);
    std::printf("    exact scan (searchExact, the floor): p50 %.2f ms  p99 %.2f ms over %d "
                "queries\n",
                exact50, percentile(exact_ms, 0.99), o.recall_queries);

    std::printf("\n    %5s %9s %9s %9s %9s %9s %12s %14s\n", "ef", "p50 ms", "p99 ms", "CPU p50",
                "CPU p99", "recall@10", "p99/target", "exact p50/p50");
    int chosen = -1;
    double chosen_p50 = 0, chosen_p99 = 0, chosen_cpu99 = 0, chosen_recall = 0;
    for (const int ef : o.ef) {
        if (auto st = idx->setEfSearch(ef); !st.isOk()) {
            fail(st.toString());
        }
        int hits = 0;
        for (int i = 0; i < o.recall_queries; ++i) {
            auto r = idx->search(row(recall_q, static_cast<std::size_t>(i), o.dim), kK);
            for (const auto& n : r->neighbours) {
                const auto& t = truth[static_cast<std::size_t>(i)];
                hits += std::find(t.begin(), t.end(), n.label) != t.end();
            }
        }
        const double recall = hits / double(o.recall_queries * kK);
        std::vector<double> times;
        std::vector<double> cpu;
        for (int i = 0; i < o.timing_queries; ++i) {
            const auto q = row(timing_q, static_cast<std::size_t>(i), o.dim);
            const double c0 = threadCpuMs();
            const auto a = Clock::now();
            auto r = idx->search(q, kK);
            times.push_back(ms(a, Clock::now()));
            cpu.push_back(threadCpuMs() - c0);
            if (!r.isOk()) {
                fail(r.status().toString());
            }
        }
        const double p50 = percentile(times, 0.5);
        const double p99 = percentile(times, 0.99);
        const double cpu99 = percentile(cpu, 0.99);
        std::printf("    %5d %9.3f %9.3f %9.3f %9.3f %9.3f %11.2fx %13.0fx\n", ef, p50, p99,
                    percentile(cpu, 0.5), cpu99, recall, p99 / kTargetHnswP99Ms, exact50 / p50);
        std::fflush(stdout);
        if (chosen < 0 && recall >= kTargetRecall) {
            chosen = ef;
            chosen_p50 = p50;
            chosen_p99 = p99;
            chosen_cpu99 = cpu99;
            chosen_recall = recall;
        }
    }
    if (chosen < 0) {
        std::printf("\n    no ef in the sweep reaches recall@10 %.2f\n", kTargetRecall);
    } else {
        std::printf("\n    chosen: m %d ef_construction %d ef_search %d: p50 %.3f ms p99 %.3f ms "
                    "(%.2fx target %.1f ms; CPU p99 %.3f ms = %.2fx), recall@10 %.3f; exact scan "
                    "p50 %.1f ms = %.0fx this p50\n",
                    o.m, o.ef_construction, chosen, chosen_p50, chosen_p99,
                    chosen_p99 / kTargetHnswP99Ms, kTargetHnswP99Ms, chosen_cpu99,
                    chosen_cpu99 / kTargetHnswP99Ms, chosen_recall, exact50, exact50 / chosen_p50);
    }
    std::fflush(stdout);
    if (!o.serialize) {
        return;
    }
    t0 = Clock::now();
    auto blob = idx->serialize();
    const double save_s = ms(t0, Clock::now()) / 1000.0;
    if (!blob.isOk()) {
        fail(blob.status().toString());
    }
    t0 = Clock::now();
    auto loaded = VectorIndex::deserialize(*blob);
    const double load_s = ms(t0, Clock::now()) / 1000.0;
    if (!loaded.isOk()) {
        fail(loaded.status().toString());
    }
    int same = 0;
    for (int i = 0; i < std::min(o.recall_queries, 50); ++i) {
        const auto q = row(recall_q, static_cast<std::size_t>(i), o.dim);
        auto a = idx->search(q, kK);
        auto b = (*loaded)->search(q, kK);
        same += a->neighbours.size() == b->neighbours.size() &&
                std::equal(a->neighbours.begin(), a->neighbours.end(), b->neighbours.begin(),
                           [](const auto& x, const auto& y) { return x.label == y.label; });
    }
    std::printf("    serialize %.2f s, deserialize %.2f s (validation + SHA-256 included), blob "
                "%.0f MiB; rebuild instead of load: %.0fx the load; same answers after load: "
                "%d/%d\n",
                save_s, load_s, static_cast<double>(blob->size()) / 1048576.0, build_s / load_s,
                same, std::min(o.recall_queries, 50));
}

std::vector<int> parseList(const std::string& s) {
    std::vector<int> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) {
        out.push_back(std::atoi(item.c_str()));
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        const char* v = argv[i + 1];
        if (a == "--vectors") {
            o.vectors = std::strtoull(v, nullptr, 10);
        } else if (a == "--small") {
            o.small = std::strtoull(v, nullptr, 10);
        } else if (a == "--dim") {
            o.dim = std::atoi(v);
        } else if (a == "--threads") {
            o.threads = std::max(1, std::atoi(v));
        } else if (a == "--m") {
            o.m = std::atoi(v);
        } else if (a == "--ef-construction") {
            o.ef_construction = std::atoi(v);
        } else if (a == "--ef") {
            o.ef = parseList(v);
        } else if (a == "--clusters") {
            o.clusters = std::max(1, std::atoi(v));
        } else if (a == "--latent-dim") {
            o.latent_dim = std::max(0, std::atoi(v));
        } else if (a == "--latent-sigma") {
            o.latent_sigma = static_cast<float>(std::atof(v));
        } else if (a == "--iso-sigma") {
            o.iso_sigma = static_cast<float>(std::atof(v));
        } else if (a == "--seed") {
            o.seed = std::strtoull(v, nullptr, 10);
        } else if (a == "--recall-queries") {
            o.recall_queries = std::max(1, std::atoi(v));
        } else if (a == "--timing-queries") {
            o.timing_queries = std::max(1, std::atoi(v));
        } else if (a == "--small-queries") {
            o.small_queries = std::max(1, std::atoi(v));
        } else if (a == "--serialize") {
            o.serialize = std::atoi(v) != 0;
        } else {
            fail("unknown option " + a);
        }
    }
    std::printf("StyleDNA vector index benchmark: dim %d, %d clusters, latent dim %d "
                "(sigma %.2f), isotropic sigma %.2f, seed %llu; %u hardware threads; load %s\n",
                o.dim, o.clusters, o.latent_dim, double(o.latent_sigma), double(o.iso_sigma),
                static_cast<unsigned long long>(o.seed), std::thread::hardware_concurrency(),
                loadAverage().c_str());
    const Generator gen(o);
    if (o.small > 0) {
        smallExact(o, gen);
    }
    if (o.vectors > 0) {
        largeGraph(o, gen);
    }
    std::printf("\nload at the end: %s\n", loadAverage().c_str());
    return 0;
}
