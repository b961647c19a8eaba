// Benchmark: projection-head training on a reference-set-sized problem.
//
// The budget: training on 215 tracks x 20 segments of 300-500 backbone
// dimensions takes <= 60 s on 2 cores. The data are synthetic, shaped like an
// unlabelled reference set (class = track, as buildProfile() passes it): 12
// sub-styles whose signal lives in 16 of the dimensions, a per-track offset,
// per-segment noise, one augmented view per segment; standardised per dimension.
// With --labels N the class is the track's sub-style modulo N instead (as a build
// with --labels-from-folders passes it: N folders).
// Prints wall time, epochs, steps, ms per step and the validation figures with
// the trainer's defaults (or the overrides given). Never asserts on time.
//
// Usage: bench_head_trainer [--tracks N] [--segments N] [--dim D] [--threads T]
//                           [--epochs E] [--steps S] [--patience P] [--lr X]
//                           [--neighbours N] [--seed S] [--labels N] [--converged X]
//                           [--min-gain-se Z]
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "models/head_trainer.hpp"

namespace {

using namespace styledna;

models::HeadTrainingData makeData(int tracks, int segments, int dim, std::uint64_t seed,
                                  int labels) {
    constexpr int kStyles = 12;
    constexpr int kSignalDims = 16;
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> style_means(kStyles * kSignalDims);
    for (auto& m : style_means) {
        m = 1.5f * normal(rng);
    }
    models::HeadTrainingData d;
    d.dim = dim;
    d.seed = seed;
    for (int t = 0; t < tracks; ++t) {
        const int style = t % kStyles;
        std::vector<float> offset(static_cast<std::size_t>(dim));
        for (auto& o : offset) {
            o = 0.5f * normal(rng);
        }
        for (int s = 0; s < segments; ++s) {
            for (int k = 0; k < dim; ++k) {
                const float signal = k < kSignalDims ? style_means[style * kSignalDims + k] : 0.0f;
                const float v = signal + offset[k] + normal(rng);
                d.x.push_back(v);
                d.x_augmented.push_back(v + 0.3f * normal(rng));
            }
            d.class_id.push_back(labels > 0 ? style % labels : t);
            d.track_index.push_back(t);
        }
    }
    const std::size_t n = d.class_id.size();
    for (int k = 0; k < dim; ++k) {
        double sum = 0, sum2 = 0;
        for (std::size_t r = 0; r < n; ++r) {
            sum += d.x[r * dim + k];
            sum2 += static_cast<double>(d.x[r * dim + k]) * d.x[r * dim + k];
        }
        const double mean = sum / n;
        const double sd = std::sqrt(std::max(sum2 / n - mean * mean, 1e-12));
        for (std::size_t r = 0; r < n; ++r) {
            d.x[r * dim + k] = static_cast<float>((d.x[r * dim + k] - mean) / sd);
            d.x_augmented[r * dim + k] =
                static_cast<float>((d.x_augmented[r * dim + k] - mean) / sd);
        }
    }
    return d;
}

} // namespace

int main(int argc, char** argv) {
    int tracks = 215, segments = 20, dim = 400;
    std::uint64_t seed = 1;
    int labels = 0;
    models::HeadTrainingParams params;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const char* value = argv[i + 1];
        if (flag == "--tracks") {
            tracks = std::atoi(value);
        } else if (flag == "--segments") {
            segments = std::atoi(value);
        } else if (flag == "--dim") {
            dim = std::atoi(value);
        } else if (flag == "--threads") {
            params.threads = std::atoi(value);
        } else if (flag == "--epochs") {
            params.max_epochs = std::atoi(value);
        } else if (flag == "--steps") {
            params.steps_per_epoch = std::atoi(value);
        } else if (flag == "--patience") {
            params.patience = std::atoi(value);
        } else if (flag == "--lr") {
            params.learning_rate = std::atof(value);
        } else if (flag == "--neighbours") {
            params.neighbour_tracks = std::atoi(value);
        } else if (flag == "--labels") {
            labels = std::atoi(value);
        } else if (flag == "--converged") {
            params.converged_loss = std::atof(value);
        } else if (flag == "--min-gain-se") {
            params.min_gain_se = std::atof(value);
        } else if (flag == "--seed") {
            seed = std::strtoull(value, nullptr, 10);
        } else {
            std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    const auto data = makeData(tracks, segments, dim, seed, labels);
    models::HeadTrainingReport report;
    auto head = models::trainProjectionHead(data, params, &report);
    if (!head.isOk()) {
        std::fprintf(stderr, "%s\n", head.status().toString().c_str());
        return 1;
    }
    std::printf("head training: %d tracks x %d segments x %d dims (+ augmented views), "
                "%s, %d threads\n",
                tracks, segments, dim,
                labels > 0 ? (std::to_string(labels) + " labelled classes").c_str()
                           : "classes = tracks",
                params.threads);
    std::printf("  %.1f s wall (budget 60 s): %d epochs of %d steps, %ld steps, %.1f ms/step "
                "(validation included)\n",
                report.seconds, report.epochs, params.steps_per_epoch, report.steps,
                1e3 * report.seconds / static_cast<double>(report.steps));
    std::printf("  best epoch %d%s; train loss %.4f, validation loss %.4f, "
                "validation precision@%d %.3f\n",
                report.best_epoch, report.stopped_early ? " (stopped early)" : "",
                report.train_loss, report.validation_loss, params.precision_k,
                report.validation_precision);
    std::printf("  split: %d train tracks (%d rows), %d validation tracks (%d rows); "
                "%ld parameters\n",
                report.train_tracks, report.train_rows, report.validation_tracks,
                report.validation_rows, report.parameters);
    // FNV-1a over the weights' bytes: equal digests mean bit-identical heads (a speed
    // change to the trainer must leave it unchanged for the same data, params and seed).
    std::uint64_t digest = 1469598103934665603ULL;
    for (const auto* v :
         {&head->w1, &head->b1, &head->ln_gamma, &head->ln_beta, &head->w2, &head->b2}) {
        const auto* bytes = reinterpret_cast<const unsigned char*>(v->data());
        for (std::size_t i = 0; i < v->size() * sizeof(float); ++i) {
            digest = (digest ^ bytes[i]) * 1099511628211ULL;
        }
    }
    std::printf("  weights digest %016llx\n", static_cast<unsigned long long>(digest));
    return 0;
}
