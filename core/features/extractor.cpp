#include "core/features/extractor.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/features/registry.hpp"

namespace styledna::core {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// One family in the run, or one shared input computed ahead (family ==
// nullptr: `shared` runs, nothing is merged): its dependencies (indices) and
// its state.
struct Node {
    FeatureFamily* family = nullptr;
    std::string shared_name;
    std::function<void()> shared;
    std::vector<std::size_t> deps;
    int priority = 0; // among ready nodes the lowest starts first
    bool started = false;
    bool done = false;
    double seconds = 0.0;
};

std::string nodeName(const Node& node) {
    return node.family != nullptr ? std::string(node.family->name()) : node.shared_name;
}

// Adds what a family produced to the shared result. Families only add keys;
// the grid and the sections have a single producer each.
void merge(TrackFeatures& into, TrackFeatures&& from) {
    into.values.insert(from.values.begin(), from.values.end());
    into.labels.insert(from.labels.begin(), from.labels.end());
    into.series.insert(std::make_move_iterator(from.series.begin()),
                       std::make_move_iterator(from.series.end()));
    if (!into.grid.valid() && from.grid.valid()) {
        into.grid = std::move(from.grid);
    }
    if (into.sections.empty() && !from.sections.empty()) {
        into.sections = std::move(from.sections);
    }
}

// Runs the families as a dependency graph on `threads` workers (the caller is
// one of them). Each family works on a private copy of what its dependencies
// produced, so no two threads ever write the same TrackFeatures.
class FamilyScheduler {
public:
    FamilyScheduler(std::vector<Node>& nodes, const AnalysisContext& ctx,
                    const ProgressFn& progress)
        : m_nodes(nodes), m_ctx(ctx), m_progress(progress) {}

    Status run(int threads, TrackFeatures& result) {
        std::vector<std::thread> workers;
        for (int t = 1; t < threads; ++t) {
            workers.emplace_back([this] { work(); });
        }
        work();
        for (auto& w : workers) {
            w.join();
        }
        result = std::move(m_result);
        return m_status;
    }

private:
    // Index of the ready node with the lowest priority, or npos; caller holds
    // m_mutex.
    std::size_t nextReady() const {
        std::size_t best = std::string::npos;
        for (std::size_t i = 0; i < m_nodes.size(); ++i) {
            if (m_nodes[i].started) {
                continue;
            }
            bool ready = true;
            for (std::size_t d : m_nodes[i].deps) {
                ready = ready && m_nodes[d].done;
            }
            if (ready &&
                (best == std::string::npos || m_nodes[i].priority < m_nodes[best].priority)) {
                best = i;
            }
        }
        return best;
    }

    void work() {
        std::unique_lock lock(m_mutex);
        while (true) {
            std::size_t i = std::string::npos;
            m_cv.wait(lock, [&] {
                i = nextReady();
                return !m_status.isOk() || m_finished == m_nodes.size() || i != std::string::npos;
            });
            if (!m_status.isOk() || i == std::string::npos) {
                return;
            }
            Node& node = m_nodes[i];
            node.started = true;
            TrackFeatures local = m_result; // what the dependencies produced so far
            lock.unlock();
            const auto t0 = Clock::now();
            Status s = Status::ok();
            if (m_ctx.cancel().isCancelled()) {
                s = cancelledError("analysis cancelled");
            } else if (node.family == nullptr) {
                node.shared();
            } else {
                s = node.family->process(m_ctx, local);
            }
            const double seconds = since(t0);
            lock.lock();
            node.seconds = seconds;
            node.done = true;
            ++m_finished;
            if (!s.isOk()) {
                if (m_status.isOk()) {
                    m_status = Status(s.code(), nodeName(node) + " features: " + s.message());
                }
            } else if (node.family != nullptr) {
                merge(m_result, std::move(local));
                reportProgress(m_progress, 0.85 * m_finished / m_nodes.size(), node.family->name());
            }
            m_cv.notify_all();
        }
    }

    std::vector<Node>& m_nodes; // guarded by m_mutex
    const AnalysisContext& m_ctx;
    const ProgressFn& m_progress;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    TrackFeatures m_result; // guarded by m_mutex
    Status m_status;        // guarded by m_mutex
    std::size_t m_finished = 0;
};

// processSection for every (family, section); each family is run by one
// thread, the next free thread takes the next family in priority order
// (heaviest section work first); results are merged afterwards.
Status runSections(std::vector<Node>& nodes, const AnalysisContext& ctx,
                   std::vector<Section>& sections, int threads) {
    const std::size_t nf = nodes.size();
    std::vector<std::vector<std::map<std::string, double>>> values(
        nf, std::vector<std::map<std::string, double>>(sections.size()));
    std::vector<Status> status(nf);
    std::vector<std::size_t> order(nf);
    for (std::size_t f = 0; f < nf; ++f) {
        order[f] = f;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return nodes[a].priority < nodes[b].priority;
    });
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t o = next.fetch_add(1); o < nf; o = next.fetch_add(1)) {
            const std::size_t f = order[o];
            for (std::size_t s = 0; s < sections.size() && status[f].isOk(); ++s) {
                if (ctx.cancel().isCancelled()) {
                    status[f] = cancelledError("analysis cancelled");
                    break;
                }
                status[f] = nodes[f].family->processSection(ctx, sections[s].start_s,
                                                            sections[s].end_s, values[f][s]);
            }
        }
    };
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t) {
        workers.emplace_back(work);
    }
    work();
    for (auto& w : workers) {
        w.join();
    }
    for (std::size_t f = 0; f < nf; ++f) {
        if (!status[f].isOk()) {
            return Status(status[f].code(), std::string(nodes[f].family->name()) +
                                                " section features: " + status[f].message());
        }
        for (std::size_t s = 0; s < sections.size(); ++s) {
            sections[s].values.insert(values[f][s].begin(), values[f][s].end());
        }
    }
    return Status::ok();
}

} // namespace

Result<TrackFeatures> extractFeatures(const AudioBuffer& audio, const ExtractOptions& options,
                                      const CancellationToken& cancel, const ProgressFn& progress) {
    if (audio.numChannels() == 0 || audio.numChannels() > 2) {
        return invalidArgument("feature extraction needs mono or stereo audio");
    }
    auto families = makeDefaultFamilies();
    const int threads = std::max(1, options.threads);
    // Families run in parallel; a thread that needs a shared input while it is
    // being computed helps to compute it.
    AnalysisContext ctx(audio, 1, cancel);
    // The shared STFTs nearly every family reads come first, so the workers
    // start on them at once: all on the mono one (the critical path: mono STFT,
    // rhythm, then the families reading its grid), then on the side one.
    std::vector<Node> nodes;
    nodes.push_back({nullptr, "stft_mono", [&ctx] { (void)ctx.monoSpectrum(); }});
    if (ctx.isStereo()) {
        nodes.push_back({nullptr, "stft_side", [&ctx] {
                             (void)ctx.monoSpectrum();
                             (void)ctx.sideSpectrum();
                         }});
    }
    const std::size_t first_family = nodes.size();
    for (auto& family : families) {
        if (auto s = family->configure(); !s.isOk()) {
            return s;
        }
        Node node;
        node.family = family.get();
        for (const auto& dep : familyDependencies(family->name())) {
            for (std::size_t j = 0; j < families.size(); ++j) {
                if (families[j]->name() == dep) {
                    node.deps.push_back(first_family + j);
                }
            }
        }
        nodes.push_back(std::move(node));
    }
    // Critical path first: families others wait for, then the families that
    // read them, the last registered first (they gate the section pass and
    // carry most of its work: trance writes the sections), then the rest.
    std::vector<bool> awaited(nodes.size(), false);
    for (const auto& node : nodes) {
        for (std::size_t d : node.deps) {
            awaited[d] = true;
        }
    }
    const auto count = static_cast<int>(nodes.size());
    for (std::size_t i = first_family; i < nodes.size(); ++i) {
        const int index = static_cast<int>(i);
        nodes[i].priority = awaited[i]               ? count + index
                            : !nodes[i].deps.empty() ? 3 * count - index
                                                     : 3 * count + index;
    }
    TrackFeatures out;
    if (auto s = FamilyScheduler(nodes, ctx, progress).run(threads, out); !s.isOk()) {
        return s;
    }
    std::vector<Node> family_nodes(std::make_move_iterator(nodes.begin() + first_family),
                                   std::make_move_iterator(nodes.end()));
    const auto sections_t0 = Clock::now();
    if (auto s = runSections(family_nodes, ctx, out.sections, threads); !s.isOk()) {
        return s;
    }
    const double sections_s = since(sections_t0);
    double after_s = 0.0;
    if (options.after_features) {
        if (cancel.isCancelled()) {
            return cancelledError("analysis cancelled");
        }
        const auto after_t0 = Clock::now();
        if (auto s = options.after_features(ctx, out); !s.isOk()) {
            return s;
        }
        after_s = since(after_t0);
    }
    if (options.timings != nullptr) {
        for (const auto& node : nodes) {
            if (node.family == nullptr) {
                options.timings->push_back({node.shared_name, node.seconds});
            }
        }
        for (const auto& node : family_nodes) {
            options.timings->push_back({std::string(node.family->name()), node.seconds});
        }
        options.timings->push_back({"sections", sections_s});
        if (options.after_features) {
            options.timings->push_back({"after_features", after_s});
        }
    }
    reportProgress(progress, 1.0, "features");
    return out;
}

} // namespace styledna::core
