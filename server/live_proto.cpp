#include "server/live_proto.hpp"

#include "server/fix_plan_loader.hpp"
#include "server/fix_proto.hpp"

namespace styledna::server {

void liveSetToProto(const LiveSnapshot& snapshot, v1::LiveSet* out) {
    out->set_source(snapshot.source);
    out->set_read_ms(snapshot.read_ms);
    for (const auto& track : snapshot.set.tracks) {
        auto* t = out->add_tracks();
        t->set_index(track.index);
        t->set_name(track.name);
        for (const auto& device : track.devices) {
            auto* d = t->add_devices();
            d->set_index(device.index);
            d->set_name(device.name);
            d->set_class_name(device.class_name);
            d->set_type(device.type);
            for (const auto& p : device.parameters) {
                auto* q = d->add_parameters();
                q->set_index(p.index);
                q->set_name(p.name);
                q->set_value(p.value);
                q->set_min(p.min);
                q->set_max(p.max);
                q->set_is_quantized(p.is_quantized);
                q->set_value_string(p.value_string);
            }
        }
    }
}

void applyOutcomeToProto(const ApplyOutcome& o, v1::ApplyResult* out) {
    out->set_journal_id(o.journal_id);
    out->set_plan_id(o.plan_id);
    out->set_state(o.state);
    out->set_message(o.message);
    out->set_verified(o.verified);
    out->set_apply_ms(o.apply_ms);
    out->set_dry_run(o.dry_run);
    for (const auto& c : o.applied) {
        toProto(c, out->add_applied());
    }
    for (const auto& c : o.failed) {
        toProto(c, out->add_failed());
    }
    for (const auto& c : o.rejected) {
        toProto(c, out->add_rejected());
    }
}

void undoOutcomeToProto(const UndoOutcome& o, v1::UndoApplyResponse* out) {
    out->set_journal_id(o.journal_id);
    out->set_verified(o.verified);
    for (const auto& c : o.reverted) {
        toProto(c, out->add_reverted());
    }
    for (const auto& c : o.failed) {
        toProto(c, out->add_failed());
    }
    for (const auto& c : o.skipped) {
        toProto(c, out->add_skipped());
    }
    out->set_message(o.message);
}

namespace {

void setHead(const std::string& journal_id, const std::string& plan_id,
             const std::string& created_at, const std::string& kind, const std::string& state,
             const std::string& message, v1::Journal* out) {
    out->set_journal_id(journal_id);
    out->set_plan_id(plan_id);
    out->set_created_at(created_at);
    out->set_kind(kind);
    out->set_state(state);
    out->set_message(message);
}

void setCounts(const db::JournalSummary& s, v1::Journal* out) {
    out->set_change_count(s.entries);
    out->set_applied_count(s.count("applied"));
    out->set_failed_count(s.count("failed"));
    out->set_unconfirmed_count(s.count("unconfirmed"));
    out->set_unknown_count(s.count("unknown"));
    out->set_not_sent_count(s.count("not_sent"));
    out->set_sent_count(s.count("sent"));
    out->set_pending_count(s.count("pending"));
}

// What an entry left by a daemon that stopped mid-apply means, when its change has no error.
const char* stateNote(const std::string& state) {
    if (state == "unknown") {
        return "sent, but the daemon stopped before Live's read-back: Live may hold the target "
               "or the previous value";
    }
    if (state == "not_sent") {
        return "not sent: the daemon stopped first";
    }
    return "";
}

} // namespace

void journalSummaryToProto(const db::JournalSummary& journal, v1::Journal* out) {
    setHead(journal.journal_id, journal.plan_id, journal.created_at, journal.kind, journal.state,
            journal.message, out);
    setCounts(journal, out);
}

void journalToProto(const db::JournalRecord& journal, v1::Journal* out) {
    setHead(journal.journal_id, journal.plan_id, journal.created_at, journal.kind, journal.state,
            journal.message, out);
    db::JournalSummary counts;
    for (const auto& e : journal.entries) {
        counts.entries += 1;
        counts.entry_states[e.state] += 1;
        auto* entry = out->add_entries();
        entry->set_seq(e.seq);
        entry->set_state(e.state);
        entry->set_previous_value(e.previous_value);
        entry->set_target_value(e.target_value);
        entry->set_has_read_back(e.read_back_value.has_value());
        entry->set_read_back_value(e.read_back_value.value_or(0.0));
        auto change = changeFromJson(e.change_json);
        if (!change) {
            entry->set_error("the journal's record of this change is unreadable: " +
                             change.status().message());
            continue;
        }
        entry->set_change_id(change->change_id);
        entry->set_track_index(change->track_index);
        entry->set_track_name(change->track_name);
        entry->set_device_index(change->device_index);
        entry->set_device_name(change->device_name);
        entry->set_device_class(change->device_class);
        entry->set_parameter_index(change->parameter_index);
        entry->set_parameter_name(change->parameter_name);
        entry->set_display_previous(change->display_from);
        entry->set_display_target(change->display_to);
        entry->set_read_back_string(e.read_back_value ? change->read_back_string : "");
        entry->set_unit(change->unit);
        entry->set_error(change->error.empty() ? stateNote(e.state) : change->error);
    }
    setCounts(counts, out);
}

} // namespace styledna::server
