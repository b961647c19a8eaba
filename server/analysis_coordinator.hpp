#pragma once
// AnalysisCoordinator: the daemon's analysis path, with no gRPC in it.
//
// analyze(path): hash the file; serve a stored analysis for (hash, analyser
// version) when there is one (cached = true); otherwise join the in-flight
// computation for that hash if one is running (single flight: two clients
// analysing the same file share one computation and both get the answer), or
// start one on the JobPool. The job stores its result in one transaction
// before any waiter sees it.
// Cancellation: each waiter passes its own token (the client's); a job is
// cancelled only when every waiter has gone, or by cancelAll() (shutdown).
// Threads: all methods are safe from any thread. Members are grouped by owner.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/analysis/track_analysis.hpp"
#include "core/common/cancellation.hpp"
#include "db/store.hpp"
#include "server/job_pool.hpp"

namespace styledna::server {

using core::Result;
using core::Status;

struct AnalysisOutcome {
    core::TrackAnalysis analysis;
    bool cached = false; // served from the store
    bool joined = false; // shared another client's in-flight computation
};

struct AnalysisProgress {
    double fraction = 0.0;
    std::string stage;
};

class AnalysisCoordinator {
public:
    AnalysisCoordinator(db::Store& store, JobPool& pool, core::AnalyzeOptions options);

    // Blocks until the analysis is available, `waiter_cancel` fires, or the
    // daemon shuts down. `on_progress` is called (from this thread) whenever the
    // shared job's progress changes, at most every ~50 ms.
    Result<AnalysisOutcome>
    analyze(const std::string& path, bool force, const std::function<bool()>& waiter_cancelled,
            const std::function<void(const AnalysisProgress&)>& on_progress);

    // SHA-256 of the file's bytes, memoised by (device, inode, size, mtime,
    // ctime): a file that has not changed since it was last hashed is not read
    // again (a 5-minute WAV costs ~0.1 s to hash; a stat ~10 us).
    Result<std::string> contentHash(const std::string& path,
                                    const std::function<bool()>& waiter_cancelled);

    // Stored analysis by content hash (NOT_FOUND when absent).
    Result<core::TrackAnalysis> getStored(const std::string& content_hash);

    void cancelAll();
    std::int64_t completed() const { return m_completed.load(); }
    std::int64_t cacheHits() const { return m_cache_hits.load(); }

private:
    struct Job;
    // Under m_mutex: join the in-flight job for hash, or (unless force) serve
    // the stored analysis into `cached`, or start a new job. nullptr with
    // `cached` empty means the pool queue is full.
    std::shared_ptr<Job> startOrJoin(const std::string& hash, const std::string& path, bool force,
                                     bool& joined, std::optional<core::TrackAnalysis>& cached);
    void runJob(const std::shared_ptr<Job>& job);

    // immutable after construction
    db::Store& m_store;
    JobPool& m_pool;
    const core::AnalyzeOptions m_options;
    // name() of the separator the options use, e.g. "dsp-hpss/2" ("" without stems).
    const std::string m_stem_separator_name;
    // atomics
    std::atomic<std::int64_t> m_completed{0};
    std::atomic<std::int64_t> m_cache_hits{0};
    std::atomic<bool> m_shutting_down{false};
    // guarded by m_mutex
    std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<Job>> m_in_flight; // by content hash
    // guarded by m_hash_mutex
    struct FileStamp {
        std::uint64_t dev = 0, ino = 0, size = 0;
        std::int64_t mtime_ns = 0, ctime_ns = 0;
        bool operator==(const FileStamp&) const = default;
    };
    std::mutex m_hash_mutex;
    std::map<std::string, std::pair<FileStamp, std::string>> m_hash_memo; // by path
};

} // namespace styledna::server
