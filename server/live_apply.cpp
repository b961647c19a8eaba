// LiveBridge::apply and LiveBridge::undo (the contract is in live_bridge.hpp).
#include <chrono>
#include <cstdio>
#include <random>

#include "core/common/logging.hpp"
#include "server/fix_plan_loader.hpp"
#include "server/live_bridge.hpp"

namespace styledna::server {
namespace {

double msSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// "j-20261204-221501-3fa2"
std::string newJournalId() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    static thread_local std::mt19937 rng{std::random_device{}()};
    char id[64];
    std::snprintf(id, sizeof id, "j-%s-%04x", stamp, static_cast<unsigned>(rng() & 0xffff));
    return id;
}

std::string joinIds(const std::vector<fixes::Fix>& fixes) {
    std::string out;
    for (const auto& f : fixes) {
        if (!out.empty()) {
            out.append(", ");
        }
        out.append(f.id);
    }
    return out;
}

std::string formatNumber(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", v);
    return text;
}

// A journal about to be sent: one entry per item, each with Live's value
// before the set (what undo restores) and the target.
template <class Items>
db::JournalRecord newJournal(const std::string& plan_id, const char* kind, std::string message,
                             const Items& items) {
    db::JournalRecord journal;
    journal.journal_id = newJournalId();
    journal.plan_id = plan_id;
    journal.state = "sending";
    journal.kind = kind;
    journal.message = std::move(message);
    for (const auto& item : items) {
        db::JournalEntryRecord e;
        e.seq = item.seq;
        e.change_json = changeToJson(item.change);
        e.state = item.state;
        e.previous_value = item.before;
        e.target_value = item.target;
        journal.entries.push_back(std::move(e));
    }
    return journal;
}

// "restored 6 change(s) to the values Live held before the apply (4 confirmed by
// the apply's read-back, 2 not confirmed: sent, maybe not landed), every one read
// back; 1 never sent, left as is"
std::string undoMessage(const UndoOutcome& o, int confirmed, int uncertain) {
    std::string out;
    if (o.reverted.empty() && o.failed.empty()) {
        out = "nothing to restore: no change of this journal was sent to Live";
    } else {
        out.append("restored ")
            .append(std::to_string(o.reverted.size()))
            .append(" change(s) to the values Live held before the apply (")
            .append(std::to_string(confirmed))
            .append(" confirmed by the apply's read-back, ")
            .append(std::to_string(uncertain))
            .append(" not confirmed: sent, maybe not landed)");
        if (o.failed.empty()) {
            out.append(", every one read back");
        } else {
            out.append("; ")
                .append(std::to_string(o.failed.size()))
                .append(" could not be restored");
        }
    }
    if (!o.skipped.empty()) {
        out.append("; ").append(std::to_string(o.skipped.size())).append(" never sent, left as is");
    }
    return out;
}

} // namespace

core::Result<ApplyOutcome> LiveBridge::apply(const ApplyRequest& request,
                                             const LiveProgressFn& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    auto plan = loadFixPlan(m_store, request.plan_id);
    if (!plan) {
        return plan.status();
    }
    for (const auto& id : request.fix_ids) {
        bool found = false;
        for (const auto& f : plan->fixes) {
            found = found || f.id == id;
        }
        if (!found) {
            return core::invalidArgument("plan " + request.plan_id + " has no fix '" + id +
                                         "' (its fixes: " + joinIds(plan->fixes) + ")");
        }
    }
    if (request.strength < 0 || request.min_confidence < 0 || request.min_confidence > 1) {
        return core::invalidArgument("strength must be >= 0 and min_confidence within 0..1");
    }
    ApplyOutcome outcome;
    outcome.plan_id = request.plan_id;
    outcome.dry_run = request.dry_run;
    std::vector<fixes::ParameterChange> selected;
    for (const auto& fix : plan->fixes) {
        if (!request.fix_ids.empty() && std::find(request.fix_ids.begin(), request.fix_ids.end(),
                                                  fix.id) == request.fix_ids.end()) {
            continue;
        }
        for (auto change : fix.changes) {
            const double confidence = change.confidence > 0 ? change.confidence : fix.confidence;
            if (confidence < request.min_confidence) {
                change.status = "rejected";
                change.error = "confidence " + formatNumber(confidence) + " below " +
                               formatNumber(request.min_confidence);
                outcome.rejected.push_back(std::move(change));
                continue;
            }
            selected.push_back(std::move(change));
        }
    }

    std::lock_guard live_lock(m_live_mutex);
    if (progress) {
        progress(0.05, "reading the Live set");
    }
    const std::uint64_t startups = m_worker.startupCount();
    std::vector<live::ParameterTarget> targets;
    for (const auto& c : selected) {
        targets.push_back(targetOf(c));
    }
    auto resolved = resolve(targets);
    if (!resolved && m_worker.startupCount() != startups) {
        resolved = resolve(targets); // Live restarted before anything was sent: read again
    }
    if (!resolved) {
        return resolved.status();
    }
    const std::uint64_t startups_resolved = m_worker.startupCount();
    const double strength = request.strength > 0 ? request.strength : 1.0;
    std::vector<SetItem> items;
    for (size_t i = 0; i < selected.size(); ++i) {
        fixes::ParameterChange change = selected[i];
        const auto& r = (*resolved)[i];
        if (r.state != live::ParameterResolution::State::kResolved) {
            change.status = "rejected";
            change.error = r.reason;
            outcome.rejected.push_back(std::move(change));
            continue;
        }
        const double wanted = change.from_value + strength * (change.to_value - change.from_value);
        SetItem item;
        item.min = r.info.min;
        item.max = r.info.max;
        item.quantized = r.info.is_quantized;
        item.before = r.info.value;
        item.target = live::clampToParameter(wanted, item.min, item.max, item.quantized);
        item.check_curve = live::sameParameterValue(item.target, change.to_value, item.min,
                                                    item.max, item.quantized);
        if (!item.check_curve) {
            change.display_to.clear(); // the planned display no longer describes the target
        }
        change.track_index = r.track;
        change.device_index = r.device;
        change.parameter_index = r.parameter;
        change.from_value = item.before;
        change.display_from = r.info.value_string;
        change.to_value = item.target;
        item.change = std::move(change);
        item.seq = static_cast<int>(items.size());
        item.state = "pending";
        items.push_back(std::move(item));
    }

    if (request.dry_run) {
        for (auto& item : items) {
            item.change.status = "dry_run";
            outcome.applied.push_back(std::move(item.change));
        }
        outcome.state = "dry_run";
        outcome.verified = false;
        outcome.apply_ms = msSince(t0);
        outcome.message = std::to_string(outcome.applied.size()) + " change(s) would be applied, " +
                          std::to_string(outcome.rejected.size()) + " rejected (dry run)";
        return outcome;
    }

    db::JournalRecord journal = newJournal(request.plan_id, "apply", "", items);
    outcome.journal_id = journal.journal_id;
    if (auto s = m_store.createJournal(journal); !s.isOk()) {
        return s; // nothing was sent
    }
    invalidate(); // the cached values are about to change
    SendOutcome sent;
    if (m_worker.startupCount() != startups_resolved) {
        sent.interrupted = true;
    } else if (!items.empty()) {
        sent = sendAndVerify(items, outcome.journal_id, progress);
    }
    if (sent.interrupted || m_worker.startupCount() != startups_resolved) {
        if (progress) {
            progress(0.9, "Live restarted: reading back what reached it");
        }
        recordAfterRestart(items, outcome.journal_id);
        outcome.state = "interrupted";
    } else {
        outcome.state = "complete";
    }
    for (auto& item : items) {
        item.change.status = item.state;
        (item.state == "applied" ? outcome.applied : outcome.failed)
            .push_back(std::move(item.change));
    }
    outcome.verified = outcome.state == "complete" && outcome.failed.empty();
    char summary[200];
    std::snprintf(summary, sizeof summary, "%zu applied, %zu failed or unconfirmed, %zu rejected",
                  outcome.applied.size(), outcome.failed.size(), outcome.rejected.size());
    outcome.message = outcome.state == "interrupted"
                          ? std::string("interrupted: Live restarted during the apply; ") + summary
                          : std::string(summary);
    if (auto s = m_store.setJournalState(outcome.journal_id, outcome.state, outcome.message);
        !s.isOk()) {
        core::logger("osc")->error("journal {}: {}", outcome.journal_id, s.message());
    }
    outcome.apply_ms = msSince(t0);
    core::logger("osc")->info("apply of plan {}: {} (journal {}, {:.0f} ms)", request.plan_id,
                              outcome.message, outcome.journal_id, outcome.apply_ms);
    if (progress) {
        progress(1.0, "done");
    }
    return outcome;
}

core::Result<UndoOutcome> LiveBridge::undo(const std::string& journal_id) {
    auto found = m_store.findJournal(journal_id);
    if (!found) {
        return found.status();
    }
    if (!found->has_value()) {
        return core::notFound("no apply journal '" + journal_id + "'");
    }
    const db::JournalRecord& journal = **found;
    if (journal.kind != "apply") {
        return core::invalidArgument("journal " + journal_id + " records an undo, not an apply");
    }
    if (journal.state == "undone") {
        return core::failedPrecondition("journal " + journal_id + " was already undone");
    }
    if (journal.state == "sending") {
        return core::failedPrecondition("journal " + journal_id +
                                        " is still being applied; undo it when the apply ends");
    }
    UndoOutcome outcome;
    outcome.journal_id = journal_id;
    std::vector<fixes::ParameterChange> changes;
    std::vector<const db::JournalEntryRecord*> entries;
    for (const auto& e : journal.entries) {
        auto change = changeFromJson(e.change_json);
        if (!change) {
            return core::Status(core::StatusCode::kDataLoss, "journal " + journal_id + " entry " +
                                                                 std::to_string(e.seq) + ": " +
                                                                 change.status().message());
        }
        if (e.state == "not_sent") {
            change->status = "not_sent";
            change->error = "never sent to Live: left as it is";
            outcome.skipped.push_back(std::move(*change));
            continue;
        }
        changes.push_back(std::move(*change));
        entries.push_back(&e);
    }

    std::lock_guard live_lock(m_live_mutex);
    std::vector<live::ParameterTarget> targets;
    for (const auto& c : changes) {
        targets.push_back(targetOf(c));
    }
    auto resolved = resolve(targets);
    if (!resolved) {
        return resolved.status();
    }
    std::vector<SetItem> items;
    std::vector<std::string> applied_state; // the apply's entry state, per item
    for (size_t i = 0; i < changes.size(); ++i) {
        fixes::ParameterChange change = changes[i];
        const auto& r = (*resolved)[i];
        if (r.state != live::ParameterResolution::State::kResolved) {
            change.status = "failed";
            change.error = r.reason;
            outcome.failed.push_back(std::move(change));
            continue;
        }
        SetItem item;
        item.min = r.info.min;
        item.max = r.info.max;
        item.quantized = r.info.is_quantized;
        item.before = r.info.value;
        item.target = entries[i]->previous_value; // exactly what Live held before the apply
        change.track_index = r.track;
        change.device_index = r.device;
        change.parameter_index = r.parameter;
        change.from_value = item.before;
        change.display_from = r.info.value_string;
        change.to_value = item.target;
        change.display_to = changes[i].display_from;
        item.change = std::move(change);
        item.seq = static_cast<int>(items.size());
        item.state = "pending";
        items.push_back(std::move(item));
        applied_state.push_back(entries[i]->state);
    }
    db::JournalRecord undo_journal =
        newJournal(journal.plan_id, "undo", "undo of " + journal_id, items);
    if (auto s = m_store.createJournal(undo_journal); !s.isOk()) {
        return s;
    }
    invalidate();
    const SendOutcome sent = sendAndVerify(items, undo_journal.journal_id, nullptr);
    int restored_confirmed = 0;
    int restored_uncertain = 0;
    for (size_t i = 0; i < items.size(); ++i) {
        SetItem& item = items[i];
        if (item.state == "applied") {
            (applied_state[i] == "applied" ? restored_confirmed : restored_uncertain) += 1;
        }
        item.change.status = item.state == "applied" ? "reverted" : item.state;
        (item.state == "applied" ? outcome.reverted : outcome.failed)
            .push_back(std::move(item.change));
    }
    outcome.verified = !sent.interrupted && outcome.failed.empty();
    outcome.message = undoMessage(outcome, restored_confirmed, restored_uncertain);
    if (sent.interrupted) {
        outcome.message.append("; interrupted: Live restarted during the undo");
    }
    const std::string state = sent.interrupted ? "interrupted" : "complete";
    (void)m_store.setJournalState(undo_journal.journal_id, state,
                                  "undo of " + journal_id + ": " + outcome.message);
    if (outcome.verified) {
        (void)m_store.setJournalState(journal_id, "undone", "undone by " + undo_journal.journal_id);
    }
    core::logger("osc")->info("undo of journal {}: {} (journal {})", journal_id, outcome.message,
                              undo_journal.journal_id);
    return outcome;
}

core::Result<db::JournalRecord> LiveBridge::journal(const std::string& journal_id) {
    auto found = m_store.findJournal(journal_id);
    if (!found) {
        return found.status();
    }
    if (!found->has_value()) {
        return core::notFound("no apply journal '" + journal_id +
                              "' (styledna journal lists the recent ones)");
    }
    return std::move(**found);
}

core::Result<std::vector<db::JournalSummary>> LiveBridge::journals(int limit) {
    if (limit < 1 || limit > kMaxJournalsListed) {
        return core::invalidArgument("the journal list limit must be within 1.." +
                                     std::to_string(kMaxJournalsListed));
    }
    return m_store.listJournals(limit);
}

} // namespace styledna::server
