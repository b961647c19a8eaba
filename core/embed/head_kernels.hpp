#pragma once
// The projection head's hot loops (projection_head.hpp) in AVX-512 or AVX2 + FMA,
// picked at run time by a CPU check: the project builds without -march=native,
// so Eigen's products run on SSE2 (4 lanes, no fused multiply-add). Re-embedding
// every member of a 1,000-track profile on --append is ~150,000 segment rows
// through the head (~87 GFLOP). On the 2-core Zen 5 VM, 151-row batches of the
// 311 -> 512 -> 256 head: portable 5.8-6.0 ms, AVX2 1.7 ms, AVX-512 0.57 ms.
//
// Linear layers: y = x W^T + b with W packed once per head into panels of 16
// output columns (for each input k, the 16 weights of those columns side by
// side; columns past the output dim are zero). AVX2: a 6-row x 16-column block
// of y is 12 ymm accumulators of fused multiply-adds over k; AVX-512: an 8-row x
// 32-column block is 16 zmm accumulators, x[k] broadcast into each.
// GELU: 0.5 v (1 + erf(v / sqrt 2)) with erf from Abramowitz & Stegun 7.1.26
// (|error| <= 1.5e-7) and exp(-x^2) from a degree-6 Taylor polynomial after
// range reduction by powers of two (relative error ~2e-7); the portable path
// uses std::erf in double. Both agree with LibTorch's float head to 1e-5.
// Threads: every function is const on its inputs and may run concurrently.

#include <cstddef>
#include <vector>

namespace styledna::embed::detail {

inline constexpr int kPanelWidth = 16;

struct PackedLinear {
    int in = 0;
    int out = 0;
    std::vector<float> panels; // ceil(out / 16) panels of in x 16 floats
    std::vector<float> bias;   // ceil(out / 16) * 16, zero padded
};

// W is out x in row-major (torch's nn::Linear layout), b has out values.
PackedLinear packLinear(const float* w, const float* b, int out, int in);

// True when the CPU runs AVX2 and FMA (checked once).
bool headKernelsAvailable();
// True when it also runs AVX-512F (the linear layers then use it).
bool headKernelsAvx512();

enum class LinearIsa { kBest, kAvx2 };

// y (rows x out, row stride out) = x (rows x in, row stride in) W^T + b.
// Only call when headKernelsAvailable(); kBest: AVX-512 where the CPU has it
// (kAvx2 lets tests run the other kernel too).
void linearPacked(const PackedLinear& layer, const float* x, std::size_t rows, float* y,
                  LinearIsa isa = LinearIsa::kBest);

// v[i] = GELU(v[i]) (erf form) for n values. Only when headKernelsAvailable().
void geluPacked(float* v, std::size_t n);

} // namespace styledna::embed::detail
