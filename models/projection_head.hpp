#pragma once
// The style-embedding projection head of the seed design:
//   Linear(D, 512) -> LayerNorm(512) -> GELU -> Dropout(p) -> Linear(512, 256) -> L2 normalise
// D is the backbone's output dimension (6144 for the OpenL3 backbone).
//
// The same head without LibTorch: core/embed/projection_head.hpp (exportWeights()
// hands the weights over; a parity test holds both to 1e-5).
// This header is torch-free so code outside models/ can hold a head through
// the pimpl. Input: row-major [n x D] float; output: row-major [n x out_dim],
// each row of unit L2 norm. Inference runs under torch::NoGradGuard in eval
// mode (dropout off). Threads: not safe for concurrent calls on one instance.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/embed/projection_head.hpp"

namespace styledna::models {

struct ProjectionHeadParams {
    int input_dim = 6144;
    int hidden_dim = 512;
    int output_dim = 256;
    double dropout = 0.1;
    std::uint64_t seed = 0; // weight initialisation
};

class ProjectionHead {
public:
    static core::Result<std::unique_ptr<ProjectionHead>> create(const ProjectionHeadParams& params);
    ~ProjectionHead();

    const ProjectionHeadParams& params() const { return m_params; }
    std::int64_t parameterCount() const;
    // rows = input.size() / input_dim; fails on a size that is not a multiple.
    core::Result<std::vector<float>> embed(const std::vector<float>& input) const;
    core::Status save(const std::string& path) const;
    core::Status load(const std::string& path);
    // The weights in the torch-free layout of core/embed/projection_head.hpp, for the
    // Eigen head (embed::applyHead) that the daemon and the ASan build run.
    embed::HeadWeights exportWeights() const;
    // Replaces every weight; fails (weights unchanged) when the dimensions differ from
    // params() or weights.validate() fails.
    core::Status importWeights(const embed::HeadWeights& weights);

private:
    struct Impl;
    explicit ProjectionHead(ProjectionHeadParams params);
    ProjectionHeadParams m_params;
    std::unique_ptr<Impl> m_impl;
};

} // namespace styledna::models
