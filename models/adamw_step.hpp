#pragma once
// One AdamW step (decoupled weight decay, no amsgrad) over a float32 parameter,
// fused into a single pass over parameter, gradient and the two moments: the
// same update as LibTorch's torch::optim::AdamW::step (1.13), which runs it as
// nine tensor operations and two temporaries per parameter (0.37 ms of a 3.2 ms
// head-training step). Bit-identical to it: every element is computed with the
// same roundings in the same order (tests/unit/models/test_adamw_step.cpp):
//   p  = p * float(1 - lr wd)
//   m  = fma(g, float(1 - b1), m * float(b1))                 (exp_avg.mul_.add_)
//   v  = fma(float(1 - b2) g, g, v * float(b2))               (exp_avg_sq.mul_.addcmul_)
//   d  = sqrt(v) / float(sqrt(1 - b2^t)) + float(eps)
//   p  = p + (float(-lr / (1 - b1^t)) m) / d                  (addcdiv_)
// The fused multiply-adds are LibTorch's vectorised kernels' (AVX2 and AVX-512
// both use FMA); on a CPU without AVX2 and FMA LibTorch's portable kernels add
// the rounded product instead, and so does the portable path here. The file is
// compiled with -ffp-contract=off (CMakeLists) so no other product is fused.
// Threads: pure function of its arguments; no allocation.

#include <cstddef>

namespace styledna::models {

struct AdamWStepParams {
    double learning_rate = 1e-3;
    double weight_decay = 0.01;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
};

// step: 1-based count of steps taken with these moments (this one included).
// exp_avg and exp_avg_sq start at zero for step 1.
void adamwStep(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, std::size_t n,
               long step, const AdamWStepParams& params);

} // namespace styledna::models
