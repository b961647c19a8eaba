// stylednad: the StyleDNA daemon. Parses options, blocks SIGINT/SIGTERM on
// every thread, hands them to the Daemon from one waiting thread.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <CLI/CLI.hpp>

#include "server/daemon.hpp"

int main(int argc, char** argv) {
    // Freed memory stays in the heap for the next request instead of going
    // back to the kernel: a fresh 4 KiB page costs 11-15 us on its first touch
    // (PERF.md), and a profile build or --append allocates and frees tens of
    // MB per stage (training rows, head tensors, member rows). Blocks up to
    // 32 MB (glibc's largest mmap threshold) come from the heap, and the heap
    // is not trimmed below 1 GB while the daemon works; a minute idle gives it
    // back (malloc_trim in the daemon's idle hook). --append of one track to a
    // 1,000-member unlabelled profile: 2.15-2.61 s -> 1.72-1.74 s (bench/profile).
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    using styledna::server::Daemon;
    styledna::server::DaemonOptions options;
    CLI::App app{"stylednad - the StyleDNA daemon (gRPC on a Unix socket)"};
    app.set_version_flag("--version", STYLEDNA_VERSION);
    app.add_option("--socket", options.socket_path, "Unix socket path")->envname("STYLEDNA_SOCKET");
    app.add_option("--listen", options.tcp_address, "also listen on TCP, e.g. 127.0.0.1:50551");
    app.add_flag("--allow-remote", options.allow_remote,
                 "permit a non-loopback --listen address (requires --token-file)");
    app.add_option("--token-file", options.token_file, "bearer token required on TCP calls");
    app.add_option("--data-dir", options.data_dir, "database and log directory")
        ->envname("STYLEDNA_DATA_DIR");
    app.add_option("--log-level", options.log_level, "trace|debug|info|warn|error|off");
    app.add_option("--workers", options.worker_threads, "analysis jobs at once (0 = cores)");
    app.add_option("--max-duration-s", options.max_duration_s, "longest accepted audio, seconds");
    app.add_option("--separator", options.separator,
                   "stem separator for analyses: auto (learned when its weights load, else dsp), "
                   "dsp or learned")
        ->check(CLI::IsMember({"auto", "dsp", "learned"}));
    app.add_option("--separator-weights", options.separator_weights,
                   "weights of the learned separator (default: the ones shipped with the build)");
    app.add_option("--live-host", options.live_host,
                   "host of Ableton Live's AbletonOSC (default 127.0.0.1)")
        ->envname("STYLEDNA_LIVE_HOST");
    app.add_option("--live-port", options.live_port, "AbletonOSC's port (default 11000)")
        ->envname("STYLEDNA_LIVE_PORT")
        ->check(CLI::Range(1, 65535));
    app.add_option("--osc-reply-port", options.osc_reply_port,
                   "port AbletonOSC replies to, bound on first use (default 11001)")
        ->envname("STYLEDNA_OSC_REPLY_PORT")
        ->check(CLI::Range(1, 65535));
    app.add_option("--live-timeout-ms", options.live_timeout_ms,
                   "wait per OSC read attempt before re-sending (4 attempts; default 250)")
        ->check(CLI::Range(20, 10000));
    app.add_option("--index-m", options.index_m,
                   "similarity index: HNSW graph out-degree (default 16)")
        ->check(CLI::Range(2, 1024));
    app.add_option("--index-ef-construction", options.index_ef_construction,
                   "similarity index: candidates while inserting (default 200)")
        ->check(CLI::Range(1, 100000));
    app.add_option("--index-ef-search", options.index_ef_search,
                   "similarity index: candidates while searching (default 100)")
        ->check(CLI::Range(1, 100000));
    app.add_option("--index-exact-below", options.index_exact_below,
                   "similarity index: exact scan below this many references, HNSW from it "
                   "(default 4096; 0 = HNSW always)")
        ->check(CLI::Range(0LL, 1LL << 32));
    CLI11_PARSE(app, argc, argv);

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    auto daemon = Daemon::create(options);
    if (!daemon) {
        std::fprintf(stderr, "stylednad: %s\n", daemon.status().message().c_str());
        return daemon.status().code() == styledna::core::StatusCode::kAlreadyExists ? 3 : 2;
    }
    std::thread signal_thread([&] {
        int sig = 0;
        sigwait(&signals, &sig);
        (*daemon)->requestShutdown();
    });
    signal_thread.detach();
    (*daemon)->waitForTermination();
#ifdef STYLEDNA_HAVE_TORCH
    // Everything is stored (the WAL is checkpointed, no RPC runs) and the
    // socket is gone after closeForExit(). LibTorch's and its OpenMP runtime's
    // teardown can stall a process whose worker threads they did not create
    // (seen as a >10 s exit after "exiting", in the members' destructors, when
    // a build had trained a head on a gRPC thread); skip all of it.
    (*daemon)->closeForExit();
    std::fflush(nullptr);
    std::_Exit(0);
#endif
    daemon->reset();
    return 0;
}
