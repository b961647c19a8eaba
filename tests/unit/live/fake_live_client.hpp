#pragma once
// Test helpers for styledna-fake-live: a FakeLiveServer running on its own
// thread on a free port, and a UDP client bound to a free port that the
// server's replies go to (reply_port = the client's port).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/live/live_set.hpp"
#include "core/live/osc_message.hpp"
#include "fake_live/fake_live_server.hpp"

namespace styledna::test {

using Clock = std::chrono::steady_clock;

inline live::LiveSet fixtureSet(const char* file = "trance_set_live12.json") {
    std::string path = STYLEDNA_LIVE_FIXTURES;
    path.append("/").append(file);
    auto set = live::readLiveSetFile(path);
    if (!set) {
        throw std::runtime_error(set.status().message());
    }
    return std::move(*set);
}

struct Received {
    live::OscMessage message;
    Clock::time_point at;
};

class LiveTestClient {
public:
    LiveTestClient() {
        m_fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        if (m_fd < 0 ||
            ::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            throw std::runtime_error("client socket");
        }
        socklen_t length = sizeof address;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
    }
    ~LiveTestClient() { ::close(m_fd); }
    LiveTestClient(const LiveTestClient&) = delete;
    LiveTestClient& operator=(const LiveTestClient&) = delete;

    int port() const { return m_port; }
    void setServerPort(int port) { m_server_port = port; }

    void sendBytes(const std::vector<char>& bytes) const {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(static_cast<uint16_t>(m_server_port));
        ::sendto(m_fd, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                 sizeof to);
    }
    void send(const std::string& address, std::vector<live::OscArg> args = {}) const {
        auto bytes = live::encodeOsc({address, std::move(args)}, 65000);
        if (!bytes) {
            throw std::runtime_error(bytes.status().message());
        }
        sendBytes(*bytes);
    }

    // The next message, or nullopt after timeout_ms.
    std::optional<Received> receive(int timeout_ms) const {
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
        while (true) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())
                    .count();
            if (left < 0) {
                return std::nullopt;
            }
            pollfd fd{m_fd, POLLIN, 0};
            if (::poll(&fd, 1, static_cast<int>(left)) <= 0) {
                continue;
            }
            std::vector<char> buffer(65536);
            const ssize_t n = ::recv(m_fd, buffer.data(), buffer.size(), 0);
            if (n <= 0) {
                continue;
            }
            auto decoded = live::decodeOscPacket(buffer.data(), static_cast<size_t>(n));
            if (!decoded || decoded->empty()) {
                continue;
            }
            return Received{decoded->front(), Clock::now()};
        }
    }
    // Messages until `count` arrived or nothing came for idle_ms.
    std::vector<Received> receiveMany(size_t count, int idle_ms) const {
        std::vector<Received> out;
        while (out.size() < count) {
            auto r = receive(idle_ms);
            if (!r) {
                break;
            }
            out.push_back(std::move(*r));
        }
        return out;
    }
    // Sends /live/test and waits for its reply: a drain just ran.
    bool syncToTick(int timeout_ms = 2000) const {
        send("/live/test");
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
        while (Clock::now() < deadline) {
            auto r = receive(timeout_ms);
            if (r && r->message.address == "/live/test") {
                return true;
            }
        }
        return false;
    }

private:
    int m_fd = -1;
    int m_port = 0;
    int m_server_port = 0;
};

// A server on a free port on its own thread, replying to `client`.
class RunningFakeLive {
public:
    RunningFakeLive(LiveTestClient& client, fake_live::FakeLiveOptions options,
                    live::LiveSet set = fixtureSet()) {
        options.port = 0;
        options.reply_port = client.port();
        auto created = fake_live::FakeLiveServer::create(options, std::move(set));
        if (!created) {
            throw std::runtime_error(created.status().message());
        }
        m_server = std::move(*created);
        client.setServerPort(m_server->port());
        m_thread = std::thread([this] { m_server->run(); });
    }
    ~RunningFakeLive() {
        m_server->requestStop();
        m_thread.join();
    }
    RunningFakeLive(const RunningFakeLive&) = delete;
    RunningFakeLive& operator=(const RunningFakeLive&) = delete;

    fake_live::FakeLiveServer& server() { return *m_server; }

private:
    std::unique_ptr<fake_live::FakeLiveServer> m_server;
    std::thread m_thread;
};

inline double msBetween(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

} // namespace styledna::test
