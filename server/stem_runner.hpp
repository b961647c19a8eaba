#pragma once
// StemRunner: the daemon's SeparateStems path, with no gRPC in it.
//
// run(path, out_dir, choice): hash the file (the coordinator's memo), then
// serve the stems from the stem cache (DATA/stems/<hash>/<separator name>/)
// or separate the file at its own sample rate into a fresh cache folder
// (written under a temporary name and renamed, so a crash leaves no half
// entry), and copy drums.wav, bass.wav and other.wav into out_dir (created).
// The cache keeps the kMaxCachedTracks most recently used tracks (a 5-minute
// stereo track's stems are ~320 MB of float32 WAV); older ones are deleted.
// Errors name the file or folder. Threads: run() is safe from any thread;
// two runs for the same hash and separator are serialised.

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/stems/separator.hpp"
#include "server/analysis_coordinator.hpp"

namespace styledna::server {

// Separator by choice ("" or "dsp", "learned"); errors say why one is unavailable.
using SeparatorFactory =
    std::function<core::Result<std::shared_ptr<const core::stems::Separator>>(const std::string&)>;

struct StemOutcome {
    std::string separator; // name() of the separator, e.g. "dsp-hpss/1"
    std::string content_hash;
    std::string drums_path, bass_path, other_path;
    double sample_rate_hz = 0;
    bool cached = false;
    double seconds = 0;
};

class StemRunner {
public:
    static constexpr int kMaxCachedTracks = 8;

    StemRunner(AnalysisCoordinator& analysis, std::string cache_dir, SeparatorFactory factory)
        : m_analysis(analysis), m_cache_dir(std::move(cache_dir)), m_factory(std::move(factory)) {}

    core::Result<StemOutcome> run(const std::string& path, const std::string& out_dir,
                                  const std::string& choice,
                                  const std::function<bool()>& waiter_cancelled,
                                  const core::ProgressFn& progress);

private:
    void evictOldEntries(const std::string& keep_hash);

    // immutable after construction
    AnalysisCoordinator& m_analysis;
    const std::string m_cache_dir;
    const SeparatorFactory m_factory;
    // serialises cache writes and eviction
    std::mutex m_mutex;
};

} // namespace styledna::server
