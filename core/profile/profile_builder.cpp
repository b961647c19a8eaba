// buildProfile(): references -> Profile (steps in profile.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/common/logging.hpp"
#include "core/profile/arrangement_stats.hpp"
#include "core/profile/cluster_label.hpp"
#include "core/profile/clustering.hpp"
#include "core/profile/feature_stats.hpp"
#include "core/profile/feature_weight.hpp"
#include "core/profile/profile.hpp"
#include "core/profile/profile_random.hpp"
#include "core/profile/two_workers.hpp"
#include "core/profile/validator.hpp"

namespace styledna::profile {

namespace {

core::Status cancelled(const char* stage) {
    return core::cancelledError(std::string("profile build cancelled (") + stage + ")");
}

std::string refName(const Reference& r) {
    return r.analysis.path.empty() ? "reference " + r.analysis.content_hash : r.analysis.path;
}

core::Status checkVector(const std::vector<float>& v, std::size_t dim, const std::string& what) {
    if (v.size() != dim) {
        return core::invalidArgument(what + ": " + std::to_string(v.size()) + " values, expected " +
                                     std::to_string(dim));
    }
    for (const float x : v) {
        if (!std::isfinite(x)) {
            return core::invalidArgument(what + ": non-finite value");
        }
    }
    return core::Status::ok();
}

core::Status checkInputs(const std::string& name, const std::vector<const Reference*>& refs,
                         const BuildOptions& options) {
    if (!isValidProfileName(name)) {
        return core::invalidArgument("profile name \"" + name +
                                     "\": use 1-64 characters from A-Z a-z 0-9 _ . -");
    }
    if (refs.empty()) {
        return core::invalidArgument("a profile needs at least one reference track");
    }
    if (options.bootstrap_resamples < 0 || options.max_clusters < 1 ||
        options.segments_per_track < 1) {
        return core::invalidArgument("build options: need bootstrap_resamples >= 0, "
                                     "max_clusters >= 1, segments_per_track >= 1");
    }
    const auto& first = refs.front()->embedding;
    for (const Reference* ref : refs) {
        const Reference& r = *ref;
        const std::string where = refName(r);
        if (r.analysis.content_hash.empty()) {
            return core::invalidArgument(where + ": reference has no content hash");
        }
        const auto& e = r.embedding;
        if (e.empty()) {
            return core::invalidArgument(where + ": no embedding (analyse it with a backbone)");
        }
        if (e.dim <= 0 || e.backbone != first.backbone || e.dim != first.dim) {
            return core::invalidArgument(where + ": embedding " + e.backbone + " (dim " +
                                         std::to_string(e.dim) + ") differs from " +
                                         first.backbone + " (dim " + std::to_string(first.dim) +
                                         ") of the first reference");
        }
        const auto dim = static_cast<std::size_t>(e.dim);
        for (std::size_t s = 0; s < e.segments.size(); ++s) {
            const std::string seg = where + ": segment " + std::to_string(s);
            if (auto st = checkVector(e.segments[s].values, dim, seg); !st.isOk()) {
                return st;
            }
            if (!e.segments[s].augmented.empty()) {
                if (auto st = checkVector(e.segments[s].augmented, dim, seg + " (augmented)");
                    !st.isOk()) {
                    return st;
                }
            }
        }
    }
    return core::Status::ok();
}

// Classes are the user's labels when every reference has one and there are at
// least two; else each track is its own class (an unlabelled library trains).
bool labelledClasses(const std::vector<const Reference*>& refs) {
    std::set<std::string> labels;
    for (const auto* r : refs) {
        if (r->label.empty()) {
            return false;
        }
        labels.insert(r->label);
    }
    return labels.size() >= 2;
}

// The previous profile when an append can build on it: same backbone and dim,
// and a complete standardisation. Else null (a build from scratch).
const Profile* compatiblePrevious(const BuildOptions& options, const EmbeddingSpace& space) {
    const Profile* prev = options.previous;
    const auto dim = static_cast<std::size_t>(space.backbone_dim);
    if (prev && prev->space.backbone == space.backbone &&
        prev->space.backbone_dim == space.backbone_dim && prev->space.mean.size() == dim &&
        prev->space.std.size() == dim && prev->space.weight.size() == dim) {
        return prev;
    }
    return nullptr;
}

bool sameHead(const embed::HeadWeights& a, const embed::HeadWeights& b) {
    return a.input_dim == b.input_dim && a.hidden_dim == b.hidden_dim &&
           a.output_dim == b.output_dim && a.w1 == b.w1 && a.b1 == b.b1 &&
           a.ln_gamma == b.ln_gamma && a.ln_beta == b.ln_beta && a.w2 == b.w2 && a.b2 == b.b2;
}

// Which tracks give training rows, and their classes. From scratch (and on an
// append to a profile whose head learnt track identities): every track; the
// user labels when every track has one (and there are two), else the track.
// On an append to a profile whose head learnt labels: the labelled tracks only,
// by label (an unlabelled one has no class in that head's objective).
struct RowClasses {
    std::vector<int> class_of_track; // -1: no rows
    bool labels = false;
};

RowClasses rowClasses(const std::vector<const Reference*>& refs, const Profile* prev) {
    RowClasses out;
    const bool label_rows_only = prev && prev->head_training.classes == "labels";
    out.labels = label_rows_only || labelledClasses(refs);
    std::set<std::string> label_set;
    for (const auto* r : refs) {
        if (!r->label.empty()) {
            label_set.insert(r->label);
        }
    }
    const std::vector<std::string> labels(label_set.begin(), label_set.end());
    for (std::size_t t = 0; t < refs.size(); ++t) {
        int cls = static_cast<int>(t);
        if (out.labels) {
            cls = refs[t]->label.empty()
                      ? -1
                      : static_cast<int>(
                            std::lower_bound(labels.begin(), labels.end(), refs[t]->label) -
                            labels.begin());
        }
        out.class_of_track.push_back(cls);
    }
    return out;
}

// Space mean/std from the training rows' raw values (kept from the previous
// profile on an append), then the standardised set.
TrainingSet makeTrainingSet(const std::vector<const Reference*>& refs, const BuildOptions& options,
                            const Profile* prev, const RowClasses& classes, EmbeddingSpace& space) {
    const auto dim = static_cast<std::size_t>(space.backbone_dim);
    TrainingSet set;
    set.dim = space.backbone_dim;
    set.seed = options.seed;
    std::set<std::string> previous_hashes;
    if (prev) {
        for (const auto& m : prev->members) {
            previous_hashes.insert(m.content_hash);
        }
    }
    std::set<int> appended;
    std::vector<double> sum(dim, 0.0), sum_sq(dim, 0.0);
    std::size_t rows_wanted = 0;
    for (const Reference* r : refs) {
        rows_wanted +=
            evenlySpaced(r->embedding.segments.size(), options.segments_per_track).size();
    }
    set.x.reserve(rows_wanted * dim);
    set.x_augmented.reserve(rows_wanted * dim);
    for (std::size_t t = 0; t < refs.size(); ++t) {
        const int cls = classes.class_of_track[t];
        if (cls < 0) {
            continue;
        }
        if (prev && previous_hashes.count(refs[t]->analysis.content_hash) == 0) {
            appended.insert(cls);
        }
        const auto& segments = refs[t]->embedding.segments;
        for (const std::size_t s : evenlySpaced(segments.size(), options.segments_per_track)) {
            const auto& seg = segments[s];
            set.x.insert(set.x.end(), seg.values.begin(), seg.values.end());
            const auto& aug = seg.augmented.empty() ? seg.values : seg.augmented;
            set.x_augmented.insert(set.x_augmented.end(), aug.begin(), aug.end());
            set.class_id.push_back(cls);
            set.track_index.push_back(static_cast<int>(t));
            for (std::size_t j = 0; !prev && j < dim; ++j) { // an append keeps mean/std
                sum[j] += seg.values[j];
                sum_sq[j] += static_cast<double>(seg.values[j]) * seg.values[j];
            }
        }
    }
    set.appended_classes.assign(appended.begin(), appended.end());
    const double n = static_cast<double>(set.class_id.size());
    if (prev) {
        space.mean = prev->space.mean;
        space.std = prev->space.std;
        space.weight = prev->space.weight;
        if (prev->space.hasHeadWeights()) {
            set.initial_head = prev->space.head;
        }
    } else {
        space.mean.resize(dim);
        space.std.resize(dim);
        space.weight = blockBalanceWeights(space.backbone, space.backbone_dim);
        for (std::size_t j = 0; j < dim; ++j) {
            const double mean = sum[j] / n;
            const double var = std::max(0.0, sum_sq[j] / n - mean * mean);
            space.mean[j] = static_cast<float>(mean);
            space.std[j] = std::max(kStdFloor, static_cast<float>(std::sqrt(var)));
        }
    }
    for (auto* rows : {&set.x, &set.x_augmented}) {
        for (std::size_t r = 0; r + dim <= rows->size(); r += dim) {
            float* row = rows->data() + r;
            for (std::size_t j = 0; j < dim; ++j) {
                row[j] = (row[j] - space.mean[j]) / space.std[j] * space.weight[j];
            }
        }
    }
    return set;
}

core::Status checkHead(const embed::HeadWeights& head, int backbone_dim) {
    if (head.empty()) {
        return core::Status::ok();
    }
    if (head.input_dim != backbone_dim || head.output_dim <= 0) {
        return core::internalError("trainer returned a head for input dim " +
                                   std::to_string(head.input_dim) + " (backbone dim " +
                                   std::to_string(backbone_dim) + ")");
    }
    return head.validate();
}

// Per-stem statistics (Profile::stem_stats / stem_section_stats, or a
// cluster's) over the references that have each stem. Seeds derive from
// seed_prefix + stem ("stats:stem:" for the whole profile).
struct StemStats {
    std::map<std::string, std::vector<FeatureStats>> whole_track;
    std::map<std::string, std::map<std::string, std::vector<FeatureStats>>> sections;
};

StemStats stemStats(const std::vector<const Reference*>& refs, const BuildOptions& options,
                    const std::string& seed_prefix) {
    std::map<std::string, std::vector<TrackRows>> rows_by_stem;
    for (const auto* r : refs) {
        for (const auto& [stem, features] : r->analysis.stems.stems) {
            rows_by_stem[stem].push_back(trackRows(features));
        }
    }
    StemStats out;
    for (const auto& [stem, rows] : rows_by_stem) {
        std::vector<const TrackRows*> tracks;
        for (const auto& r : rows) {
            tracks.push_back(&r);
        }
        auto table = wholeTrackTable(tracks);
        std::erase_if(table.scalars, [](const auto& entry) {
            return entry.first.rfind(kArrangementPrefix, 0) == 0;
        });
        const std::string key = seed_prefix + stem;
        auto stats =
            tableStats(table, {deriveSeed(options.seed, key), options.bootstrap_resamples});
        applyStemWeights(stats, stem, "");
        out.whole_track[stem] = std::move(stats);
        for (const auto& [label, section_table] : sectionTables(tracks)) {
            std::string section_key = key;
            section_key.append(":section:").append(label);
            auto section = tableStats(section_table, {deriveSeed(options.seed, section_key),
                                                      options.bootstrap_resamples});
            applyStemWeights(section, stem, label);
            out.sections[stem][label] = std::move(section);
        }
    }
    return out;
}

Cluster makeCluster(int id, const ClusterChoice& choice, const UnitRows& rows,
                    const std::vector<const Reference*>& refs,
                    const std::vector<TrackRows>& track_rows, const std::vector<Member>& members,
                    const Profile& profile, const BuildOptions& options) {
    Cluster c;
    c.id = id;
    std::vector<int> idx;
    std::vector<const TrackRows*> features, rest;
    std::vector<const Reference*> member_refs;
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (choice.assignment[i] == id) {
            idx.push_back(static_cast<int>(i));
            member_refs.push_back(refs[i]);
            c.member_hashes.push_back(members[i].content_hash);
            features.push_back(&track_rows[i]);
            labels.push_back(members[i].label);
        } else {
            rest.push_back(&track_rows[i]);
        }
    }
    c.centroid = normalisedMean(rows, idx);
    c.variance = meanSquaredDistance(rows, idx, c.centroid);
    c.stats = tableStats(wholeTrackTable(features),
                         {deriveSeed(options.seed, "stats:cluster:" + std::to_string(id)),
                          options.bootstrap_resamples});
    applyWeights(c.stats, "");
    for (const auto& [label, table] : sectionTables(features)) {
        std::string key = "stats:cluster:";
        key.append(std::to_string(id)).append(":section:").append(label);
        auto stats =
            tableStats(table, {deriveSeed(options.seed, key), options.bootstrap_resamples});
        applyWeights(stats, label);
        c.section_stats[label] = std::move(stats);
    }
    std::string stem_key = "stats:cluster:";
    stem_key.append(std::to_string(id)).append(":stem:");
    auto stems = stemStats(member_refs, options, stem_key);
    c.stem_stats = std::move(stems.whole_track);
    c.stem_section_stats = std::move(stems.sections);
    const auto rest_stats = tableStats(wholeTrackTable(rest), {0, 0}); // medians only
    c.label = clusterLabel(id, labels, c.stats, rest_stats, profile.stats);
    return c;
}

// Wall time of each stage, logged once per build (where a build's time goes).
class StageClock {
public:
    void mark(const char* stage) {
        const auto now = std::chrono::steady_clock::now();
        m_text.append(m_text.empty() ? "" : ", ")
            .append(stage)
            .append(" ")
            .append(
                std::to_string(std::chrono::duration<double>(now - m_last).count()).substr(0, 5))
            .append(" s");
        m_last = now;
    }
    const std::string& text() const { return m_text; }

private:
    std::chrono::steady_clock::time_point m_last = std::chrono::steady_clock::now();
    std::string m_text;
};

} // namespace

core::Status validateProfileName(const std::string& name) {
    if (name.empty()) {
        return core::invalidArgument("profile name is empty");
    }
    if (name.size() > 64) {
        return core::invalidArgument("profile name '" + name.substr(0, 64) +
                                     "...' is longer than 64 characters");
    }
    if (name.front() == '.' || name.front() == '-') {
        return core::invalidArgument("profile name '" + name + "' must not start with '.' or '-'");
    }
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        if (!ok) {
            return core::invalidArgument("profile name '" + name +
                                         "' may only contain letters, digits, '_', '.' and '-'");
        }
    }
    return core::Status::ok();
}

bool isValidProfileName(const std::string& name) {
    return validateProfileName(name).isOk();
}

core::Result<Profile> buildProfile(const std::string& name, const std::vector<Reference>& refs,
                                   const BuildOptions& options,
                                   const core::CancellationToken& cancel,
                                   const core::ProgressFn& progress) {
    std::vector<const Reference*> pointers;
    pointers.reserve(refs.size());
    for (const auto& r : refs) {
        pointers.push_back(&r);
    }
    return buildProfile(name, pointers, options, cancel, progress);
}

core::Result<Profile> buildProfile(const std::string& name,
                                   const std::vector<const Reference*>& refs,
                                   const BuildOptions& options,
                                   const core::CancellationToken& cancel,
                                   const core::ProgressFn& progress) {
    StageClock clock;
    if (auto st = checkInputs(name, refs, options); !st.isOk()) {
        return st;
    }
    clock.mark("checks");
    core::reportProgress(progress, 0.0, "training_set");
    std::vector<const Reference*> distinct;
    std::set<std::string> seen;
    for (const Reference* r : refs) {
        if (seen.insert(r->analysis.content_hash).second) {
            distinct.push_back(r);
        }
    }
    Profile profile;
    profile.name = name;
    profile.seed = options.seed;
    profile.space.backbone = distinct.front()->embedding.backbone;
    profile.space.backbone_dim = distinct.front()->embedding.dim;
    const Profile* prev = compatiblePrevious(options, profile.space);
    const RowClasses classes = rowClasses(distinct, prev);
    TrainingSet training = makeTrainingSet(distinct, options, prev, classes, profile.space);
    clock.mark("training set");

    // An append that brings no training row (see Append in profile.hpp) keeps the
    // previous head and its report untouched.
    const bool keep_head = prev && prev->space.hasHeadWeights() && options.trainer &&
                           training.appended_classes.empty();
    if (keep_head) {
        profile.space.head = prev->space.head;
        profile.head_training = prev->head_training;
        core::logger("profile")->info("profile {}: append adds no training row for the head "
                                      "(classes: {}); head kept",
                                      name, prev->head_training.classes);
    } else if (options.trainer) {
        if (cancel.isCancelled()) {
            return cancelled("training");
        }
        core::reportProgress(progress, 0.05, "training");
        const core::ProgressFn sub = [&progress](double f, std::string_view) {
            core::reportProgress(progress, 0.05 + 0.5 * std::clamp(f, 0.0, 1.0), "training");
        };
        auto head = options.trainer(std::move(training), cancel, sub); // not read after
        if (!head.isOk()) {
            return head.status();
        }
        if (auto st = checkHead(head->weights, profile.space.backbone_dim); !st.isOk()) {
            return st;
        }
        profile.head_training = std::move(head->info);
        profile.head_training.classes = classes.labels ? "labels" : "track_identity";
        profile.space.head = std::move(head->weights);
    }

    clock.mark("head");
    core::reportProgress(progress, 0.6, "embedding");
    // Tracks are embedded independently (two workers; each result lands in its own
    // slot, so the outcome does not depend on the interleaving).
    // On an append whose space and head are the previous ones, a previous member's
    // stored embedding is what embedTrackInSpace() would return again.
    std::map<std::string, const std::vector<float>*> reusable;
    if (prev && sameHead(profile.space.head, prev->space.head)) {
        for (const auto& m : prev->members) {
            if (m.embedding.size() == static_cast<std::size_t>(profile.space.dim())) {
                reusable[m.content_hash] = &m.embedding;
            }
        }
    }
    std::vector<std::optional<core::Result<std::vector<float>>>> embedded(distinct.size());
    std::size_t reused = 0;
    for (std::size_t t = 0; t < distinct.size(); ++t) {
        if (auto it = reusable.find(distinct[t]->analysis.content_hash); it != reusable.end()) {
            embedded[t] = *it->second;
            ++reused;
        }
    }
    // The head validated and packed once for every member (not once per track).
    std::optional<embed::PreparedHead> prepared;
    if (profile.space.hasHeadWeights() && reused < distinct.size()) {
        auto p = embed::PreparedHead::prepare(profile.space.head);
        if (!p.isOk()) {
            return p.status();
        }
        prepared = std::move(p).value();
    }
    forEachOnTwoWorkers(distinct.size(), [&](std::size_t t) {
        if (!embedded[t] && !cancel.isCancelled()) {
            embedded[t] = embedTrackInSpace(profile.space, distinct[t]->embedding,
                                            prepared ? &*prepared : nullptr);
        }
    });
    if (prev) {
        core::logger("profile")->info("profile {}: append: {} of {} member embeddings kept, "
                                      "{} computed",
                                      name, reused, distinct.size(), distinct.size() - reused);
    }
    UnitRows rows;
    for (std::size_t t = 0; t < distinct.size(); ++t) {
        if (cancel.isCancelled() || !embedded[t]) {
            return cancelled("embedding");
        }
        const auto& r = *distinct[t];
        auto& embedding = *embedded[t];
        if (!embedding.isOk()) {
            return core::Status(embedding.status().code(),
                                refName(r) + ": " + embedding.status().message());
        }
        Member m;
        m.content_hash = r.analysis.content_hash;
        m.path = r.analysis.path;
        m.label = r.label;
        m.sample_rate_hz = r.analysis.format.sample_rate_hz;
        m.embedding = std::move(embedding).value();
        rows.push_back(m.embedding);
        profile.members.push_back(std::move(m));
    }

    clock.mark("embedding");
    core::reportProgress(progress, 0.7, "clustering");
    auto choice =
        chooseClusters(rows, options.max_clusters, deriveSeed(options.seed, "clusters"), cancel);
    if (!choice.isOk()) {
        return choice.status();
    }
    profile.cluster_silhouette = choice->k > 1 ? choice->silhouette : 0.0;
    for (std::size_t i = 0; i < profile.members.size(); ++i) {
        profile.members[i].cluster = choice->assignment[i];
    }

    clock.mark("clusters");
    core::reportProgress(progress, 0.8, "statistics");
    if (cancel.isCancelled()) {
        return cancelled("statistics");
    }
    // Each member's rows once (the whole profile's tables and every cluster's and
    // its complement's are made of them).
    std::vector<TrackRows> track_rows(distinct.size());
    forEachOnTwoWorkers(distinct.size(), [&](std::size_t t) {
        track_rows[t] = trackRows(distinct[t]->analysis.features);
    });
    std::vector<const TrackRows*> features;
    for (const auto& r : track_rows) {
        features.push_back(&r);
    }
    profile.stats = tableStats(wholeTrackTable(features), {deriveSeed(options.seed, "stats:track"),
                                                           options.bootstrap_resamples});
    applyWeights(profile.stats, "");
    clock.mark("statistics: whole track");
    for (const auto& [label, table] : sectionTables(features)) {
        auto stats = tableStats(table, {deriveSeed(options.seed, "stats:section:" + label),
                                        options.bootstrap_resamples});
        applyWeights(stats, label);
        profile.section_stats[label] = std::move(stats);
    }
    clock.mark("sections");
    auto stems = stemStats(distinct, options, "stats:stem:");
    profile.stem_stats = std::move(stems.whole_track);
    profile.stem_section_stats = std::move(stems.sections);
    clock.mark("stems");
    // Clusters are independent (their own seeds; they read the finished
    // profile.stats): two workers, each result in its own slot.
    std::vector<Cluster> clusters(static_cast<std::size_t>(choice->k));
    forEachOnTwoWorkers(clusters.size(), [&](std::size_t c) {
        if (!cancel.isCancelled()) {
            clusters[c] = makeCluster(static_cast<int>(c), *choice, rows, distinct, track_rows,
                                      profile.members, profile, options);
        }
    });
    if (cancel.isCancelled()) {
        return cancelled("statistics");
    }
    profile.clusters = std::move(clusters);

    clock.mark("cluster statistics");
    core::reportProgress(progress, 0.95, "validation");
    profile.validation = validateReferences(refs, profile.members, profile.clusters);
    clock.mark("validation");
    core::logger("profile")->info("profile {}: {} members, {} clusters (silhouette {:.3f}), "
                                  "{} features, {} validation issues",
                                  name, profile.members.size(), profile.clusters.size(),
                                  profile.cluster_silhouette, profile.stats.size(),
                                  profile.validation.size());
    core::logger("profile")->info("profile {}: stage times: {}", name, clock.text());
    core::reportProgress(progress, 1.0, "done");
    return profile;
}

} // namespace styledna::profile
