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
// average), the k with the highest mean silhouette (smallest k on ties), and
// k = 1 when that silhouette is below kMinSilhouette = 0.25 (Kaufman &
// Rousseeuw's bound under which "no substantial structure has been found").
// Known limits: a single blob that is flat (nearly 2-D on the sphere) can
// score 0.3-0.4 at k = 2; in the backbones' high-dimensional spaces a single
// Gaussian blob scores 0.15-0.21 (16-D, 60 draws), under the bound. The
// silhouette favours the coarsest well-separated level: two sub-styles ~50
// degrees apart next to a third far from both can read as k = 2.
// Threads: pure functions; chooseClusters() runs its k values and the distance
// matrix on two workers (forEachOnTwoWorkers: same result as one). Cancellation
// checked per k-means run.

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
    std::vector<double> silhouette_by_k; // [k - 2] for each k tried
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
