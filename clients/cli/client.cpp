#include "client.hpp"

#include "output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

namespace styledna::cli {
namespace fs = std::filesystem;

std::string defaultSocketPath() {
    if (const char* env = std::getenv("STYLEDNA_SOCKET"); env && *env) {
        return env;
    }
    if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime) {
        return std::string(runtime) + "/styledna/stylednad.sock";
    }
    return "/tmp/styledna-" + std::to_string(::getuid()) + "/stylednad.sock";
}

std::shared_ptr<grpc::Channel> makeChannel(const std::string& socket_path) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    args.SetMaxSendMessageSize(64 << 20);
    return grpc::CreateCustomChannel("unix:" + socket_path, grpc::InsecureChannelCredentials(),
                                     args);
}

bool daemonAnswers(const std::string& socket_path, int timeout_ms, v1::DaemonStatus* status) {
    if (!fs::exists(socket_path)) {
        return false;
    }
    auto stub = v1::StyleDna::NewStub(makeChannel(socket_path));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
    v1::DaemonStatus local;
    return stub->GetStatus(&ctx, v1::GetStatusRequest{}, status ? status : &local).ok();
}

namespace {

std::string daemonBinary() {
    std::error_code ec;
    const auto self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto sibling = self.parent_path() / "stylednad";
        if (fs::exists(sibling)) {
            return sibling.string();
        }
    }
    return "stylednad"; // from PATH
}

} // namespace

std::string startDaemon(const GlobalOptions& options) {
    const std::string socket =
        options.socket_path.empty() ? defaultSocketPath() : options.socket_path;
    if (daemonAnswers(socket, 500)) {
        return "";
    }
    const std::string binary = daemonBinary();
    std::vector<std::string> args{binary, "--socket", socket};
    if (!options.data_dir.empty()) {
        args.push_back("--data-dir");
        args.push_back(options.data_dir);
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        return "cannot fork to start stylednad";
    }
    if (pid == 0) {
        ::setsid();
        const int devnull = ::open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            ::dup2(devnull, 0);
            ::dup2(devnull, 1);
            ::dup2(devnull, 2);
        }
        std::vector<char*> argv;
        for (auto& a : args) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    std::fprintf(stderr, "styledna: daemon not running; started %s (pid %d) on %s\n",
                 binary.c_str(), pid, socket.c_str());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (daemonAnswers(socket, 300)) {
            return "";
        }
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            return "stylednad exited during start-up (exit status " +
                   std::to_string(WEXITSTATUS(status)) + "); see its log in the data dir";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "stylednad did not answer on " + socket + " within 20 s";
}

std::unique_ptr<v1::StyleDna::Stub> connect(const GlobalOptions& options, std::string& error) {
    const std::string socket =
        options.socket_path.empty() ? defaultSocketPath() : options.socket_path;
    if (!daemonAnswers(socket, 2000)) {
        if (options.no_autostart) {
            error = "daemon not running on " + socket +
                    " (start it with 'styledna daemon start', or drop --no-autostart)";
            return nullptr;
        }
        error = startDaemon(options);
        if (!error.empty()) {
            return nullptr;
        }
    }
    return v1::StyleDna::NewStub(makeChannel(socket));
}

ProgressBar::ProgressBar(std::string label)
    : m_label(std::move(label)), m_enabled(::isatty(2) == 1) {}

ProgressBar::~ProgressBar() {
    finish();
}

int fail(const GlobalOptions& g, const std::string& code, const std::string& message) {
    if (g.json) {
        std::printf("%s\n", errorJson(code, message).dump(2).c_str());
    }
    std::fprintf(stderr, "styledna: %s\n", message.c_str());
    return 1;
}

int failStatus(const GlobalOptions& g, const grpc::Status& s) {
    std::string message = s.error_message();
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE && message.empty()) {
        message = "daemon unavailable";
    }
    return fail(g, grpcCodeName(s.error_code()), message);
}

std::string absolutePath(const std::string& path) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(path, ec);
    return ec ? path : abs.lexically_normal().string();
}

void ProgressBar::update(double fraction, const std::string& stage) {
    if (!m_enabled) {
        return;
    }
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * kWidth + 0.5);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, ' ');
    std::fprintf(stderr, "\r[%s] %3d%% %-10s %s\x1b[K", bar.c_str(),
                 static_cast<int>(fraction * 100 + 0.5), stage.c_str(), m_label.c_str());
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::finish() {
    if (m_enabled && m_drawn) {
        std::fprintf(stderr, "\r\x1b[K");
        std::fflush(stderr);
        m_drawn = false;
    }
}

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void onSigint(int) {
    g_interrupted.store(true);
}
} // namespace

bool interruptedByUser() {
    return g_interrupted.load();
}

InterruptCancels::InterruptCancels(grpc::ClientContext& ctx)
    : m_previous(std::signal(SIGINT, onSigint)), m_thread([this, &ctx] {
          while (!m_done.load()) {
              if (g_interrupted.load()) {
                  ctx.TryCancel();
                  return;
              }
              std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
      }) {}

InterruptCancels::~InterruptCancels() {
    m_done.store(true);
    m_thread.join();
    std::signal(SIGINT, m_previous);
}

} // namespace styledna::cli
