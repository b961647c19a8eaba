#include "server/daemon.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>

#include "core/common/large_buffers.hpp"
#include "core/common/logging.hpp"
#include "server/head_trainer_factory.hpp"
#include "server/separator_factory.hpp"

namespace styledna::server {
namespace fs = std::filesystem;

namespace {

core::Status makePrivateDir(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return core::invalidArgument(dir + ": cannot create directory (" + ec.message() + ")");
    }
    ::chmod(dir.c_str(), 0700);
    return core::Status::ok();
}

core::Result<std::string> readToken(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return core::invalidArgument(path + ": cannot read the token file");
    }
    std::string token;
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) {
        token.pop_back();
    }
    if (token.size() < 16) {
        return core::invalidArgument(path + ": token must be at least 16 characters");
    }
    return token;
}

// Journals a previous daemon left "sending" (killed or crashed mid-apply):
// marked interrupted before anything can apply, and logged. The store stays
// usable when this fails (logged as an error).
void reportInterruptedJournals(db::Store& store) {
    auto log = core::logger("server");
    auto interrupted = store.interruptUnfinishedJournals();
    if (!interrupted) {
        log->error("cannot mark the journals of unfinished applies interrupted: {}",
                   interrupted.status().message());
        return;
    }
    for (const auto& j : *interrupted) {
        log->warn("journal {} ({} of plan {}) {}; see styledna journal {}{}", j.journal_id, j.kind,
                  j.plan_id, j.message, j.journal_id,
                  j.kind == "apply" ? ", undo with styledna undo " + j.journal_id : "");
    }
}

} // namespace

core::Result<std::unique_ptr<Daemon>> Daemon::create(DaemonOptions options) {
    if (options.socket_path.empty()) {
        options.socket_path = defaultSocketPath();
    }
    if (options.data_dir.empty()) {
        options.data_dir = defaultDataDir();
    }
    if (options.worker_threads <= 0) {
        options.worker_threads =
            static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }
    if (!options.tcp_address.empty() && !isLoopbackAddress(options.tcp_address)) {
        if (!options.allow_remote) {
            return core::invalidArgument("refusing to listen on non-loopback address " +
                                         options.tcp_address +
                                         " (use --allow-remote with --token-file)");
        }
        if (options.token_file.empty()) {
            return core::invalidArgument("--allow-remote needs --token-file");
        }
    }
    std::unique_ptr<Daemon> daemon(new Daemon(std::move(options)));
    if (auto s = daemon->start(); !s.isOk()) {
        return s;
    }
    return daemon;
}

core::Status Daemon::start() {
    auto log = core::logger("server");
    if (auto s = makePrivateDir(m_options.data_dir); !s.isOk()) {
        return s;
    }
    const std::string socket_dir = fs::path(m_options.socket_path).parent_path().string();
    if (auto s = makePrivateDir(socket_dir); !s.isOk()) {
        return s;
    }
    if (!core::configureLogging(m_options.log_level, m_options.data_dir + "/stylednad.log")) {
        return core::invalidArgument("unknown --log-level '" + m_options.log_level +
                                     "' (trace, debug, info, warn, error, critical, off)");
    }
    // Single instance per socket: an exclusive lock held for the daemon's life.
    const std::string lock_path = m_options.socket_path + ".lock";
    m_lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_lock_fd < 0 || ::flock(m_lock_fd, LOCK_EX | LOCK_NB) != 0) {
        return core::Status(core::StatusCode::kAlreadyExists,
                            "another stylednad is already serving " + m_options.socket_path);
    }
    std::error_code ec;
    fs::remove(m_options.socket_path, ec); // stale socket from a crashed daemon

    if (!m_options.token_file.empty()) {
        auto token = readToken(m_options.token_file);
        if (!token) {
            return token.status();
        }
        m_auth_token = *token;
    }
    auto store = db::Store::open(m_options.data_dir + "/styledna.db");
    if (!store) {
        return store.status();
    }
    m_store = std::move(store).value();
    reportInterruptedJournals(*m_store);
    // A minute without analyses: give back the large-buffer pool beyond what
    // one analysis starts on (core/common/large_buffers.hpp), and the free
    // heap that stylednad's main() keeps from being trimmed while it works.
    m_pool = std::make_unique<JobPool>(
        static_cast<std::size_t>(m_options.worker_threads),
        static_cast<std::size_t>(m_options.max_queued_jobs), [log] {
            if (const std::size_t freed = core::trimLargePool(core::kPoolIdleKeepBytes)) {
                log->info("idle: released {} MB of pooled analysis buffers", freed >> 20);
            }
            malloc_trim(0);
        });
    core::AnalyzeOptions analyze;
    analyze.decode.max_duration_s = m_options.max_duration_s;
    analyze.threads = m_options.threads_per_analysis;
    analyze.stems = true; // profiles keep per-stem statistics; gaps compare stems
    SeparatorConfig separators;
    separators.default_choice = m_options.separator;
    // Weights: as told; else the ones `styledna train-separator` wrote into the
    // data dir; else the ones shipped with the build.
    separators.learned_weights_path = m_options.separator_weights;
    if (separators.learned_weights_path.empty()) {
        const std::string trained = m_options.data_dir + "/models/separator.sdnt";
        std::error_code trained_ec;
        separators.learned_weights_path = std::filesystem::is_regular_file(trained, trained_ec)
                                              ? trained
                                              : defaultSeparatorWeightsPath();
    }
    auto separator_factory = makeSeparatorFactory(separators);
    auto separator = separator_factory("");
    if (!separator) {
        return separator.status();
    }
    analyze.separator_instance = *separator;
    log->info("stems: {}", (*separator)->name());
    m_analysis = std::make_unique<AnalysisCoordinator>(*m_store, *m_pool, analyze);
    index::IndexParams index_params;
    index_params.m = m_options.index_m;
    index_params.ef_construction = m_options.index_ef_construction;
    index_params.ef_search = m_options.index_ef_search;
    index_params.exact_below = static_cast<std::size_t>(std::max(0LL, m_options.index_exact_below));
    if (auto probe = index::VectorIndex::create(1, index_params); !probe) {
        std::string msg = "index options: ";
        msg += probe.status().message();
        return core::invalidArgument(std::move(msg));
    }
    m_profiles =
        std::make_unique<ProfileManager>(*m_store, *m_analysis, makeHeadTrainer(), index_params);
    if (auto s = m_profiles->loadAll(); !s.isOk()) {
        return s;
    }

    m_gaps = std::make_unique<GapRunner>(*m_profiles, *m_analysis);
    m_fixes = std::make_unique<FixRunner>(*m_gaps, *m_store);
    m_stems =
        std::make_unique<StemRunner>(*m_analysis, m_options.data_dir + "/stems", separator_factory);

    OscWorkerOptions osc;
    osc.live_host = m_options.live_host;
    osc.live_port = m_options.live_port;
    osc.reply_port = m_options.osc_reply_port;
    osc.attempt_timeout_ms = m_options.live_timeout_ms;
    m_osc = std::make_unique<OscWorker>(osc);
    m_live = std::make_unique<LiveBridge>(*m_store, *m_osc);
    m_fixes->setLiveSetProvider(
        [this](const std::function<bool()>&) -> core::Result<live::LiveSet> {
            auto snapshot = m_live->snapshot(true);
            if (!snapshot) {
                return snapshot.status();
            }
            return snapshot->set;
        });

    ServiceDeps deps;
    deps.options = &m_options;
    deps.store = m_store.get();
    deps.pool = m_pool.get();
    deps.analysis = m_analysis.get();
    deps.profiles = m_profiles.get();
    deps.gaps = m_gaps.get();
    deps.fixes = m_fixes.get();
    deps.stems = m_stems.get();
    deps.live = m_live.get();
    deps.auth_token = m_auth_token;
    deps.request_shutdown = [this] { requestShutdown(); };
    deps.started_at = m_started_at;
    m_service = std::make_unique<StyleDnaService>(std::move(deps));

    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + m_options.socket_path, grpc::InsecureServerCredentials());
    int tcp_port = 0;
    if (!m_options.tcp_address.empty()) {
        builder.AddListeningPort(m_options.tcp_address, grpc::InsecureServerCredentials(),
                                 &tcp_port);
    }
    builder.SetMaxReceiveMessageSize(64 << 20);
    builder.SetMaxSendMessageSize(64 << 20);
    builder.RegisterService(m_service.get());
    m_server = builder.BuildAndStart();
    if (!m_server) {
        return core::Status(
            core::StatusCode::kUnavailable,
            "cannot listen on unix:" + m_options.socket_path +
                (m_options.tcp_address.empty() ? "" : " / " + m_options.tcp_address));
    }
    if (!m_options.tcp_address.empty() && tcp_port == 0) {
        return core::Status(core::StatusCode::kUnavailable,
                            "cannot listen on " + m_options.tcp_address);
    }
    ::chmod(m_options.socket_path.c_str(), 0600);
    log->info("stylednad {} listening on unix:{}{}; data dir {}; {} worker(s)", STYLEDNA_VERSION,
              m_options.socket_path,
              m_options.tcp_address.empty() ? "" : " and " + m_options.tcp_address,
              m_options.data_dir, m_options.worker_threads);
    return core::Status::ok();
}

void Daemon::requestShutdown() {
    {
        std::lock_guard lock(m_mutex);
        m_shutdown_requested = true;
    }
    m_cv.notify_all();
}

void Daemon::waitForTermination() {
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [this] { return m_shutdown_requested; });
    }
    auto log = core::logger("server");
    log->info("shutting down: cancelling in-flight work");
    m_analysis->cancelAll();
    m_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    m_pool->shutdown();
    if (auto s = m_store->checkpoint(); !s.isOk()) {
        log->warn("WAL checkpoint failed: {}", s.message());
    }
    log->info("stopped");
}

Daemon::~Daemon() {
    closeForExit();
}

void Daemon::closeForExit() {
    if (m_closed) {
        return;
    }
    m_closed = true;
    if (m_server) {
        m_server->Shutdown(std::chrono::system_clock::now());
        m_server->Wait();
    }
    if (m_pool) {
        m_pool->shutdown();
    }
    std::error_code ec;
    if (m_lock_fd >= 0) {
        fs::remove(m_options.socket_path, ec);
        ::close(m_lock_fd);
        m_lock_fd = -1;
    }
    core::logger("server")->info("exiting");
    spdlog::default_logger()->flush();
}

} // namespace styledna::server
