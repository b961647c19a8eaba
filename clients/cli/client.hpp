#pragma once
// The CLI's connection to stylednad: channel creation, daemon autostart and
// stop, progress rendering. Links only the generated proto code.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "styledna/v1/styledna.grpc.pb.h"

namespace styledna::cli {

struct GlobalOptions {
    std::string socket_path; // "" = default
    std::string data_dir;    // passed to an autostarted daemon
    bool json = false;
    bool no_autostart = false;
};

std::string defaultSocketPath();
std::shared_ptr<grpc::Channel> makeChannel(const std::string& socket_path);
// True when a daemon answers GetStatus on the socket within timeout_ms.
bool daemonAnswers(const std::string& socket_path, int timeout_ms,
                   v1::DaemonStatus* status = nullptr);
// Starts stylednad in the background (own session, output to its log) and
// waits up to 20 s for it to answer. Returns "" or an error message.
std::string startDaemon(const GlobalOptions& options);
// Connects, autostarting unless disabled. Returns nullptr with `error` set.
std::unique_ptr<v1::StyleDna::Stub> connect(const GlobalOptions& options, std::string& error);

// Errors: one line "styledna: MESSAGE" on stderr (and, with --json, an error
// object on stdout); return the exit code 1.
int fail(const GlobalOptions& g, const std::string& code, const std::string& message);
int failStatus(const GlobalOptions& g, const grpc::Status& s);

// One unary call: connects (autostarting unless disabled) and calls `method`
// with `request` into `response`. Returns 0, or the exit code of the failure
// it reported (fail / failStatus). Commands that cancel on Ctrl-C or word a
// failure their own way make the call themselves.
template <class Request, class Response>
int callDaemon(const GlobalOptions& g,
               grpc::Status (v1::StyleDna::Stub::*method)(grpc::ClientContext*, const Request&,
                                                          Response*),
               const Request& request, Response& response) {
    std::string error;
    auto stub = connect(g, error);
    if (!stub) {
        return fail(g, "UNAVAILABLE", error);
    }
    grpc::ClientContext ctx;
    if (auto s = ((*stub).*method)(&ctx, request, &response); !s.ok()) {
        return failStatus(g, s);
    }
    return 0;
}
// The path made absolute and normalised (as given when that fails): the
// daemon resolves paths from its own working directory.
std::string absolutePath(const std::string& path);

// Cancels `ctx` when the user presses Ctrl-C while this object is alive (a
// watcher thread polls a SIGINT flag every 20 ms; the previous handler is
// restored on destruction).
class InterruptCancels {
public:
    explicit InterruptCancels(grpc::ClientContext& ctx);
    ~InterruptCancels();
    InterruptCancels(const InterruptCancels&) = delete;
    InterruptCancels& operator=(const InterruptCancels&) = delete;

private:
    void (*m_previous)(int);
    std::atomic<bool> m_done{false};
    std::thread m_thread;
};

// True once Ctrl-C was pressed while an InterruptCancels was alive.
bool interruptedByUser();

// Progress bar on stderr when stderr is a terminal; no-op otherwise.
class ProgressBar {
public:
    explicit ProgressBar(std::string label);
    ~ProgressBar();
    void update(double fraction, const std::string& stage);
    void finish();

private:
    std::string m_label;
    bool m_enabled;
    bool m_drawn = false;
};

// Reads a stream of events that carry either a Progress or the call's result
// (SeparateStems, TrainSeparator): draws `label`'s progress bar, keeps the
// last result, and returns the stream's final status.
template <typename Event, typename Result>
grpc::Status readProgressStream(grpc::ClientReader<Event>& reader, const std::string& label,
                                std::optional<Result>& result) {
    ProgressBar bar(label);
    Event ev;
    while (reader.Read(&ev)) {
        if (ev.has_progress()) {
            bar.update(ev.progress().fraction(), ev.progress().stage());
        } else if (ev.has_result()) {
            result = ev.result();
        }
    }
    bar.finish();
    return reader.Finish();
}

} // namespace styledna::cli
