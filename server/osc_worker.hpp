#pragma once
// OscWorker: the one thread that talks to Ableton Live (AbletonOSC, see
// ../shared/ABLETON.md). It owns the UDP socket: bound lazily, at the first
// batch, to <reply host>:<reply_port> (127.0.0.1 when Live is on this host,
// else 0.0.0.0), exclusively, because AbletonOSC sends every reply to port
// 11001 of the sender's host; datagrams go to live_host:live_port.
//
// Work crosses threads as batches: submit() queues a batch of requests and
// returns a future; the worker sends the whole batch at once (pipelined: Live
// drains its socket every ~100 ms tick, so a batch is answered in one tick),
// correlates replies by address + echoed leading indices, and fulfils the
// future when every request has its reply or has failed. It never touches the
// store, models or indexes; callers wait on the future on their own threads.
//
// Per request:
//  - reads: answered or failed. A read without a reply after
//    attempt_timeout_ms is re-sent, at most read_attempts times in all (twice
//    that while Live answers other requests: lossy links); one answered by
//    nobody at all (no datagram from Live since it was sent) fails with "no reply from AbletonOSC
//    at HOST:PORT within 1 s: is Live running with the AbletonOSC control surface?". At most one
//    request per correlation key is in flight (there are no request ids); later ones wait.
//    Duplicated replies and replies to nobody are dropped.
//  - sets (no reply in the protocol): sent in batch order, reported ok once
//    sent; they are verified by reading back, never re-sent here.
//  - `/live/error`: "Unknown OSC address: X" fails the in-flight reads of X.
//    Other errors name no request: they end Live's tick, so every read in
//    flight gets one more attempt_timeout_ms before its next attempt, and a
//    read that then still has no reply fails with the error's text. Every
//    error is also reported to each batch in flight (OscBatchResult).
//  - `/live/startup` (Live or the script reloaded): every request in flight or
//    waiting fails with "interrupted: Live restarted", batches in flight say
//    live_restarted, and startupCount() increases (snapshots are stale).
// Datagrams from hosts other than live_host are ignored, as are unknown
// unsolicited messages (AbletonOSC sends a stray one at load).
//
// Threads: submit(), startupCount() and liveAddress() from any thread; all
// socket state is owned by the worker thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/common/status.hpp"
#include "core/live/able_protocol.hpp"

namespace styledna::server {

struct OscWorkerOptions {
    std::string live_host = "127.0.0.1";
    int live_port = 11000;
    int reply_port = 11001;
    int attempt_timeout_ms = 250; // a tick is ~100 ms; a reply comes within 0..100 ms
    int read_attempts = 4;        // 4 x 250 ms: Live absent is reported after 1 s
};

struct OscReply {
    core::Status status;      // ok: `message` is the reply (reads) / the set was sent
    live::OscMessage message; // reads only
};

struct OscBatchResult {
    std::vector<OscReply> replies;        // one per request, in the batch's order
    std::vector<std::string> live_errors; // /live/error texts received while in flight
    bool live_restarted = false;          // /live/startup arrived while in flight
};

class OscWorker {
public:
    explicit OscWorker(OscWorkerOptions options);
    ~OscWorker(); // fails what is pending ("daemon shutting down"), joins the thread
    OscWorker(const OscWorker&) = delete;
    OscWorker& operator=(const OscWorker&) = delete;

    std::future<OscBatchResult> submit(std::vector<live::LiveRequest> batch);
    // submit() and wait.
    OscBatchResult run(std::vector<live::LiveRequest> batch) {
        return submit(std::move(batch)).get();
    }

    std::uint64_t startupCount() const { return m_startups.load(); }
    // "127.0.0.1:11000"
    std::string liveAddress() const;
    const OscWorkerOptions& options() const { return m_options; }

private:
    using Clock = std::chrono::steady_clock;
    struct BatchState {
        std::promise<OscBatchResult> promise;
        OscBatchResult result;
        size_t remaining = 0;
    };
    struct Pending {
        std::shared_ptr<BatchState> batch;
        size_t slot = 0;
        live::LiveRequest request;
        bool sent = false;
        int attempts = 0;
        Clock::time_point deadline, first_sent;
        std::string suspected_error;
        std::string send_error;
    };
    struct Submission {
        std::vector<live::LiveRequest> requests;
        std::shared_ptr<BatchState> batch;
    };

    void loop();
    core::Status ensureBound();
    void closeSocket();
    void start(Submission submission);
    void sendPending(Pending& pending);
    core::Status sendDatagram(const live::OscMessage& message);
    void receiveAll();
    void handleMessage(const live::OscMessage& message);
    void handleError(const std::string& text);
    void handleStartup();
    void handleTimeouts();
    void complete(Pending& pending, OscReply reply);
    void completeFront(const std::string& key, OscReply reply);
    void failAll(const core::Status& status);
    int pollTimeoutMs() const;

    // immutable
    const OscWorkerOptions m_options;
    // atomic
    std::atomic<std::uint64_t> m_startups{0};
    // shared with submitters, under m_mutex
    std::mutex m_mutex;
    std::deque<Submission> m_inbox;
    bool m_stop = false;
    int m_wake_fd = -1; // eventfd: submit() and the destructor wake the worker
    // owned by the worker thread
    int m_socket = -1;
    std::uint32_t m_live_ip = 0; // network order
    Clock::time_point m_last_heard{};
    std::map<std::string, std::deque<Pending>> m_by_key; // front = in flight
    std::vector<std::shared_ptr<BatchState>> m_open_batches;
    std::thread m_thread;
};

} // namespace styledna::server
