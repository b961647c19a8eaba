#include "models/sequential_matmul.hpp"

#include <algorithm>
#include <thread>
#include <vector>

#include <immintrin.h>

namespace styledna::models {

namespace {

// Register tile: kRows rows of C by kCols columns, accumulated across the whole inner
// dimension before being stored; every element still sums its products in order l = 0..
constexpr std::size_t kRows = 4;
constexpr std::size_t kCols = 8;

void tile(const float* x, std::size_t x_stride, const float* y, std::size_t y_stride,
          std::size_t inner, float* c, std::size_t c_stride) {
    float acc[kRows][kCols] = {};
    for (std::size_t l = 0; l < inner; ++l) {
        const float* yl = y + l * y_stride;
        for (std::size_t r = 0; r < kRows; ++r) {
            const float a = x[r * x_stride + l];
            for (std::size_t k = 0; k < kCols; ++k) {
                acc[r][k] += a * yl[k];
            }
        }
    }
    for (std::size_t r = 0; r < kRows; ++r) {
        std::copy_n(acc[r], kCols, c + r * c_stride);
    }
}

// Any block (the edges): one row at a time, the same order per element.
void edge(const float* x, std::size_t x_stride, const float* y, std::size_t y_stride,
          std::size_t rows, std::size_t inner, std::size_t cols, float* c, std::size_t c_stride) {
    for (std::size_t i = 0; i < rows; ++i) {
        float* out = c + i * c_stride;
        std::fill(out, out + cols, 0.0f);
        const float* xi = x + i * x_stride;
        for (std::size_t l = 0; l < inner; ++l) {
            const float a = xi[l];
            const float* yl = y + l * y_stride;
            for (std::size_t k = 0; k < cols; ++k) {
                out[k] += a * yl[k];
            }
        }
    }
}

// AVX2 tile, kRows x kWideCols: two 8-float registers per row, eight accumulators.
// Multiply and add stay separate instructions (no FMA in the target, and the file is
// built with -ffp-contract=off), each lane one element summed in order l = 0.., so
// every element is exactly what tile() and edge() compute. On baseline x86-64 the
// compiler had turned tile() into shuffles and stack spills (~3 G multiply-adds/s);
// this runs 5-6x faster (bench_head_trainer: the gram and its gradient were a fifth
// of a training step).
constexpr std::size_t kWideCols = 16;

[[gnu::target("avx2")]] void tileAvx2(const float* x, std::size_t x_stride, const float* y,
                                      std::size_t y_stride, std::size_t inner, float* c,
                                      std::size_t c_stride) {
    __m256 acc[kRows][2];
    for (auto& row : acc) {
        row[0] = _mm256_setzero_ps();
        row[1] = _mm256_setzero_ps();
    }
    for (std::size_t l = 0; l < inner; ++l) {
        const float* yl = y + l * y_stride;
        const __m256 y0 = _mm256_loadu_ps(yl);
        const __m256 y1 = _mm256_loadu_ps(yl + 8);
        for (std::size_t r = 0; r < kRows; ++r) {
            const __m256 a = _mm256_broadcast_ss(x + r * x_stride + l);
            acc[r][0] = _mm256_add_ps(acc[r][0], _mm256_mul_ps(a, y0));
            acc[r][1] = _mm256_add_ps(acc[r][1], _mm256_mul_ps(a, y1));
        }
    }
    for (std::size_t r = 0; r < kRows; ++r) {
        _mm256_storeu_ps(c + r * c_stride, acc[r][0]);
        _mm256_storeu_ps(c + r * c_stride + 8, acc[r][1]);
    }
}

bool haveAvx2() {
    static const bool available = __builtin_cpu_supports("avx2");
    return available;
}

} // namespace

void sequentialMatmul(const float* x, std::size_t x_stride, const float* y, std::size_t y_stride,
                      std::size_t rows, std::size_t inner, std::size_t cols, float* c) {
    const std::size_t full_rows = rows - rows % kRows;
    const std::size_t full_cols = cols - cols % kCols;
    const std::size_t wide_cols = haveAvx2() ? cols - cols % kWideCols : 0;
    for (std::size_t i = 0; i < full_rows; i += kRows) {
        for (std::size_t k = 0; k < wide_cols; k += kWideCols) {
            tileAvx2(x + i * x_stride, x_stride, y + k, y_stride, inner, c + i * cols + k, cols);
        }
        for (std::size_t k = wide_cols; k < full_cols; k += kCols) {
            tile(x + i * x_stride, x_stride, y + k, y_stride, inner, c + i * cols + k, cols);
        }
        if (full_cols < cols) {
            edge(x + i * x_stride, x_stride, y + full_cols, y_stride, kRows, inner,
                 cols - full_cols, c + i * cols + full_cols, cols);
        }
    }
    if (full_rows < rows) {
        edge(x + full_rows * x_stride, x_stride, y, y_stride, rows - full_rows, inner, cols,
             c + full_rows * cols, cols);
    }
}

void sequentialMatmulThreaded(const float* x, std::size_t x_stride, const float* y,
                              std::size_t y_stride, std::size_t rows, std::size_t inner,
                              std::size_t cols, float* c, int threads) {
    constexpr std::size_t kMinWork = std::size_t{32} << 20;
    const auto parts = static_cast<std::size_t>(std::max(1, threads));
    if (parts == 1 || rows * inner * cols < kMinWork || rows < 2 * kRows * parts) {
        sequentialMatmul(x, x_stride, y, y_stride, rows, inner, cols, c);
        return;
    }
    // Split at multiples of the tile height, so each part tiles like the whole.
    const std::size_t share = (rows / parts + kRows - 1) / kRows * kRows;
    std::vector<std::thread> workers;
    for (std::size_t begin = share; begin < rows; begin += share) {
        const std::size_t count = std::min(share, rows - begin);
        workers.emplace_back([=] {
            sequentialMatmul(x + begin * x_stride, x_stride, y, y_stride, count, inner, cols,
                             c + begin * cols);
        });
    }
    sequentialMatmul(x, x_stride, y, y_stride, std::min(share, rows), inner, cols, c);
    for (auto& w : workers) {
        w.join();
    }
}

} // namespace styledna::models
