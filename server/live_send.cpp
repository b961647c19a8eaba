// LiveBridge: sending sets and verifying them (the contract is in
// live_bridge.hpp). One round = one pipelined batch: every pending set, then
// for each of them the read-back (value, value_string) and the identity of
// what sits at its indices now (parameter name, the track's device classes),
// so a set that landed on another parameter because the set's layout changed
// meanwhile is caught instead of being read back as "applied".
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>

#include "core/common/logging.hpp"
#include "core/fixes/device_catalog.hpp"
#include "server/fix_plan_loader.hpp"
#include "server/live_bridge.hpp"

namespace styledna::server {
namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool nameMatches(const std::string& live_name, const std::string& planned) {
    for (const auto& candidate : live::parameterNameCandidates(planned)) {
        if (equalsIgnoreCase(candidate, live_name)) {
            return true;
        }
    }
    return false;
}

// The value after the echoed (t, d, p) of a parameter read.
const live::OscArg* parameterReply(const OscReply& r) {
    return r.status.isOk() && r.message.args.size() >= 4 ? &r.message.args[3] : nullptr;
}

std::string numberText(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", v);
    return text;
}

} // namespace

core::Status LiveBridge::writeEntries(const std::string& journal_id,
                                      const std::vector<SetItem>& items) {
    std::vector<db::JournalEntryRecord> rows;
    for (const auto& item : items) {
        db::JournalEntryRecord e;
        e.seq = item.seq;
        e.change_json = changeToJson(item.change);
        e.state = item.state == "pending" && item.sent ? "sent" : item.state;
        e.previous_value = item.before;
        e.target_value = item.target;
        if (item.state != "pending" && item.state != "unconfirmed") {
            e.read_back_value = item.change.read_back_value;
        }
        rows.push_back(std::move(e));
    }
    auto status = m_store.updateJournalEntries(journal_id, rows);
    if (!status.isOk()) {
        core::logger("osc")->error("journal {}: {}", journal_id, status.message());
    }
    return status;
}

// Classifies `value` read from the item's parameter: applied, still the
// previous value (pending: the set is sent again), or another value (failed).
void LiveBridge::judge(SetItem& item, double value, const std::string& display, bool last_attempt) {
    item.change.read_back_value = value;
    item.change.read_back_string = display;
    if (live::sameParameterValue(value, item.target, item.min, item.max, item.quantized)) {
        item.state = "applied";
        item.change.error.clear();
        item.change.curve_note =
            item.check_curve
                ? fixes::curveReadBackNote(item.change.unit, item.change.to_unit_value, display)
                : "";
        if (!item.change.curve_note.empty()) {
            core::logger("osc")->warn("{} / {} / {}: {}", item.change.track_name,
                                      item.change.device_name, item.change.parameter_name,
                                      item.change.curve_note);
        }
    } else if (live::sameParameterValue(value, item.before, item.min, item.max, item.quantized) &&
               !last_attempt) {
        item.state = "pending";
        item.change.error = "Live still held the previous value after the set";
    } else {
        item.state = "failed";
        item.change.error =
            "Live holds " + numberText(value) + " after the set, not " + numberText(item.target);
    }
}

void LiveBridge::relocate(std::vector<SetItem>& items, const std::vector<size_t>& which,
                          bool last_attempt) {
    std::vector<live::ParameterTarget> targets;
    for (size_t i : which) {
        targets.push_back(targetOf(items[i].change));
    }
    auto resolved = resolve(targets);
    for (size_t k = 0; k < which.size(); ++k) {
        SetItem& item = items[which[k]];
        if (!resolved) {
            item.state = "unconfirmed";
            item.change.error = "the set changed during the apply and could not be read again: " +
                                resolved.status().message();
            continue;
        }
        const auto& r = (*resolved)[k];
        if (r.state != live::ParameterResolution::State::kResolved) {
            item.state = "failed";
            item.change.error = "the set changed during the apply: " + r.reason;
            continue;
        }
        item.change.track_index = r.track;
        item.change.device_index = r.device;
        item.change.parameter_index = r.parameter;
        judge(item, r.info.value, r.info.value_string, last_attempt);
    }
}

LiveBridge::SendOutcome LiveBridge::sendAndVerify(std::vector<SetItem>& items,
                                                  const std::string& journal_id,
                                                  const LiveProgressFn& progress) {
    SendOutcome outcome;
    for (int attempt = 1; attempt <= kSetAttempts; ++attempt) {
        const bool last = attempt == kSetAttempts;
        std::vector<size_t> pending;
        for (size_t i = 0; i < items.size(); ++i) {
            if (items[i].state == "pending") {
                pending.push_back(i);
            }
        }
        if (pending.empty()) {
            break;
        }
        // Sets first, then the checks: Live handles a tick's datagrams in order.
        std::vector<live::LiveRequest> batch;
        for (size_t i : pending) {
            const auto& c = items[i].change;
            batch.push_back(live::setParameterValue(c.track_index, c.device_index,
                                                    c.parameter_index, items[i].target));
        }
        std::map<int, size_t> class_slot; // track -> its device-classes request
        for (size_t i : pending) {
            const auto& c = items[i].change;
            batch.push_back(
                live::requestParameterValue(c.track_index, c.device_index, c.parameter_index));
            batch.push_back(live::requestParameterValueString(c.track_index, c.device_index,
                                                              c.parameter_index));
            batch.push_back(
                live::requestParameterName(c.track_index, c.device_index, c.parameter_index));
        }
        for (size_t i : pending) {
            const int t = items[i].change.track_index;
            if (class_slot.emplace(t, batch.size()).second) {
                batch.push_back(live::requestDevices(t, live::DeviceProperty::kClassName));
            }
        }
        if (progress) {
            progress(0.3 + 0.2 * attempt, attempt == 1 ? "sending" : "re-sending");
        }
        for (size_t i : pending) {
            items[i].sent = true;
        }
        // Journaled "sent" before anything goes out: what is not journaled is not sent.
        if (auto s = writeEntries(journal_id, items); !s.isOk()) {
            for (size_t i : pending) {
                // Round 1: nothing went out. Later: an earlier round's set may have landed.
                items[i].state = attempt == 1 ? "failed" : "unconfirmed";
                items[i].change.error = attempt == 1 ? "not sent" : "not sent again";
                items[i]
                    .change.error.append(": the journal could not be written (")
                    .append(s.message())
                    .append(")");
            }
            break;
        }
        auto result = m_worker.run(std::move(batch));
        outcome.live_errors.insert(outcome.live_errors.end(), result.live_errors.begin(),
                                   result.live_errors.end());
        const size_t n = pending.size();
        std::vector<size_t> moved;
        std::map<size_t, std::string> landed_elsewhere;
        for (size_t k = 0; k < n; ++k) {
            SetItem& item = items[pending[k]];
            auto& c = item.change;
            const auto& set_reply = result.replies[k];
            const auto& value_reply = result.replies[n + 3 * k];
            const auto* value = parameterReply(value_reply);
            const auto* display = parameterReply(result.replies[n + 3 * k + 1]);
            const auto* name = parameterReply(result.replies[n + 3 * k + 2]);
            const auto& classes = result.replies[class_slot[c.track_index]];
            if (!set_reply.status.isOk()) {
                c.error = set_reply.status.message();
                continue; // stays pending: sent again next round
            }
            std::optional<std::string> class_now;
            if (classes.status.isOk()) {
                const auto& args = classes.message.args;
                const size_t at = static_cast<size_t>(c.device_index) + 1;
                class_now = at < args.size() ? args[at].string_value : std::string("(none)");
            }
            const bool wrong_parameter = name && !nameMatches(name->string_value, c.parameter_name);
            const bool wrong_device =
                class_now && !c.device_class.empty() && *class_now != c.device_class;
            if (name && (wrong_parameter || wrong_device)) {
                // Another parameter sits at these indices now: the set landed there or,
                // sent before the layout changed, on its own parameter (checked by name).
                landed_elsewhere[pending[k]] =
                    "the set changed during the apply: track " + std::to_string(c.track_index) +
                    " device " + std::to_string(c.device_index) + " is now " +
                    class_now.value_or(std::string("?")) + ", parameter " +
                    std::to_string(c.parameter_index) + " '" +
                    (name ? name->string_value : std::string("?")) +
                    "'; this change's value may have landed there: check it in Live";
                moved.push_back(pending[k]);
                continue;
            }
            if (value == nullptr) {
                if (value_reply.status.code() == core::StatusCode::kFailedPrecondition) {
                    moved.push_back(pending[k]); // Live refused the indices: layout changed?
                    continue;
                }
                c.error = "no read-back: " + value_reply.status.message();
                if (last || result.live_restarted) {
                    item.state = "unconfirmed";
                }
                continue;
            }
            judge(item, value->asDouble(), display ? display->string_value : std::string(), last);
            if (item.state == "failed" && !result.live_errors.empty()) {
                c.error.append(" (Live reported: ").append(result.live_errors.front()).append(")");
            }
        }
        if (result.live_restarted) {
            (void)writeEntries(journal_id, items); // logged on failure
            outcome.interrupted = true;
            return outcome;
        }
        if (!moved.empty()) {
            relocate(items, moved, last);
            for (const auto& [i, message] : landed_elsewhere) {
                if (items[i].state != "applied") {
                    items[i].state = "failed"; // not sent again while the layout moves
                    items[i].change.error = message;
                }
            }
        }
        (void)writeEntries(journal_id, items); // logged on failure
    }
    for (auto& item : items) {
        if (item.state == "pending") {
            item.state = "unconfirmed";
        }
    }
    (void)writeEntries(journal_id, items); // logged on failure
    return outcome;
}

void LiveBridge::recordAfterRestart(std::vector<SetItem>& items, const std::string& journal_id) {
    std::vector<live::ParameterTarget> targets;
    for (const auto& item : items) {
        targets.push_back(targetOf(item.change));
    }
    // The script answers again right after /live/startup; a second try covers a slow reload.
    core::Result<std::vector<live::ParameterResolution>> resolved =
        core::Status(core::StatusCode::kUnavailable, "not read");
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
        judge(item, info.value, info.value_string, true);
        if (item.state == "failed") {
            item.change.error =
                live::sameParameterValue(info.value, item.before, item.min, item.max,
                                         item.quantized)
                    ? "interrupted: Live restarted; it holds the previous value (the change did "
                      "not reach it or the restart reverted it)"
                    : "interrupted: Live restarted; it now holds another value";
            item.state = live::sameParameterValue(info.value, item.before, item.min, item.max,
                                                  item.quantized)
                             ? "failed"
                             : "unconfirmed";
        }
    }
    (void)writeEntries(journal_id, items); // logged on failure
}

} // namespace styledna::server
