// styledna-fake-live: an AbletonOSC emulator for tests and demos (README.md).
// Parses options, blocks SIGINT/SIGTERM on every thread and stops the server
// from one waiting thread; dumps the set on exit when --dump-state is given.
#include <csignal>
#include <cstdio>
#include <thread>

#include <CLI/CLI.hpp>

#include "core/common/logging.hpp"
#include "fake_live/fake_live_server.hpp"

int main(int argc, char** argv) {
    using styledna::fake_live::FakeLiveServer;
    styledna::fake_live::FakeLiveOptions options;
    CLI::App app{"styledna-fake-live - emulates Ableton Live with the AbletonOSC remote script "
                 "(UDP on 127.0.0.1) for tests"};
    app.add_option("--set", options.set_path, "the Live set to serve (LiveSet JSON)")->required();
    app.add_option("--port", options.port, "UDP port to listen on (0 = any free port)")
        ->capture_default_str();
    app.add_option("--reply-port", options.reply_port, "port replies are sent to")
        ->capture_default_str();
    app.add_option("--tick-ms", options.tick_ms, "socket drain period, ms")->capture_default_str();
    app.add_option("--seed", options.seed, "seed of every random choice")->capture_default_str();
    app.add_option("--loss", options.loss, "drop each request and each reply with probability P");
    app.add_option("--duplicate", options.duplicate, "send a reply twice with probability P");
    app.add_option("--delay-ms-max", options.delay_ms_max,
                   "delay each reply by 0..D ms (replies reorder)");
    app.add_option("--restart-after-sets", options.restart_after_sets,
                   "simulate a Live restart (/live/startup) after the Nth applied parameter set");
    app.add_flag("--restart-reset-values", options.restart_reset_values,
                 "the simulated restart reloads the set file (values revert)");
    app.add_option("--delete-device", options.delete_device,
                   "\"Track Name/Device Name\" to delete after --delete-after-sets sets");
    app.add_option("--delete-after-sets", options.delete_after_sets,
                   "applied parameter sets before --delete-device happens");
    app.add_option("--stall-after-sets", options.stall_after_sets,
                   "after the Nth applied parameter set, hold every request unanswered until "
                   "/fake/resume (test hooks still answered)");
    app.add_option("--reply-limit-bytes", options.reply_limit_bytes,
                   "largest reply datagram; larger ones fail with 'Message too long'")
        ->capture_default_str();
    app.add_option("--ready-file", options.ready_file, "write \"PORT\\n\" here once bound");
    app.add_option("--dump-state", options.dump_state_path,
                   "write the set as JSON here on SIGTERM/SIGINT and on /fake/dump");
    app.add_flag("--log-requests", options.log_requests, "log every request to stderr");
    CLI11_PARSE(app, argc, argv);
    if (options.log_requests) {
        styledna::core::configureLogging("info", "");
    }

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    auto server = FakeLiveServer::create(options);
    if (!server) {
        std::fprintf(stderr, "styledna-fake-live: %s\n", server.status().message().c_str());
        return 2;
    }
    std::thread signal_thread([&] {
        int sig = 0;
        sigwait(&signals, &sig);
        (*server)->requestStop();
    });
    signal_thread.detach();
    (*server)->run();
    if (!options.dump_state_path.empty()) {
        if (auto status = (*server)->dumpState(options.dump_state_path); !status.isOk()) {
            std::fprintf(stderr, "styledna-fake-live: %s\n", status.message().c_str());
            return 1;
        }
    }
    return 0;
}
