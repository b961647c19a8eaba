#include "live_commands.hpp"

#include <cstdio>
#include <optional>

#include "output.hpp"

namespace styledna::cli {
namespace {

const char* deviceType(int type) {
    switch (type) {
    case 1:
        return "instrument";
    case 2:
        return "audio effect";
    case 4:
        return "MIDI effect";
    default:
        return "device";
    }
}

// "0.39 (200 Hz)": the raw value and Live's display string when there is one.
std::string shown(double raw, const std::string& display) {
    std::string out = formatValue(raw, "");
    if (!display.empty()) {
        out.append(" (").append(display).append(")");
    }
    return out;
}

void printChange(const char* label, const v1::ParameterChange& c) {
    std::printf("  %-10s %s / %s / %s: %s -> %s", label, c.track_name().c_str(),
                c.device_name().empty() ? c.device_class().c_str() : c.device_name().c_str(),
                c.parameter_name().c_str(), shown(c.from_value(), c.display_from()).c_str(),
                shown(c.to_value(), c.display_to()).c_str());
    if (c.status() == "applied" || c.status() == "reverted") {
        std::printf("  [read back %s]", shown(c.read_back_value(), c.read_back_string()).c_str());
    }
    if (!c.error().empty()) {
        std::printf("  - %s", c.error().c_str());
    }
    if (!c.curve_note().empty()) {
        std::printf("  (curve check: %s)", c.curve_note().c_str());
    }
    std::printf("\n");
}

// "6 changes: 4 applied, 2 unknown": applied always, other states when present.
std::string entryCounts(const v1::Journal& j) {
    std::string out = std::to_string(j.change_count());
    out.append(j.change_count() == 1 ? " change: " : " changes: ")
        .append(std::to_string(j.applied_count()))
        .append(" applied");
    const std::pair<int, const char*> others[] = {
        {j.failed_count(), "failed"},   {j.unconfirmed_count(), "unconfirmed"},
        {j.unknown_count(), "unknown"}, {j.not_sent_count(), "not sent"},
        {j.sent_count(), "sent"},       {j.pending_count(), "pending"}};
    for (const auto& [n, label] : others) {
        if (n > 0) {
            out.append(", ").append(std::to_string(n)).append(" ").append(label);
        }
    }
    return out;
}

} // namespace

int cmdLiveShow(const GlobalOptions& g, bool refresh, bool verbose) {
    v1::GetLiveSetRequest req;
    req.set_refresh(refresh);
    v1::LiveSet set;
    if (int rc = callDaemon(g, &v1::StyleDna::Stub::GetLiveSet, req, set); rc != 0) {
        return rc;
    }
    if (g.json) {
        std::printf("%s\n", protoJson(set).dump(2).c_str());
        return 0;
    }
    std::printf("Live set at %s: %d tracks (read in %.0f ms)\n", set.source().c_str(),
                set.tracks_size(), set.read_ms());
    for (const auto& t : set.tracks()) {
        std::printf("[%d] %s  (%d device%s)\n", t.index(), t.name().c_str(), t.devices_size(),
                    t.devices_size() == 1 ? "" : "s");
        for (const auto& d : t.devices()) {
            std::printf("    [%d] %-20s %-16s %-12s %3d parameters\n", d.index(), d.name().c_str(),
                        d.class_name().c_str(), deviceType(d.type()), d.parameters_size());
            if (!verbose) {
                continue;
            }
            for (const auto& p : d.parameters()) {
                std::printf("        [%2d] %-22s %10s  [%s .. %s]%s%s%s\n", p.index(),
                            p.name().c_str(), formatValue(p.value(), "").c_str(),
                            formatValue(p.min(), "").c_str(), formatValue(p.max(), "").c_str(),
                            p.is_quantized() ? " quantized" : "",
                            p.value_string().empty() ? "" : "  ", p.value_string().c_str());
            }
        }
    }
    return 0;
}

int cmdApply(const GlobalOptions& g, const ApplyCommandOptions& o) {
    std::string error;
    auto stub = connect(g, error);
    if (!stub) {
        return fail(g, "UNAVAILABLE", error);
    }
    v1::ApplyFixesRequest req;
    req.set_plan_id(o.plan_id);
    for (const auto& id : o.fix_ids) {
        req.add_fix_ids(id);
    }
    req.set_min_confidence(o.min_confidence);
    req.set_strength(o.strength);
    req.set_dry_run(o.dry_run);
    grpc::ClientContext ctx;
    auto reader = stub->ApplyFixes(&ctx, req);
    std::optional<v1::ApplyResult> result;
    const grpc::Status s = readProgressStream(*reader, "apply", result);
    if (!s.ok() && s.error_code() == grpc::StatusCode::UNAVAILABLE &&
        !daemonAnswers(g.socket_path.empty() ? defaultSocketPath() : g.socket_path, 1000)) {
        // The daemon went away mid-call: its next start marks the journal interrupted.
        std::string message = s.error_message().empty() ? "daemon unavailable" : s.error_message();
        message.append(" (the daemon stopped during the apply: once it runs again, "
                       "'styledna journal' shows which changes reached Live)");
        return fail(g, "UNAVAILABLE", message);
    }
    if (!s.ok()) {
        return failStatus(g, s);
    }
    if (!result) {
        return fail(g, "INTERNAL", "the daemon returned no apply result");
    }
    const v1::ApplyResult& r = *result;
    if (g.json) {
        std::printf("%s\n", protoJson(r).dump(2).c_str());
    } else {
        std::printf("%s plan %s: %s\n", r.dry_run() ? "Dry run of" : "Applied", r.plan_id().c_str(),
                    r.message().c_str());
        for (const auto& c : r.applied()) {
            printChange(r.dry_run() ? "would set" : "applied", c);
        }
        for (const auto& c : r.failed()) {
            printChange(c.status().c_str(), c);
        }
        for (const auto& c : r.rejected()) {
            printChange("rejected", c);
        }
        if (!r.journal_id().empty()) {
            std::printf("journal %s (%.0f ms)%s; undo with: styledna undo %s\n",
                        r.journal_id().c_str(), r.apply_ms(),
                        r.verified() ? ", every change read back" : "", r.journal_id().c_str());
        }
    }
    return (r.failed_size() == 0 && r.state() != "interrupted") ? 0 : 1;
}

int cmdUndo(const GlobalOptions& g, const std::string& journal_id) {
    v1::UndoApplyRequest req;
    req.set_journal_id(journal_id);
    v1::UndoApplyResponse resp;
    if (int rc = callDaemon(g, &v1::StyleDna::Stub::UndoApply, req, resp); rc != 0) {
        return rc;
    }
    if (g.json) {
        std::printf("%s\n", protoJson(resp).dump(2).c_str());
    } else {
        std::printf("Undo of %s: %d reverted, %d failed, %d skipped%s\n", resp.journal_id().c_str(),
                    resp.reverted_size(), resp.failed_size(), resp.skipped_size(),
                    resp.verified() ? " (every value read back)" : "");
        if (!resp.message().empty()) {
            std::printf("%s\n", resp.message().c_str());
        }
        for (const auto& c : resp.reverted()) {
            printChange("reverted", c);
        }
        for (const auto& c : resp.failed()) {
            printChange("failed", c);
        }
        for (const auto& c : resp.skipped()) {
            printChange("skipped", c);
        }
    }
    return resp.failed_size() == 0 ? 0 : 1;
}

int cmdJournalList(const GlobalOptions& g, int limit) {
    v1::ListJournalsRequest req;
    req.set_limit(limit);
    v1::ListJournalsResponse resp;
    if (int rc = callDaemon(g, &v1::StyleDna::Stub::ListJournals, req, resp); rc != 0) {
        return rc;
    }
    if (g.json) {
        std::printf("%s\n", protoJson(resp).dump(2).c_str());
        return 0;
    }
    if (resp.journals_size() == 0) {
        std::printf("No apply journals yet (styledna apply PLAN_ID writes one).\n");
        return 0;
    }
    std::printf("%-24s %-5s %-11s %-20s %-16s %s\n", "JOURNAL", "KIND", "STATE", "CREATED", "PLAN",
                "CHANGES");
    for (const auto& j : resp.journals()) {
        std::printf("%-24s %-5s %-11s %-20s %-16s %s\n", j.journal_id().c_str(), j.kind().c_str(),
                    j.state().c_str(), j.created_at().c_str(), j.plan_id().c_str(),
                    entryCounts(j).c_str());
        if (j.state() != "complete" && !j.message().empty()) {
            std::printf("    %s\n", j.message().c_str());
        }
    }
    return 0;
}

int cmdJournalShow(const GlobalOptions& g, const std::string& journal_id) {
    v1::GetJournalRequest req;
    req.set_journal_id(journal_id);
    v1::Journal j;
    if (int rc = callDaemon(g, &v1::StyleDna::Stub::GetJournal, req, j); rc != 0) {
        return rc;
    }
    if (g.json) {
        std::printf("%s\n", protoJson(j).dump(2).c_str());
        return 0;
    }
    std::printf("Journal %s: %s of plan %s at %s, %s; %s\n", j.journal_id().c_str(),
                j.kind().c_str(), j.plan_id().c_str(), j.created_at().c_str(), j.state().c_str(),
                entryCounts(j).c_str());
    if (!j.message().empty()) {
        std::printf("%s\n", j.message().c_str());
    }
    std::printf("%4s  %-11s %-44s %-22s %-22s %s\n", "SEQ", "STATE", "TRACK / DEVICE / PARAMETER",
                "PREVIOUS", "TARGET", "READ BACK");
    for (const auto& e : j.entries()) {
        std::string where = e.track_name();
        where.append(" / ")
            .append(e.device_name().empty() ? e.device_class() : e.device_name())
            .append(" / ")
            .append(e.parameter_name());
        std::printf("%4d  %-11s %-44s %-22s %-22s %s\n", e.seq(), e.state().c_str(), where.c_str(),
                    shown(e.previous_value(), e.display_previous()).c_str(),
                    shown(e.target_value(), e.display_target()).c_str(),
                    e.has_read_back() ? shown(e.read_back_value(), e.read_back_string()).c_str()
                                      : "-");
        if (!e.error().empty()) {
            std::printf("      %s\n", e.error().c_str());
        }
    }
    if (j.kind() == "apply" && j.state() != "undone" && j.state() != "sending") {
        std::printf("undo with: styledna undo %s\n", j.journal_id().c_str());
    }
    return 0;
}

} // namespace styledna::cli
