#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "models/projection_head.hpp"
#include "unit/test_support.hpp"

using namespace styledna;

TEST_CASE("Projection head has the seed architecture and unit-norm outputs", "[models][head]") {
    auto head = models::ProjectionHead::create({});
    REQUIRE(head.isOk());
    // Linear(6144,512) + LayerNorm(512) + Linear(512,256)
    CHECK((*head)->parameterCount() == 6144 * 512 + 512 + 2 * 512 + 512 * 256 + 256);
    std::mt19937 rng(7);
    std::normal_distribution<float> normal;
    std::vector<float> input(3 * 6144);
    for (auto& v : input) {
        v = normal(rng);
    }
    auto out = (*head)->embed(input);
    REQUIRE(out.isOk());
    REQUIRE(out->size() == 3 * 256);
    for (int row = 0; row < 3; ++row) {
        double norm = 0;
        for (int k = 0; k < 256; ++k) {
            norm += (*out)[row * 256 + k] * (*out)[row * 256 + k];
        }
        CHECK(std::sqrt(norm) == Approx(1.0).margin(1e-5)); // float32 rounding
    }
    // Eval mode: dropout off, so inference is deterministic.
    CHECK(*(*head)->embed(input) == *out);
}

TEST_CASE("Projection head weights round-trip through a file", "[models][head]") {
    models::ProjectionHeadParams p;
    p.input_dim = 64;
    p.seed = 1;
    auto a = models::ProjectionHead::create(p);
    p.seed = 2;
    auto b = models::ProjectionHead::create(p);
    REQUIRE(a.isOk());
    REQUIRE(b.isOk());
    std::vector<float> x(64, 0.25f);
    CHECK(*(*a)->embed(x) != *(*b)->embed(x));
    const auto path = (test::tempDir("head") / "head.pt").string();
    REQUIRE((*a)->save(path).isOk());
    REQUIRE((*b)->load(path).isOk());
    CHECK(*(*a)->embed(x) == *(*b)->embed(x));
    CHECK_FALSE((*b)->embed(std::vector<float>(63)).isOk());
    CHECK_FALSE((*b)->load(path + ".missing").isOk());
}
