// sequentialMatmul must equal LibTorch's mm() bit for bit (it replaces mm() inside the
// head trainer without changing the trained weights), on the shapes the trainer uses and
// on ragged edges of the 4 x 8 register tile. REQUIRE, not CHECK: torch.h redefines CHECK
// (c10 logging), which would neither count nor report a failure.
#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <random>
#include <vector>

#include <torch/torch.h>

#include "models/sequential_matmul.hpp"

using styledna::models::sequentialMatmul;

namespace {

torch::Tensor randomMatrix(std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal;
    auto t = torch::empty({rows, cols}, torch::kFloat32);
    auto* p = t.data_ptr<float>();
    for (std::int64_t i = 0; i < rows * cols; ++i) {
        p[i] = normal(rng);
    }
    return t;
}

} // namespace

TEST_CASE("sequentialMatmul equals torch::mm bit for bit", "[models][trainer][matmul]") {
    const std::vector<std::array<std::int64_t, 3>> shapes = {
        {64, 256, 64}, {64, 64, 256}, {860, 256, 860}, {1, 1, 1}, {5, 3, 9}, {13, 311, 17}};
    std::uint64_t seed = 1;
    for (const auto& [rows, inner, cols] : shapes) {
        CAPTURE(rows, inner, cols);
        const auto x = randomMatrix(rows, inner, seed++);
        const auto y = randomMatrix(inner, cols, seed++);
        const auto expected = x.mm(y).contiguous();
        std::vector<float> got(static_cast<std::size_t>(rows * cols), -1.0f);
        sequentialMatmul(x.data_ptr<float>(), static_cast<std::size_t>(inner), y.data_ptr<float>(),
                         static_cast<std::size_t>(cols), static_cast<std::size_t>(rows),
                         static_cast<std::size_t>(inner), static_cast<std::size_t>(cols),
                         got.data());
        // Bitwise: any reordering of a sum would show up as a last-bit difference.
        REQUIRE(std::memcmp(got.data(), expected.data_ptr<float>(), got.size() * sizeof(float)) ==
                0);
        // Also against x (y^T)^T, the transposed call mm() makes for e e^T.
        const auto yt = y.t().contiguous();
        REQUIRE(torch::equal(x.mm(yt.t()), expected));
    }
}

TEST_CASE("sequentialMatmul honours row strides", "[models][trainer][matmul]") {
    // x: 3 x 2 inside rows of 5, y: 2 x 4 inside rows of 6.
    const std::vector<float> x = {1, 2, 9, 9, 9, 3, 4, 9, 9, 9, 5, 6, 9, 9, 9};
    const std::vector<float> y = {1, 0, 2, 1, 9, 9, 0, 1, 1, 3, 9, 9};
    std::vector<float> c(12);
    sequentialMatmul(x.data(), 5, y.data(), 6, 3, 2, 4, c.data());
    const std::vector<float> expected = {1, 2, 4, 7, 3, 4, 10, 15, 5, 6, 16, 23};
    REQUIRE(c == expected);
}

TEST_CASE("sequentialMatmulThreaded gives the single-threaded result",
          "[models][trainer][matmul]") {
    // Large enough to split (>= 32 M multiply-adds), with rows not a multiple of the tile.
    for (const auto& [rows, inner, cols] :
         std::vector<std::array<std::size_t, 3>>{{860, 256, 860}, {1001, 40, 901}}) {
        CAPTURE(rows, inner, cols);
        const auto x =
            randomMatrix(static_cast<std::int64_t>(rows), static_cast<std::int64_t>(inner), 11);
        const auto y =
            randomMatrix(static_cast<std::int64_t>(inner), static_cast<std::int64_t>(cols), 12);
        std::vector<float> one(rows * cols), two(rows * cols, -1.0f), three(rows * cols, -1.0f);
        sequentialMatmul(x.data_ptr<float>(), inner, y.data_ptr<float>(), cols, rows, inner, cols,
                         one.data());
        styledna::models::sequentialMatmulThreaded(x.data_ptr<float>(), inner, y.data_ptr<float>(),
                                                   cols, rows, inner, cols, two.data(), 2);
        styledna::models::sequentialMatmulThreaded(x.data_ptr<float>(), inner, y.data_ptr<float>(),
                                                   cols, rows, inner, cols, three.data(), 3);
        REQUIRE(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
        REQUIRE(std::memcmp(one.data(), three.data(), one.size() * sizeof(float)) == 0);
    }
}
