#include "core/profile/clustering.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <Eigen/Dense>

#include "core/profile/profile_random.hpp"
#include "core/profile/two_workers.hpp"

namespace styledna::profile {

namespace {

using Matrix = std::vector<double>; // n x n, row-major
// The rows as one n x dim matrix (float products are exact in double): the
// distances to k centres, to one centre and between all rows are matrix
// products (vectorised, blocked) instead of n x k separate dot products.
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

RowMatrix toMatrix(const UnitRows& rows) {
    const std::size_t dim = rows.empty() ? 0 : rows.front().size();
    RowMatrix m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(dim));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (std::size_t j = 0; j < dim; ++j) {
            m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
        }
    }
    return m;
}

Eigen::VectorXd toVector(const std::vector<float>& v) {
    Eigen::VectorXd out(static_cast<Eigen::Index>(v.size()));
    for (std::size_t j = 0; j < v.size(); ++j) {
        out(static_cast<Eigen::Index>(j)) = v[j];
    }
    return out;
}

// Rows from which the k-means runs of chooseClusters() use two workers (below,
// a thread costs more than the work).
constexpr std::size_t kParallelRows = 64;

double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double acc = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        acc += static_cast<double>(a[i]) * b[i];
    }
    return acc;
}

Matrix distanceMatrix(const RowMatrix& m) {
    const auto n = static_cast<std::size_t>(m.rows());
    const RowMatrix gram = m * m.transpose();
    Matrix d(n * n, 0.0);
    // The upper triangle, mirrored (exactly symmetric, zero diagonal).
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
            d[i * n + j] = d[j * n + i] =
                1.0 - gram(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
        }
    }
    return d;
}

// s(i) of every row (all 0 when k < 2 or n < 2).
std::vector<double> silhouettesFromMatrix(const Matrix& d, std::size_t n,
                                          const std::vector<int>& assignment, int k) {
    std::vector<double> s(n, 0.0);
    if (k < 2 || n < 2) {
        return s;
    }
    std::vector<int> size(static_cast<std::size_t>(k), 0);
    for (const int c : assignment) {
        ++size[static_cast<std::size_t>(c)];
    }
    std::vector<double> sum(static_cast<std::size_t>(k));
    for (std::size_t i = 0; i < n; ++i) {
        const auto own = static_cast<std::size_t>(assignment[i]);
        if (size[own] < 2) {
            continue; // s(i) = 0
        }
        std::fill(sum.begin(), sum.end(), 0.0);
        for (std::size_t j = 0; j < n; ++j) {
            sum[static_cast<std::size_t>(assignment[j])] += d[i * n + j];
        }
        const double a = sum[own] / (size[own] - 1);
        double b = INFINITY;
        for (std::size_t c = 0; c < sum.size(); ++c) {
            if (c != own && size[c] > 0) {
                b = std::min(b, sum[c] / size[c]);
            }
        }
        if (std::isfinite(b) && std::max(a, b) > 0.0) {
            s[i] = (b - a) / std::max(a, b);
        }
    }
    return s;
}

double mean(const std::vector<double>& values) {
    double total = 0.0;
    for (const double v : values) {
        total += v;
    }
    return values.empty() ? 0.0 : total / static_cast<double>(values.size());
}

// Standard error of the mean of values (sample standard deviation / sqrt(n)).
double standardError(const std::vector<double>& values) {
    const std::size_t n = values.size();
    if (n < 2) {
        return 0.0;
    }
    const double m = mean(values);
    double acc = 0.0;
    for (const double v : values) {
        acc += (v - m) * (v - m);
    }
    return std::sqrt(acc / static_cast<double>(n - 1) / static_cast<double>(n));
}

UnitRows plusPlusInit(const UnitRows& rows, const RowMatrix& m, int k, SplitMix64& rng) {
    const std::size_t n = rows.size();
    UnitRows centres;
    centres.push_back(rows[rng.index(n)]);
    std::vector<double> nearest(n, INFINITY);
    while (static_cast<int>(centres.size()) < k) {
        double total = 0.0;
        const Eigen::VectorXd sim = m * toVector(centres.back());
        for (std::size_t i = 0; i < n; ++i) {
            const double d = 1.0 - sim(static_cast<Eigen::Index>(i));
            nearest[i] = std::min(nearest[i], std::max(0.0, d));
            total += nearest[i] * nearest[i];
        }
        std::size_t pick = n - 1;
        if (total > 0.0) {
            double target = rng.uniform() * total;
            for (std::size_t i = 0; i < n; ++i) {
                target -= nearest[i] * nearest[i];
                if (target < 0.0) {
                    pick = i;
                    break;
                }
            }
        } else {
            pick = rng.index(n);
        }
        centres.push_back(rows[pick]);
    }
    return centres;
}

KMeansResult lloyd(const UnitRows& rows, const RowMatrix& m, UnitRows centres, int max_iterations) {
    const std::size_t n = rows.size();
    const auto k = centres.size();
    KMeansResult r;
    r.assignment.assign(n, -1);
    std::vector<double> dist(n, 0.0);
    RowMatrix c_mat(static_cast<Eigen::Index>(k), m.cols());
    for (int iteration = 0; iteration < std::max(1, max_iterations); ++iteration) {
        bool changed = false;
        for (std::size_t c = 0; c < k; ++c) {
            c_mat.row(static_cast<Eigen::Index>(c)) = toVector(centres[c]).transpose();
        }
        const RowMatrix sim = m * c_mat.transpose(); // n x k
        for (std::size_t i = 0; i < n; ++i) {
            int best = 0;
            double best_d = INFINITY;
            for (std::size_t c = 0; c < k; ++c) {
                const double d =
                    1.0 - sim(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c));
                if (d < best_d) {
                    best_d = d;
                    best = static_cast<int>(c);
                }
            }
            changed = changed || r.assignment[i] != best;
            r.assignment[i] = best;
            dist[i] = best_d;
        }
        if (!changed && iteration > 0) {
            break;
        }
        std::vector<std::vector<int>> members(k);
        for (std::size_t i = 0; i < n; ++i) {
            members[static_cast<std::size_t>(r.assignment[i])].push_back(static_cast<int>(i));
        }
        for (std::size_t c = 0; c < k; ++c) {
            if (members[c].empty()) {
                // The row farthest from its centre, taken from a cluster with others.
                std::size_t far = 0;
                double far_d = -1.0;
                for (std::size_t i = 0; i < n; ++i) {
                    const auto& own = members[static_cast<std::size_t>(r.assignment[i])];
                    if (own.size() > 1 && dist[i] > far_d) {
                        far_d = dist[i];
                        far = i;
                    }
                }
                auto& own = members[static_cast<std::size_t>(r.assignment[far])];
                own.erase(std::find(own.begin(), own.end(), static_cast<int>(far)));
                members[c].push_back(static_cast<int>(far));
                r.assignment[far] = static_cast<int>(c);
                dist[far] = 0.0;
            }
        }
        // Centre = L2(mean of its rows), as normalisedMean() (row sums in double).
        Eigen::RowVectorXd acc(m.cols());
        for (std::size_t c = 0; c < k; ++c) {
            acc.setZero();
            for (const int i : members[c]) {
                acc += m.row(i);
            }
            const double norm = acc.norm();
            if (norm > 0.0) {
                for (Eigen::Index j = 0; j < m.cols(); ++j) {
                    centres[c][static_cast<std::size_t>(j)] = static_cast<float>(acc(j) / norm);
                }
            }
        }
    }
    r.total_distance = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        r.total_distance +=
            cosineDistance(rows[i], centres[static_cast<std::size_t>(r.assignment[i])]);
    }
    r.centroids = std::move(centres);
    return r;
}

} // namespace

double cosineDistance(const std::vector<float>& a, const std::vector<float>& b) {
    return 1.0 - dot(a, b);
}

std::vector<float> normalisedMean(const UnitRows& rows, const std::vector<int>& members) {
    const std::size_t dim = rows.empty() ? 0 : rows.front().size();
    std::vector<double> acc(dim, 0.0);
    for (const int i : members) {
        const auto& row = rows[static_cast<std::size_t>(i)];
        for (std::size_t j = 0; j < dim; ++j) {
            acc[j] += row[j];
        }
    }
    double norm = 0.0;
    for (const double v : acc) {
        norm += v * v;
    }
    norm = std::sqrt(norm);
    std::vector<float> out(dim, 0.0f);
    if (norm > 0.0) {
        for (std::size_t j = 0; j < dim; ++j) {
            out[j] = static_cast<float>(acc[j] / norm);
        }
    }
    return out;
}

double meanSquaredDistance(const UnitRows& rows, const std::vector<int>& members,
                           const std::vector<float>& centre) {
    if (members.empty()) {
        return 0.0;
    }
    double acc = 0.0;
    for (const int i : members) {
        const auto& row = rows[static_cast<std::size_t>(i)];
        for (std::size_t j = 0; j < centre.size(); ++j) {
            const double diff = static_cast<double>(row[j]) - centre[j];
            acc += diff * diff;
        }
    }
    return acc / static_cast<double>(members.size());
}

namespace {

// sphericalKMeans on rows whose matrix m the caller already has.
core::Result<KMeansResult> kMeansOn(const UnitRows& rows, const RowMatrix& m,
                                    const KMeansOptions& options,
                                    const core::CancellationToken& cancel) {
    if (options.k < 1 || rows.size() < static_cast<std::size_t>(options.k)) {
        std::string message = "k-means: need 1 <= k <= rows (k ";
        message.append(std::to_string(options.k))
            .append(", rows ")
            .append(std::to_string(rows.size()))
            .append(")");
        return core::invalidArgument(message);
    }
    KMeansResult best;
    bool have = false;
    for (int r = 0; r < std::max(1, options.restarts); ++r) {
        if (cancel.isCancelled()) {
            return core::cancelledError("profile build cancelled (clustering)");
        }
        SplitMix64 rng(deriveSeed(options.seed,
                                  "kmeans:" + std::to_string(options.k) + ":" + std::to_string(r)));
        auto run = lloyd(rows, m, plusPlusInit(rows, m, options.k, rng), options.max_iterations);
        if (!have || run.total_distance < best.total_distance) {
            best = std::move(run);
            have = true;
        }
    }
    return best;
}

} // namespace

core::Result<KMeansResult> sphericalKMeans(const UnitRows& rows, const KMeansOptions& options,
                                           const core::CancellationToken& cancel) {
    return kMeansOn(rows, toMatrix(rows), options, cancel);
}

double meanSilhouette(const UnitRows& rows, const std::vector<int>& assignment, int k) {
    if (k < 2 || rows.size() < 2) {
        return 0.0;
    }
    return mean(silhouettesFromMatrix(distanceMatrix(toMatrix(rows)), rows.size(), assignment, k));
}

core::Result<ClusterChoice> chooseClusters(const UnitRows& rows, int max_clusters,
                                           std::uint64_t seed,
                                           const core::CancellationToken& cancel) {
    ClusterChoice choice;
    const int n = static_cast<int>(rows.size());
    choice.assignment.assign(rows.size(), 0);
    if (n > 0) {
        std::vector<int> all(rows.size());
        for (int i = 0; i < n; ++i) {
            all[static_cast<std::size_t>(i)] = i;
        }
        choice.centroids = {normalisedMean(rows, all)};
    }
    const int k_max = std::min(max_clusters, n / 3);
    if (n < kMinRowsForClusters || k_max < 2) {
        return choice;
    }
    const RowMatrix m = toMatrix(rows);
    const Matrix d = distanceMatrix(m);
    // Each k is independent (its own seeds): two workers run them, and the
    // choice below reads the results in k order, as a serial loop would.
    const auto n_k = static_cast<std::size_t>(k_max - 1);
    std::vector<std::optional<core::Result<KMeansResult>>> runs(n_k);
    std::vector<double> silhouettes(n_k, 0.0), standard_errors(n_k, 0.0);
    forEachOnTwoWorkers(
        n_k,
        [&](std::size_t i) {
            const int k = static_cast<int>(i) + 2;
            runs[i] = kMeansOn(rows, m, KMeansOptions{k, 10, 100, seed}, cancel);
            if (runs[i]->isOk()) {
                const auto values =
                    silhouettesFromMatrix(d, rows.size(), (*runs[i])->assignment, k);
                silhouettes[i] = mean(values);
                standard_errors[i] = standardError(values);
            }
        },
        rows.size() >= kParallelRows);
    double best_s = -INFINITY;
    std::size_t best = 0;
    for (std::size_t i = 0; i < n_k; ++i) {
        if (!runs[i]->isOk()) {
            return runs[i]->status();
        }
        choice.silhouette_by_k.push_back(silhouettes[i]);
        choice.silhouette_se_by_k.push_back(standard_errors[i]);
        if (silhouettes[i] > best_s) {
            best_s = silhouettes[i];
            best = i;
        }
    }
    // Parsimony: the smallest k whose silhouette is within the tolerance of the
    // best (the best itself when no smaller k is).
    const double tolerance = kSilhouetteToleranceSe * standard_errors[best];
    std::size_t pick = 0;
    while (pick < best && silhouettes[pick] < best_s - tolerance) {
        ++pick;
    }
    if (best_s >= kMinSilhouette) {
        KMeansResult chosen = std::move(*runs[pick]).value();
        choice.k = static_cast<int>(pick) + 2;
        choice.assignment = std::move(chosen.assignment);
        choice.centroids = std::move(chosen.centroids);
        choice.silhouette = silhouettes[pick];
    }
    return choice;
}

double adjustedRandIndex(const std::vector<int>& a, const std::vector<int>& b) {
    if (a.size() != b.size()) {
        return 0.0;
    }
    const std::size_t n = a.size();
    if (n < 2) {
        return 1.0;
    }
    std::map<std::pair<int, int>, double> joint;
    std::map<int, double> rows_a, rows_b;
    for (std::size_t i = 0; i < n; ++i) {
        joint[{a[i], b[i]}] += 1.0;
        rows_a[a[i]] += 1.0;
        rows_b[b[i]] += 1.0;
    }
    const auto pairs = [](double m) { return m * (m - 1.0) / 2.0; };
    double index = 0.0, sum_a = 0.0, sum_b = 0.0;
    for (const auto& [key, m] : joint) {
        index += pairs(m);
    }
    for (const auto& [key, m] : rows_a) {
        sum_a += pairs(m);
    }
    for (const auto& [key, m] : rows_b) {
        sum_b += pairs(m);
    }
    const double expected = sum_a * sum_b / pairs(static_cast<double>(n));
    const double max_index = 0.5 * (sum_a + sum_b);
    if (max_index == expected) {
        return 1.0; // both trivial (all in one cluster, or all singletons)
    }
    return (index - expected) / (max_index - expected);
}

} // namespace styledna::profile
