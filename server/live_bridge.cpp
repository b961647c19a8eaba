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

void LiveBridge::writeEntries(const std::string& journal_id, const std::vector<SetItem>& items) {
    std::vector<db::JournalEntryRecord> rows;
    for (const auto& item : items) {
        db::JournalEntryRecord e;
        e.seq = item.seq;
        e.change_json = changeToJson(item.change);
        e.state = item.state;
        e.previous_value = item.before;
        e.target_value = item.target;
        if (item.state != "pending" && item.state != "unconfirmed") {
            e.read_back_value = item.change.read_back_value;
        }
        rows.push_back(std::move(e));
    }
    if (auto s = m_store.updateJournalEntries(journal_id, rows); !s.isOk()) {
        core::logger("osc")->error("journal {}: {}", journal_id, s.message());
    }
}

LiveBridge::SendOutcome LiveBridge::sendAndVerify(std::vector<SetItem>& items,
                                                  const std::string& journal_id,
                                                  const LiveProgressFn& progress) {
    SendOutcome outcome;
    for (int attempt = 1; attempt <= kSetAttempts; ++attempt) {
        std::vector<size_t> pending;
        for (size_t i = 0; i < items.size(); ++i) {
            if (items[i].state == "pending") {
                pending.push_back(i);
            }
        }
        if (pending.empty()) {
            break;
        }
        // Sets first, then the read-backs: Live handles a tick's datagrams in order.
        std::vector<live::LiveRequest> batch;
        for (size_t i : pending) {
            const auto& c = items[i].change;
            batch.push_back(live::setParameterValue(c.track_index, c.device_index,
                                                    c.parameter_index, items[i].target));
        }
        for (size_t i : pending) {
            const auto& c = items[i].change;
            batch.push_back(
                live::requestParameterValue(c.track_index, c.device_index, c.parameter_index));
            batch.push_back(live::requestParameterValueString(c.track_index, c.device_index,
                                                              c.parameter_index));
        }
        if (progress) {
            progress(0.3 + 0.2 * attempt, attempt == 1 ? "sending" : "re-sending");
        }
        auto result = m_worker.run(std::move(batch));
        outcome.live_errors.insert(outcome.live_errors.end(), result.live_errors.begin(),
                                   result.live_errors.end());
        const size_t n = pending.size();
        for (size_t k = 0; k < n; ++k) {
            SetItem& item = items[pending[k]];
            const auto& set_reply = result.replies[k];
            const auto& value_reply = result.replies[n + 2 * k];
            const auto& string_reply = result.replies[n + 2 * k + 1];
            if (!set_reply.status.isOk()) {
                item.change.error = set_reply.status.message();
                continue; // stays pending: the next attempt sends it again
            }
            if (!value_reply.status.isOk()) {
                item.change.error = "no read-back: " + value_reply.status.message();
                if (attempt == kSetAttempts || result.live_restarted) {
                    item.state = "unconfirmed";
                }
                continue;
            }
            const double got = value_reply.message.args.size() >= 4
                                   ? value_reply.message.args[3].asDouble()
                                   : item.before;
            item.change.read_back_value = got;
            if (string_reply.status.isOk() && string_reply.message.args.size() >= 4) {
                item.change.read_back_string = string_reply.message.args[3].string_value;
            }
            if (live::sameParameterValue(got, item.target, item.min, item.max, item.quantized)) {
                item.state = "applied";
                item.change.error.clear();
            } else if (live::sameParameterValue(got, item.before, item.min, item.max,
                                                item.quantized) &&
                       attempt < kSetAttempts) {
                item.change.error = "Live still held the previous value after the set";
            } else {
                item.state = "failed";
                char text[160];
                std::snprintf(text, sizeof text, "Live holds %.6g after the set, not %.6g", got,
                              item.target);
                item.change.error = text;
                if (!result.live_errors.empty()) {
                    item.change.error.append(" (Live reported: ")
                        .append(result.live_errors.front())
                        .append(")");
                }
            }
        }
        writeEntries(journal_id, items);
        if (result.live_restarted) {
            outcome.interrupted = true;
            return outcome;
        }
    }
    for (auto& item : items) {
        if (item.state == "pending") {
            item.state = "unconfirmed";
        }
    }
    writeEntries(journal_id, items);
    return outcome;
}

void LiveBridge::recordAfterRestart(std::vector<SetItem>& items, const std::string& journal_id) {
    std::vector<live::ParameterTarget> targets;
    for (const auto& item : items) {
        targets.push_back(targetOf(item.change));
    }
    // The script answers again right after /live/startup; a second try covers a slow reload.
    core::Result<std::vector<live::ParameterResolution>> resolved = kRestarted;
    for (int attempt = 0; attempt < 2 && !resolved; ++attempt) {
        resolved = resolve(targets);
    }
    for (size_t i = 0; i < items.size(); ++i) {
        SetItem& item = items[i];
        if (!resolved || (*resolved)[i].state != live::ParameterResolution::State::kResolved) {
            item.state = "unconfirmed";
            item.change.error = "interrupted: Live restarted; the value could not be read back";
            continue;
        }
        const auto& info = (*resolved)[i].info;
        item.change.read_back_value = info.value;
        item.change.read_back_string = info.value_string;
        if (live::sameParameterValue(info.value, item.target, item.min, item.max, item.quantized)) {
            item.state = "applied";
            item.change.error.clear();
        } else if (live::sameParameterValue(info.value, item.before, item.min, item.max,
                                            item.quantized)) {
            item.state = "failed";
            item.change.error = "interrupted: Live restarted; it holds the previous value (the "
                                "change did not reach it or the restart reverted it)";
        } else {
            item.state = "unconfirmed";
            item.change.error = "interrupted: Live restarted; it now holds another value";
        }
    }
    writeEntries(journal_id, items);
}

} // namespace styledna::server
