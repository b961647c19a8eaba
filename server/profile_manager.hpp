#pragma once
// ProfileManager: the daemon's Style DNA path, with no gRPC in it.
//
// Holds every stored profile in memory (document + similarity index), loaded
// at start by loadAll(), and serves build / list / get / delete / export /
// import / similar over them.
//
// build(): collects the reference files (files or directories, recursed; the
// stem folders and truth files that `styledna synth` writes beside a mix are
// skipped), analyses each through the AnalysisCoordinator (cached by content
// hash: a rebuild from cached analyses only reads the store), learns the
// profile (core/profile: statistics, projection head through the injected
// trainer, clusters, validator), builds the index (core/index) and writes
// document + index in ONE store transaction, then swaps the in-memory copy.
// Nothing is written before the end: a cancelled, failed or killed build
// leaves the previous profile exactly as it was. --append keeps the existing
// members (their analyses come from the cache) and analyses only new files.
// Builds run one at a time (a second waits).
//
// similar(): hashes the query (memoised by file stamp), takes its vector from
// a small in-memory cache or analyses it (cached) and embeds it in the
// profile's space, then asks the profile's index (exact scan below IndexParams::exact_below
// members, hnsw above); the answer says which path answered.
//
// Threads: every method may be called from any thread. Profiles are
// immutable once published (shared_ptr<const>); the map is guarded by a
// shared_mutex, builds by m_build_mutex.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/index/vector_index.hpp"
#include "core/profile/profile.hpp"
#include "db/store.hpp"
#include "server/analysis_coordinator.hpp"

namespace styledna::server {

struct ProfileBuildRequest {
    std::string name;
    std::vector<std::string> paths;
    bool labels_from_folders = false;
    std::string labels_csv; // path,label per line
    bool append = false;
    std::uint64_t seed = 0;
    bool train_head = true; // false, or no trainer configured: backbone only
};

struct ProfileBuildProgress {
    double fraction = 0.0;
    std::string stage; // collecting | analysing | learning | indexing | storing
    std::string current_item;
    int items_done = 0;
    int items_total = 0;
    double eta_s = 0.0;
};

struct LoadedProfile {
    profile::Profile profile;
    std::unique_ptr<index::VectorIndex> index; // label = member position
    // This build took its head from the trained-head memo (ProfileManager): the
    // training rows, seed and warm start were byte-identical to an earlier training
    // in this daemon, whose weights and report it reused instead of training again.
    bool head_reused = false;
    // The members' references (analysis and backbone embedding, in member
    // order) as this daemon's build of the profile used them, so an --append
    // reuses them instead of reading and parsing every member's stored
    // analysis again (at 1,000 members that was ~1 s of a ~6 s append). Null
    // for a profile loaded at start-up or imported: its first append reads the
    // store, and the profile it publishes carries them. Costs memory (the
    // analyses and segment vectors of every member: ~25 kB a one-minute track).
    // Each reference is shared with the profile an --append replaces (copying
    // them took ~0.9 s at 1,000 five-minute members).
    std::shared_ptr<const std::vector<std::shared_ptr<const profile::Reference>>> member_refs;
};

struct SimilarHit {
    std::string content_hash;
    std::string path;
    double similarity = 0.0;
    std::string sub_style; // the member's cluster label
};

struct SimilarAnswer {
    std::string query_hash;
    std::vector<SimilarHit> hits;
    std::string search_path; // exact | hnsw
    double search_ms = 0.0;
    int cluster = -1;
    std::string cluster_label;
};

// One reference file as collected from the request's paths.
struct ReferenceFile {
    std::string path; // absolute, normalised
    std::string label;
};

// Files to analyse for `paths` (see the header comment for what is skipped),
// sorted by path; labels from the parent folder and/or the CSV. Errors name the
// path: missing, unreadable, no audio files found, a bad CSV line.
core::Result<std::vector<ReferenceFile>>
collectReferenceFiles(const std::vector<std::string>& paths, bool labels_from_folders,
                      const std::string& labels_csv);

class ProfileManager {
public:
    ProfileManager(db::Store& store, AnalysisCoordinator& analysis, profile::HeadTrainer trainer,
                   index::IndexParams index_params = {});

    // Loads every stored profile and its index; a profile whose document fails
    // to parse is skipped with an error log naming it (the others still load).
    core::Status loadAll();

    core::Result<std::shared_ptr<const LoadedProfile>>
    build(const ProfileBuildRequest& request, const std::function<bool()>& waiter_cancelled,
          const std::function<void(const ProfileBuildProgress&)>& on_progress);

    std::vector<std::shared_ptr<const LoadedProfile>> list() const;
    core::Result<std::shared_ptr<const LoadedProfile>> get(const std::string& name) const;
    core::Result<bool> remove(const std::string& name);
    core::Result<std::string> exportJson(const std::string& name, bool include_head) const;
    core::Result<std::shared_ptr<const LoadedProfile>>
    importJson(const std::string& json, const std::string& name_override, bool replace);

    core::Result<SimilarAnswer> similar(const std::string& path, const std::string& profile_name,
                                        int k, const std::function<bool()>& waiter_cancelled);

    bool hasTrainer() const { return static_cast<bool>(m_trainer); }

private:
    core::Result<std::unique_ptr<index::VectorIndex>>
    buildIndex(const profile::Profile& profile) const;
    core::Status store(const LoadedProfile& loaded);
    void publish(std::shared_ptr<const LoadedProfile> loaded);

    // immutable after construction
    db::Store& m_store;
    AnalysisCoordinator& m_analysis;
    const profile::HeadTrainer m_trainer;
    const index::IndexParams m_index_params;
    // one build at a time
    std::mutex m_build_mutex;
    // guarded by m_build_mutex: the last few trained heads by trainingDigest() of
    // their TrainingSet. The trainer's params are fixed for the daemon's life and
    // it is deterministic for one data, seed and thread count (head_trainer.hpp),
    // so a rebuild from the same references and seed gets the same weights without
    // training; any change to a reference, a label, the seed or the warm start
    // changes the digest and trains.
    std::deque<std::pair<std::string, profile::TrainedHead>> m_trained_heads;
    // guarded by m_mutex
    mutable std::shared_mutex m_mutex;
    std::map<std::string, std::shared_ptr<const LoadedProfile>> m_profiles;
    // Query vectors by (profile name, profile updated_at, content hash), so a
    // repeated query skips the analysis store; guarded by m_query_mutex.
    std::mutex m_query_mutex;
    std::map<std::string, std::vector<float>> m_query_cache;
};

} // namespace styledna::server
