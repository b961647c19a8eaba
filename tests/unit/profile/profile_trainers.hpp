#pragma once
// Stand-in head trainers for the builder and JSON tests: no LibTorch, a head
// with seeded random weights, recording what it was given.

#include <memory>

#include "core/profile/profile.hpp"
#include "unit/profile/profile_fixtures.hpp"

namespace styledna::test {

struct TrainerLog {
    int calls = 0;
    profile::TrainingSet last;
};

// Head input = set.dim, hidden 8, output `output_dim`; weights from
// NoiseSource(set.seed); reports progress 0.5 and 1.
inline profile::HeadTrainer randomHeadTrainer(std::shared_ptr<TrainerLog> log, int output_dim = 4) {
    return
        [log, output_dim](const profile::TrainingSet& set, const core::CancellationToken&,
                          const core::ProgressFn& progress) -> core::Result<profile::TrainedHead> {
            ++log->calls;
            log->last = set;
            core::reportProgress(progress, 0.5, "epoch");
            NoiseSource noise(set.seed + 17);
            embed::HeadWeights h;
            h.input_dim = set.dim;
            h.hidden_dim = 8;
            h.output_dim = output_dim;
            const auto fill = [&noise](std::vector<float>& v, std::size_t n, double scale,
                                       double offset) {
                v.resize(n);
                for (auto& x : v) {
                    x = static_cast<float>(offset + scale * noise.normal());
                }
            };
            const auto in = static_cast<std::size_t>(h.input_dim);
            fill(h.w1, 8 * in, 0.3, 0.0);
            fill(h.b1, 8, 0.1, 0.0);
            fill(h.ln_gamma, 8, 0.1, 1.0);
            fill(h.ln_beta, 8, 0.1, 0.0);
            fill(h.w2, 8 * static_cast<std::size_t>(output_dim), 0.3, 0.0);
            fill(h.b2, static_cast<std::size_t>(output_dim), 0.1, 0.0);
            core::reportProgress(progress, 1.0, "epoch");
            return profile::TrainedHead{std::move(h), {}};
        };
}

} // namespace styledna::test
