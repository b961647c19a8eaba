// The daemon's job pool: bounded queue, and the idle hook that trims the
// large-buffer pool once nothing has run for a while (server/job_pool.hpp).

#include <atomic>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "server/job_pool.hpp"

using namespace styledna;
using namespace std::chrono_literals;

namespace {

// Polls `done` for up to `limit`.
template <class F> bool eventually(F done, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > end) {
            return false;
        }
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

} // namespace

TEST_CASE("job pool: the idle hook runs once per idle period, after jobs only",
          "[server][job_pool]") {
    std::atomic<int> idle{0}, ran{0};
    server::JobPool pool(
        2, 8, [&] { ++idle; }, 150ms);
    // No job yet: nothing to trim, the hook does not run.
    std::this_thread::sleep_for(300ms);
    CHECK(idle == 0);

    REQUIRE(pool.submit([&] { ++ran; }));
    REQUIRE(pool.submit([&] { ++ran; }));
    REQUIRE(eventually([&] { return idle == 1; }, 5000ms));
    CHECK(ran == 2);
    // One idle period, one call, however many workers wait.
    std::this_thread::sleep_for(400ms);
    CHECK(idle == 1);

    // A job that runs longer than the idle period does not count as idle.
    REQUIRE(pool.submit([&] {
        std::this_thread::sleep_for(400ms);
        ++ran;
    }));
    std::this_thread::sleep_for(300ms);
    CHECK(idle == 1);
    REQUIRE(eventually([&] { return idle == 2; }, 5000ms));
    CHECK(ran == 3);
    pool.shutdown();
    CHECK(idle == 2);
}

TEST_CASE("job pool: shutdown while idle-armed returns promptly", "[server][job_pool]") {
    std::atomic<int> idle{0};
    auto pool = std::make_unique<server::JobPool>(
        2, 8, [&] { ++idle; }, 60s);
    REQUIRE(pool->submit([] {}));
    std::this_thread::sleep_for(50ms);
    const auto t0 = std::chrono::steady_clock::now();
    pool.reset();
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);
    CHECK(idle == 0);
}

TEST_CASE("job pool: a full queue refuses work", "[server][job_pool]") {
    std::atomic<bool> release{false};
    server::JobPool pool(1, 2);
    REQUIRE(pool.submit([&] {
        while (!release) {
            std::this_thread::sleep_for(1ms);
        }
    }));
    REQUIRE(eventually([&] { return pool.running() == 1; }, 5000ms));
    CHECK(pool.submit([] {}));
    CHECK(pool.submit([] {}));
    CHECK_FALSE(pool.submit([] {}));
    release = true;
    REQUIRE(eventually([&] { return pool.running() == 0 && pool.queued() == 0; }, 5000ms));
}
