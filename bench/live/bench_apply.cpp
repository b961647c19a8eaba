// Live bridge benchmark (issue 14): the daemon's Live path in process
// (OscWorker + LiveBridge + a temporary store) against an AbletonOSC emulator
// on loopback with a 100 ms tick.
//  1. Snapshot of the fixture set (tests/fixtures/live/trance_set_live12.json
//     when present, else the bench's own set): cold (nothing known: track
//     names, devices, parameters = 3 round trips) and warm refresh (the last
//     snapshot's indices asked in the first round).
//  2. Apply of a 20-parameter plan (EQ Eight gains and frequencies on two
//     tracks), median of --runs, each started at a random phase of the tick,
//     undone between runs: cold (no snapshot cached,
//     the plan's indices as hints) and warm (after a snapshot). Printed with
//     the emulator tick and the ratios to the target (<= 2 ticks +
//     50 ms) and the seed's (100 ms per parameter).
// Usage: bench_apply [--emulator PATH] [--set SET.json] [--tick-ms 100] [--runs 5]
// (default emulator: styledna-fake-live next to this binary, else
// tests/integration/fake_able_osc.py). Prints figures; never gates anything.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/live/live_set.hpp"
#include "db/sqlite.hpp"
#include "db/store.hpp"
#include "server/live_bridge.hpp"
#include "server/osc_worker.hpp"

using namespace styledna;
namespace fs = std::filesystem;

namespace {

constexpr int kParameters = 20;

int freeUdpPort() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
    ::close(fd);
    return ntohs(a.sin_port);
}

live::LiveDevice eqEight() {
    live::LiveDevice d;
    d.name = "EQ Eight";
    d.class_name = "Eq8";
    d.parameters = {{0, "Device On", 1, 0, 1, true, ""},
                    {0, "Output", 0, -12, 12, false, ""},
                    {0, "Scale", 1, -2, 2, false, ""},
                    {0, "Adaptive Q", 1, 0, 1, true, ""}};
    for (int n = 1; n <= 8; ++n) {
        for (const char* side : {"A", "B"}) {
            auto name = [&](const char* what) {
                std::string s = std::to_string(n);
                s.append(" ").append(what).append(" ").append(side);
                return s;
            };
            d.parameters.push_back({0, name("Filter On"), 1, 0, 1, true, ""});
            d.parameters.push_back({0, name("Filter Type"), 3, 0, 7, true, ""});
            d.parameters.push_back({0, name("Frequency"), 0.5, 0, 1, false, ""});
            d.parameters.push_back({0, name("Gain"), 0, -15, 15, false, ""});
            d.parameters.push_back({0, name("Q"), 0.5, 0, 1, false, ""});
        }
    }
    return d;
}

live::LiveSet benchSet() {
    live::LiveSet set;
    for (const char* name : {"Kick", "Bass", "Lead", "Pad", "Music Bus"}) {
        set.tracks.push_back({0, name, {eqEight()}});
    }
    live::renumber(set);
    return set;
}

// 20 changes: bands 1..5 gain and frequency on Bass and Lead.
std::string planDocument(const live::LiveSet& set) {
    nlohmann::json changes = nlohmann::json::array();
    for (const char* track_name : {"Bass", "Lead"}) {
        const auto* track = live::findTrack(set, track_name);
        for (int band = 1; band <= 5; ++band) {
            for (const char* what : {"Gain", "Frequency"}) {
                std::string parameter = std::to_string(band);
                parameter.append(" ").append(what).append(" A");
                const bool gain = std::strcmp(what, "Gain") == 0;
                changes.push_back({{"change_id", "fix-1." + std::to_string(changes.size() + 1)},
                                   {"track_name", track_name},
                                   {"track_index", track->index},
                                   {"device_name", "EQ Eight"},
                                   {"device_class", "Eq8"},
                                   {"device_index", 0},
                                   {"parameter_name", parameter},
                                   {"parameter_index", 4 + (band - 1) * 10 + (gain ? 3 : 2)},
                                   {"from_value", gain ? 0.0 : 0.5},
                                   {"to_value", gain ? -1.5 * band : 0.5 + 0.04 * band},
                                   {"confidence", 0.9}});
            }
        }
    }
    nlohmann::json plan{{"plan_id", "bench"},
                        {"strength", 1.0},
                        {"fixes", {{{"id", "fix-1"}, {"confidence", 0.9}, {"changes", changes}}}}};
    return plan.dump();
}

struct Emulator {
    pid_t pid = -1;
    int port = 0;
    ~Emulator() {
        if (pid > 0) {
            ::kill(pid, SIGTERM);
            int status = 0;
            ::waitpid(pid, &status, 0);
        }
    }
};

bool startEmulator(Emulator& e, const std::vector<std::string>& command, const fs::path& ready) {
    e.pid = ::fork();
    if (e.pid == 0) {
        std::vector<char*> argv;
        for (const auto& a : command) {
            argv.push_back(const_cast<char*>(a.c_str()));
        }
        argv.push_back(nullptr);
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    for (int i = 0; i < 500; ++i) {
        std::ifstream in(ready);
        if (in >> e.port && e.port > 0) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    const fs::path bin_dir = fs::canonical("/proc/self/exe").parent_path();
    const fs::path source = fs::path(STYLEDNA_SOURCE_DIR);
    std::string emulator = (bin_dir / "styledna-fake-live").string();
    std::string set_path;
    int tick_ms = 100;
    int runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--emulator") {
            emulator = argv[i + 1];
        } else if (flag == "--set") {
            set_path = argv[i + 1];
        } else if (flag == "--tick-ms") {
            tick_ms = std::atoi(argv[i + 1]);
        } else if (flag == "--runs") {
            runs = std::max(1, std::atoi(argv[i + 1]));
        }
    }
    const fs::path tmp = fs::temp_directory_path() / ("bench-apply-" + std::to_string(::getpid()));
    fs::create_directories(tmp);
    const live::LiveSet own = benchSet();
    const std::string own_path = (tmp / "set.json").string();
    std::ofstream(own_path) << live::liveSetToJson(own);
    const fs::path fixture = source / "tests/fixtures/live/trance_set_live12.json";
    const std::string snapshot_set =
        !set_path.empty() ? set_path : (fs::exists(fixture) ? fixture.string() : own_path);
    std::vector<std::string> base;
    if (fs::exists(emulator)) {
        base = {emulator};
    } else {
        base = {"/usr/bin/python3", (source / "tests/integration/fake_able_osc.py").string()};
    }
    std::printf("emulator: %s, tick %d ms\n", base.back().c_str(), tick_ms);

    auto run_with = [&](const std::string& set_file, auto&& body) -> int {
        const int reply_port = freeUdpPort();
        const fs::path ready = tmp / ("ready-" + std::to_string(reply_port));
        Emulator e;
        std::vector<std::string> command = base;
        for (std::string a :
             {std::string("--set"), set_file, std::string("--port"), std::string("0"),
              std::string("--reply-port"), std::to_string(reply_port), std::string("--tick-ms"),
              std::to_string(tick_ms), std::string("--ready-file"), ready.string()}) {
            command.push_back(a);
        }
        if (!startEmulator(e, command, ready)) {
            std::fprintf(stderr, "bench_apply: the emulator did not start\n");
            return 1;
        }
        auto store = db::Store::open((tmp / ("s" + std::to_string(reply_port) + ".db")).string());
        if (!store) {
            std::fprintf(stderr, "bench_apply: %s\n", store.status().message().c_str());
            return 1;
        }
        server::OscWorkerOptions o;
        o.live_port = e.port;
        o.reply_port = reply_port;
        server::OscWorker worker(o);
        server::LiveBridge bridge(**store, worker);
        return body(**store, bridge);
    };

    // 1. Snapshot of the fixture set.
    int rc = run_with(snapshot_set, [&](db::Store&, server::LiveBridge& bridge) {
        auto cold = bridge.snapshot(true);
        if (!cold) {
            std::fprintf(stderr, "bench_apply: %s\n", cold.status().message().c_str());
            return 1;
        }
        size_t devices = 0, parameters = 0;
        for (const auto& t : cold->set.tracks) {
            devices += t.devices.size();
            for (const auto& d : t.devices) {
                parameters += d.parameters.size();
            }
        }
        std::vector<double> warm;
        for (int i = 0; i < runs; ++i) {
            warm.push_back(bridge.snapshot(true)->read_ms);
        }
        std::printf("snapshot of %s (%zu tracks, %zu devices, %zu parameters): cold %.0f ms "
                    "(%.1f ticks), warm refresh median %.0f ms (%.1f ticks)\n",
                    fs::path(snapshot_set).filename().c_str(), cold->set.tracks.size(), devices,
                    parameters, cold->read_ms, cold->read_ms / tick_ms, median(warm),
                    median(warm) / tick_ms);
        return 0;
    });
    if (rc != 0) {
        return rc;
    }

    // 2. Apply 20 parameters.
    rc = run_with(own_path, [&](db::Store& store, server::LiveBridge& bridge) {
        auto conn = db::Connection::open(store.path());
        auto stmt = db::Statement::prepare(*conn, "INSERT INTO fix_plans (plan_id, created_at, "
                                                  "wip_hash, profile, document) VALUES "
                                                  "('bench', '', '', 'bench', ?1)");
        stmt->bind(1, planDocument(own));
        if (auto s = stmt->run(); !s.isOk()) {
            std::fprintf(stderr, "bench_apply: %s\n", s.message().c_str());
            return 1;
        }
        server::ApplyRequest request;
        request.plan_id = "bench";
        std::vector<double> cold, warm;
        size_t applied = 0;
        std::mt19937 rng(1);
        std::uniform_int_distribution<int> phase(0, tick_ms * 1000);
        for (int i = 0; i < 2 * runs; ++i) {
            const bool with_snapshot = i % 2 == 1;
            if (with_snapshot) {
                (void)bridge.snapshot(true);
            }
            // A user's apply starts at a random phase of Live's tick.
            std::this_thread::sleep_for(std::chrono::microseconds(phase(rng)));
            auto outcome = bridge.apply(request, nullptr);
            if (!outcome) {
                std::fprintf(stderr, "bench_apply: %s\n", outcome.status().message().c_str());
                return 1;
            }
            applied = outcome->applied.size();
            (with_snapshot ? warm : cold).push_back(outcome->apply_ms);
            (void)bridge.undo(outcome->journal_id);
        }
        const double target_ms = 2.0 * tick_ms + 50.0;
        const double seed_ms = 100.0 * kParameters;
        for (auto [label, runs_ms] : {std::pair{"cold (no snapshot cached)", cold},
                                      std::pair{"warm (after a snapshot)", warm}}) {
            const double v = median(runs_ms);
            std::printf("apply %d parameters %s: median %.0f ms (max %.0f) = %.2f ticks (%zu "
                        "applied); "
                        "vs target %.0f ms (2 ticks + 50 ms): %.2fx; vs seed %.0f ms (100 ms per "
                        "parameter): %.3fx\n",
                        kParameters, label, v, *std::max_element(runs_ms.begin(), runs_ms.end()),
                        v / tick_ms, applied, target_ms, v / target_ms, seed_ms, v / seed_ms);
        }
        return 0;
    });
    std::error_code ec;
    fs::remove_all(tmp, ec);
    return rc;
}
