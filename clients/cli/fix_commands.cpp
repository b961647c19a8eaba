#include "fix_commands.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "output.hpp"

namespace styledna::cli {
namespace {

void printFix(const v1::Fix& f, const Palette& c, bool rejected) {
    std::printf("\n  %s%s%s %s%s%s  (%s, confidence %.2f", c.bold, rejected ? "x" : f.id().c_str(),
                c.reset, c.bold, f.title().c_str(), c.reset, f.gap_id().c_str(), f.confidence());
    if (!rejected) {
        std::printf(", conformance %+.1f -> %.1f", f.expected_improvement(),
                    f.predicted_conformance());
        if (f.risk() >= 0.5) {
            // fix_risk.hpp: the move uses most of another feature's margin.
            std::printf(", risk %.2f", f.risk());
        }
    }
    std::printf(")\n");
    for (const auto& ch : f.changes()) {
        const bool unchanged = ch.display_from() == ch.display_to();
        std::printf("      %s / %s / %s: %s%s%s%s\n", ch.track_name().c_str(),
                    ch.device_name().c_str(), ch.parameter_name().c_str(),
                    ch.display_from().c_str(), unchanged ? " (already)" : " -> ",
                    unchanged ? "" : ch.display_to().c_str(),
                    ch.confidence() < 0.5 ? "  (low confidence)" : "");
    }
    if (!f.manual_step().empty()) {
        std::printf("      manual step: %s\n", f.manual_step().c_str());
    }
    if (rejected) {
        std::printf("      %srejected: %s%s\n", c.dim, f.rejection_reason().c_str(), c.reset);
        return;
    }
    // Whole-track predictions first, then per section; the rest is in --json.
    constexpr int kMaxPredictionLines = 6;
    std::vector<const v1::PredictedFeature*> shown;
    for (int pass = 0; pass < 2; ++pass) {
        for (const auto& p : f.predicted()) {
            if (p.stem().empty() && p.section().empty() == (pass == 0)) {
                shown.push_back(&p);
            }
        }
    }
    const int total = static_cast<int>(shown.size());
    if (total > kMaxPredictionLines) {
        shown.resize(kMaxPredictionLines);
    }
    for (const auto* p : shown) {
        std::printf("      %spredicted %s%s%s: %.2f -> %.2f %s (range %.2f..%.2f)%s%s\n", c.dim,
                    p->feature().c_str(), p->section().empty() ? "" : " in the ",
                    p->section().c_str(), p->before(), p->after(), p->unit().c_str(),
                    p->range_low(), p->range_high(), p->in_range_after() ? ", in range" : "",
                    c.reset);
    }
    if (total > kMaxPredictionLines) {
        std::printf("      %s(+%d more predictions; --json lists them all)%s\n", c.dim,
                    total - kMaxPredictionLines, c.reset);
    }
}

void printPlan(const std::string& file, const v1::FixPlan& p) {
    const Palette c = terminalPalette();
    std::printf("%sFix plan%s %s: %s vs profile '%s' (set: %s, strength %.2f)\n", c.bold, c.reset,
                p.plan_id().c_str(), file.c_str(), p.profile().c_str(), p.set_source().c_str(),
                p.strength());
    std::printf("  %sconformance %.1f -> %.1f predicted%s", c.bold, p.conformance_before(),
                p.predicted_conformance(), c.reset);
    if (p.target_conformance() > 0) {
        std::printf("  (target %.0f: %s)", p.target_conformance(),
                    p.target_reached() ? "reached" : "not reached");
    }
    std::printf("\n");
    if (!p.target_note().empty()) {
        std::printf("  %s\n", p.target_note().c_str());
    }
    std::string roles;
    for (const auto& r : p.roles()) {
        if (r.role() != "other") {
            roles.append(roles.empty() ? "" : ", ").append(r.track_name() + "=" + r.role());
            roles.append(r.from_user() ? "*" : "");
        }
    }
    std::printf("  %sroles: %s%s\n", c.dim, roles.empty() ? "(none found)" : roles.c_str(),
                c.reset);
    if (p.fixes_size() == 0) {
        std::printf("\nNo fix to offer.\n");
    }
    for (const auto& f : p.fixes()) {
        printFix(f, c, false);
    }
    if (p.rejected_size() > 0) {
        std::printf("\n  %d move(s) rejected by validation:\n", p.rejected_size());
        for (const auto& f : p.rejected()) {
            printFix(f, c, true);
        }
    }
    std::printf("\n  %s(planning %.0f ms; apply with: styledna apply %s)%s\n", c.dim,
                p.generation_ms(), p.plan_id().c_str(), c.reset);
}

} // namespace

int cmdFix(const GlobalOptions& g, const FixCommandOptions& o) {
    v1::GenerateFixesRequest req;
    req.set_path(absolutePath(o.file));
    req.set_profile(o.profile);
    if (o.live == !o.set_file.empty()) {
        return fail(g, "INVALID_ARGUMENT", "fix needs the Live set: --set SET.json or --live");
    }
    if (!o.set_file.empty()) {
        std::ifstream in(o.set_file, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        if (!in || text.str().empty()) {
            return fail(g, "INVALID_ARGUMENT",
                        o.set_file + ": cannot read the Live set file (missing or empty)");
        }
        req.set_live_set_json(text.str());
    }
    req.set_use_live(o.live);
    req.set_target_conformance(o.target);
    req.set_strength(o.strength);
    req.set_track_map(o.map);
    req.set_master_track(o.master_track);
    if (!o.stems_dir.empty()) {
        req.set_stems_dir(absolutePath(o.stems_dir));
    }
    if (o.cluster >= 0) {
        req.set_cluster(o.cluster);
        req.set_use_cluster(true);
    }
    std::string error;
    auto stub = connect(g, error);
    if (!stub) {
        return fail(g, "UNAVAILABLE", error);
    }
    grpc::ClientContext ctx;
    InterruptCancels interrupt(ctx);
    v1::FixPlan resp;
    if (auto s = stub->GenerateFixes(&ctx, req, &resp); !s.ok()) {
        if (interruptedByUser()) {
            return fail(g, "CANCELLED", "fix planning interrupted");
        }
        const std::string prefix = "live set: ";
        if (!o.set_file.empty() && s.error_message().rfind(prefix, 0) == 0) {
            return failStatus(
                g, grpc::Status(s.error_code(),
                                o.set_file + ": " + s.error_message().substr(prefix.size())));
        }
        return failStatus(g, s);
    }
    if (g.json) {
        std::printf("%s\n", protoJson(resp).dump(2).c_str());
    } else {
        printPlan(o.file, resp);
    }
    return 0;
}

} // namespace styledna::cli
