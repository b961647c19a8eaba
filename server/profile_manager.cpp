#include "server/profile_manager.hpp"

#include "server/cancel_watcher.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/audio/decode.hpp"
#include "core/common/logging.hpp"
#include "core/common/sha256.hpp"
#include "core/profile/profile_index.hpp"
#include "core/profile/profile_json.hpp"

namespace styledna::server {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

std::shared_ptr<spdlog::logger> log() {
    return core::logger("profile");
}

bool isAudioFile(const fs::path& p) {
    static const std::set<std::string> kExt{".wav",  ".wave", ".flac", ".aif", ".aiff",
                                            ".aifc", ".ogg",  ".oga",  ".mp3"};
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return kExt.count(ext) > 0;
}

// `styledna synth` writes NAME.wav, NAME.truth.json and the stems in NAME/:
// a folder is a stem folder when a sibling audio file has its name as stem.
bool isStemFolder(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir.parent_path(), ec)) {
        if (entry.is_regular_file(ec) && isAudioFile(entry.path()) &&
            entry.path().stem() == dir.filename()) {
            return true;
        }
    }
    return false;
}

std::string normalised(const fs::path& p) {
    std::error_code ec;
    auto abs = fs::absolute(p, ec);
    return (ec ? p : abs).lexically_normal().string();
}

core::Result<std::map<std::string, std::string>> readLabelsCsv(const std::string& csv_path) {
    std::ifstream in(csv_path);
    if (!in) {
        return core::invalidArgument(csv_path + ": cannot open the labels CSV");
    }
    const fs::path base = fs::path(normalised(csv_path)).parent_path();
    std::map<std::string, std::string> labels;
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.empty() || line[0] == '#') {
            continue;
        }
        const auto comma = line.rfind(',');
        if (comma == std::string::npos || comma == 0 || comma + 1 == line.size()) {
            return core::invalidArgument(csv_path + ":" + std::to_string(line_no) +
                                         ": expected 'path,label'");
        }
        fs::path file = line.substr(0, comma);
        const std::string label = line.substr(comma + 1);
        if (line_no == 1 && file == "path" && label == "label") {
            continue; // header
        }
        if (file.is_relative()) {
            file = base / file;
        }
        labels[normalised(file)] = label;
    }
    return labels;
}

void collectFrom(const fs::path& root, bool labels_from_folders, std::vector<ReferenceFile>& out,
                 std::error_code& ec) {
    for (auto it = fs::recursive_directory_iterator(
             root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec)) {
            if (isStemFolder(it->path())) {
                it.disable_recursion_pending();
            }
            continue;
        }
        if (!it->is_regular_file(ec) || !isAudioFile(it->path())) {
            continue;
        }
        ReferenceFile f{normalised(it->path()), ""};
        if (labels_from_folders) {
            f.label = it->path().parent_path().filename().string();
        }
        out.push_back(std::move(f));
    }
}

constexpr std::size_t kTrainedHeadMemo = 4;

template <class T> std::string digestOf(const std::vector<T>& v) {
    return core::sha256Hex(v.data(), v.size() * sizeof(T));
}

// SHA-256 over everything the trainer reads from a TrainingSet.
std::string trainingDigest(const profile::TrainingSet& set) {
    const auto& h = set.initial_head;
    std::string parts = std::to_string(set.dim);
    parts.append(" ").append(std::to_string(set.seed));
    for (const int d : {h.input_dim, h.hidden_dim, h.output_dim}) {
        parts.append(" ").append(std::to_string(d));
    }
    for (const int c : set.appended_classes) {
        parts.append(" a").append(std::to_string(c));
    }
    for (const auto& d :
         {digestOf(set.x), digestOf(set.x_augmented), digestOf(set.class_id),
          digestOf(set.track_index), digestOf(h.w1), digestOf(h.b1), digestOf(h.ln_gamma),
          digestOf(h.ln_beta), digestOf(h.w2), digestOf(h.b2)}) {
        parts.append(" ").append(d);
    }
    return core::sha256Hex(parts.data(), parts.size());
}

} // namespace

core::Result<std::vector<ReferenceFile>>
collectReferenceFiles(const std::vector<std::string>& paths, bool labels_from_folders,
                      const std::string& labels_csv) {
    if (paths.empty()) {
        return core::invalidArgument("no reference paths given");
    }
    std::vector<ReferenceFile> files;
    for (const auto& p : paths) {
        std::error_code ec;
        const fs::path path(p);
        const auto st = fs::status(path, ec);
        if (ec || !fs::exists(st)) {
            return core::notFound(p + ": no such file or directory");
        }
        if (fs::is_directory(st)) {
            collectFrom(path, labels_from_folders, files, ec);
            if (ec) {
                return core::invalidArgument(p + ": cannot read the directory: " + ec.message());
            }
        } else {
            ReferenceFile f{normalised(path), ""};
            if (labels_from_folders) {
                f.label = fs::path(f.path).parent_path().filename().string();
            }
            files.push_back(std::move(f));
        }
    }
    std::sort(files.begin(), files.end(),
              [](const ReferenceFile& a, const ReferenceFile& b) { return a.path < b.path; });
    files.erase(std::unique(files.begin(), files.end(),
                            [](const ReferenceFile& a, const ReferenceFile& b) {
                                return a.path == b.path;
                            }),
                files.end());
    if (files.empty()) {
        return core::invalidArgument("no audio files (WAV, AIFF, FLAC, OGG, MP3) under " +
                                     paths.front() + (paths.size() > 1 ? " and the others" : ""));
    }
    if (!labels_csv.empty()) {
        auto labels = readLabelsCsv(labels_csv);
        if (!labels) {
            return labels.status();
        }
        for (auto& f : files) {
            if (auto it = labels->find(f.path); it != labels->end()) {
                f.label = it->second;
            }
        }
    }
    return files;
}

ProfileManager::ProfileManager(db::Store& store, AnalysisCoordinator& analysis,
                               profile::HeadTrainer trainer, index::IndexParams index_params)
    : m_store(store), m_analysis(analysis), m_trainer(std::move(trainer)),
      m_index_params(index_params) {}

core::Status ProfileManager::loadAll() {
    auto list = m_store.listProfiles();
    if (!list) {
        return list.status();
    }
    for (const auto& summary : *list) {
        auto record = m_store.findProfile(summary.name, true);
        if (!record || !record->has_value()) {
            log()->error("profile '{}': cannot read it from the store", summary.name);
            continue;
        }
        nlohmann::json doc = nlohmann::json::parse((*record)->json, nullptr, false);
        if (doc.is_discarded()) {
            log()->error("profile '{}': stored document is not JSON; skipped", summary.name);
            continue;
        }
        auto parsed = profile::profileFromJson(doc);
        if (!parsed) {
            log()->error("profile '{}': {}; skipped", summary.name, parsed.status().message());
            continue;
        }
        auto loaded = std::make_shared<LoadedProfile>();
        loaded->profile = std::move(*parsed);
        if (!(*record)->index_blob.empty()) {
            auto idx = index::VectorIndex::deserialize((*record)->index_blob);
            if (idx && (*idx)->size() == loaded->profile.members.size() &&
                (*idx)->setEfSearch(m_index_params.ef_search).isOk()) {
                loaded->index = std::move(*idx);
            } else {
                log()->warn("profile '{}': stored index unusable ({}); rebuilding it", summary.name,
                            idx ? "member count differs" : idx.status().message());
            }
        }
        if (!loaded->index) {
            auto idx = buildIndex(loaded->profile);
            if (!idx) {
                log()->error("profile '{}': {}; skipped", summary.name, idx.status().message());
                continue;
            }
            loaded->index = std::move(*idx);
        }
        log()->info("profile '{}' loaded: {} references, {} clusters, index {}", summary.name,
                    loaded->profile.members.size(), loaded->profile.clusters.size(),
                    loaded->index->size() >= m_index_params.exact_below ? "hnsw" : "exact");
        publish(std::move(loaded));
    }
    return core::Status::ok();
}

core::Result<std::unique_ptr<index::VectorIndex>>
ProfileManager::buildIndex(const profile::Profile& p) const {
    return profile::buildMemberIndex(p, m_index_params);
}

core::Status ProfileManager::store(const LoadedProfile& loaded) {
    auto bytes = loaded.index->serialize();
    if (!bytes) {
        return bytes.status();
    }
    db::ProfileRecord record;
    record.name = loaded.profile.name;
    record.track_count = static_cast<int>(loaded.profile.members.size());
    record.created_at = loaded.profile.created_at;
    record.json = profile::profileToJson(loaded.profile, true).dump();
    record.index_blob = std::move(*bytes);
    return m_store.putProfile(record);
}

void ProfileManager::publish(std::shared_ptr<const LoadedProfile> loaded) {
    std::unique_lock lock(m_mutex);
    m_profiles[loaded->profile.name] = std::move(loaded);
}

core::Result<std::shared_ptr<const LoadedProfile>>
ProfileManager::build(const ProfileBuildRequest& request,
                      const std::function<bool()>& waiter_cancelled,
                      const std::function<void(const ProfileBuildProgress&)>& on_progress) {
    std::lock_guard build_lock(m_build_mutex);
    const auto t0 = Clock::now();
    auto report = [&](ProfileBuildProgress p) {
        if (on_progress) {
            on_progress(p);
        }
    };
    report({0.0, "collecting", "", 0, 0, 0.0});

    std::shared_ptr<const LoadedProfile> previous;
    if (request.append) {
        auto existing = get(request.name);
        if (!existing) {
            return core::notFound("--append: no profile named '" + request.name + "' to add to");
        }
        previous = *existing;
    }
    auto files =
        collectReferenceFiles(request.paths, request.labels_from_folders, request.labels_csv);
    if (!files) {
        return files.status();
    }

    // Existing members first (append), then the new files.
    std::vector<std::shared_ptr<const profile::Reference>> refs;
    std::vector<profile::ValidationIssue> extra_issues;
    std::set<std::string> hashes;
    const int total = static_cast<int>(files->size()) +
                      (previous ? static_cast<int>(previous->profile.members.size()) : 0);
    int done = 0;
    double analysed_s = 0.0;
    int analysed = 0;
    auto eta = [&] {
        const int left = total - done;
        return analysed > 0 ? left * analysed_s / analysed : 0.0;
    };
    const bool refs_cached = previous && previous->member_refs &&
                             previous->member_refs->size() == previous->profile.members.size();
    if (refs_cached) {
        refs = *previous->member_refs;
        for (const auto& r : refs) {
            hashes.insert(r->analysis.content_hash);
        }
        done = static_cast<int>(refs.size());
    } else if (previous) {
        for (const auto& m : previous->profile.members) {
            if (waiter_cancelled && waiter_cancelled()) {
                return core::cancelledError("profile build cancelled; '" + request.name +
                                            "' is unchanged");
            }
            report({0.6 * done / std::max(total, 1), "analysing", m.path, done, total, eta()});
            auto stored = m_analysis.getStored(m.content_hash);
            if (!stored) {
                // The analyser changed since: analyse the file again.
                auto outcome = m_analysis.analyze(m.path, false, waiter_cancelled, {});
                if (!outcome) {
                    return core::Status(outcome.status().code(), "existing member " + m.path +
                                                                     ": " +
                                                                     outcome.status().message());
                }
                stored = std::move(outcome->analysis);
            }
            hashes.insert(m.content_hash);
            profile::Reference ref;
            ref.label = m.label;
            ref.analysis = std::move(*stored);
            ref.analysis.path = m.path;
            ref.embedding = std::move(ref.analysis.embedding);
            refs.push_back(std::make_shared<const profile::Reference>(std::move(ref)));
            ++done;
        }
    }
    // New files are analysed two at a time (the coordinator's pool runs them;
    // the serial parts of one analysis, hashing, decoding and storing, then
    // overlap with the other's parallel parts). Results are used in file order.
    const std::size_t n_files = files->size();
    std::vector<std::optional<Result<AnalysisOutcome>>> outcomes(n_files);
    std::atomic<std::size_t> next{0};
    std::mutex progress_mutex;
    const auto analysis_start = Clock::now();
    auto worker = [&] {
        for (std::size_t i = next++; i < n_files; i = next++) {
            if (waiter_cancelled && waiter_cancelled()) {
                outcomes[i] = core::cancelledError("cancelled");
                continue;
            }
            {
                std::lock_guard lock(progress_mutex);
                report({0.6 * done / std::max(total, 1), "analysing", (*files)[i].path, done, total,
                        eta()});
            }
            auto outcome = m_analysis.analyze((*files)[i].path, false, waiter_cancelled, {});
            std::lock_guard lock(progress_mutex);
            if (outcome && !outcome->cached) {
                ++analysed;
                analysed_s = std::chrono::duration<double>(Clock::now() - analysis_start).count();
            }
            ++done;
            outcomes[i] = std::move(outcome);
        }
    };
    {
        std::thread second(worker);
        worker();
        second.join();
    }
    for (std::size_t i = 0; i < n_files; ++i) {
        const auto& file = (*files)[i];
        auto& outcome = *outcomes[i];
        if (!outcome) {
            if (outcome.status().code() == core::StatusCode::kCancelled) {
                return core::cancelledError("profile build cancelled; '" + request.name + "' is " +
                                            (previous ? "unchanged" : "not created"));
            }
            // One unreadable reference does not sink a library build: it is
            // left out and reported (the message names the file and the problem).
            extra_issues.push_back({"error", "unreadable", outcome.status().message(), file.path});
            log()->warn("reference left out: {}", outcome.status().message());
            continue;
        }
        if (!hashes.insert(outcome->analysis.content_hash).second) {
            extra_issues.push_back({"warning", "duplicate",
                                    file.path + " has the same audio as another reference; "
                                                "counted once",
                                    file.path});
            continue;
        }
        profile::Reference ref;
        ref.label = file.label;
        ref.analysis = std::move(outcome->analysis);
        ref.analysis.path = file.path;
        ref.embedding = std::move(ref.analysis.embedding); // buildProfile reads this copy only
        refs.push_back(std::make_shared<const profile::Reference>(std::move(ref)));
    }
    if (refs.empty()) {
        return core::invalidArgument(
            "no readable reference among " + std::to_string(files->size()) + " files; first: " +
            (extra_issues.empty() ? files->front().path : extra_issues.front().message));
    }
    report({0.6, "learning", "", done, total, 0.0});
    const auto t_loaded = Clock::now();

    core::CancellationToken token;
    CancelWatcher watcher(waiter_cancelled, token);
    profile::BuildOptions options;
    options.seed = request.seed;
    bool head_reused = false;
    if (request.train_head && m_trainer) {
        options.trainer =
            [this,
             &head_reused](profile::TrainingSet set, const core::CancellationToken& cancel,
                           const core::ProgressFn& progress) -> core::Result<profile::TrainedHead> {
            const std::string digest = trainingDigest(set);
            for (const auto& [key, head] : m_trained_heads) {
                if (key == digest) {
                    head_reused = true;
                    log()->info("head: training rows, seed and warm start identical to an "
                                "earlier training ({}): its weights reused",
                                digest.substr(0, 12));
                    return head;
                }
            }
            auto trained = m_trainer(std::move(set), cancel, progress);
            if (trained) {
                m_trained_heads.emplace_front(digest, *trained);
                if (m_trained_heads.size() > kTrainedHeadMemo) {
                    m_trained_heads.pop_back();
                }
            }
            return trained;
        };
    }
    if (previous) {
        options.previous = &previous->profile;
    }
    std::vector<const profile::Reference*> ref_pointers;
    ref_pointers.reserve(refs.size());
    for (const auto& r : refs) {
        ref_pointers.push_back(r.get());
    }
    auto built = profile::buildProfile(
        request.name, ref_pointers, options, token, [&](double fraction, std::string_view stage) {
            report({0.6 + 0.35 * fraction, std::string(stage), "", done, total, 0.0});
        });
    if (!built) {
        if (built.status().code() == core::StatusCode::kCancelled || token.isCancelled()) {
            return core::cancelledError("profile build cancelled; '" + request.name + "' is " +
                                        (previous ? "unchanged" : "not created"));
        }
        return built.status();
    }
    for (auto& issue : extra_issues) {
        built->validation.push_back(std::move(issue));
    }
    const std::string now = db::isoTimestampUtc();
    built->created_at = previous ? previous->profile.created_at : now;
    built->updated_at = now;

    const auto t_built = Clock::now();
    report({0.95, "indexing", "", done, total, 0.0});
    auto loaded = std::make_shared<LoadedProfile>();
    loaded->profile = std::move(*built);
    loaded->head_reused = head_reused;
    if (refs.size() == loaded->profile.members.size()) {
        loaded->member_refs =
            std::make_shared<const std::vector<std::shared_ptr<const profile::Reference>>>(
                std::move(refs));
    }
    // An append whose earlier members kept their embeddings grows the stored
    // index; otherwise it is built from all members (profile_index.hpp).
    const profile::Profile none;
    auto idx = profile::appendMemberIndex(previous ? previous->profile : none,
                                          previous ? previous->index.get() : nullptr,
                                          loaded->profile, m_index_params);
    if (!idx) {
        return idx.status();
    }
    loaded->index = std::move(idx->index);
    log()->info("profile '{}': index {} ({} vectors, {} path)", request.name,
                idx->extended ? "grown by the appended members" : "built from all members",
                loaded->index->size(), loaded->index->path());
    if (token.isCancelled()) {
        return core::cancelledError("profile build cancelled; '" + request.name + "' is " +
                                    (previous ? "unchanged" : "not created"));
    }
    const auto t_indexed = Clock::now();
    report({0.98, "storing", "", done, total, 0.0});
    if (auto s = store(*loaded); !s.isOk()) {
        return s;
    }
    publish(loaded);
    const auto seconds = [](Clock::time_point a, Clock::time_point b) {
        return std::chrono::duration<double>(b - a).count();
    };
    log()->info("profile '{}' build times: references {:.3f} s, learning {:.3f} s, index {:.3f} s, "
                "store {:.3f} s",
                request.name, seconds(t0, t_loaded), seconds(t_loaded, t_built),
                seconds(t_built, t_indexed), seconds(t_indexed, Clock::now()));
    log()->info("profile '{}' built: {} references, {} clusters in {:.1f} s", request.name,
                loaded->profile.members.size(), loaded->profile.clusters.size(),
                std::chrono::duration<double>(Clock::now() - t0).count());
    report({1.0, "done", "", done, total, 0.0});
    return std::shared_ptr<const LoadedProfile>(loaded);
}

std::vector<std::shared_ptr<const LoadedProfile>> ProfileManager::list() const {
    std::shared_lock lock(m_mutex);
    std::vector<std::shared_ptr<const LoadedProfile>> out;
    for (const auto& [name, p] : m_profiles) {
        out.push_back(p);
    }
    return out;
}

core::Result<std::shared_ptr<const LoadedProfile>>
ProfileManager::get(const std::string& name) const {
    std::shared_lock lock(m_mutex);
    auto it = m_profiles.find(name);
    if (it == m_profiles.end()) {
        return core::notFound("no profile named '" + name + "'");
    }
    return it->second;
}

core::Result<bool> ProfileManager::remove(const std::string& name) {
    std::lock_guard build_lock(m_build_mutex);
    auto deleted = m_store.deleteProfile(name);
    if (!deleted) {
        return deleted.status();
    }
    std::unique_lock lock(m_mutex);
    const bool in_memory = m_profiles.erase(name) > 0;
    return *deleted || in_memory;
}

core::Result<std::string> ProfileManager::exportJson(const std::string& name,
                                                     bool include_head) const {
    auto p = get(name);
    if (!p) {
        return p.status();
    }
    return profile::profileToJson((*p)->profile, include_head).dump(1);
}

core::Result<std::shared_ptr<const LoadedProfile>>
ProfileManager::importJson(const std::string& json, const std::string& name_override,
                           bool replace) {
    nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded()) {
        return core::invalidArgument("the profile document is not valid JSON");
    }
    if (!name_override.empty() && doc.is_object()) {
        doc["name"] = name_override;
    }
    auto parsed = profile::profileFromJson(doc);
    if (!parsed) {
        return parsed.status();
    }
    std::lock_guard build_lock(m_build_mutex);
    if (!replace && get(parsed->name)) {
        return core::Status(core::StatusCode::kAlreadyExists,
                            "a profile named '" + parsed->name +
                                "' exists; import with --replace or --name NEW");
    }
    auto loaded = std::make_shared<LoadedProfile>();
    loaded->profile = std::move(*parsed);
    auto idx = buildIndex(loaded->profile);
    if (!idx) {
        return idx.status();
    }
    loaded->index = std::move(*idx);
    if (auto s = store(*loaded); !s.isOk()) {
        return s;
    }
    publish(loaded);
    return std::shared_ptr<const LoadedProfile>(loaded);
}

core::Result<SimilarAnswer> ProfileManager::similar(const std::string& path,
                                                    const std::string& profile_name, int k,
                                                    const std::function<bool()>& waiter_cancelled) {
    auto p = get(profile_name);
    if (!p) {
        return p.status();
    }
    if (k <= 0) {
        k = 5;
    }
    const auto& prof = (*p)->profile;
    if (auto st = core::checkAudioFilePath(path); !st.isOk()) {
        return st;
    }
    auto hash = m_analysis.contentHash(path, waiter_cancelled);
    if (!hash) {
        return hash.status();
    }
    const std::string key = prof.name + "\n" + prof.updated_at + "\n" + *hash;
    std::optional<std::vector<float>> query;
    {
        std::lock_guard lock(m_query_mutex);
        if (auto it = m_query_cache.find(key); it != m_query_cache.end()) {
            query = it->second;
        }
    }
    if (!query) {
        auto outcome = m_analysis.analyze(path, false, waiter_cancelled, {});
        if (!outcome) {
            return outcome.status();
        }
        auto v = profile::embedTrackInSpace(prof.space, outcome->analysis.embedding);
        if (!v) {
            return core::Status(v.status().code(), path + ": " + v.status().message());
        }
        query = std::move(*v);
        std::lock_guard lock(m_query_mutex);
        if (m_query_cache.size() >= 4096) {
            m_query_cache.clear();
        }
        m_query_cache[key] = *query;
    }
    const auto ts = Clock::now();
    auto found = (*p)->index->search(*query, k);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - ts).count();
    if (!found) {
        return found.status();
    }
    SimilarAnswer answer;
    answer.query_hash = *hash;
    answer.search_path = found->path;
    answer.search_ms = ms;
    auto clusterLabel = [&](int id) -> std::string {
        for (const auto& c : prof.clusters) {
            if (c.id == id) {
                return c.label;
            }
        }
        return "";
    };
    for (const auto& n : found->neighbours) {
        if (n.label >= prof.members.size()) {
            continue;
        }
        const auto& m = prof.members[n.label];
        answer.hits.push_back({m.content_hash, m.path, n.similarity, clusterLabel(m.cluster)});
    }
    double best = -2.0;
    for (const auto& c : prof.clusters) {
        double dot = 0.0;
        for (std::size_t i = 0; i < c.centroid.size() && i < query->size(); ++i) {
            dot += static_cast<double>(c.centroid[i]) * (*query)[i];
        }
        if (dot > best) {
            best = dot;
            answer.cluster = c.id;
            answer.cluster_label = c.label;
        }
    }
    return answer;
}

} // namespace styledna::server
