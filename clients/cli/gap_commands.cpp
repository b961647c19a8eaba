#include "gap_commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "output.hpp"

namespace styledna::cli {
namespace {

std::string categoryName(const std::string& c) {
    std::string out = c;
    std::replace(out.begin(), out.end(), '_', ' ');
    return out;
}

// "intro, outro, bass stem": the distinct places of a gap's evidence.
std::string wherePlaces(const v1::Gap& gap) {
    std::string out;
    std::map<std::string, bool> seen;
    auto add = [&](const std::string& place) {
        if (!seen[place]) {
            seen[place] = true;
            if (!out.empty()) {
                out.append(", ");
            }
            out.append(place);
        }
    };
    for (const auto& e : gap.evidence()) {
        if (!e.in_range() || &e == &gap.evidence(0)) {
            std::string place = e.section().empty() ? "whole track" : e.section();
            if (!e.stem().empty()) {
                place.append(" (").append(e.stem()).append(" stem)");
            }
            add(place);
        }
    }
    return out;
}

// Wraps `text` at `width` columns, every line after the first indented by `indent`.
std::string wrap(const std::string& text, std::size_t width, std::size_t indent) {
    std::string out;
    std::size_t line = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t j = text.find(' ', i);
        if (j == std::string::npos) {
            j = text.size();
        }
        const std::string word = text.substr(i, j - i);
        if (line > 0 && line + 1 + word.size() > width) {
            out.append("\n").append(indent, ' ');
            line = 0;
        } else if (line > 0) {
            out.append(" ");
            ++line;
        }
        out.append(word);
        line += word.size();
        i = j + 1;
    }
    return out;
}

void printReport(const std::string& file, const v1::GapReport& r, int top) {
    const Palette c = terminalPalette();
    std::printf("%sGap report%s: %s vs profile '%s'\n", c.bold, c.reset, file.c_str(),
                r.profile().c_str());
    if (r.cluster() >= 0) {
        std::printf("  compared with sub-style [%d] %s (%s, similarity %.2f)\n", r.cluster(),
                    r.cluster_label().c_str(),
                    r.cluster_from_request() ? "as asked" : "the nearest", r.cluster_similarity());
    } else {
        std::printf("  compared with the whole profile\n");
    }
    if (!r.stems_source().empty()) {
        std::printf("  stems: %s\n", r.stems_source().c_str());
    }
    std::printf("  %sconformance %.0f / 100%s", c.bold, r.conformance_score(), c.reset);
    for (const auto& p : r.conformance_parts()) {
        std::printf("  |  %s %.0f (weight %.2f)", categoryName(p.name()).c_str(), p.score(),
                    p.weight());
    }
    std::printf("\n");
    for (const auto& p : r.conformance_parts()) {
        if (!p.detail().empty()) {
            std::printf("  %s%s: %s%s\n", c.dim, categoryName(p.name()).c_str(), p.detail().c_str(),
                        c.reset);
        }
    }
    if (r.gaps_size() == 0) {
        std::printf("\nNo gaps: every compared feature is inside your references' range.\n");
    } else {
        const int shown = top <= 0 ? r.gaps_size() : std::min(top, r.gaps_size());
        std::printf("\n  #  %-13s %-14s issue\n", "severity", "category");
        for (int i = 0; i < shown; ++i) {
            const auto& gap = r.gaps(i);
            const char* colour = gap.severity_label() == "high"     ? c.high
                                 : gap.severity_label() == "medium" ? c.medium
                                                                    : c.low;
            char sev[32];
            std::snprintf(sev, sizeof(sev), "%-6s %.2f", gap.severity_label().c_str(),
                          gap.severity());
            std::printf("%3d  %s%-13s%s %-14s %s%s%s\n", i + 1, colour, sev, c.reset,
                        categoryName(gap.category()).c_str(), c.bold, gap.title().c_str(), c.reset);
            std::printf("%33s%s\n", "", wrap(gap.explanation(), 70, 33).c_str());
            const std::string where = wherePlaces(gap);
            if (!where.empty()) {
                std::printf("%33s%swhere: %s%s\n", "", c.dim, where.c_str(), c.reset);
            }
        }
        if (shown < r.gaps_size()) {
            std::printf("  ... %d more (--all lists every gap)\n", r.gaps_size() - shown);
        }
        // Per category: how many gaps and the worst label.
        std::map<std::string, std::pair<int, double>> per_category;
        for (const auto& gap : r.gaps()) {
            auto& [n, worst] = per_category[gap.category()];
            ++n;
            worst = std::max(worst, gap.severity());
        }
        std::printf("\n  by category:");
        for (const auto& [cat, v] : per_category) {
            std::printf("  %s %d (worst %.2f)", categoryName(cat).c_str(), v.first, v.second);
        }
        std::printf("\n");
    }
    if (r.nearest_references_size() > 0) {
        std::printf("\n  nearest references:\n");
        int rank = 0;
        for (const auto& n : r.nearest_references()) {
            std::printf("    %d. %.3f  %s  [%s]\n", ++rank, n.similarity(), n.path().c_str(),
                        n.label().c_str());
        }
    }
    std::printf("  %s(analysis %s, comparison %.1f ms)%s\n", c.dim,
                r.analysis_cached() ? "cached" : (formatValue(r.analysis_s(), "s")).c_str(),
                r.gap_ms(), c.reset);
}

int runGap(const GlobalOptions& g, const GapCommandOptions& o, const std::string& html_out,
           v1::GapReport& resp) {
    std::string error;
    auto stub = connect(g, error);
    if (!stub) {
        return fail(g, "UNAVAILABLE", error);
    }
    grpc::ClientContext ctx;
    InterruptCancels interrupt(ctx);
    v1::AnalyzeGapRequest req;
    req.set_path(absolutePath(o.file));
    req.set_profile(o.profile);
    if (o.cluster >= 0) {
        req.set_cluster(o.cluster);
        req.set_use_cluster(true);
    }
    if (!o.stems_dir.empty()) {
        req.set_stems_dir(absolutePath(o.stems_dir));
    }
    if (!html_out.empty()) {
        req.set_html_path(absolutePath(html_out));
    }
    req.set_include_comparisons(o.comparisons);
    if (auto s = stub->AnalyzeGap(&ctx, req, &resp); !s.ok()) {
        if (interruptedByUser()) {
            return fail(g, "CANCELLED", "gap analysis interrupted");
        }
        return failStatus(g, s);
    }
    return 0;
}

} // namespace

int cmdGap(const GlobalOptions& g, const GapCommandOptions& o) {
    v1::GapReport resp;
    if (int rc = runGap(g, o, "", resp); rc != 0) {
        return rc;
    }
    if (g.json) {
        std::printf("%s\n", protoJson(resp).dump(2).c_str());
    } else {
        printReport(o.file, resp, o.top);
    }
    return 0;
}

int cmdReport(const GlobalOptions& g, const GapCommandOptions& o, const std::string& html_out) {
    v1::GapReport resp;
    if (int rc = runGap(g, o, html_out, resp); rc != 0) {
        return rc;
    }
    if (g.json) {
        std::printf("%s\n", protoJson(resp).dump(2).c_str());
    } else {
        std::printf("wrote %s (conformance %.0f / 100, %d gaps, %d high)\n",
                    resp.report_html_path().c_str(), resp.conformance_score(), resp.gaps_size(),
                    static_cast<int>(std::count_if(
                        resp.gaps().begin(), resp.gaps().end(),
                        [](const v1::Gap& gap) { return gap.severity_label() == "high"; })));
    }
    return 0;
}

int cmdSeparate(const GlobalOptions& g, const std::string& file, const std::string& out_dir,
                const std::string& separator) {
    std::string error;
    auto stub = connect(g, error);
    if (!stub) {
        return fail(g, "UNAVAILABLE", error);
    }
    grpc::ClientContext ctx;
    InterruptCancels interrupt(ctx);
    v1::SeparateStemsRequest req;
    req.set_path(absolutePath(file));
    req.set_out_dir(absolutePath(out_dir));
    req.set_separator(separator);
    auto reader = stub->SeparateStems(&ctx, req);
    std::optional<v1::SeparatedStems> result;
    const grpc::Status s = readProgressStream(*reader, "separate", result);
    if (interruptedByUser()) {
        return fail(g, "CANCELLED", "separation interrupted");
    }
    if (!s.ok()) {
        return failStatus(g, s);
    }
    if (!result) {
        return fail(g, "INTERNAL", "the daemon returned no stems");
    }
    if (g.json) {
        std::printf("%s\n", protoJson(*result).dump(2).c_str());
    } else {
        std::printf("%s -> %s stems (%s, %.0f Hz%s, %.2f s)\n  %s\n  %s\n  %s\n", file.c_str(),
                    out_dir.c_str(), result->separator().c_str(), result->sample_rate_hz(),
                    result->cached() ? ", cached" : "", result->seconds(),
                    result->drums_path().c_str(), result->bass_path().c_str(),
                    result->other_path().c_str());
    }
    return 0;
}

int cmdTrainSeparator(const GlobalOptions& g, const v1::TrainSeparatorRequest& request) {
    std::string error;
    auto stub = connect(g, error);
    if (!stub) {
        return fail(g, "UNAVAILABLE", error);
    }
    grpc::ClientContext ctx;
    InterruptCancels interrupt(ctx);
    v1::TrainSeparatorRequest req = request;
    if (!req.out_path().empty()) {
        req.set_out_path(absolutePath(req.out_path()));
    }
    auto reader = stub->TrainSeparator(&ctx, req);
    std::optional<v1::SeparatorTraining> result;
    const grpc::Status s = readProgressStream(*reader, "train-separator", result);
    if (interruptedByUser()) {
        return fail(g, "CANCELLED", "training interrupted; no weights were written");
    }
    if (!s.ok()) {
        return failStatus(g, s);
    }
    if (!result) {
        return fail(g, "INTERNAL", "the daemon returned no training result");
    }
    if (g.json) {
        std::printf("%s\n", protoJson(*result).dump(2).c_str());
        return 0;
    }
    std::printf("trained %s -> %s\n", result->separator().c_str(), result->weights_path().c_str());
    std::printf(
        "  %d training + %d held-out tracks, %d epochs (best %d%s), %.0f s, %lld "
        "parameters\n",
        result->train_tracks(), result->validation_tracks(), result->epochs(), result->best_epoch(),
        result->stopped_on_time() ? ", time cap" : (result->stopped_early() ? ", early stop" : ""),
        result->seconds(), static_cast<long long>(result->parameters()));
    std::printf("  validation loss %.4f -> %.4f; held-out median SDR drums %.1f dB, bass %.1f "
                "dB, other %.1f dB\n",
                result->initial_validation_loss(), result->validation_loss(),
                result->validation_sdr_drums_db(), result->validation_sdr_bass_db(),
                result->validation_sdr_other_db());
    std::printf("  restart the daemon (or pass stylednad --separator-weights) to use them\n");
    return 0;
}

} // namespace styledna::cli
