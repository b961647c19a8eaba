#include "models/sequential_matmul.hpp"

#include <algorithm>
#include <thread>
#include <vector>

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

} // namespace

void sequentialMatmul(const float* x, std::size_t x_stride, const float* y, std::size_t y_stride,
                      std::size_t rows, std::size_t inner, std::size_t cols, float* c) {
    const std::size_t full_rows = rows - rows % kRows;
    const std::size_t full_cols = cols - cols % kCols;
    for (std::size_t i = 0; i < full_rows; i += kRows) {
        for (std::size_t k = 0; k < full_cols; k += kCols) {
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
