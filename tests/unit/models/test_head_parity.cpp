#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "core/embed/projection_head.hpp"
#include "models/projection_head.hpp"

using namespace styledna;

namespace {

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
    REQUIRE(a.size() == b.size());
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        worst = std::max(worst, std::abs(static_cast<double>(a[i]) - b[i]));
    }
    return worst;
}

std::vector<float> normalRows(int rows, int dim, unsigned seed, float scale) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> v(static_cast<std::size_t>(rows) * dim);
    for (auto& x : v) {
        x = normal(rng);
    }
    return v;
}

// Every weight random, LayerNorm gain and shift included (torch's init leaves them 1 and 0).
embed::HeadWeights randomWeights(int in, int hidden, int out, unsigned seed) {
    embed::HeadWeights w;
    w.input_dim = in;
    w.hidden_dim = hidden;
    w.output_dim = out;
    w.w1 = normalRows(hidden, in, seed, 1.0f / std::sqrt(static_cast<float>(in)));
    w.b1 = normalRows(1, hidden, seed + 1, 0.1f);
    w.ln_gamma = normalRows(1, hidden, seed + 2, 0.3f);
    for (auto& g : w.ln_gamma) {
        g += 1.0f;
    }
    w.ln_beta = normalRows(1, hidden, seed + 3, 0.2f);
    w.w2 = normalRows(out, hidden, seed + 4, 1.0f / std::sqrt(static_cast<float>(hidden)));
    w.b2 = normalRows(1, out, seed + 5, 0.1f);
    return w;
}

} // namespace

TEST_CASE("Eigen head and LibTorch head agree on random weights", "[models][head][parity]") {
    // Both run float32 products with different summation orders over up to 6144
    // terms; the outputs are unit vectors, so 1e-5 absolute is ~50 float ulps of 1.
    for (const int input_dim : {37, 300, 6144}) {
        CAPTURE(input_dim);
        models::ProjectionHeadParams p;
        p.input_dim = input_dim;
        auto torch_head = models::ProjectionHead::create(p);
        REQUIRE(torch_head.isOk());
        const auto weights = randomWeights(input_dim, 512, 256, 100 + input_dim);
        REQUIRE((*torch_head)->importWeights(weights).isOk());
        const auto input = normalRows(24, input_dim, 7, 1.0f);
        auto from_torch = (*torch_head)->embed(input);
        // applyHead: the AVX2 kernels where the CPU has them; the portable Eigen
        // path whatever the CPU. Both against LibTorch.
        auto from_eigen = embed::applyHead(weights, input);
        auto from_portable = embed::applyHeadPortable(weights, input);
        REQUIRE(from_torch.isOk());
        REQUIRE(from_eigen.isOk());
        REQUIRE(from_portable.isOk());
        const double diff = maxAbsDiff(*from_torch, *from_eigen);
        const double diff_portable = maxAbsDiff(*from_torch, *from_portable);
        INFO("max abs diff " << diff << ", portable " << diff_portable);
        CHECK(diff <= 1e-5);
        CHECK(diff_portable <= 1e-5);
    }
}

TEST_CASE("A LibTorch head's exported weights run unchanged in the Eigen head",
          "[models][head][parity]") {
    models::ProjectionHeadParams p;
    p.input_dim = 300;
    p.seed = 42;
    auto head = models::ProjectionHead::create(p);
    REQUIRE(head.isOk());
    const auto weights = (*head)->exportWeights();
    REQUIRE(weights.validate().isOk());
    CHECK(weights.input_dim == 300);
    CHECK(weights.hidden_dim == 512);
    CHECK(weights.output_dim == 256);
    const auto input = normalRows(10, 300, 9, 2.0f);
    CHECK(maxAbsDiff(*(*head)->embed(input), *embed::applyHead(weights, input)) <= 1e-5);

    // Import round trip, and the shape check.
    p.seed = 43;
    auto other = models::ProjectionHead::create(p);
    REQUIRE(other.isOk());
    REQUIRE((*other)->importWeights(weights).isOk());
    CHECK(*(*other)->embed(input) == *(*head)->embed(input));
    auto wrong = weights;
    wrong.input_dim = 299;
    CHECK_FALSE((*other)->importWeights(wrong).isOk());
    auto nan = weights;
    nan.b2[0] = std::nanf("");
    CHECK_FALSE((*other)->importWeights(nan).isOk());
}
