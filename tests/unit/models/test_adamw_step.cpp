// adamwStep must equal LibTorch's torch::optim::AdamW::step bit for bit (it replaces
// the optimizer inside the head trainer without changing the trained weights): over
// many steps, on the head's parameter shapes and a ragged length, with gradients of
// different scales (the second moment's sqrt and the eps matter at small ones).
// REQUIRE, not CHECK: torch.h redefines CHECK (c10 logging).
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <vector>

#include <torch/torch.h>

#include "models/adamw_step.hpp"

using styledna::models::adamwStep;
using styledna::models::AdamWStepParams;

TEST_CASE("adamwStep equals torch::optim::AdamW bit for bit", "[models][trainer][adamw]") {
    const std::vector<std::int64_t> sizes = {311 * 512, 512, 512, 512, 256 * 512, 256, 37};
    const std::vector<float> grad_scales = {1e-3f, 0.1f, 1e-6f, 1.0f, 1e-2f, 3e-5f, 0.5f};
    for (const double lr : {1e-4, 3e-3}) {
        CAPTURE(lr);
        std::mt19937_64 rng(7);
        std::normal_distribution<float> normal;
        std::vector<torch::Tensor> theirs;
        std::vector<std::vector<float>> ours, m, v;
        for (const auto n : sizes) {
            auto t = torch::empty({n}, torch::kFloat32);
            for (std::int64_t i = 0; i < n; ++i) {
                t.data_ptr<float>()[i] = 0.05f * normal(rng);
            }
            ours.emplace_back(t.data_ptr<float>(), t.data_ptr<float>() + n);
            m.emplace_back(static_cast<std::size_t>(n), 0.0f);
            v.emplace_back(static_cast<std::size_t>(n), 0.0f);
            t.set_requires_grad(true);
            theirs.push_back(t);
        }
        const AdamWStepParams params{.learning_rate = lr, .weight_decay = 0.01};
        torch::optim::AdamW optimizer(
            theirs, torch::optim::AdamWOptions(lr).weight_decay(params.weight_decay));
        for (long step = 1; step <= 40; ++step) {
            for (std::size_t k = 0; k < sizes.size(); ++k) {
                auto g = torch::empty({sizes[k]}, torch::kFloat32);
                for (std::int64_t i = 0; i < sizes[k]; ++i) {
                    g.data_ptr<float>()[i] = grad_scales[k] * normal(rng);
                }
                theirs[k].mutable_grad() = g;
                adamwStep(ours[k].data(), g.data_ptr<float>(), m[k].data(), v[k].data(),
                          ours[k].size(), step, params);
            }
            optimizer.step();
        }
        for (std::size_t k = 0; k < sizes.size(); ++k) {
            CAPTURE(k);
            const auto expected = theirs[k].detach().contiguous();
            REQUIRE(std::memcmp(ours[k].data(), expected.data_ptr<float>(),
                                ours[k].size() * sizeof(float)) == 0);
        }
    }
}
