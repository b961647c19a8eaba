#include "server/live_proto.hpp"

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
}

} // namespace styledna::server
