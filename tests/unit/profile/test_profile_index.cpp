// The profile's member index after an append: grown from the stored index
// when the earlier members kept their rows and embeddings, else rebuilt
// (core/profile/profile_index.hpp).

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/profile/profile_index.hpp"

using namespace styledna;

namespace {

constexpr int kDim = 16;

// n members with random unit embeddings (seeded), content hashes "h<i>".
profile::Profile members(std::size_t n, std::uint32_t seed) {
    profile::Profile p;
    p.space.backbone_dim = kDim;
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, 1.0f);
    for (std::size_t i = 0; i < n; ++i) {
        profile::Member m;
        m.content_hash = "h";
        m.content_hash += std::to_string(i);
        m.path = "/refs/";
        m.path += m.content_hash;
        m.path += ".wav";
        double norm = 0.0;
        for (int d = 0; d < kDim; ++d) {
            m.embedding.push_back(g(rng));
            norm += double(m.embedding.back()) * m.embedding.back();
        }
        for (float& v : m.embedding) {
            v = static_cast<float>(v / std::sqrt(norm));
        }
        p.members.push_back(std::move(m));
    }
    return p;
}

// previous + `extra` new members (the appended ones last).
profile::Profile appended(const profile::Profile& previous, std::size_t extra) {
    profile::Profile next = previous;
    const auto more = members(previous.members.size() + extra, 99);
    for (std::size_t i = previous.members.size(); i < more.members.size(); ++i) {
        next.members.push_back(more.members[i]);
        next.members.back().content_hash = "new";
        next.members.back().content_hash += std::to_string(i);
    }
    return next;
}

// Every member's own embedding finds itself first.
void requireFindsEveryMember(const index::VectorIndex& idx, const profile::Profile& p) {
    REQUIRE(idx.size() == p.members.size());
    for (std::size_t i = 0; i < p.members.size(); ++i) {
        auto r = idx.search(p.members[i].embedding, 1);
        REQUIRE(r.isOk());
        REQUIRE(r->neighbours.size() == 1);
        CHECK(r->neighbours[0].label == i);
    }
}

} // namespace

TEST_CASE("an append that kept the embeddings grows the stored index", "[profile][index]") {
    index::IndexParams params;
    params.exact_below = GENERATE(std::size_t{0}, std::size_t{4096}); // graph, exact scan
    const auto previous = members(300, 1);
    auto stored = profile::buildMemberIndex(previous, params);
    REQUIRE(stored.isOk());
    const auto next = appended(previous, 3);
    auto grown = profile::appendMemberIndex(previous, stored->get(), next, params);
    REQUIRE(grown.isOk());
    CHECK(grown->extended);
    CHECK(std::string(grown->index->path()) == (params.exact_below == 0 ? "hnsw" : "exact"));
    requireFindsEveryMember(*grown->index, next);
    // The stored index is untouched (readers may be searching it).
    CHECK((*stored)->size() == previous.members.size());
    // Same neighbours as the exact scan for a few queries.
    for (std::size_t q = 0; q < next.members.size(); q += 37) {
        auto a = grown->index->search(next.members[q].embedding, 5);
        auto b = grown->index->searchExact(next.members[q].embedding, 5);
        REQUIRE(a.isOk());
        REQUIRE(b.isOk());
        REQUIRE(a->neighbours.size() == b->neighbours.size());
        for (std::size_t j = 0; j < a->neighbours.size(); ++j) {
            CHECK(a->neighbours[j].label == b->neighbours[j].label);
        }
    }
}

TEST_CASE("an append that moved embeddings, rows or parameters rebuilds the index",
          "[profile][index]") {
    index::IndexParams params;
    params.exact_below = 0;
    const auto previous = members(200, 2);
    auto stored = profile::buildMemberIndex(previous, params);
    REQUIRE(stored.isOk());
    auto next = appended(previous, 2);

    SECTION("a fine-tuned head moved every embedding") {
        next.members[5].embedding[0] = -next.members[5].embedding[0];
    }
    SECTION("an earlier member changed rows") {
        std::swap(next.members[3], next.members[4]);
    }
    SECTION("other index parameters") {
        params.m = 24;
    }
    SECTION("no stored index") {
        stored = core::Result<std::unique_ptr<index::VectorIndex>>(
            std::unique_ptr<index::VectorIndex>());
    }
    auto built = profile::appendMemberIndex(previous, stored->get(), next, params);
    REQUIRE(built.isOk());
    CHECK_FALSE(built->extended);
    CHECK(built->index->params().m == params.m);
    requireFindsEveryMember(*built->index, next);
}

TEST_CASE("a bad appended embedding names the member and builds nothing", "[profile][index]") {
    const index::IndexParams params;
    const auto previous = members(20, 3);
    auto stored = profile::buildMemberIndex(previous, params);
    REQUIRE(stored.isOk());
    auto next = appended(previous, 1);
    next.members.back().embedding.assign(kDim, 0.0f);
    auto r = profile::appendMemberIndex(previous, stored->get(), next, params);
    REQUIRE_FALSE(r.isOk());
    CHECK(r.status().message().find(next.members.back().path) != std::string::npos);
}
