#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/embed/head_kernels.hpp"
#include "core/embed/projection_head.hpp"

using namespace styledna;

namespace {

embed::HeadWeights randomHead(int input_dim, int hidden_dim, int output_dim, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    embed::HeadWeights head;
    head.input_dim = input_dim;
    head.hidden_dim = hidden_dim;
    head.output_dim = output_dim;
    auto fill = [&](std::vector<float>& v, std::size_t n, float scale, float offset) {
        v.resize(n);
        for (auto& x : v) {
            x = offset + scale * normal(rng);
        }
    };
    const auto in = static_cast<std::size_t>(input_dim);
    const auto hidden = static_cast<std::size_t>(hidden_dim);
    const auto out = static_cast<std::size_t>(output_dim);
    fill(head.w1, hidden * in, 1.0f / std::sqrt(static_cast<float>(input_dim)), 0.0f);
    fill(head.b1, hidden, 0.1f, 0.0f);
    fill(head.ln_gamma, hidden, 0.2f, 1.0f);
    fill(head.ln_beta, hidden, 0.1f, 0.0f);
    fill(head.w2, out * hidden, 1.0f / std::sqrt(static_cast<float>(hidden_dim)), 0.0f);
    fill(head.b2, out, 0.1f, 0.0f);
    return head;
}

embed::HeadWeights identityHead() {
    embed::HeadWeights head;
    head.input_dim = head.hidden_dim = head.output_dim = 2;
    head.w1 = {1, 0, 0, 1};
    head.b1 = {0, 0};
    head.ln_gamma = {1, 1};
    head.ln_beta = {0, 0};
    head.w2 = {1, 0, 0, 1};
    head.b2 = {0, 0};
    return head;
}

double gelu(double x) {
    return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
}

} // namespace

TEST_CASE("Eigen head: LayerNorm, erf GELU and L2 norm on a 2-d identity head",
          "[embed][head][analytic]") {
    const auto head = identityHead();
    REQUIRE(head.validate().isOk());
    // Row (1, 3): mean 2, biased variance 1, so LayerNorm gives -+1/sqrt(1 + 1e-5).
    auto out = embed::applyHead(head, {1.0f, 3.0f});
    REQUIRE(out.isOk());
    REQUIRE(out->size() == 2);
    const double z = 1.0 / std::sqrt(1.0 + 1e-5);
    const double a = gelu(-z), b = gelu(z);
    const double norm = std::hypot(a, b);
    // float32 arithmetic on values of order 1: 1e-6 absolute.
    CHECK((*out)[0] == Approx(a / norm).margin(1e-6));
    CHECK((*out)[1] == Approx(b / norm).margin(1e-6));
    // LayerNorm removes a common shift: (-5, -3) gives the same row.
    auto shifted = embed::applyHead(head, {-5.0f, -3.0f});
    CHECK((*shifted)[0] == Approx((*out)[0]).margin(1e-6));
    CHECK((*shifted)[1] == Approx((*out)[1]).margin(1e-6));
}

TEST_CASE("Eigen head: unit-norm rows, each row independent of its batch", "[embed][head]") {
    const auto head = randomHead(40, 32, 16, 3);
    std::mt19937 rng(11);
    std::normal_distribution<float> normal;
    std::vector<float> input(5 * 40);
    for (auto& v : input) {
        v = normal(rng);
    }
    auto out = embed::applyHead(head, input);
    REQUIRE(out.isOk());
    REQUIRE(out->size() == 5 * 16);
    for (int r = 0; r < 5; ++r) {
        double norm = 0;
        for (int k = 0; k < 16; ++k) {
            norm += (*out)[r * 16 + k] * (*out)[r * 16 + k];
        }
        CHECK(std::sqrt(norm) == Approx(1.0).margin(1e-6)); // float32 rounding of 16 values
        const std::vector<float> row(input.begin() + r * 40, input.begin() + (r + 1) * 40);
        auto single = embed::applyHead(head, row);
        REQUIRE(single.isOk());
        for (int k = 0; k < 16; ++k) {
            // Same arithmetic, only the matrix product's blocking may differ: 1e-6 absolute.
            CHECK((*single)[k] == Approx((*out)[r * 16 + k]).margin(1e-6));
        }
    }
    CHECK(*embed::applyHead(head, input) == *out);
}

TEST_CASE("Eigen head: an output row that is all zero stays zero", "[embed][head][edge]") {
    auto head = randomHead(8, 6, 4, 5);
    std::fill(head.w2.begin(), head.w2.end(), 0.0f);
    std::fill(head.b2.begin(), head.b2.end(), 0.0f);
    auto out = embed::applyHead(head, std::vector<float>(2 * 8, 0.5f));
    REQUIRE(out.isOk());
    for (float v : *out) {
        CHECK(v == 0.0f);
    }
}

TEST_CASE("Eigen head: sizes and values are validated", "[embed][head][edge]") {
    const auto good = randomHead(8, 6, 4, 7);
    REQUIRE(good.validate().isOk());
    CHECK_FALSE(embed::HeadWeights{}.validate().isOk());
    CHECK_FALSE(embed::applyHead(embed::HeadWeights{}, std::vector<float>(8)).isOk());

    auto short_w1 = good;
    short_w1.w1.pop_back();
    CHECK_FALSE(short_w1.validate().isOk());
    auto long_b2 = good;
    long_b2.b2.push_back(0.0f);
    CHECK_FALSE(long_b2.validate().isOk());
    auto nan_gamma = good;
    nan_gamma.ln_gamma[2] = std::numeric_limits<float>::quiet_NaN();
    CHECK_FALSE(nan_gamma.validate().isOk());
    auto inf_w2 = good;
    inf_w2.w2[0] = std::numeric_limits<float>::infinity();
    CHECK_FALSE(inf_w2.validate().isOk());
    CHECK_FALSE(embed::applyHead(inf_w2, std::vector<float>(8)).isOk());

    CHECK_FALSE(embed::applyHead(good, std::vector<float>(7)).isOk());
    auto empty = embed::applyHead(good, {});
    REQUIRE(empty.isOk());
    CHECK(empty->empty());
}

TEST_CASE("Head kernels: the AVX2 path and the portable Eigen path agree on every shape",
          "[embed][head][kernels]") {
    // Row counts cover the 6-row blocks and every tail; output dims that are not
    // multiples of the 16-column panels; input scales from 0.01 to 30 push the
    // GELU's argument from near zero far into both tails.
    struct Shape {
        int in, hidden, out;
    };
    for (const Shape shape : {Shape{37, 50, 21}, Shape{311, 512, 256}, Shape{5, 16, 3}}) {
        const auto head = randomHead(shape.in, shape.hidden, shape.out, 21);
        for (const int rows : {1, 2, 5, 6, 7, 13}) {
            for (const float scale : {0.01f, 1.0f, 30.0f}) {
                CAPTURE(shape.in, shape.hidden, shape.out, rows, scale);
                std::mt19937 rng(static_cast<unsigned>(rows * 97 + shape.in));
                std::normal_distribution<float> normal;
                std::vector<float> input(static_cast<std::size_t>(rows * shape.in));
                for (auto& v : input) {
                    v = scale * normal(rng);
                }
                auto fast = embed::applyHead(head, input);
                auto portable = embed::applyHeadPortable(head, input);
                REQUIRE(fast.isOk());
                REQUIRE(portable.isOk());
                REQUIRE(fast->size() == portable->size());
                double diff = 0.0;
                for (std::size_t i = 0; i < fast->size(); ++i) {
                    diff =
                        std::max(diff, static_cast<double>(std::fabs((*fast)[i] - (*portable)[i])));
                }
                // Unit rows; float32 products summed in other orders, erf to 1.5e-7.
                CHECK(diff <= 2e-6);
            }
        }
    }
}

TEST_CASE("Prepared head: same rows as applyHead, and its errors", "[embed][head][edge]") {
    const auto head = randomHead(40, 32, 16, 9);
    auto prepared = embed::PreparedHead::prepare(head);
    REQUIRE(prepared.isOk());
    CHECK(prepared->inputDim() == 40);
    CHECK(prepared->outputDim() == 16);
    std::vector<float> input(3 * 40);
    for (std::size_t i = 0; i < input.size(); ++i) {
        input[i] = std::sin(0.37f * static_cast<float>(i));
    }
    CHECK(*prepared->apply(input) == *embed::applyHead(head, input));
    CHECK_FALSE(prepared->apply(std::vector<float>(41)).isOk());
    CHECK(prepared->apply({})->empty());
    CHECK_FALSE(embed::PreparedHead::prepare(embed::HeadWeights{}).isOk());
    CHECK_FALSE(embed::PreparedHead{}.apply(input).isOk());
}

TEST_CASE("Head kernels: packed linear layers (AVX-512 and AVX2) against a double sum, and "
          "the vector GELU against std::erf",
          "[embed][head][kernels]") {
    if (!embed::detail::headKernelsAvailable()) {
        SUCCEED("no AVX2 + FMA on this CPU: the portable path is the only one");
        return;
    }
    std::mt19937 rng(5);
    std::normal_distribution<float> normal;
    // Output dims: one partial panel, an odd number of panels with a partial
    // last one, and exact panel pairs; rows across every block tail.
    for (const int out : {3, 21, 50, 64}) {
        for (const int rows : {1, 7, 8, 9, 17}) {
            const int in = 29;
            std::vector<float> w(static_cast<std::size_t>(out * in)), b(out),
                x(static_cast<std::size_t>(rows * in));
            for (auto* v : {&w, &b, &x}) {
                for (auto& e : *v) {
                    e = normal(rng);
                }
            }
            const auto packed = embed::detail::packLinear(w.data(), b.data(), out, in);
            // Sentinels past the end: nothing is written beyond rows x out.
            std::vector<float> best(static_cast<std::size_t>(rows * out) + 16, 7.0f);
            std::vector<float> avx2 = best;
            embed::detail::linearPacked(packed, x.data(), rows, best.data());
            embed::detail::linearPacked(packed, x.data(), rows, avx2.data(),
                                        embed::detail::LinearIsa::kAvx2);
            for (int r = 0; r < rows; ++r) {
                for (int c = 0; c < out; ++c) {
                    double ref = b[c];
                    for (int k = 0; k < in; ++k) {
                        ref += static_cast<double>(x[r * in + k]) * w[c * in + k];
                    }
                    CAPTURE(out, rows, r, c);
                    CHECK(best[r * out + c] == Approx(ref).margin(1e-5));
                    CHECK(avx2[r * out + c] == Approx(ref).margin(1e-5));
                }
            }
            for (std::size_t i = static_cast<std::size_t>(rows * out); i < best.size(); ++i) {
                CHECK(best[i] == 7.0f);
                CHECK(avx2[i] == 7.0f);
            }
        }
    }
    std::vector<float> v;
    for (int i = -2000; i <= 2000; ++i) {
        v.push_back(0.005f * static_cast<float>(i) + 1e-4f);
    }
    v.push_back(-90.0f);
    v.push_back(90.0f);
    auto g = v;
    embed::detail::geluPacked(g.data(), g.size() - 3); // the tail path too
    embed::detail::geluPacked(g.data() + g.size() - 3, 3);
    double worst = 0.0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double ref = gelu(v[i]);
        worst = std::max(worst, std::fabs(g[i] - ref) / std::max(1.0, std::fabs(ref)));
    }
    INFO("worst relative GELU error " << worst);
    CHECK(worst <= 5e-7);
}
