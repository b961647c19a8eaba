#pragma once
// C = X Y in float32 with every element summed in the order the reference BLAS
// (netlib sgemm, Debian's libblas.so.3, which LibTorch's mm() calls here) sums it:
//   C[i][k] = (...((0 + X[i][0] Y[0][k]) + X[i][1] Y[1][k]) + ...) + X[i][L-1] Y[L-1][k]
// each product rounded to float, then each addition, no fused multiply-add. So
// the result is bit-identical to torch::mm() on this build, which is what keeps the
// head trainer's weights unchanged while it skips that slow, unvectorised sgemm
// (the loops here vectorise over the columns k, AVX2 when the CPU has it, so no
// element's sum is reordered). The file is compiled with -ffp-contract=off (CMakeLists).
//
// Layout: row-major. X is rows x inner with row stride x_stride (>= inner), Y is
// inner x cols with row stride y_stride (>= cols), C is rows x cols, contiguous.
// Sizes are element counts. No allocation; not thread-safe on a shared C.

#include <cstddef>

namespace styledna::models {

void sequentialMatmul(const float* x, std::size_t x_stride, const float* y, std::size_t y_stride,
                      std::size_t rows, std::size_t inner, std::size_t cols, float* c);

// The same, its rows split over `threads` std::threads (the caller's included) when
// the product is large enough to pay for them (>= 32 M multiply-adds); every
// element is computed exactly as above, so the result does not depend on threads.
void sequentialMatmulThreaded(const float* x, std::size_t x_stride, const float* y,
                              std::size_t y_stride, std::size_t rows, std::size_t inner,
                              std::size_t cols, float* c, int threads);

} // namespace styledna::models
