#include <catch2/catch.hpp>

#include <fstream>

#include "core/common/large_buffers.hpp"
#include "core/common/sha256.hpp"
#include "core/common/status.hpp"
#include "unit/test_support.hpp"

using namespace styledna;

TEST_CASE("Status and Result carry codes and messages", "[common][status]") {
    core::Status ok;
    CHECK(ok.isOk());
    auto bad = core::invalidArgument("x.wav: broken");
    CHECK_FALSE(bad.isOk());
    CHECK(bad.toString() == "INVALID_ARGUMENT: x.wav: broken");
    core::Result<int> value = 42;
    REQUIRE(value.isOk());
    CHECK(*value == 42);
    core::Result<int> error = core::notFound("gone");
    CHECK_FALSE(error.isOk());
    CHECK(error.status().code() == core::StatusCode::kNotFound);
    // An OK status can never masquerade as a value.
    core::Result<int> confused = core::Status::ok();
    CHECK_FALSE(confused.isOk());
    CHECK(confused.status().code() == core::StatusCode::kInternal);
}

TEST_CASE("SHA-256 matches the FIPS 180-2 test vectors", "[common][sha256]") {
    CHECK(core::sha256Hex("abc", 3) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(core::sha256Hex("", 0) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const auto dir = test::tempDir("sha");
    const auto path = (dir / "abc.txt").string();
    std::ofstream(path) << "abc";
    auto hashed = core::sha256File(path);
    REQUIRE(hashed.isOk());
    CHECK(*hashed == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // Larger than one 1 MiB chunk: equal to the in-memory digest.
    std::string big(3 * (1 << 20) + 17, 'q');
    std::ofstream(dir / "big.bin", std::ios::binary) << big;
    auto big_hash = core::sha256File((dir / "big.bin").string());
    REQUIRE(big_hash.isOk());
    CHECK(*big_hash == core::sha256Hex(big.data(), big.size()));
}

TEST_CASE("SHA-256 of a missing file is NOT_FOUND naming the path", "[common][sha256]") {
    auto r = core::sha256File("/nonexistent/dir/x.wav");
    REQUIRE_FALSE(r.isOk());
    CHECK(r.status().code() == core::StatusCode::kNotFound);
    CHECK(r.status().message().find("/nonexistent/dir/x.wav") != std::string::npos);
}

TEST_CASE("large-buffer pool trims to what it is asked to keep", "[common][pool]") {
    using namespace styledna::core;
    trimLargePool(0);
    REQUIRE(pooledBytes() == 0);
    const std::size_t n = (std::size_t{16} << 20) / sizeof(float);
    std::vector<std::vector<float>> live(4); // four at once, so none reuses another
    for (auto& v : live) {
        reserveLarge(v, n);
        v.resize(n, 0.5f);
    }
    for (auto& v : live) {
        recycleLarge(v);
    }
    const std::size_t held = pooledBytes();
    REQUIRE(held >= 4 * n * sizeof(float));
    const std::size_t keep = 2 * n * sizeof(float) + 1;
    const std::size_t freed = trimLargePool(keep);
    CHECK(pooledBytes() <= keep);
    CHECK(pooledBytes() + freed == held);
    CHECK(pooledBytes() > 0); // the newest stay
    CHECK(trimLargePool(keep) == 0);
    trimLargePool(0);
    CHECK(pooledBytes() == 0);
}

TEST_CASE("a fresh large buffer has headroom for a slightly longer next track", "[common][pool]") {
    using namespace styledna::core;
    trimLargePool(0);
    const std::size_t n = (std::size_t{8} << 20) / sizeof(float);
    std::vector<float> a;
    reserveLarge(a, n);
    CHECK(a.capacity() >= n + n / kLargeBufferHeadroomDivisor);
    a.resize(n, 1.0f);
    const float* storage = a.data();
    recycleLarge(a);
    std::vector<float> b;
    reserveLarge(b, n + n / 20); // 5 % longer: the same storage
    CHECK(b.data() == storage);
    std::vector<float> small;
    reserveLarge(small, 1000); // under the pool's minimum: exactly what was asked
    CHECK(small.capacity() == 1000);
    recycleLarge(b);
    trimLargePool(0);
}

TEST_CASE("large-buffer pool reuses released storage and respects its cap", "[common][pool]") {
    using namespace styledna::core;
    const std::size_t n = kLargeBufferMinBytes / sizeof(float) + 1000;
    std::vector<float> a;
    reserveLarge(a, n);
    REQUIRE(a.capacity() >= n);
    a.resize(n, 1.0f);
    const float* storage = a.data();
    const std::size_t before = pooledBytes();
    recycleLarge(a);
    CHECK(a.empty());
    CHECK(a.capacity() == 0);
    CHECK(pooledBytes() > before);
    std::vector<float> b;
    reserveLarge(b, n - 10); // fits the released buffer: takes it
    CHECK(b.data() == storage);
    CHECK(b.empty());
    CHECK(pooledBytes() == before);
    std::vector<float> small(1000, 0.0f);
    recycleLarge(small); // below the minimum: freed, not pooled
    CHECK(pooledBytes() == before);
    // The pool never holds more than its cap.
    std::vector<std::vector<float>> many(8);
    for (auto& v : many) {
        v.reserve((std::size_t{128} << 20) / sizeof(float));
        recycleLarge(v);
    }
    CHECK(pooledBytes() <= kPoolMaxBytes);
    recycleLarge(b);
}
