#pragma once
// Daemon: the one composition root. Owns, in construction order, the store,
// the job pool, the analysis coordinator, the profile manager
// (profiles, heads and indexes, loaded at start), the gap and stem runners,
// the OSC worker and the Live bridge, the gRPC service and server, each by
// unique_ptr.
//
// Lifecycle: create() validates options, takes the single-instance lock,
// opens the store, marks the journals of applies a previous daemon did not
// finish interrupted (logged as warnings) and starts listening; waitForTermination() blocks until
// requestShutdown() (signal handler thread, Shutdown RPC); shutdown then
// cancels in-flight jobs, stops the server (in-flight calls get CANCELLED or
// finish), joins the pool, checkpoints the WAL and removes the socket.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include <grpcpp/server.h>

#include "core/common/status.hpp"
#include "db/store.hpp"
#include "server/analysis_coordinator.hpp"
#include "server/gap_runner.hpp"
#include "server/job_pool.hpp"
#include "server/live_bridge.hpp"
#include "server/options.hpp"
#include "server/osc_worker.hpp"
#include "server/profile_manager.hpp"
#include "server/stem_runner.hpp"
#include "server/styledna_service.hpp"

namespace styledna::server {

class Daemon {
public:
    static core::Result<std::unique_ptr<Daemon>> create(DaemonOptions options);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    void requestShutdown(); // thread-safe, non-blocking
    void waitForTermination();
    // Stops serving, removes the socket and the lock, logs "exiting" and
    // flushes: all that must happen before the process ends. Idempotent; the
    // destructor calls it. A process may _Exit after it without destroying the
    // members (main.cpp does with LibTorch: a gRPC thread that trained a head
    // can stall thread and static teardown for seconds).
    void closeForExit();
    const DaemonOptions& options() const { return m_options; }

private:
    explicit Daemon(DaemonOptions options) : m_options(std::move(options)) {}
    core::Status start();

    // immutable after create()
    DaemonOptions m_options;
    std::chrono::steady_clock::time_point m_started_at = std::chrono::steady_clock::now();
    int m_lock_fd = -1;
    std::string m_auth_token;
    // owned subsystems, in construction order
    bool m_closed = false; // closeForExit() ran (main thread only)
    std::unique_ptr<db::Store> m_store;
    std::unique_ptr<JobPool> m_pool;
    std::unique_ptr<AnalysisCoordinator> m_analysis;
    std::unique_ptr<ProfileManager> m_profiles;
    std::unique_ptr<GapRunner> m_gaps;
    std::unique_ptr<FixRunner> m_fixes;
    std::unique_ptr<StemRunner> m_stems;
    std::unique_ptr<OscWorker> m_osc; // binds its reply port lazily (first Live request)
    std::unique_ptr<LiveBridge> m_live;
    std::unique_ptr<StyleDnaService> m_service;
    std::unique_ptr<grpc::Server> m_server;
    // shutdown handshake
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_shutdown_requested = false;
};

} // namespace styledna::server
