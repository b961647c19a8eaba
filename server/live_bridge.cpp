#include "server/live_bridge.hpp"

#include <chrono>
#include <map>
#include <set>

#include "core/common/logging.hpp"
#include "core/live/set_assembly.hpp"
#include "server/fix_plan_loader.hpp"

namespace styledna::server {
namespace {

constexpr int kMaxRounds = 6;

double msSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

const core::Status kRestarted(core::StatusCode::kUnavailable,
                              "interrupted: Live restarted (AbletonOSC sent /live/startup)");

// Requests in order, each correlation key once.
std::vector<live::LiveRequest> unique(std::vector<live::LiveRequest> requests,
                                      std::set<std::string>& seen) {
    std::vector<live::LiveRequest> out;
    for (auto& r : requests) {
        if (seen.insert(live::correlationKey(r)).second) {
            out.push_back(std::move(r));
        }
    }
    return out;
}

// The part of a snapshot a request reads: one track's device lists, one
// device's parameter lists (all of a part are left out when one list fails).
std::string snapshotPart(const live::LiveRequest& r) {
    const std::string& a = r.message.address;
    const auto index = [&](size_t i) {
        return i < r.message.args.size() ? r.message.args[i].toString() : std::string("?");
    };
    if (a.rfind("/live/track/get/devices/", 0) == 0) {
        return "devices|" + index(0);
    }
    if (a.rfind("/live/device/get/parameters/", 0) == 0) {
        std::string key = "parameters|";
        return key.append(index(0)).append("|").append(index(1));
    }
    return live::correlationKey(r);
}

bool isRestart(const core::Status& status) {
    return status.message().rfind("interrupted: Live restarted", 0) == 0;
}

bool liveUnreachable(const core::Status& status) {
    return status.message().rfind("no reply from AbletonOSC at", 0) == 0 ||
           status.message().rfind("cannot bind", 0) == 0 ||
           status.message().rfind("interrupted:", 0) == 0;
}

} // namespace

live::ParameterTarget targetOf(const fixes::ParameterChange& change) {
    live::ParameterTarget t;
    t.track_name = change.track_name;
    t.device_class = change.device_class;
    t.device_name = change.device_name;
    t.parameter_name = change.parameter_name;
    t.track_hint = change.track_index;
    t.device_hint = change.device_index;
    t.parameter_hint = change.parameter_index;
    return t;
}

live::LiveSet LiveBridge::knownSet() {
    std::lock_guard lock(m_cache_mutex);
    return m_last_known;
}

void LiveBridge::invalidate() {
    std::lock_guard lock(m_cache_mutex);
    m_cache.reset();
}

core::Result<LiveSnapshot> LiveBridge::snapshot(bool refresh) {
    {
        std::lock_guard lock(m_cache_mutex);
        if (m_cache && !refresh && m_cache_startups == m_worker.startupCount()) {
            return *m_cache;
        }
    }
    std::lock_guard live_lock(m_live_mutex);
    auto snap = readSet();
    if (!snap && isRestart(snap.status())) {
        snap = readSet(); // the script answers again right after /live/startup
    }
    return snap;
}

core::Result<LiveSnapshot> LiveBridge::readSet() {
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t startups = m_worker.startupCount();
    const live::LiveSet known = knownSet();
    live::SetAssembly assembly;
    std::set<std::string> given_up; // parts Live refused: not asked again
    // Round 1 also reads what the last snapshot knew (a refresh is then one tick).
    std::vector<live::LiveRequest> batch{live::requestTrackNames()};
    for (const auto& track : known.tracks) {
        auto r = live::SetAssembly::trackDeviceRequests(track.index);
        batch.insert(batch.end(), r.begin(), r.end());
    }
    for (const auto& track : known.tracks) {
        for (const auto& device : track.devices) {
            auto r = live::SetAssembly::deviceParameterRequests(track.index, device.index);
            batch.insert(batch.end(), r.begin(), r.end());
        }
    }
    for (int round = 0; !batch.empty(); ++round) {
        if (round == kMaxRounds) {
            return core::Status(core::StatusCode::kUnavailable,
                                "the Live set kept changing while it was read; try again");
        }
        auto result = m_worker.run(batch);
        if (result.live_restarted) {
            return kRestarted;
        }
        for (size_t i = 0; i < batch.size(); ++i) {
            const auto& reply = result.replies[i];
            if (!reply.status.isOk()) {
                // Live silent, or the set's own names unreadable: no snapshot. One
                // part Live answers with an error (a reply over its datagram limit,
                // a device that vanished) is left out, and logged.
                if (batch[i].message.address == live::kAddressTrackNames ||
                    liveUnreachable(reply.status)) {
                    return reply.status;
                }
                core::logger("osc")->warn("left out of the snapshot: {}", reply.status.message());
                given_up.insert(snapshotPart(batch[i]));
                continue;
            }
            if (auto s = assembly.accept(batch[i], reply.message); !s.isOk()) {
                core::logger("osc")->warn("ignored a reply: {}", s.message());
            }
        }
        batch.clear();
        for (auto& r : assembly.nextFullSnapshotRequests()) {
            if (given_up.count(snapshotPart(r)) == 0) {
                batch.push_back(std::move(r));
            }
        }
    }
    LiveSnapshot snap;
    snap.set = assembly.set();
    snap.source = m_worker.liveAddress();
    snap.read_ms = msSince(t0);
    core::logger("osc")->info("read the Live set: {} tracks in {:.0f} ms", snap.set.tracks.size(),
                              snap.read_ms);
    std::lock_guard lock(m_cache_mutex);
    m_cache = snap;
    m_cache_startups = startups;
    m_last_known = snap.set;
    return snap;
}

core::Result<std::vector<live::ParameterResolution>>
LiveBridge::resolve(const std::vector<live::ParameterTarget>& targets) {
    const live::LiveSet known = knownSet();
    live::SetAssembly assembly;
    std::set<std::string> seen;
    std::vector<live::LiveRequest> first{live::requestTrackNames()};
    for (const auto& t : targets) {
        auto r = live::speculativeRequests(t, known, true);
        first.insert(first.end(), r.begin(), r.end());
    }
    std::vector<live::LiveRequest> batch = unique(std::move(first), seen);
    std::map<std::string, core::Status> failures; // by correlation key
    std::vector<live::ParameterResolution> out(targets.size());
    for (int round = 0; round < kMaxRounds; ++round) {
        auto result = m_worker.run(batch);
        if (result.live_restarted) {
            return kRestarted;
        }
        for (size_t i = 0; i < batch.size(); ++i) {
            const auto& reply = result.replies[i];
            if (!reply.status.isOk()) {
                if (batch[i].message.address == live::kAddressTrackNames) {
                    return reply.status; // Live absent, port taken, ...
                }
                failures.emplace(live::correlationKey(batch[i]), reply.status);
                continue;
            }
            if (auto s = assembly.accept(batch[i], reply.message); !s.isOk()) {
                core::logger("osc")->warn("ignored a reply: {}", s.message());
            }
        }
        const live::LiveSet set = assembly.set();
        std::vector<live::LiveRequest> next;
        for (size_t k = 0; k < targets.size(); ++k) {
            auto r = live::resolveParameter(assembly, set, targets[k], true);
            if (r.state == live::ParameterResolution::State::kNeedsData) {
                auto failed = failures.find(live::correlationKey(r.requests.front()));
                if (failed != failures.end() &&
                    r.requests.front().message.address == live::kAddressParameterValueString) {
                    r = live::resolveParameter(assembly, set, targets[k], false); // no display
                } else if (failed != failures.end()) {
                    r.state = live::ParameterResolution::State::kRejected;
                    r.reason = "cannot read " + r.requests.front().message.toString() +
                               " from Live: " + failed->second.message();
                }
            }
            if (r.state == live::ParameterResolution::State::kNeedsData) {
                next.insert(next.end(), r.requests.begin(), r.requests.end());
            }
            out[k] = std::move(r);
        }
        if (next.empty()) {
            return out;
        }
        seen.clear(); // a part asked again (set changed mid-read) may be asked again
        batch = unique(std::move(next), seen);
    }
    for (auto& r : out) {
        if (r.state == live::ParameterResolution::State::kNeedsData) {
            r.state = live::ParameterResolution::State::kRejected;
            r.reason = "the Live set kept changing while it was read";
        }
    }
    return out;
}

} // namespace styledna::server
