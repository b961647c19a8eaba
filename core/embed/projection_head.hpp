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

#include <memory>
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
// On a CPU with AVX2 and FMA the linear layers and GELU run in the kernels of
// head_kernels.hpp; elsewhere (and in applyHeadPortable) through Eigen.
core::Result<std::vector<float>> applyHead(const HeadWeights& head,
                                           const std::vector<float>& input);

// A head validated once and, on AVX2 machines, its layers packed once: for
// callers that run many batches through one head (a profile build embeds
// every member's segments). apply() is what applyHead() returns; it is const
// and may run concurrently. Copies share the prepared state.
class PreparedHead {
public:
    static core::Result<PreparedHead> prepare(const HeadWeights& head);
    core::Result<std::vector<float>> apply(const std::vector<float>& input) const;
    int inputDim() const;
    int outputDim() const;

    struct State;

private:
    std::shared_ptr<const State> m_state;
};

// The Eigen path whatever the CPU (tests compare the two paths).
core::Result<std::vector<float>> applyHeadPortable(const HeadWeights& head,
                                                   const std::vector<float>& input);

} // namespace styledna::embed
