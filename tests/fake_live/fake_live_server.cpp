#include "fake_live/fake_live_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <queue>
#include <random>
#include <vector>

#include "core/common/logging.hpp"
#include "fake_live/live_emulator.hpp"

namespace styledna::fake_live {
namespace {

using Clock = std::chrono::steady_clock;
using live::OscArg;
using live::OscMessage;

// Owns one file descriptor.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    int get() const { return m_fd; }
    void reset() {
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }

private:
    int m_fd = -1;
};

std::string endpoint(int port) {
    std::string out = "127.0.0.1:";
    out.append(std::to_string(port));
    return out;
}

core::Status validate(const FakeLiveOptions& o) {
    auto bad = [](const char* what) { return core::invalidArgument(what); };
    if (o.port < 0 || o.port > 65535) {
        return bad("--port must be 0..65535");
    }
    if (o.reply_port < 1 || o.reply_port > 65535) {
        return bad("--reply-port must be 1..65535");
    }
    if (o.tick_ms < 1 || o.tick_ms > 10000) {
        return bad("--tick-ms must be 1..10000");
    }
    if (!(o.loss >= 0.0 && o.loss <= 1.0) || !(o.duplicate >= 0.0 && o.duplicate <= 1.0)) {
        return bad("--loss and --duplicate are probabilities in [0, 1]");
    }
    if (o.delay_ms_max < 0 || o.restart_after_sets < 0 || o.delete_after_sets < 0 ||
        o.stall_after_sets < 0) {
        return bad("--delay-ms-max, --restart-after-sets, --delete-after-sets and "
                   "--stall-after-sets must be >= 0");
    }
    if (!o.delete_device.empty() && o.delete_device.find('/') == std::string::npos) {
        return bad("--delete-device takes \"Track Name/Device Name\"");
    }
    if (!o.delete_device.empty() && o.delete_after_sets == 0) {
        return bad("--delete-device needs --delete-after-sets N (N >= 1)");
    }
    if (o.reply_limit_bytes < 64) {
        return bad("--reply-limit-bytes must be at least 64");
    }
    return core::Status::ok();
}

} // namespace

struct FakeLiveServer::Impl {
    struct Delayed {
        Clock::time_point due;
        uint64_t order = 0;
        std::vector<char> bytes;
        sockaddr_in to{};
        bool operator>(const Delayed& other) const {
            return due != other.due ? due > other.due : order > other.order;
        }
    };

    // Immutable after create().
    FakeLiveOptions options;
    live::LiveSet original_set;
    UniqueFd socket;
    UniqueFd wake_read, wake_write;
    std::shared_ptr<spdlog::logger> log = core::logger("fake-live");

    // Any thread.
    std::atomic<bool> stop{false};
    std::atomic<int64_t> parameters_set{0};
    std::atomic<int64_t> ticks{0};
    mutable std::mutex set_mutex; // guards emulator
    LiveEmulator emulator;

    // Owned by the run() thread.
    std::mt19937_64 rng;
    in_addr last_client{htonl(INADDR_LOOPBACK)};
    std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed;
    uint64_t delayed_order = 0;
    bool restarted = false;
    bool deleted = false;
    // stall_after_sets: set once the Nth value is applied, cleared by /fake/resume;
    // meanwhile every request (all but /fake/* hooks) waits in `held`, in order.
    struct Held {
        std::vector<OscMessage> messages;
        in_addr client{};
    };
    bool stalled = false;
    bool stall_done = false;
    std::deque<Held> held;

    Impl(FakeLiveOptions o, live::LiveSet set)
        : options(std::move(o)), original_set(set), emulator(std::move(set)), rng(options.seed) {}

    bool roll(double probability) {
        return probability > 0.0 &&
               std::uniform_real_distribution<double>(0.0, 1.0)(rng) < probability;
    }

    sockaddr_in replyAddress(in_addr ip) const {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr = ip;
        to.sin_port = htons(static_cast<uint16_t>(options.reply_port));
        return to;
    }

    void sendBytes(const std::vector<char>& bytes, const sockaddr_in& to) {
        if (::sendto(socket.get(), bytes.data(), bytes.size(), 0,
                     reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
            log->warn("sendto: {}", std::strerror(errno));
        }
    }

    // Unsolicited messages are never dropped, duplicated or delayed.
    void sendUnsolicited(const OscMessage& message) {
        auto bytes = live::encodeOsc(message, 65000);
        if (!bytes) {
            log->warn("cannot encode {}: {}", message.address, bytes.status().message());
            return;
        }
        sendBytes(*bytes, replyAddress(last_client));
    }

    void sendError(const std::string& text) {
        if (options.log_requests) {
            log->info("/live/error {}", text);
        }
        sendUnsolicited(OscMessage{"/live/error", {OscArg::string(text)}});
    }

    void sendStartup() {
        sendUnsolicited(OscMessage{"/live/startup", {}});
        // AbletonOSC sends this stray query with no arguments when it loads.
        sendUnsolicited(OscMessage{"/live/application/get/average_process_usage", {}});
    }

    // False when the reply is too large (the caller reports and ends the drain).
    bool sendReply(const OscMessage& reply, in_addr client) {
        auto bytes = live::encodeOsc(reply, options.reply_limit_bytes);
        if (!bytes) {
            return false;
        }
        if (roll(options.loss)) {
            return true; // lost on the way back
        }
        const int copies = roll(options.duplicate) ? 2 : 1;
        const sockaddr_in to = replyAddress(client);
        for (int i = 0; i < copies; ++i) {
            if (options.delay_ms_max > 0) {
                const int delay_ms =
                    std::uniform_int_distribution<int>(0, options.delay_ms_max)(rng);
                delayed.push(Delayed{Clock::now() + std::chrono::milliseconds(delay_ms),
                                     delayed_order++, *bytes, to});
            } else {
                sendBytes(*bytes, to);
            }
        }
        return true;
    }

    void sendDueReplies() {
        const auto now = Clock::now();
        while (!delayed.empty() && delayed.top().due <= now) {
            sendBytes(delayed.top().bytes, delayed.top().to);
            delayed.pop();
        }
    }

    void afterSets(int64_t before, int64_t after) {
        auto crossed = [&](int n) { return n > 0 && before < n && after >= n; };
        if (!deleted && !options.delete_device.empty() && crossed(options.delete_after_sets)) {
            deleted = true;
            const auto slash = options.delete_device.find('/');
            const std::string track = options.delete_device.substr(0, slash);
            const std::string device = options.delete_device.substr(slash + 1);
            bool found = false;
            {
                std::lock_guard lock(set_mutex);
                found = emulator.deleteDevice(track, device);
            }
            log->info("deleted device \"{}\" after {} sets{}", options.delete_device, after,
                      found ? "" : " (not found)");
        }
        if (!stall_done && crossed(options.stall_after_sets)) {
            stall_done = true;
            stalled = true;
            log->info("stalled after {} sets: requests wait for /fake/resume", after);
        }
        if (!restarted && crossed(options.restart_after_sets)) {
            restarted = true;
            if (options.restart_reset_values) {
                // Live reopens the set as saved: the file when there is one.
                live::LiveSet reloaded = original_set;
                if (!options.set_path.empty()) {
                    if (auto from_file = live::readLiveSetFile(options.set_path)) {
                        reloaded = std::move(*from_file);
                    } else {
                        log->warn("restart: {}; using the set loaded at start",
                                  from_file.status().message());
                    }
                }
                std::lock_guard lock(set_mutex);
                emulator.replaceSet(std::move(reloaded));
            }
            log->info("simulated Live restart after {} sets{}", after,
                      options.restart_reset_values ? " (values reset)" : "");
            sendStartup();
        }
    }

    void handleDump(const OscMessage& message, in_addr client, const FakeLiveServer& owner) {
        std::string path = options.dump_state_path;
        if (!message.args.empty() && message.args[0].type == OscArg::Type::kString) {
            path = message.args[0].string_value;
        }
        if (path.empty()) {
            sendError("/fake/dump: no path (pass one or start with --dump-state)");
            return;
        }
        if (auto status = owner.dumpState(path); !status.isOk()) {
            sendError(status.message());
            return;
        }
        sendReply(OscMessage{"/fake/dump", {OscArg::string("ok"), OscArg::string(path)}}, client);
    }

    static bool onlyTestHooks(const std::vector<OscMessage>& messages) {
        return std::all_of(messages.begin(), messages.end(),
                           [](const OscMessage& m) { return m.address.rfind("/fake/", 0) == 0; });
    }

    // /fake/resume: the held requests are handled now, in arrival order (an
    // error loses the rest of its datagram, as in a drain); replies ("ok", N held).
    void resume(in_addr client, const FakeLiveServer& owner) {
        const size_t count = held.size();
        stalled = false;
        log->info("resumed: handling {} held datagram(s)", count);
        std::deque<Held> pending;
        pending.swap(held);
        for (auto& h : pending) {
            (void)handleMessages(h.messages, h.client, owner);
        }
        sendReply(OscMessage{"/fake/resume",
                             {OscArg::string("ok"), OscArg::integer(static_cast<int64_t>(count))}},
                  client);
    }

    // Handles one datagram's messages in order. False when a handler raised
    // (the rest of the datagram is lost and the drain ends). A stall that
    // begins mid-datagram holds the datagram's remaining messages.
    bool handleMessages(const std::vector<OscMessage>& messages, in_addr client,
                        const FakeLiveServer& owner) {
        for (size_t i = 0; i < messages.size(); ++i) {
            const OscMessage& message = messages[i];
            if (options.log_requests) {
                log->info("{}", message.toString());
            }
            if (message.address == "/fake/dump") {
                handleDump(message, client, owner);
                continue;
            }
            if (message.address == "/fake/resume") {
                resume(client, owner);
                continue;
            }
            HandleResult result;
            {
                std::lock_guard lock(set_mutex);
                result = emulator.handle(message);
            }
            bool aborted = result.aborts_drain;
            const bool was_stalled = stalled;
            if (result.parameters_set > 0) {
                const int64_t before = parameters_set.fetch_add(result.parameters_set);
                afterSets(before, before + result.parameters_set);
            }
            if (result.reply && !sendReply(*result.reply, client)) {
                result.errors.push_back("Error handling OSC message: [Errno 40] Message too long");
                aborted = true;
            }
            for (const auto& text : result.errors) {
                sendError(text);
            }
            if (result.reload) {
                sendStartup();
            }
            if (aborted) {
                return false; // the rest waits for the next tick
            }
            if (stalled && !was_stalled && i + 1 < messages.size()) {
                held.push_back(
                    Held{{messages.begin() + static_cast<std::ptrdiff_t>(i) + 1, messages.end()},
                         client});
                return true;
            }
        }
        return true;
    }

    // One tick: drain the socket until it is empty or a handler raises.
    void drain(const FakeLiveServer& owner) {
        std::vector<char> buffer(65536);
        while (true) {
            sockaddr_in from{};
            socklen_t from_len = sizeof from;
            const ssize_t n = ::recvfrom(socket.get(), buffer.data(), buffer.size(), MSG_DONTWAIT,
                                         reinterpret_cast<sockaddr*>(&from), &from_len);
            if (n < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                    log->warn("recvfrom: {}", std::strerror(errno));
                }
                return;
            }
            if (roll(options.loss)) {
                continue; // the request never arrived
            }
            last_client = from.sin_addr;
            auto messages = live::decodeOscPacket(buffer.data(), static_cast<size_t>(n));
            if (!messages) {
                log->warn("ignored a datagram of {} bytes: {}", n, messages.status().message());
                continue;
            }
            if (stalled && !onlyTestHooks(*messages)) {
                held.push_back(Held{std::move(*messages), from.sin_addr});
                continue;
            }
            if (!handleMessages(*messages, from.sin_addr, owner)) {
                return; // the rest waits for the next tick
            }
        }
    }
};

int pollWaitMs(std::chrono::steady_clock::duration until_due) {
    // A delayed reply can fall due between sendDueReplies() and the clock read
    // that computes the wait (a preempted thread on a loaded host): poll() takes
    // a negative timeout as "wait forever", which stalled the emulator for good.
    const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(until_due).count();
    // Round up so a wake-up never comes before the deadline.
    return static_cast<int>(std::clamp<int64_t>((us + 999) / 1000, 0, 60'000));
}

core::Result<std::unique_ptr<FakeLiveServer>>
FakeLiveServer::create(FakeLiveOptions options, std::optional<live::LiveSet> set) {
    if (auto status = validate(options); !status.isOk()) {
        return status;
    }
    if (!set) {
        if (options.set_path.empty()) {
            return core::invalidArgument("--set FILE.json is required");
        }
        auto loaded = live::readLiveSetFile(options.set_path);
        if (!loaded) {
            return loaded.status();
        }
        set = std::move(*loaded);
    }
    auto impl = std::make_unique<Impl>(options, std::move(*set));

    impl->socket = UniqueFd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (impl->socket.get() < 0) {
        return core::internalError(std::string("socket: ") + std::strerror(errno));
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(options.port));
    if (::bind(impl->socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) <
        0) {
        const int error = errno;
        std::string message = endpoint(options.port);
        if (error == EADDRINUSE) {
            message.append(" is in use");
            return core::Status(core::StatusCode::kAlreadyExists, message);
        }
        message.append(": bind: ").append(std::strerror(error));
        return core::internalError(message);
    }
    socklen_t length = sizeof address;
    ::getsockname(impl->socket.get(), reinterpret_cast<sockaddr*>(&address), &length);
    const int port = ntohs(address.sin_port);

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        return core::internalError(std::string("pipe: ") + std::strerror(errno));
    }
    impl->wake_read = UniqueFd(pipe_fds[0]);
    impl->wake_write = UniqueFd(pipe_fds[1]);

    if (!options.ready_file.empty()) {
        const std::string tmp = options.ready_file + ".tmp";
        {
            std::ofstream out(tmp, std::ios::trunc);
            out << port << "\n";
            if (!out) {
                return core::invalidArgument(options.ready_file + ": cannot write");
            }
        }
        std::error_code ec;
        std::filesystem::rename(tmp, options.ready_file, ec);
        if (ec) {
            return core::invalidArgument(options.ready_file + ": " + ec.message());
        }
    }
    return std::unique_ptr<FakeLiveServer>(new FakeLiveServer(std::move(impl), port));
}

FakeLiveServer::FakeLiveServer(std::unique_ptr<Impl> impl, int port)
    : m_impl(std::move(impl)), m_port(port) {}

FakeLiveServer::~FakeLiveServer() = default;

int64_t FakeLiveServer::parametersSet() const {
    return m_impl->parameters_set.load();
}

int64_t FakeLiveServer::ticks() const {
    return m_impl->ticks.load();
}

void FakeLiveServer::requestStop() {
    m_impl->stop.store(true);
    const char byte = 1;
    [[maybe_unused]] ssize_t n = ::write(m_impl->wake_write.get(), &byte, 1);
}

void FakeLiveServer::run() {
    Impl& s = *m_impl;
    const auto tick = std::chrono::milliseconds(s.options.tick_ms);
    const auto phase = std::chrono::microseconds(
        std::uniform_int_distribution<int64_t>(0, s.options.tick_ms * 1000 - 1)(s.rng));
    auto next_tick = Clock::now() + phase;
    s.log->info("listening on {} (replies to port {}, tick {} ms)", endpoint(m_port),
                s.options.reply_port, s.options.tick_ms);
    while (!s.stop.load()) {
        s.sendDueReplies();
        auto now = Clock::now();
        if (now >= next_tick) {
            s.drain(*this);
            s.ticks.fetch_add(1);
            while (next_tick <= now) {
                next_tick += tick;
            }
            continue;
        }
        auto wake_at = next_tick;
        if (!s.delayed.empty() && s.delayed.top().due < wake_at) {
            wake_at = s.delayed.top().due;
        }
        pollfd fd{s.wake_read.get(), POLLIN, 0};
        ::poll(&fd, 1, pollWaitMs(wake_at - now));
    }
}

live::LiveSet FakeLiveServer::snapshot() const {
    std::lock_guard lock(m_impl->set_mutex);
    return m_impl->emulator.snapshotWithValueStrings();
}

core::Status FakeLiveServer::dumpState(const std::string& path) const {
    const std::string json = live::liveSetToJson(snapshot(), 1);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << json << "\n";
        if (!out) {
            return core::invalidArgument(path + ": cannot write the dump");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        return core::invalidArgument(path + ": " + ec.message());
    }
    return core::Status::ok();
}

} // namespace styledna::fake_live
