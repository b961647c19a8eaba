#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "server/osc_worker.hpp"

using namespace styledna;
using live::OscArg;
using live::OscMessage;

namespace {

using Clock = std::chrono::steady_clock;

int boundUdp(const char* host, int port) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, host, &a.sin_addr);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    return fd;
}

int localPort(int fd) {
    sockaddr_in a{};
    socklen_t n = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
    return ntohs(a.sin_port);
}

int freeUdpPort() {
    const int fd = boundUdp("127.0.0.1", 0);
    const int port = localPort(fd);
    ::close(fd);
    return port;
}

// Called from the responder's thread too: no Catch macros (Catch is single-threaded).
void sendTo(int fd, const OscMessage& m, int port, const char* host = "127.0.0.1") {
    auto bytes = live::encodeOsc(m);
    if (!bytes) {
        return;
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, host, &to.sin_addr);
    ::sendto(fd, bytes->data(), bytes->size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
}

// A tiny AbletonOSC stand-in: answers each datagram with what `handler` returns,
// sent to 127.0.0.1:reply_port (as the script does). Replies go out in the order
// returned, so a handler may reorder, duplicate or drop them.
class Responder {
public:
    using Handler = std::function<std::vector<OscMessage>(const OscMessage&)>;
    Responder(int reply_port, Handler handler)
        : m_fd(boundUdp("127.0.0.1", 0)), m_reply_port(reply_port), m_handler(std::move(handler)) {
        m_thread = std::thread([this] { loop(); });
    }
    ~Responder() {
        m_stop = true;
        m_thread.join();
        ::close(m_fd);
    }
    int port() const { return localPort(m_fd); }
    int received() const { return m_received.load(); }

private:
    void loop() {
        std::vector<char> buf(65536);
        while (!m_stop) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 10) <= 0) {
                continue;
            }
            const ssize_t n = ::recv(m_fd, buf.data(), buf.size(), 0);
            auto messages = live::decodeOscPacket(buf.data(), static_cast<size_t>(n));
            if (!messages) {
                continue;
            }
            for (const auto& m : *messages) {
                ++m_received;
                for (const auto& r : m_handler(m)) {
                    sendTo(m_fd, r, m_reply_port);
                }
            }
        }
    }
    int m_fd;
    int m_reply_port;
    Handler m_handler;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_received{0};
    std::thread m_thread;
};

OscMessage echo(const OscMessage& request, OscArg value) {
    OscMessage r = request;
    r.args.push_back(std::move(value));
    return r;
}

server::OscWorkerOptions options(int live_port, int reply_port, int timeout_ms = 100) {
    server::OscWorkerOptions o;
    o.live_port = live_port;
    o.reply_port = reply_port;
    o.attempt_timeout_ms = timeout_ms;
    return o;
}

} // namespace

TEST_CASE("A pipelined batch is correlated by echoed indices, replies reordered and duplicated",
          "[live_bridge][worker]") {
    const int reply_port = freeUdpPort();
    std::mutex mutex;
    std::vector<OscMessage> held;
    // Holds replies until five requests came, then answers them backwards, each twice.
    Responder live(reply_port, [&](const OscMessage& m) {
        std::lock_guard lock(mutex);
        held.push_back(echo(m, OscArg::real(m.args[2].asDouble() / 10)));
        std::vector<OscMessage> out;
        if (held.size() == 5) {
            for (auto it = held.rbegin(); it != held.rend(); ++it) {
                out.push_back(*it);
                out.push_back(*it);
            }
        }
        return out;
    });
    server::OscWorker worker(options(live.port(), reply_port, 300));
    std::vector<live::LiveRequest> batch;
    for (int p = 0; p < 5; ++p) {
        batch.push_back(live::requestParameterValue(1, 2, p));
    }
    const auto t0 = Clock::now();
    auto result = worker.run(batch);
    CHECK(Clock::now() - t0 < std::chrono::milliseconds(250)); // one round trip, no retry
    for (int p = 0; p < 5; ++p) {
        const auto& r = result.replies[static_cast<size_t>(p)];
        REQUIRE(r.status.isOk());
        CHECK(r.message.args[2].asDouble() == p);
        CHECK(r.message.args[3].asDouble() == Approx(p / 10.0));
    }
    CHECK(live.received() == 5);
}

TEST_CASE("A lost reply is asked again; sets complete once sent", "[live_bridge][worker]") {
    const int reply_port = freeUdpPort();
    std::atomic<int> asked{0};
    Responder live(reply_port, [&](const OscMessage& m) -> std::vector<OscMessage> {
        if (m.address == live::kAddressSetParameterValue) {
            return {};
        }
        if (asked++ == 0) {
            return {}; // the first reply is lost
        }
        return {echo(m, OscArg::real(0.25))};
    });
    server::OscWorker worker(options(live.port(), reply_port));
    auto result =
        worker.run({live::setParameterValue(0, 0, 1, 0.25), live::requestParameterValue(0, 0, 1)});
    REQUIRE(result.replies[0].status.isOk());
    REQUIRE(result.replies[1].status.isOk());
    CHECK(result.replies[1].message.args[3].asDouble() == 0.25);
    CHECK(asked.load() == 2);
}

TEST_CASE("Live's errors fail the request they name, or the reads left unanswered",
          "[live_bridge][worker]") {
    const int reply_port = freeUdpPort();
    Responder live(reply_port, [&](const OscMessage& m) -> std::vector<OscMessage> {
        if (m.address == "/live/song/get/nothing") {
            return {{live::kAddressError, {OscArg::string("Unknown OSC address: " + m.address)}}};
        }
        if (m.args.size() >= 3 && m.args[2].int_value == 99) {
            return {{live::kAddressError,
                     {OscArg::string("Error handling OSC message: list index out of range")}}};
        }
        return {echo(m, OscArg::real(0.5))};
    });
    server::OscWorker worker(options(live.port(), reply_port));
    live::LiveRequest unknown;
    unknown.message.address = "/live/song/get/nothing";
    auto result = worker.run(
        {live::requestParameterValue(0, 0, 1), live::requestParameterValue(0, 0, 99), unknown});
    CHECK(result.replies[0].status.isOk());
    REQUIRE_FALSE(result.replies[1].status.isOk());
    CHECK_THAT(result.replies[1].status.message(),
               Catch::Contains("list index out of range") &&
                   Catch::Contains("/live/device/get/parameter/value (0, 0, 99)"));
    REQUIRE_FALSE(result.replies[2].status.isOk());
    CHECK(result.replies[2].status.code() == core::StatusCode::kUnimplemented);
    CHECK_THAT(result.replies[2].status.message(), Catch::Contains("/live/song/get/nothing"));
    CHECK(result.live_errors.size() >= 2);
}

TEST_CASE("/live/startup fails what is in flight and counts the restart", "[live_bridge][worker]") {
    const int reply_port = freeUdpPort();
    Responder live(reply_port, [&](const OscMessage&) {
        return std::vector<OscMessage>{{live::kAddressStartup, {}},
                                       {"/live/application/get/average_process_usage", {}}};
    });
    server::OscWorker worker(options(live.port(), reply_port));
    auto result = worker.run({live::requestTrackNames()});
    CHECK(result.live_restarted);
    REQUIRE_FALSE(result.replies[0].status.isOk());
    CHECK_THAT(result.replies[0].status.message(), Catch::Contains("interrupted: Live restarted"));
    CHECK(worker.startupCount() == 1);
}

TEST_CASE("Live absent: a clear error after the attempts, within 2 s", "[live_bridge][worker]") {
    const int reply_port = freeUdpPort();
    const int nobody = freeUdpPort();
    // A host other than Live answering on the reply port is ignored.
    const int stranger = boundUdp("127.0.0.2", 0);
    server::OscWorker worker(options(nobody, reply_port, 250));
    auto future = worker.submit({live::requestTrackNames()});
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    sendTo(stranger, {live::kAddressTrackNames, {OscArg::string("Impostor")}}, reply_port);
    const auto t0 = Clock::now();
    auto result = future.get();
    const auto waited = Clock::now() - t0;
    ::close(stranger);
    REQUIRE_FALSE(result.replies[0].status.isOk());
    CHECK(result.replies[0].status.message() ==
          "no reply from AbletonOSC at 127.0.0.1:" + std::to_string(nobody) +
              " within 1 s: is Live running with the AbletonOSC control surface?");
    CHECK(waited < std::chrono::seconds(2));
}

TEST_CASE("A taken reply port is named; the worker binds once it is free",
          "[live_bridge][worker]") {
    const int blocker = boundUdp("127.0.0.1", 0);
    const int reply_port = localPort(blocker);
    Responder live(reply_port, [](const OscMessage& m) {
        return std::vector<OscMessage>{echo(m, OscArg::integer(3))};
    });
    server::OscWorker worker(options(live.port(), reply_port));
    auto refused = worker.run({live::requestNumTracks()});
    REQUIRE_FALSE(refused.replies[0].status.isOk());
    CHECK(refused.replies[0].status.message() ==
          "cannot bind 127.0.0.1:" + std::to_string(reply_port) +
              " for AbletonOSC replies: address in use (another AbletonOSC client running?)");
    ::close(blocker);
    auto answered = worker.run({live::requestNumTracks()});
    REQUIRE(answered.replies[0].status.isOk());
    CHECK(answered.replies[0].message.args[0].asDouble() == 3);
}
