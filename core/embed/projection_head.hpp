#pragma once
// Inference of the style projection head of the seed design, without LibTorch:
//   Linear(D, H) -> LayerNorm(H, eps 1e-5) -> GELU (erf form) -> [Dropout: identity
//   at inference] -> Linear(H, O) -> L2 normalise.
// Training happens in models/ (LibTorch, models/head_trainer.hpp), which
// exports its weights into HeadWeights; the daemon and the ASan build run the
// head through this Eigen implementation. A parity test in tests/unit/models
// checks both agree to 1e-5.
//
// Data contract: every matrix is row-major float; w1 is [hidden x input]
// (torch's nn::Linear weight layout), b1 [hidden], ln_gamma / ln_beta [hidden],
// w2 [output x hidden], b2 [output]. Inputs are already standardised by the
// caller (the profile keeps the per-dimension mean and std it trained with).
// Threads: applyHead() is const and may run concurrently.

#include <string>
#include <vector>

#include "core/common/status.hpp"

namespace styledna::embed {

struct HeadWeights {
    int input_dim = 0;
    int hidden_dim = 0;
    int output_dim = 0;
    std::vector<float> w1, b1, ln_gamma, ln_beta, w2, b2;

    bool empty() const { return input_dim == 0; }
    // Sizes consistent with the dims and every value finite; else a message.
    core::Status validate() const;
};

// rows x input_dim in, rows x output_dim out (each row unit L2 norm; an
// all-zero row stays zero). Fails on a size that is not rows * input_dim.
core::Result<std::vector<float>> applyHead(const HeadWeights& head,
                                           const std::vector<float>& input);

} // namespace styledna::embed
