#pragma once
// Sub-style clusters of a profile's members in the final embedding space.
//
// Rows are unit vectors (the members' final embeddings, all of one dim);
// distance is the cosine distance d(a, b) = 1 - a.b.
//
// sphericalKMeans(k): k-means++ initialisation (first centre uniform, each
// next one drawn with probability proportional to d(x, nearest centre)^2),
// then Lloyd iterations: assign each row to its nearest centre (lowest index
// on ties), centre = L2(mean of its rows); a cluster left empty takes the row
// farthest from its centre. Stops when no assignment changes or after
// max_iterations. `restarts` runs (seeds deriveSeed(seed, "kmeans:<k>:<r>")),
// the one with the lowest sum of d(row, its centre) kept (earliest on ties).
//
// silhouette (Rousseeuw 1987) with d: s(i) = (b - a) / max(a, b), a the mean d
// to the rest of i's cluster, b the lowest mean d to another cluster; s(i) = 0
// for a row alone in its cluster; the mean over rows.
//
// chooseClusters: k = 1 when n < kMinRowsForClusters (6); else k-means for
// k = 2 .. min(max_clusters, n / 3) (at least three members per cluster on
// average), then a parsimony rule: with s* the highest mean silhouette (at
// k*, the smallest k on ties) and se* the standard error of that mean (sd of
// the rows' s(i) / sqrt(n)), the smallest k whose mean silhouette is at least
// s* - kSilhouetteToleranceSe (0.5) x se*; k = 1 when s* is below
// kMinSilhouette = 0.25 (Kaufman & Rousseeuw's bound under which "no
// substantial structure has been found"; the chosen k's silhouette may then
// be up to the tolerance below it).
// Why: a split of a real cluster, or an over-split into 5-8, often scores a
// hair above the true k. On the style DNA quality draws (four styles, 48
// references, test_style_dna_quality.cpp's tuning harness; build seeds 3-5,
// unlabelled, ARI against the styles, mean of the seeds), highest silhouette
// -> this rule: head space 41000 0.91 -> 0.91, 52000 0.98 -> 0.98, 63000
// 0.93 -> 0.93, 74000 0.96 -> 0.96, 85000 0.81 -> 0.86 (seed 3: k 8 -> 4,
// ARI 0.65 -> 0.80); backbone space 41000 0.86 -> 0.87, 52000 0.83 -> 0.88,
// 63000 0.94 -> 0.94, 74000 0.94 -> 1.00, 85000 0.30 -> 0.30 (k = 2 either
// way); no build's ARI dropped. Report draw 31000: head 0.93 -> 0.94 (seed
// 5: k 5 -> 4), backbone 0.85 and labelled 1.00 unchanged.
// The tolerance: se* is 0.025-0.045 at n = 48, so 0.5 se* is ~0.015. A fixed
// 0.02 did as well in head space but took 63000's backbone space to k = 2
// (0.487 against 0.505 at k = 4; ARI 0.94 -> 0.35); one se* took 52000's and
// 74000's (seed 5) backbone space to k = 2 as well, a fixed 0.03 52000's.
// The draws leave a window from ~0.010 (85000's k = 8 over k = 4) to ~0.018
// (63000's k = 4 over k = 2). Scaling with se* makes the rule stricter as n
// grows, when a small lead is less likely to be noise. The gap statistic and
// a BIC on the spherical model were not tried.
// Known limits: a single blob that is flat (nearly 2-D on the sphere) can
// score 0.3-0.4 at k = 2; in the backbones' high-dimensional spaces a single
// Gaussian blob scores 0.15-0.21 (16-D, 60 draws), under the bound. The
// silhouette favours the coarsest well-separated level (and the parsimony
// rule leans the same way): two sub-styles ~50 degrees apart next to a third
// far from both can read as k = 2.
// Cost: the distances of a Lloyd step, of k-means++ and the silhouettes' n x n
// matrix are products of the rows' n x dim matrix (Eigen, double); at 1,000
// rows of 256 dims chooseClusters() takes ~0.1 s where one dot product per
// pair took 0.87 s (an --append to a 1,000-member profile re-clusters).
// Threads: pure functions; chooseClusters() runs its k values on two workers
// (forEachOnTwoWorkers: same result as one). Cancellation checked per k-means
// run.

#include <cstdint>
#include <vector>

#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"

namespace styledna::profile {

inline constexpr int kMinRowsForClusters = 6;
inline constexpr double kMinSilhouette = 0.25;
inline constexpr double kSilhouetteToleranceSe = 0.5;

using UnitRows = std::vector<std::vector<float>>;

struct KMeansOptions {
    int k = 2;
    int restarts = 10;
    int max_iterations = 100;
    std::uint64_t seed = 0;
};

struct KMeansResult {
    std::vector<int> assignment; // cluster of each row, 0 .. k-1
    UnitRows centroids;          // k unit vectors
    double total_distance = 0.0; // sum of d(row, its centre)
};

double cosineDistance(const std::vector<float>& a, const std::vector<float>& b);

// rows: n >= k >= 1 unit vectors of one dim.
core::Result<KMeansResult> sphericalKMeans(const UnitRows& rows, const KMeansOptions& options,
                                           const core::CancellationToken& cancel = {});

// Mean silhouette of an assignment into k clusters (0 when k < 2 or n < 2).
double meanSilhouette(const UnitRows& rows, const std::vector<int>& assignment, int k);

struct ClusterChoice {
    int k = 1;
    std::vector<int> assignment;
    UnitRows centroids;
    double silhouette = 0.0;             // of the chosen k; 0 when k = 1
    std::vector<double> silhouette_by_k; // [k - 2] for each k tried (mean)
    // [k - 2]: standard error of that mean (sd of the rows' s(i) / sqrt(n)).
    std::vector<double> silhouette_se_by_k;
};

core::Result<ClusterChoice> chooseClusters(const UnitRows& rows, int max_clusters,
                                           std::uint64_t seed,
                                           const core::CancellationToken& cancel = {});

// Hubert & Arabie's adjusted Rand index of two labelings of the same items
// (1 identical up to renaming, ~0 for chance); 1 when both put everything in
// one cluster or there are fewer than two items. Sizes must match (else 0).
double adjustedRandIndex(const std::vector<int>& a, const std::vector<int>& b);

// Unit-norm mean of rows (zero vector when they cancel out); rows non-empty.
std::vector<float> normalisedMean(const UnitRows& rows, const std::vector<int>& members);

// Mean squared Euclidean distance of the listed rows to `centre`.
double meanSquaredDistance(const UnitRows& rows, const std::vector<int>& members,
                           const std::vector<float>& centre);

} // namespace styledna::profile
