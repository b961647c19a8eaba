#pragma once
// FakeLiveServer: styledna-fake-live's UDP side. Emulates the AbletonOSC
// remote script running in Live (../shared/ABLETON.md "Testing without Live"):
//
//  - binds 127.0.0.1:port (0 = an ephemeral port, see port()), exclusively;
//  - replies go to the sender's IP on reply_port, not to its source port;
//    unsolicited messages (/live/error, /live/startup) go to the most recent
//    client's IP (127.0.0.1 before any) on reply_port;
//  - the socket is read only on ticks, every tick_ms from a random phase; a
//    tick drains it until empty (datagrams arriving meanwhile included); an
//    exception while handling a message ends that tick's drain (the rest of
//    that datagram's bundle is lost, as in AbletonOSC; later datagrams wait
//    for the next tick);
//  - replies over reply_limit_bytes are not sent: /live/error "Error handling
//    OSC message: [Errno 40] Message too long" instead, and the drain ends;
//  - faults, all drawn from one generator seeded with `seed`: loss (incoming
//    requests and outgoing replies dropped), duplicate (a reply sent twice),
//    delay_ms_max (each reply held back 0..D ms, so replies reorder),
//    restart_after_sets (after the Nth applied parameter value: /live/startup,
//    values reloaded from the set with restart_reset_values), delete_device
//    "Track/Device" after delete_after_sets applied values;
//  - stall_after_sets N: after the Nth applied parameter value (the rest of
//    its datagram included) every request is held, unanswered, until the
//    test hook "/fake/resume", which handles the held ones in arrival order
//    and replies ("ok", number held): a client caught mid-apply for as long
//    as a test needs (e.g. to kill it there);
//  - "/fake/dump [path]" writes the current set (LiveSet JSON with value
//    strings) to path or dump_state_path and replies ("ok", path); it is
//    answered during a stall.
//  - undecodable datagrams are logged and ignored.
//
// Threads: run() blocks on the calling thread and owns the socket and the
// emulator; requestStop() (async-signal-safe), port(), snapshot() and
// dumpState() may be called from any thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/common/status.hpp"
#include "core/live/live_set.hpp"
#include "core/live/osc_message.hpp"

namespace styledna::fake_live {

struct FakeLiveOptions {
    std::string set_path; // LiveSet JSON; read by create() unless a set is passed
    int port = 11000;     // 0 = any free port
    int reply_port = 11001;
    int tick_ms = 100;
    uint64_t seed = 1;
    double loss = 0.0;          // probability per request and per reply
    double duplicate = 0.0;     // probability that a reply is sent twice
    int delay_ms_max = 0;       // replies delayed uniformly in [0, delay_ms_max] ms
    int restart_after_sets = 0; // 0 = never
    bool restart_reset_values = false;
    std::string delete_device; // "Track Name/Device Name"; empty = never
    int delete_after_sets = 0;
    int stall_after_sets = 0; // 0 = never; else hold requests until /fake/resume
    size_t reply_limit_bytes = live::kMaxDatagramBytes;
    std::string ready_file;      // "port\n" written once bound
    std::string dump_state_path; // default path for /fake/dump (main also dumps on exit)
    bool log_requests = false;
};

// poll() timeout for a wake-up `until_due` from now: rounded up, never
// negative (already due means 0, not "forever"), at most a minute.
int pollWaitMs(std::chrono::steady_clock::duration until_due);

class FakeLiveServer {
public:
    // Loads the set (options.set_path, or `set` when given), validates the
    // options and binds. alreadyExists "127.0.0.1:P is in use" when the port is
    // taken; invalidArgument for bad options or set files.
    static core::Result<std::unique_ptr<FakeLiveServer>>
    create(FakeLiveOptions options, std::optional<live::LiveSet> set = std::nullopt);
    ~FakeLiveServer();
    FakeLiveServer(const FakeLiveServer&) = delete;
    FakeLiveServer& operator=(const FakeLiveServer&) = delete;

    int port() const { return m_port; }
    // Serves until requestStop(); returns at once if a stop was requested.
    void run();
    void requestStop();

    // The current set with value strings (a copy).
    live::LiveSet snapshot() const;
    // Writes snapshot() as JSON (atomically: PATH.tmp then rename).
    core::Status dumpState(const std::string& path) const;

    // Counters for tests.
    int64_t parametersSet() const;
    int64_t ticks() const;

private:
    struct Impl;
    explicit FakeLiveServer(std::unique_ptr<Impl> impl, int port);

    // Immutable after create().
    std::unique_ptr<Impl> m_impl;
    int m_port = 0;
};

} // namespace styledna::fake_live
