#include "core/gap/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/gap/gap_text.hpp"
#include "core/gap/html_format.hpp"
#include "core/gap/html_report_plots.hpp"
#include "core/gap/html_report_style.hpp"

namespace styledna::gap {
namespace {

constexpr std::size_t kTopIssues = 3;

const char* const kCategoryOrder[] = {
    kCategoryLoudness, kCategoryTonalBalance, kCategoryStereo,      kCategoryLowEnd,
    kCategoryRhythm,   kCategorySidechain,    kCategorySoundDesign, kCategoryArrangement};

std::string categoryTitle(const std::string& category) {
    if (category == kCategoryLoudness) {
        return "Loudness";
    }
    if (category == kCategoryTonalBalance) {
        return "Tonal balance";
    }
    if (category == kCategoryStereo) {
        return "Stereo";
    }
    if (category == kCategoryLowEnd) {
        return "Low end";
    }
    if (category == kCategoryRhythm) {
        return "Rhythm and groove";
    }
    if (category == kCategorySidechain) {
        return "Sidechain";
    }
    if (category == kCategorySoundDesign) {
        return "Sound design";
    }
    if (category == kCategoryArrangement) {
        return "Arrangement";
    }
    return category.empty() ? "Other" : category;
}

std::string baseName(const std::string& path) {
    const std::size_t slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "high" | "medium" | "low" from the label, else from the number.
std::string severityClass(const Gap& gap) {
    if (gap.severity_label == "high" || gap.severity_label == "medium" ||
        gap.severity_label == "low") {
        return gap.severity_label;
    }
    return severityLabel(std::isfinite(gap.severity) ? gap.severity : 0.0);
}

std::string chip(const Gap& gap) {
    const std::string cls = severityClass(gap);
    return "<span class=\"chip " + cls + "\" title=\"severity " + formatFixed(gap.severity, 2) +
           "\">" + cls + "</span>";
}

std::string element(const char* tag, const std::string& text, const char* cls = nullptr) {
    std::string s = "<";
    s += tag;
    if (cls != nullptr) {
        s += " class=\"";
        s += cls;
        s += '"';
    }
    s += '>';
    s += escapeHtml(text);
    s += "</";
    s += tag;
    s += '>';
    return s;
}

std::string rangeText(double lo, double hi, const std::string& unit) {
    // Both ends with the unit's precision ("-10.1 to -7.9 dB", "16 to 32 bars").
    return formatFixed(lo, decimalsForUnit(unit, lo)) + " to " + formatValue(hi, unit);
}

// Headline numbers of a gap: yours, target, acceptable range, z.
std::string gapNumbers(const Gap& gap) {
    std::string s = "<dl class=\"numbers\">";
    s += "<dt>yours</dt><dd>" + escapeHtml(formatValue(gap.wip_value, gap.unit)) + "</dd>";
    s += "<dt>target</dt><dd>" + escapeHtml(formatValue(gap.target_value, gap.unit)) + "</dd>";
    s += "<dt>range</dt><dd>" + escapeHtml(rangeText(gap.range_low, gap.range_high, gap.unit)) +
         "</dd>";
    s += "<dt>z</dt><dd>" + escapeHtml(formatFixed(gap.z_score, 1)) + "</dd>";
    return s + "</dl>";
}

// Every place the gap shows (from its evidence, strongest first; duplicates
// merged), out-of-range places marked.
std::string wherePlaces(const Gap& gap) {
    std::set<std::string> seen;
    std::string s = "<ul class=\"places\">";
    if (gap.evidence.empty()) {
        s += "<li class=\"out\">" + escapeHtml(placeName(gap.section, gap.stem)) + "</li>";
    }
    for (const auto& c : gap.evidence) {
        const std::string place = placeName(c.section, c.stem);
        if (!seen.insert(place).second) {
            continue;
        }
        s += c.in_range ? "<li" : "<li class=\"out\"";
        s += " title=\"" +
             escapeHtml(c.feature + ": " + formatValue(c.wip_value, c.unit) + ", acceptable " +
                        rangeText(c.range_low, c.range_high, c.unit)) +
             "\">" + escapeHtml(place) + "</li>";
    }
    return s + "</ul>";
}

std::string gapTags(const Gap& gap) {
    std::string s;
    if (gap.style_choice) {
        s += "<span class=\"tag\" title=\"judged against the nearest sub-style only\">style "
             "choice</span>";
    }
    if (gap.outside_every_cluster) {
        s += "<span class=\"tag warn\">outside every sub-style</span>";
    }
    return s;
}

std::string renderHeader(const GapReport& report, const core::TrackAnalysis& wip,
                         const profile::Profile& profile) {
    const std::string& path = report.wip_path.empty() ? wip.path : report.wip_path;
    std::string s = "<header><p class=\"eyebrow\">StyleDNA gap report</p>";
    s += element("h1", path.empty() ? "Untitled track" : baseName(path));
    s += "<dl class=\"meta\">";
    s += "<dt>File</dt><dd>" + escapeHtml(path.empty() ? "(no path)" : path) + "</dd>";
    s +=
        "<dt>Profile</dt><dd>" + escapeHtml(report.profile.empty() ? profile.name : report.profile);
    s += " <span class=\"muted\">(" + std::to_string(profile.members.size()) + " references, " +
         std::to_string(profile.clusters.size()) + " sub-styles)</span></dd>";
    s += "<dt>Compared with</dt><dd>";
    if (report.cluster >= 0) {
        s += "sub-style " + std::to_string(report.cluster);
        if (!report.cluster_label.empty()) {
            s += " &ldquo;" + escapeHtml(report.cluster_label) + "&rdquo;";
        }
        s += " <span class=\"muted\">(";
        s += report.cluster_from_request
                 ? "as requested"
                 : "nearest by sound, similarity " + formatFixed(report.cluster_similarity, 2);
        s += ")</span>";
    } else {
        s += "the whole profile";
    }
    s += "</dd>";
    const auto& grid = wip.features.grid;
    std::string facts;
    if (std::isfinite(grid.tempo_bpm) && grid.tempo_bpm > 0) {
        facts += formatValue(grid.tempo_bpm, "bpm");
    }
    const auto key = wip.features.labels.find("key");
    if (key != wip.features.labels.end() && !key->second.empty()) {
        facts += facts.empty() ? "" : ", ";
        facts += key->second;
    }
    const auto series = wip.features.series.find("energy_per_bar_db");
    if (series != wip.features.series.end() && !series->second.empty()) {
        facts += facts.empty() ? "" : ", ";
        facts += std::to_string(series->second.size()) + " bars";
    }
    if (!facts.empty()) {
        s += "<dt>Track</dt><dd>" + escapeHtml(facts) + "</dd>";
    }
    s += "<dt>Stems</dt><dd>" +
         escapeHtml(report.stems_source.empty()
                        ? std::string("not analysed (mix only)")
                        : (report.stems_source == "user"
                               ? std::string("your exported stems")
                               : "separated (" + report.stems_source + ")")) +
         "</dd>";
    return s + "</dl></header>";
}

std::string renderConformance(const GapReport& report) {
    const double score = std::isfinite(report.conformance_score)
                             ? std::clamp(report.conformance_score, 0.0, 100.0)
                             : 0.0;
    const char* cls = score >= 75 ? "good" : score >= 50 ? "fair" : "poor";
    std::string s = "<section class=\"card conformance\" id=\"conformance\"><h2>Conformance</h2>";
    s += "<div class=\"score-box\"><p class=\"score " + std::string(cls) + "\">" +
         formatFixed(score, 0) + "<span>/ 100</span></p>";
    s += "<div class=\"meter\" role=\"presentation\"><div class=\"fill " + std::string(cls) +
         "\" style=\"width:" + formatFixed(score, 1) + "%\"></div></div></div>";
    if (report.conformance_parts.empty()) {
        return s + "<p class=\"note\">No breakdown of the score is available.</p></section>";
    }
    s += "<table class=\"parts\"><thead><tr><th>Part</th><th>Score</th><th>Weight</th></tr>"
         "</thead><tbody>";
    for (const auto& part : report.conformance_parts) {
        std::string name = part.name == "features_in_range"      ? "Features in range"
                           : part.name == "embedding_similarity" ? "Sound similarity"
                                                                 : part.name;
        s += "<tr><td>" + escapeHtml(name);
        if (!part.detail.empty()) {
            s += element("div", part.detail, "detail");
        }
        s += "</td><td class=\"num\">" + formatFixed(part.score, 0) + "</td><td class=\"num\">" +
             formatFixed(part.weight * 100.0, 0) + " %</td></tr>";
    }
    return s + "</tbody></table></section>";
}

std::string renderPlot(const ReportPlot& plot, const char* heading_tag) {
    std::string s = "<figure class=\"plot-figure\" data-figure=\"" + escapeHtml(plot.name) + "\">";
    s += element(heading_tag, plot.title);
    if (plot.svg.empty()) {
        s += element("p", plot.note.empty() ? plot.title + " is not available." : plot.note, "na");
        return s + "</figure>";
    }
    s += plot.svg;
    s += "<figcaption>" + escapeHtml(plot.caption);
    if (!plot.note.empty()) {
        s += element("span", " " + plot.note, "note");
    }
    return s + "</figcaption></figure>";
}

std::string renderTopIssues(const GapReport& report) {
    std::string s = "<section class=\"card top\" id=\"top-issues\"><h2>Fix these first</h2>";
    if (report.gaps.empty()) {
        return s + "<p class=\"ok\">No issues: every compared feature is within your "
                   "references' range.</p></section>";
    }
    s += "<ol class=\"top-issues\">";
    for (std::size_t i = 0; i < std::min(kTopIssues, report.gaps.size()); ++i) {
        const Gap& gap = report.gaps[i];
        s += "<li class=\"issue " + severityClass(gap) + "\"><div class=\"issue-head\">" +
             chip(gap) + element("span", categoryTitle(gap.category), "category") + gapTags(gap) +
             "</div>";
        s += element("h3", gap.title.empty() ? gap.feature : gap.title);
        s += element("p", gap.explanation, "explanation");
        s += gapNumbers(gap);
        const ReportPlot evidence = gapEvidencePlot(gap);
        if (!evidence.svg.empty()) {
            s += renderPlot(evidence, "h4");
        } else {
            s += "<div class=\"where\">Shows in: " + wherePlaces(gap) + "</div>";
        }
        s += "</li>";
    }
    return s + "</ol></section>";
}

std::string renderGapTables(const GapReport& report) {
    std::string s = "<section class=\"card\" id=\"gaps\"><h2>All issues, by category</h2>";
    if (report.gaps.empty()) {
        return s + "<p class=\"ok\">No issues found.</p></section>";
    }
    std::vector<std::string> order(std::begin(kCategoryOrder), std::end(kCategoryOrder));
    for (const auto& gap : report.gaps) {
        if (std::find(order.begin(), order.end(), gap.category) == order.end()) {
            order.push_back(gap.category);
        }
    }
    for (const auto& category : order) {
        std::vector<std::size_t> ranks;
        for (std::size_t i = 0; i < report.gaps.size(); ++i) {
            if (report.gaps[i].category == category) {
                ranks.push_back(i);
            }
        }
        if (ranks.empty()) {
            continue;
        }
        s += "<h3 data-category=\"" + escapeHtml(category) + "\">" +
             escapeHtml(categoryTitle(category)) + " <span class=\"count\">" +
             std::to_string(ranks.size()) + "</span></h3>";
        s += "<table class=\"gaps\"><thead><tr><th class=\"rank\">#</th><th "
             "class=\"sev\">Severity</th>"
             "<th>Issue</th><th class=\"where\">Where</th><th class=\"numbers\">Numbers</th></tr>"
             "</thead><tbody>";
        for (const std::size_t i : ranks) {
            const Gap& gap = report.gaps[i];
            s += "<tr><td class=\"rank\">" + std::to_string(i + 1) + "</td><td>" + chip(gap) +
                 "</td><td>";
            s += element("div", gap.title.empty() ? gap.feature : gap.title, "issue-title");
            s += element("div", gap.explanation, "explanation") + gapTags(gap);
            s += "</td><td>" + wherePlaces(gap) + "</td><td class=\"num\">" + gapNumbers(gap) +
                 "</td></tr>";
        }
        s += "</tbody></table>";
    }
    return s + "</section>";
}

std::string renderReferences(const GapReport& report) {
    std::string s = "<section class=\"card\" id=\"references\"><h2>Nearest references</h2>";
    if (report.nearest_references.empty()) {
        return s + "<p class=\"na\">Not available: the track could not be placed in the "
                   "profile's sound space (no embedding).</p></section>";
    }
    s += "<table class=\"refs\"><thead><tr><th>#</th><th>Track</th><th>Label</th>"
         "<th>Sub-style</th><th>Similarity</th></tr></thead><tbody>";
    for (std::size_t i = 0; i < report.nearest_references.size(); ++i) {
        const auto& r = report.nearest_references[i];
        const double similarity = std::isfinite(r.similarity) ? r.similarity : 0.0;
        s += "<tr><td class=\"rank\">" + std::to_string(i + 1) + "</td><td title=\"" +
             escapeHtml(r.path) + "\">" + escapeHtml(baseName(r.path)) + "</td><td>" +
             escapeHtml(r.label.empty() ? "-" : r.label) + "</td><td class=\"num\">" +
             (r.cluster >= 0 ? std::to_string(r.cluster) : std::string("-")) +
             "</td><td class=\"num\"><span class=\"sim\"><span style=\"width:" +
             formatFixed(std::clamp(similarity, 0.0, 1.0) * 100.0, 1) + "%\"></span></span>" +
             formatFixed(similarity, 3) + "</td></tr>";
    }
    return s + "</tbody></table></section>";
}

std::string renderComparisons(const GapReport& report) {
    std::vector<const Comparison*> rows;
    std::size_t out_of_range = 0;
    for (const auto& c : report.comparisons) {
        rows.push_back(&c);
        out_of_range += c.in_range ? 0 : 1;
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Comparison* a, const Comparison* b) {
        return (std::isfinite(a->severity) ? a->severity : 0.0) >
               (std::isfinite(b->severity) ? b->severity : 0.0);
    });
    std::string s = "<section class=\"card\" id=\"comparisons\"><details><summary>Every "
                    "comparison (" +
                    std::to_string(rows.size()) + ", " + std::to_string(out_of_range) +
                    " out of range)</summary>";
    s += "<table class=\"comparisons\"><thead><tr><th>Feature</th><th>Where</th><th>Yours</th>"
         "<th>Target</th><th>Range</th><th>z</th><th>Severity</th><th>Basis</th></tr></thead>"
         "<tbody>";
    for (const auto* c : rows) {
        s += c->in_range ? "<tr>" : "<tr class=\"out\">";
        s += element("td", c->feature) + element("td", placeName(c->section, c->stem));
        s += "<td class=\"num\">" + escapeHtml(formatValue(c->wip_value, c->unit)) +
             "</td><td class=\"num\">" + escapeHtml(formatValue(c->target_value, c->unit)) +
             "</td><td class=\"num\">" +
             escapeHtml(rangeText(c->range_low, c->range_high, c->unit)) +
             "</td><td class=\"num\">" + formatFixed(c->z_score, 1) + "</td><td class=\"num\">" +
             formatFixed(c->severity, 2) + "</td>" + element("td", c->basis) + "</tr>";
    }
    return s + "</tbody></table></details></section>";
}

} // namespace

std::string renderHtmlReport(const GapReport& report, const core::TrackAnalysis& wip,
                             const profile::Profile& profile) {
    const std::string& path = report.wip_path.empty() ? wip.path : report.wip_path;
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    // Nothing may load from anywhere: the report is one file that works offline.
    html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">";
    html += "<title>" +
            escapeHtml("StyleDNA report: " + (path.empty() ? "track" : baseName(path))) +
            "</title>";
    html += "<style>";
    html += kHtmlReportCss;
    html += "</style></head>\n<body><main class=\"report\">";
    html += renderHeader(report, wip, profile);
    html +=
        "<div class=\"summary\">" + renderConformance(report) + renderTopIssues(report) + "</div>";
    html += "<section class=\"card\" id=\"plots\"><h2>Against your references</h2>";
    html += renderPlot(tonalBalancePlot(report, wip, profile), "h3");
    html += renderPlot(energyPerBarPlot(report, wip, profile), "h3");
    html += renderPlot(stereoWidthPlot(report, wip, profile), "h3");
    html += "</section>";
    html += renderGapTables(report);
    html += renderReferences(report);
    html += renderComparisons(report);
    html += "<footer>StyleDNA " + escapeHtml(wip.analyzer_version) +
            " &middot; a self-contained report: no scripts, no network, works offline.</footer>";
    html += "</main></body></html>\n";
    return html;
}

} // namespace styledna::gap
