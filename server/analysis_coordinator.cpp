#include "server/analysis_coordinator.hpp"

#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <optional>

#include "core/common/logging.hpp"
#include "core/common/sha256.hpp"

namespace styledna::server {

struct AnalysisCoordinator::Job {
    std::string hash;
    std::string path;
    core::CancellationToken cancel;
    std::mutex mutex; // guards the fields below
    std::condition_variable cv;
    int waiters = 0;
    AnalysisProgress progress;
    std::uint64_t progress_version = 0;
    std::optional<Result<core::TrackAnalysis>> result;
};

namespace {
std::string stemSeparatorName(const core::AnalyzeOptions& options) {
    if (!options.stems) {
        return "";
    }
    if (options.separator_instance) {
        return options.separator_instance->name();
    }
    auto made = core::stems::makeSeparator(options.separator);
    return made ? (*made)->name() : options.separator;
}
} // namespace

AnalysisCoordinator::AnalysisCoordinator(db::Store& store, JobPool& pool,
                                         core::AnalyzeOptions options)
    : m_store(store), m_pool(pool), m_options(std::move(options)),
      m_stem_separator_name(stemSeparatorName(m_options)) {}

Result<core::TrackAnalysis> AnalysisCoordinator::getStored(const std::string& content_hash) {
    auto stored = m_store.findAnalysis(content_hash, core::kAnalyzerVersion);
    if (!stored) {
        return stored.status();
    }
    if (!stored->has_value()) {
        return core::notFound("no stored analysis for content hash " + content_hash +
                              " (analyser " + core::kAnalyzerVersion + ")");
    }
    auto parsed = core::analysisFromJson(nlohmann::json::parse((*stored)->json, nullptr, false));
    if (!parsed) {
        return parsed.status();
    }
    parsed->analyzed_at = (*stored)->created_at;
    return parsed;
}

Result<std::string>
AnalysisCoordinator::contentHash(const std::string& path,
                                 const std::function<bool()>& waiter_cancelled) {
    struct stat st {};
    FileStamp stamp;
    const bool stated = ::stat(path.c_str(), &st) == 0;
    if (stated) {
        stamp = {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                 static_cast<std::uint64_t>(st.st_size),
                 static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                 static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec};
        std::lock_guard lock(m_hash_mutex);
        if (auto it = m_hash_memo.find(path);
            it != m_hash_memo.end() && it->second.first == stamp) {
            return it->second.second;
        }
    }
    auto hash = core::sha256File(
        path, [&] { return m_shutting_down.load() || (waiter_cancelled && waiter_cancelled()); });
    if (hash && stated) {
        std::lock_guard lock(m_hash_mutex);
        if (m_hash_memo.size() > 100000) {
            m_hash_memo.clear();
        }
        m_hash_memo[path] = {stamp, *hash};
    }
    return hash;
}

Result<AnalysisOutcome>
AnalysisCoordinator::analyze(const std::string& path, bool force,
                             const std::function<bool()>& waiter_cancelled,
                             const std::function<void(const AnalysisProgress&)>& on_progress) {
    if (m_shutting_down) {
        return Status(core::StatusCode::kUnavailable, "daemon is shutting down");
    }
    if (path.empty()) {
        return core::invalidArgument("no file given (empty path)");
    }
    if (auto s = core::checkAudioFilePath(path); !s.isOk()) {
        return s;
    }
    if (on_progress) {
        on_progress({0.0, "hashing"});
    }
    auto hash = force ? core::sha256File(path,
                                         [&] {
                                             return m_shutting_down.load() ||
                                                    (waiter_cancelled && waiter_cancelled());
                                         })
                      : contentHash(path, waiter_cancelled);
    if (!hash) {
        return hash.status();
    }
    bool joined = false;
    std::optional<core::TrackAnalysis> cached;
    // Fast path, outside m_mutex: a stored analysis is read and parsed (milliseconds
    // for a five-minute track) while other callers proceed, so a profile build's two
    // workers load cached references in parallel. A miss takes the locked path.
    if (!force) {
        if (auto stored = getStored(*hash);
            stored && !(m_options.stems && stored->stems.separator != m_stem_separator_name)) {
            cached = std::move(stored).value();
        }
    }
    auto job = cached ? nullptr : startOrJoin(*hash, path, force, joined, cached);
    if (cached) {
        m_cache_hits++;
        cached->path = path;
        return AnalysisOutcome{std::move(*cached), true, false};
    }
    if (!job) {
        return Status(core::StatusCode::kResourceExhausted,
                      path + ": too many analyses queued; try again later");
    }
    std::uint64_t seen_version = 0;
    std::unique_lock lock(job->mutex);
    while (!job->result.has_value()) {
        job->cv.wait_for(lock, std::chrono::milliseconds(50));
        if (job->progress_version != seen_version && on_progress) {
            seen_version = job->progress_version;
            auto p = job->progress;
            lock.unlock();
            on_progress(p);
            lock.lock();
        }
        if (!job->result.has_value() && (waiter_cancelled && waiter_cancelled())) {
            if (--job->waiters == 0) {
                job->cancel.cancel();
            }
            return core::cancelledError(path + ": analysis cancelled by the client");
        }
    }
    --job->waiters;
    auto result = *job->result;
    if (!result) {
        return result.status();
    }
    result->path = path;
    return AnalysisOutcome{std::move(result).value(), false, joined};
}

std::shared_ptr<AnalysisCoordinator::Job>
AnalysisCoordinator::startOrJoin(const std::string& hash, const std::string& path, bool force,
                                 bool& joined, std::optional<core::TrackAnalysis>& cached) {
    std::lock_guard lock(m_mutex);
    if (auto it = m_in_flight.find(hash); it != m_in_flight.end()) {
        std::lock_guard job_lock(it->second->mutex);
        if (!it->second->cancel.isCancelled()) {
            ++it->second->waiters;
            joined = true;
            core::logger("server")->info("{}: joining the analysis already running for {}", path,
                                         hash.substr(0, 12));
            return it->second;
        }
    }
    // A job leaves m_in_flight only after its result is stored, so this lookup
    // under m_mutex cannot miss a computation that just finished.
    if (!force) {
        auto stored = getStored(hash);
        // An analysis whose stems came from another separator than the one
        // configured now (e.g. the learned one's weights changed) is redone,
        // so a profile and a WIP are never compared across separators.
        if (stored && m_options.stems && stored->stems.separator != m_stem_separator_name) {
            core::logger("server")->info("{}: stored stems are from {}, now {}: re-analysing", path,
                                         stored->stems.separator, m_stem_separator_name);
        } else if (stored) {
            cached = std::move(stored).value();
            return nullptr;
        }
        if (stored.status().code() != core::StatusCode::kNotFound) {
            core::logger("server")->warn("{}: cache lookup failed: {}", path,
                                         stored.status().message());
        }
    }
    auto job = std::make_shared<Job>();
    job->hash = hash;
    job->path = path;
    job->waiters = 1;
    if (!m_pool.submit([this, job] { runJob(job); })) {
        return nullptr;
    }
    m_in_flight[hash] = job;
    return job;
}

void AnalysisCoordinator::runJob(const std::shared_ptr<Job>& job) {
    auto progress = [&](double fraction, std::string_view stage) {
        std::lock_guard lock(job->mutex);
        job->progress = {fraction, std::string(stage)};
        ++job->progress_version;
        job->cv.notify_all();
    };
    Result<core::TrackAnalysis> result = core::cancelledError(job->path + ": analysis cancelled");
    if (!job->cancel.isCancelled() && !m_shutting_down) {
        result = core::analyzeFile(job->path, m_options, job->cancel, progress);
    }
    if (result && result->content_hash != job->hash) {
        result = core::failedPrecondition(job->path +
                                          ": file changed while being analysed; analyse it again");
    }
    if (result) {
        const auto t_store = std::chrono::steady_clock::now();
        result->analyzed_at = db::isoTimestampUtc();
        db::TrackRecord track{result->content_hash,          result->path,
                              result->format.duration_s,     result->format.sample_rate_hz,
                              result->format.channels,       result->format.frames,
                              result->format.container,      result->format.encoding,
                              result->format.file_size_bytes};
        db::StoredAnalysis stored{result->content_hash, result->analyzer_version,
                                  result->analyzed_at, core::analysisToJson(*result).dump()};
        const auto t_json = std::chrono::steady_clock::now();
        const auto status = m_store.putAnalysis(track, stored);
        const auto seconds = [](auto a, auto b) {
            return std::chrono::duration<double>(b - a).count();
        };
        const auto& t = result->stage_times;
        core::logger("server")->debug(
            "{}: analysed in {:.3f} s: hash {:.3f}, decode {:.3f}, features {:.3f}, separate "
            "{:.3f}, stem features {:.3f}; json {:.3f} ({} bytes), store {:.3f} s",
            job->path, result->analysis_time_s, t.hash_s, t.decode_s, t.features_s, t.separate_s,
            t.stem_features_s, seconds(t_store, t_json), stored.json.size(),
            seconds(t_json, std::chrono::steady_clock::now()));
        if (auto s = status; !s.isOk()) {
            core::logger("server")->error("{}: storing the analysis failed: {}", job->path,
                                          s.message());
            result = s;
        } else {
            m_completed++;
        }
    } else {
        core::logger("server")->info("{}", result.status().toString());
    }
    {
        std::lock_guard lock(m_mutex);
        if (auto it = m_in_flight.find(job->hash); it != m_in_flight.end() && it->second == job) {
            m_in_flight.erase(it);
        }
    }
    std::lock_guard lock(job->mutex);
    job->result = std::move(result);
    job->cv.notify_all();
}

void AnalysisCoordinator::cancelAll() {
    m_shutting_down = true;
    std::lock_guard lock(m_mutex);
    for (auto& [hash, job] : m_in_flight) {
        job->cancel.cancel();
    }
}

} // namespace styledna::server
