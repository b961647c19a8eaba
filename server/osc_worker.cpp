#include "server/osc_worker.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/common/logging.hpp"

namespace styledna::server {
namespace {

constexpr int kReceiveBufferBytes = 4 << 20;

bool isLoopbackHost(const std::string& host) {
    return host == "localhost" || host.rfind("127.", 0) == 0;
}

// IPv4 address of `host` in network order, 0 when it does not resolve.
std::uint32_t resolveIpv4(const std::string& host) {
    in_addr addr{};
    if (::inet_pton(AF_INET, host.c_str(), &addr) == 1) {
        return addr.s_addr;
    }
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
        return 0;
    }
    const auto ip = reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr.s_addr;
    ::freeaddrinfo(found);
    return ip;
}

std::string secondsText(int ms) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g s", ms / 1000.0);
    return buffer;
}

} // namespace

OscWorker::OscWorker(OscWorkerOptions options) : m_options(std::move(options)) {
    m_wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    m_thread = std::thread([this] { loop(); });
}

OscWorker::~OscWorker() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_wake_fd, &one, sizeof one);
    if (m_thread.joinable()) {
        m_thread.join();
    }
    ::close(m_wake_fd);
}

std::string OscWorker::liveAddress() const {
    std::string out = m_options.live_host;
    out.append(":").append(std::to_string(m_options.live_port));
    return out;
}

std::future<OscBatchResult> OscWorker::submit(std::vector<live::LiveRequest> batch) {
    Submission s;
    s.requests = std::move(batch);
    s.batch = std::make_shared<BatchState>();
    auto future = s.batch->promise.get_future();
    bool stopped = false;
    {
        std::lock_guard lock(m_mutex);
        stopped = m_stop;
        if (!stopped) {
            m_inbox.push_back(std::move(s));
        }
    }
    if (stopped) {
        OscBatchResult r;
        r.replies.assign(s.requests.size(),
                         OscReply{core::Status(core::StatusCode::kUnavailable,
                                               "the OSC worker is shutting down"),
                                  {}});
        s.batch->promise.set_value(std::move(r));
        return future;
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_wake_fd, &one, sizeof one);
    return future;
}

core::Status OscWorker::ensureBound() {
    if (m_socket >= 0) {
        return core::Status::ok();
    }
    auto log = core::logger("osc");
    m_live_ip = resolveIpv4(m_options.live_host);
    if (m_live_ip == 0) {
        return core::invalidArgument("cannot resolve the Live host '" + m_options.live_host +
                                     "' (--live-host)");
    }
    const std::string bind_host = isLoopbackHost(m_options.live_host) ? "127.0.0.1" : "0.0.0.0";
    std::string where = bind_host;
    where.append(":").append(std::to_string(m_options.reply_port));
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return core::Status(core::StatusCode::kUnavailable,
                            std::string("cannot create a UDP socket: ") + std::strerror(errno));
    }
    int size = kReceiveBufferBytes;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(m_options.reply_port));
    ::inet_pton(AF_INET, bind_host.c_str(), &addr.sin_addr);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const int err = errno;
        ::close(fd);
        std::string message = "cannot bind " + where + " for AbletonOSC replies: ";
        if (err == EADDRINUSE) {
            message.append("address in use (another AbletonOSC client running?)");
        } else {
            message.append(std::strerror(err));
        }
        log->warn("{}", message);
        return core::Status(core::StatusCode::kUnavailable, message);
    }
    m_socket = fd;
    log->info("bound {} for AbletonOSC replies; Live at {}", where, liveAddress());
    return core::Status::ok();
}

void OscWorker::closeSocket() {
    if (m_socket >= 0) {
        ::close(m_socket);
        m_socket = -1;
    }
}

void OscWorker::loop() {
    while (true) {
        pollfd fds[2] = {{m_wake_fd, POLLIN, 0}, {m_socket, POLLIN, 0}};
        const nfds_t count = m_socket >= 0 ? 2 : 1;
        ::poll(fds, count, pollTimeoutMs());
        if (fds[0].revents & POLLIN) {
            std::uint64_t value = 0;
            [[maybe_unused]] auto n = ::read(m_wake_fd, &value, sizeof value);
        }
        std::deque<Submission> inbox;
        bool stop = false;
        {
            std::lock_guard lock(m_mutex);
            inbox.swap(m_inbox);
            stop = m_stop;
        }
        if (stop) {
            const core::Status down(core::StatusCode::kUnavailable, "daemon shutting down");
            for (auto& s : inbox) {
                s.batch->result.replies.assign(s.requests.size(), OscReply{down, {}});
                s.batch->promise.set_value(std::move(s.batch->result));
            }
            failAll(down);
            closeSocket();
            return;
        }
        for (auto& s : inbox) {
            start(std::move(s));
        }
        if (count == 2 && (fds[1].revents & POLLIN)) {
            receiveAll();
        }
        handleTimeouts();
    }
}

int OscWorker::pollTimeoutMs() const {
    std::optional<Clock::time_point> next;
    for (const auto& [key, queue] : m_by_key) {
        if (!queue.empty() && queue.front().sent) {
            next = next ? std::min(*next, queue.front().deadline) : queue.front().deadline;
        }
    }
    if (!next) {
        return -1;
    }
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(*next - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(ms + 1, 0, 60'000));
}

void OscWorker::start(Submission submission) {
    auto batch = submission.batch;
    const size_t n = submission.requests.size();
    batch->result.replies.resize(n);
    batch->remaining = n;
    if (n == 0) {
        batch->promise.set_value(std::move(batch->result));
        return;
    }
    if (auto bound = ensureBound(); !bound.isOk()) {
        for (auto& r : batch->result.replies) {
            r.status = bound;
        }
        batch->promise.set_value(std::move(batch->result));
        return;
    }
    m_open_batches.push_back(batch);
    for (size_t i = 0; i < n; ++i) {
        Pending p;
        p.batch = batch;
        p.slot = i;
        p.request = std::move(submission.requests[i]);
        if (!p.request.expects_reply) {
            complete(p, OscReply{sendDatagram(p.request.message), {}});
            continue;
        }
        auto& queue = m_by_key[live::correlationKey(p.request)];
        queue.push_back(std::move(p));
        if (queue.size() == 1) {
            sendPending(queue.front());
        }
    }
}

core::Status OscWorker::sendDatagram(const live::OscMessage& message) {
    auto bytes = live::encodeOsc(message);
    if (!bytes) {
        return bytes.status();
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(m_options.live_port));
    to.sin_addr.s_addr = m_live_ip;
    const ssize_t sent = ::sendto(m_socket, bytes->data(), bytes->size(), 0,
                                  reinterpret_cast<const sockaddr*>(&to), sizeof to);
    if (sent < 0) {
        return core::Status(core::StatusCode::kUnavailable, "cannot send " + message.toString() +
                                                                " to " + liveAddress() + ": " +
                                                                std::strerror(errno));
    }
    core::logger("osc")->trace("-> {}", message.toString());
    return core::Status::ok();
}

void OscWorker::sendPending(Pending& pending) {
    const auto now = Clock::now();
    if (pending.attempts == 0) {
        pending.first_sent = now;
    }
    pending.sent = true;
    ++pending.attempts;
    pending.deadline = now + std::chrono::milliseconds(m_options.attempt_timeout_ms);
    if (auto s = sendDatagram(pending.request.message); !s.isOk()) {
        pending.deadline = now; // fails at the next timeout check
        pending.send_error = s.message();
        pending.attempts = m_options.read_attempts;
    }
}

void OscWorker::receiveAll() {
    std::vector<char> buffer(65536);
    while (true) {
        sockaddr_in from{};
        socklen_t from_len = sizeof from;
        const ssize_t n = ::recvfrom(m_socket, buffer.data(), buffer.size(), 0,
                                     reinterpret_cast<sockaddr*>(&from), &from_len);
        if (n < 0) {
            return; // EAGAIN: drained
        }
        if (from.sin_addr.s_addr != m_live_ip) {
            core::logger("osc")->debug("ignored a datagram from {} (not the Live host)",
                                       ::inet_ntoa(from.sin_addr));
            continue;
        }
        m_last_heard = Clock::now();
        auto messages = live::decodeOscPacket(buffer.data(), static_cast<size_t>(n));
        if (!messages) {
            core::logger("osc")->warn("ignored a malformed datagram from Live: {}",
                                      messages.status().message());
            continue;
        }
        for (const auto& m : *messages) {
            handleMessage(m);
        }
    }
}

void OscWorker::handleMessage(const live::OscMessage& message) {
    core::logger("osc")->trace("<- {}", message.toString());
    if (message.address == live::kAddressStartup) {
        handleStartup();
        return;
    }
    if (message.address == live::kAddressError) {
        std::string text =
            message.args.empty() ? std::string("(no text)") : message.args[0].string_value;
        handleError(text);
        return;
    }
    for (auto it = m_by_key.lower_bound(message.address); it != m_by_key.end(); ++it) {
        const std::string& key = it->first;
        if (key.compare(0, message.address.size(), message.address) != 0) {
            break;
        }
        if (key.size() != message.address.size() && key[message.address.size()] != '|') {
            continue;
        }
        auto& queue = it->second;
        if (!queue.empty() && queue.front().sent &&
            live::replyMatches(queue.front().request, message)) {
            completeFront(key, OscReply{core::Status::ok(), message});
            return;
        }
    }
    core::logger("osc")->debug("ignored {} (no request waits for it)", message.toString());
}

void OscWorker::handleError(const std::string& text) {
    auto log = core::logger("osc");
    log->warn("AbletonOSC error: {}", text);
    for (auto& batch : m_open_batches) {
        batch->result.live_errors.push_back(text);
    }
    const std::string unknown = live::unknownAddressInError(text);
    const auto extended = Clock::now() + std::chrono::milliseconds(m_options.attempt_timeout_ms);
    std::vector<std::string> failed_keys;
    for (auto& [key, queue] : m_by_key) {
        if (queue.empty() || !queue.front().sent) {
            continue;
        }
        Pending& front = queue.front();
        if (!unknown.empty()) {
            if (front.request.message.address == unknown) {
                failed_keys.push_back(key);
            }
            continue;
        }
        front.suspected_error = text;
        front.deadline = std::max(front.deadline, extended);
    }
    for (const auto& key : failed_keys) {
        completeFront(key, OscReply{core::Status(core::StatusCode::kUnimplemented,
                                                 "AbletonOSC does not know " + unknown +
                                                     " (Live answered \"" + text +
                                                     "\"): update the AbletonOSC control surface"),
                                    {}});
    }
}

void OscWorker::handleStartup() {
    ++m_startups;
    core::logger("osc")->warn("Live sent /live/startup: the set snapshot is stale");
    for (auto& batch : m_open_batches) {
        batch->result.live_restarted = true;
    }
    failAll(core::Status(core::StatusCode::kUnavailable, "interrupted: Live restarted"));
}

void OscWorker::handleTimeouts() {
    const auto now = Clock::now();
    std::vector<std::string> due;
    for (auto& [key, queue] : m_by_key) {
        if (!queue.empty() && queue.front().sent && queue.front().deadline <= now) {
            due.push_back(key);
        }
    }
    for (const auto& key : due) {
        auto it = m_by_key.find(key);
        if (it == m_by_key.end() || it->second.empty()) {
            continue;
        }
        Pending& p = it->second.front();
        if (!p.send_error.empty()) {
            completeFront(key,
                          OscReply{core::Status(core::StatusCode::kUnavailable, p.send_error), {}});
            continue;
        }
        if (!p.suspected_error.empty()) {
            std::string message = "Live answered /live/error \"" + p.suspected_error +
                                  "\" and no reply came for " + p.request.message.toString();
            completeFront(key, OscReply{core::Status(core::StatusCode::kFailedPrecondition,
                                                     std::move(message)),
                                        {}});
            continue;
        }
        // While Live answers other requests, a lost read gets twice the attempts.
        const bool heard = m_last_heard >= p.first_sent;
        if (p.attempts < (heard ? 2 : 1) * m_options.read_attempts) {
            core::logger("osc")->debug("no reply to {} yet: attempt {}",
                                       p.request.message.toString(), p.attempts + 1);
            sendPending(p);
            continue;
        }
        std::string message;
        if (!heard) {
            message = "no reply from AbletonOSC at " + liveAddress() + " within " +
                      secondsText(m_options.attempt_timeout_ms * m_options.read_attempts) +
                      ": is Live running with the AbletonOSC control surface?";
        } else {
            message = "no reply to " + p.request.message.toString() + " from AbletonOSC after " +
                      std::to_string(p.attempts) + " attempts";
        }
        completeFront(key,
                      OscReply{core::Status(core::StatusCode::kDeadlineExceeded, message), {}});
    }
}

void OscWorker::complete(Pending& pending, OscReply reply) {
    auto& batch = *pending.batch;
    batch.result.replies[pending.slot] = std::move(reply);
    if (--batch.remaining == 0) {
        batch.promise.set_value(std::move(batch.result));
        std::erase(m_open_batches, pending.batch);
    }
}

void OscWorker::completeFront(const std::string& key, OscReply reply) {
    auto it = m_by_key.find(key);
    if (it == m_by_key.end() || it->second.empty()) {
        return;
    }
    Pending front = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty()) {
        m_by_key.erase(it);
    } else {
        sendPending(it->second.front());
    }
    complete(front, std::move(reply));
}

void OscWorker::failAll(const core::Status& status) {
    auto queues = std::move(m_by_key);
    m_by_key.clear();
    for (auto& [key, queue] : queues) {
        for (auto& p : queue) {
            complete(p, OscReply{status, {}});
        }
    }
}

} // namespace styledna::server
