#pragma once
// Profile: a producer's Style DNA, learned from reference tracks.
//
// Built by buildProfile() from analysed references (features + backbone
// embeddings, core/analysis): per-feature statistics over the whole track and
// per section type, arrangement statistics, sub-style clusters in the
// embedding space, a validator's findings, and each member's final embedding
// (the projection head's output when a head was trained, else the
// standardised backbone vector; unit L2 norm either way).
// Serialised as a versioned JSON document (profile_json.hpp) for the store and
// for export/import.
// Threads: plain data; buildProfile() is a pure function of its inputs and the
// seed (two builds with the same inputs and seed are identical).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/analysis/track_analysis.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "core/embed/projection_head.hpp"
#include "core/embed/track_embedding.hpp"

namespace styledna::profile {

inline constexpr int kProfileFormatVersion = 2; // 2: space.weight

struct FeatureStats {
    std::string name;
    std::string unit;
    bool categorical = false;
    int count = 0;
    double mean = 0, std = 0, median = 0;
    double p5 = 0, p10 = 0, p25 = 0, p75 = 0, p90 = 0, p95 = 0;
    double median_ci_low = 0, median_ci_high = 0; // seeded bootstrap, 90 %
    double range_low = 0, range_high = 0;         // acceptable range
    double weight = 0;                            // 0..1, how defining for this style
    std::string weight_basis;                     // feature_weight.hpp kWeightBasis*
    std::map<std::string, int> distribution;      // categorical features only
};

struct ValidationIssue {
    std::string severity; // info | warning | error
    std::string code; // too_few_references, duplicate, outlier, mixed_sample_rates, clipped, silent
    std::string message;
    std::string path;
};

struct Cluster {
    int id = 0;
    std::string label; // user label when the members share one, else defining features
    std::vector<std::string> member_hashes;
    std::vector<float> centroid; // unit norm, in the final embedding space
    double variance = 0;         // mean squared distance of members to the centroid
    std::vector<FeatureStats> stats;
    // The members' per-section statistics (section label -> stats, as
    // Profile::section_stats over the members only).
    std::map<std::string, std::vector<FeatureStats>> section_stats;
    // The members' per-stem statistics (as Profile::stem_stats /
    // stem_section_stats over the members that have the stem; empty when no
    // member has stems, and in profiles built before them). A sub-style's
    // stems differ from the library's (a psy bass holds more low mids than an
    // uplifting one), so the gap analyzer judges stems against these when
    // enough members have the stem (gap_analyzer.cpp).
    std::map<std::string, std::vector<FeatureStats>> stem_stats;
    std::map<std::string, std::map<std::string, std::vector<FeatureStats>>> stem_section_stats;
};

struct Member {
    std::string content_hash;
    std::string path;
    std::string label; // user's sub-style label, "" when none
    int cluster = -1;
    double sample_rate_hz = 0;
    std::vector<float> embedding; // final space, unit norm
};

// How a backbone vector becomes a final embedding:
//   z = (x - mean) / std * weight  per dimension, then head (when present) or
//   L2 norm. mean and std are the reference segments' (the training rows');
//   weight balances the backbone's blocks (blockBalanceWeights): every
//   dimension of a block of d dimensions weighs 1 / sqrt(d), so each block
//   adds the same expected share to a squared distance, whatever its size
//   (without it the 91 MFCC covariances outvote the one tempo dimension).
//   A backbone without a published block layout gets weight 1 everywhere.
// A profile exported without its head (profileToJson(..., false)) keeps the
// head's dims but no weights: dim() still names the members' space, and
// embedInSpace() refuses (failedPrecondition) until the weights are restored.
struct EmbeddingSpace {
    std::string backbone;
    int backbone_dim = 0;
    std::vector<float> mean, std;
    std::vector<float> weight; // backbone_dim values > 0
    embed::HeadWeights head;   // empty: backbone only
    int dim() const { return head.empty() ? backbone_dim : head.output_dim; }
    bool hasHeadWeights() const { return !head.empty() && !head.w1.empty(); }
};

// What the trainer reports about its run (kept in the profile and shown by
// `styledna profile show`).
struct HeadTrainingInfo {
    std::string classes; // "labels" | "track_identity"; "" when no head was trained
    int epochs = 0, best_epoch = 0;
    double train_loss = 0, validation_loss = 0, validation_precision = 0;
    double seconds = 0;
    std::int64_t parameters = 0;
};
struct Profile {
    std::string name;
    std::string created_at, updated_at; // ISO 8601 UTC, set by the caller
    std::uint64_t seed = 0;
    std::vector<FeatureStats> stats; // whole track, incl. arrangement ("arrangement.*")
    std::map<std::string, std::vector<FeatureStats>> section_stats; // section label ->
    // Per-stem statistics, from the references' TrackAnalysis::stems (only the
    // references that have the stem count; empty when no reference had stems):
    //   stem_stats:         stem ("drums" | "bass" | "other") -> whole-track
    //                       statistics of that stem's features (no
    //                       "arrangement.*": the arrangement is the mix's);
    //   stem_section_stats: stem -> section label -> statistics over the
    //                       stem's per-section values (same rule as section_stats).
    // Same statistics and weights as the mix's (feature_weight.hpp, applyStemWeights).
    std::map<std::string, std::vector<FeatureStats>> stem_stats;
    std::map<std::string, std::map<std::string, std::vector<FeatureStats>>> stem_section_stats;
    std::vector<Cluster> clusters;
    double cluster_silhouette = 0;           // of the chosen k (0 when k = 1)
    std::vector<ValidationIssue> validation; // validator.hpp
    std::vector<Member> members;
    EmbeddingSpace space;
    HeadTrainingInfo head_training;
};

// One reference track. `embedding` is the backbone's view of the track
// (core/embed/track_embedding.hpp); it lives here, not in `analysis`, until the
// analysis carries it (the integrator fills it from TrackAnalysis then).
// Every reference of one build must share the backbone name and dim and have
// at least one segment; content_hash must be non-empty (it identifies members).
struct Reference {
    std::string label; // user label or ""
    core::TrackAnalysis analysis;
    embed::TrackEmbedding embedding;
};

// Training material for the projection head: standardised backbone segment
// vectors (n x dim, row-major) with one augmented view each, the class of
// each row (user label index, or the track's index when unlabelled) and the
// track each row came from (for a held-out split by track).
struct TrainingSet {
    int dim = 0;
    std::vector<float> x, x_augmented;
    std::vector<int> class_id, track_index;
    std::uint64_t seed = 0;
    embed::HeadWeights initial_head; // warm start (append); empty: train from scratch
    // Append: the classes of the tracks the append adds (sorted, distinct), so a
    // fine-tune can draw them into every batch; empty when not an append.
    std::vector<int> appended_classes;
};
struct TrainedHead {
    embed::HeadWeights weights;
    HeadTrainingInfo info;
};
// The set is passed by value: buildProfile() moves its rows in (tens of MB at
// 1,000 members), so a trainer can keep them without a copy.
using HeadTrainer = std::function<core::Result<TrainedHead>(
    TrainingSet, const core::CancellationToken&, const core::ProgressFn&)>;

struct BuildOptions {
    std::uint64_t seed = 0;
    HeadTrainer trainer; // empty: no head (backbone-only embeddings)
    int bootstrap_resamples = 1000;
    int max_clusters = 8;
    int segments_per_track = 20; // training rows per track (evenly spaced)
    // Append (`profile build --append`): the existing profile, whose members are
    // among the references (same content hashes) and the rest are appended.
    // Null: a build from scratch. Ignored when its backbone or dim differs from
    // the references'. What an append keeps and what it recomputes is listed
    // under "Append" below.
    const Profile* previous = nullptr;
};

// Steps (profile_builder.cpp):
//  1. checks: name valid (isValidProfileName), at least one reference, every
//     reference with a content hash and an embedding of one backbone and dim,
//     finite values; options in range. Else invalidArgument naming the path.
//     References with a content hash seen before are dropped (the validator
//     reports them as duplicates); the first one of each hash is the member.
//  2. training rows: segments_per_track segments per track, evenly spaced
//     (index floor((i + 0.5) m / s) of m segments; all of them when m <= s).
//     space.mean / space.std: per dimension over those rows (population std,
//     floored at kStdFloor; taken from the previous profile on an append,
//     whose head then warm-starts the trainer; see Append). class_id = index of the user label in
//     the sorted label set when every reference has a label, else the track index.
//  3. trainer (when set) -> head; its dims must match (input_dim = backbone dim).
//  4. member embedding = embedTrackInSpace() over ALL the track's segments
//     (tracks on two threads; each is independent, so the result is the same).
//  5. clusters (clustering.hpp: k = 2..8 by the silhouette with a parsimony
//     tolerance, or 1), statistics and weights (feature_stats.hpp,
//     feature_weight.hpp) of the mix and of each stem, over all members and
//     over each cluster's, cluster labels (cluster_label.hpp), validator
//     (validator.hpp).
// Append (options.previous set): the result is NOT the profile a build from
// scratch of the same references would give; it differs where re-learning is
// costly, and equals it where the computation is exact and cheap:
//   kept from the previous profile: space.mean / std / weight (the members'
//     space does not drift);
//   head: warm-started from the previous head's weights and fine-tuned briefly
//     (the trainer's append schedule, models/profile_head_trainer.hpp) on the
//     rows of every member, classes as the previous head's: when it was
//     trained on labels ("labels"), unlabelled tracks are left out of the rows
//     (they have no class), and when no appended track has a row then (e.g.
//     an unlabelled track appended to a labelled profile) the head and its
//     training report are kept as they are, untrained;
//   member embeddings: when the head is unchanged (kept, or a trainer that
//     returned the same weights), each previous member keeps its stored
//     embedding (what step 4 would compute again) and only the appended
//     tracks are embedded; a changed head re-embeds every member;
//   recomputed exactly as from scratch over all members: clusters (k-means
//     and silhouette on all rows), every statistic and weight (percentiles,
//     the seeded bootstrap), cluster labels, validation.
// A build without --append over the same references retrains the head from
// scratch and refits the standardisation.
// Progress stages: "training_set", "training", "embedding", "clustering",
// "statistics", "validation", "done". Cancellation is checked between stages,
// per track and per k-means restart; a cancelled build returns cancelledError.
// Seeds: every random draw derives from options.seed (profile_random.hpp).
inline constexpr float kStdFloor = 1e-6f;

core::Result<Profile> buildProfile(const std::string& name, const std::vector<Reference>& refs,
                                   const BuildOptions& options,
                                   const core::CancellationToken& cancel = {},
                                   const core::ProgressFn& progress = {});
// The same over references the caller owns elsewhere (the daemon shares an
// append's existing members with the profile it replaces instead of copying
// them: ~0.9 s for 1,000 five-minute references). No pointer may be null.
core::Result<Profile> buildProfile(const std::string& name,
                                   const std::vector<const Reference*>& refs,
                                   const BuildOptions& options,
                                   const core::CancellationToken& cancel = {},
                                   const core::ProgressFn& progress = {});

// Final embedding of one backbone vector (dim floats) in the profile's space.
// Per-dimension weights of a backbone's block layout (see EmbeddingSpace):
// 1 / sqrt(block dim) for "descriptor-v2" (embed::kDescriptorBlocks), 1 for
// any other backbone.
std::vector<float> blockBalanceWeights(const std::string& backbone, int backbone_dim);

core::Result<std::vector<float>> embedInSpace(const EmbeddingSpace& space,
                                              const std::vector<float>& backbone_vector);

// Indices of `wanted` segments evenly spaced over m: floor((i + 0.5) m / wanted)
// for i < wanted; all of 0..m-1 when m <= wanted.
std::vector<std::size_t> evenlySpaced(std::size_t m, int wanted);

// A track's final embedding, as buildProfile() computes each member's:
// L2(mean over ALL segments of the final per-segment vectors), where a final
// per-segment vector is head(z) with a head, else L2(z). Fails on an empty
// embedding or a segment whose size is not backbone_dim. (Pooling at most 32
// evenly spaced segments was tried to bound an unlabelled --append's
// re-embedding of every member on five-minute tracks, ~150 segments each:
// the gap quality suite's muddy_bass WIPs then fell from 4/4 to 2/4 found.
// The head's vector kernels (core/embed/head_kernels.hpp) bound it instead:
// 1,000 such members in 0.35 s on two workers.)
// `prepared`: space.head prepared once by a caller embedding many tracks (null:
// prepared per call); it must be that head (dims checked, else internalError).
core::Result<std::vector<float>> embedTrackInSpace(const EmbeddingSpace& space,
                                                   const embed::TrackEmbedding& embedding,
                                                   const embed::PreparedHead* prepared = nullptr);

// Profile names: 1-64 characters of [A-Za-z0-9_.-], not starting with '.' or
// '-' (the one rule for builds, imports and every RPC); the Status says which
// part is wrong.
core::Status validateProfileName(const std::string& name);
bool isValidProfileName(const std::string& name);

} // namespace styledna::profile
