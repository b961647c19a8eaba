#include "core/gap/html_report_plots.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/gap/gap_text.hpp"
#include "core/gap/html_format.hpp"
#include "core/gap/svg_plot.hpp"
#include "core/profile/arrangement_stats.hpp"

namespace styledna::gap {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Palette: the WIP warm, the references cool, the cluster green.
constexpr const char* kWipColour = "#e8590c";
constexpr const char* kWipInRangeColour = "#2b8a3e";
constexpr const char* kProfileFill = "#4c8bd6";
constexpr const char* kProfileMedian = "#1f5fa8";
constexpr const char* kClusterColour = "#2f9e44";
constexpr const char* kTargetColour = "#343a40";

SvgStyle wipLine() {
    return {kWipColour, "none", 2.5, 1.0, ""};
}
SvgStyle wipPoint() {
    return {"#ffffff", kWipColour, 2.0, 1.0, ""};
}
SvgStyle profileBand() {
    return {"none", kProfileFill, 0, 0.22, ""};
}
SvgStyle profileMedian() {
    return {kProfileMedian, "none", 1.8, 1.0, "7 5"};
}
SvgStyle clusterBand() {
    return {kClusterColour, kClusterColour, 1.2, 0.1, "4 3"};
}

struct Band {
    std::string key, name, range;
};
const Band kTonalBands[] = {
    {"sub", "Sub", "20-60 Hz"},
    {"low", "Low", "60-150 Hz"},
    {"low_mid", "Low-mid", "150-400 Hz"},
    {"mid", "Mid", "400 Hz-1.5 kHz"},
    {"high_mid", "High-mid", "1.5-5 kHz"},
    {"high", "High", "5-10 kHz"},
    {"air", "Air", "10-20 kHz"},
};
const Band kWidthBands[] = {
    {"low", "Low", "20-120 Hz"},
    {"mid", "Mid", "120 Hz-2 kHz"},
    {"high", "High", "2 kHz and up"},
};

bool finite(double v) {
    return std::isfinite(v);
}

const profile::FeatureStats* findStats(const std::vector<profile::FeatureStats>& stats,
                                       const std::string& name) {
    for (const auto& s : stats) {
        if (s.name == name && !s.categorical) {
            return &s;
        }
    }
    return nullptr;
}

// p10, median, p90 of one statistic; NaN when absent or not finite.
struct Envelope {
    double p10 = kNaN, median = kNaN, p90 = kNaN;
    bool valid() const { return finite(p10) && finite(median) && finite(p90) && p10 <= p90; }
};
Envelope envelope(const profile::FeatureStats* s) {
    if (s == nullptr) {
        return {};
    }
    Envelope e{s->p10, s->median, s->p90};
    return e.valid() ? e : Envelope{};
}

double wipValue(const core::TrackAnalysis& wip, const std::string& name) {
    const auto it = wip.features.values.find(name);
    return it != wip.features.values.end() && finite(it->second) ? it->second : kNaN;
}

// The compared cluster's statistics, or null (whole profile compared, or the
// cluster has none).
const std::vector<profile::FeatureStats>* clusterStats(const GapReport& report,
                                                       const profile::Profile& profile) {
    if (report.cluster < 0) {
        return nullptr;
    }
    const profile::Cluster* c = findCluster(profile, report.cluster);
    return c != nullptr && !c->stats.empty() ? &c->stats : nullptr;
}

std::string clusterName(const GapReport& report) {
    std::string s = "cluster ";
    s += std::to_string(report.cluster);
    if (!report.cluster_label.empty()) {
        s += " (" + report.cluster_label + ")";
    }
    return s;
}

// Accumulates the finite values a y axis must show.
struct Extent {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    void add(double v) {
        if (finite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    void add(const Envelope& e) {
        add(e.p10);
        add(e.p90);
        add(e.median);
    }
    bool empty() const { return !(lo <= hi); }
};

std::string joinNames(const std::vector<std::string>& names) {
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            s += i + 1 == names.size() ? " and " : ", ";
        }
        s += names[i];
    }
    return s;
}

} // namespace

std::string placeName(const std::string& section, const std::string& stem) {
    if (stem.empty()) {
        return section.empty() ? "whole mix" : section;
    }
    std::string s = stem + " stem";
    if (!section.empty()) {
        s += ", " + section;
    }
    return s;
}

const profile::Cluster* findCluster(const profile::Profile& profile, int id) {
    for (const auto& c : profile.clusters) {
        if (c.id == id) {
            return &c;
        }
    }
    return nullptr;
}

ReportPlot tonalBalancePlot(const GapReport& report, const core::TrackAnalysis& wip,
                            const profile::Profile& profile) {
    ReportPlot plot{"tonal_balance", "Tonal balance",
                    "Share of the track's energy in seven bands, in dB. The shaded band is "
                    "where the middle 80 % of your references sit (p10-p90); the dashed line "
                    "is their median.",
                    "", ""};
    const auto* cluster = clusterStats(report, profile);
    std::vector<double> x, wip_db, p10, p90, median, c10, c90;
    std::vector<std::string> categories, missing;
    Extent extent;
    bool any_wip = false, any_profile = false, any_cluster = false;
    for (std::size_t i = 0; i < std::size(kTonalBands); ++i) {
        const std::string name = "tonal_balance_" + kTonalBands[i].key + "_db";
        categories.push_back(kTonalBands[i].name + "\n" + kTonalBands[i].range);
        x.push_back(static_cast<double>(i) + 0.5);
        wip_db.push_back(wipValue(wip, name));
        const Envelope e = envelope(findStats(profile.stats, name));
        const Envelope c = cluster ? envelope(findStats(*cluster, name)) : Envelope{};
        p10.push_back(e.p10);
        p90.push_back(e.p90);
        median.push_back(e.median);
        c10.push_back(c.p10);
        c90.push_back(c.p90);
        any_wip = any_wip || finite(wip_db.back());
        any_profile = any_profile || e.valid();
        any_cluster = any_cluster || c.valid();
        extent.add(wip_db.back());
        extent.add(e);
        extent.add(c);
    }
    if (!any_wip) {
        plot.note = "Tonal balance is not available: the track's analysis has no tonal balance "
                    "values.";
        return plot;
    }
    if (!any_profile) {
        missing.push_back("the profile has no tonal balance statistics");
    }
    if (report.cluster >= 0 && !any_cluster) {
        missing.push_back(clusterName(report) + " has no tonal balance statistics");
    }
    const double hi = std::ceil((extent.hi + 2.0) / 5.0) * 5.0;
    const double lo = std::max(std::floor((extent.lo - 2.0) / 5.0) * 5.0, hi - 60.0);
    SvgPlot svg(plot.name, "Tonal balance of your track against your references");
    svg.setXCategories(categories, "band");
    svg.setYRange(lo, hi, "share of energy (dB)", "dB");
    svg.addBand(x, p10, p90, profileBand(), any_profile ? "references p10-p90" : "");
    if (any_cluster) {
        svg.addBand(x, c10, c90, clusterBand(), clusterName(report) + " p10-p90");
    }
    std::vector<SvgPoint> median_line, wip_line;
    for (std::size_t i = 0; i < x.size(); ++i) {
        median_line.push_back({x[i], median[i]});
        wip_line.push_back({x[i], wip_db[i]});
    }
    svg.addLine(median_line, profileMedian(), any_profile ? "reference median" : "");
    svg.addLine(wip_line, wipLine(), "your track");
    for (std::size_t i = 0; i < x.size(); ++i) {
        std::string tip = kTonalBands[i].name + " (" + kTonalBands[i].range +
                          "): " + formatValue(wip_db[i], "dB");
        if (finite(p10[i])) {
            tip += "; references " + formatValue(p10[i], "dB") + " to " + formatValue(p90[i], "dB");
        }
        svg.addMarker({x[i], wip_db[i]}, 4.5, wipPoint(), tip);
    }
    if (!missing.empty()) {
        plot.note = "Not shown: " + joinNames(missing) + ".";
    }
    plot.svg = svg.render();
    return plot;
}

ReportPlot energyPerBarPlot(const GapReport& report, const core::TrackAnalysis& wip,
                            const profile::Profile& profile) {
    ReportPlot plot{"energy_per_bar", "Energy per bar",
                    "Level of every bar of your track (dBFS) with its sections shaded, against "
                    "the energy curve of your references stretched to your track's length "
                    "(shaded: p10-p90, dashed: median).",
                    "", ""};
    const auto series_it = wip.features.series.find("energy_per_bar_db");
    const std::vector<double> empty;
    const auto& series = series_it != wip.features.series.end() ? series_it->second : empty;
    Extent extent;
    for (const double v : series) {
        if (v > core::kSilenceFloorDbfs) { // the silence floor would squash the scale
            extent.add(v);
        }
    }
    if (extent.empty()) {
        plot.note = "Energy per bar is not available: the track's analysis has no "
                    "energy_per_bar_db series (no beat grid was found).";
        return plot;
    }
    const int bars = static_cast<int>(series.size());
    const auto* cluster = clusterStats(report, profile);
    std::vector<double> x, p10, p90, median, c10, c90;
    bool any_profile = false, any_cluster = false;
    for (int i = 0; i < profile::kEnergyCurvePoints; ++i) {
        const std::string name = profile::energyCurveName(i);
        const Envelope e = envelope(findStats(profile.stats, name));
        const Envelope c = cluster ? envelope(findStats(*cluster, name)) : Envelope{};
        x.push_back((i + 0.5) * bars / profile::kEnergyCurvePoints);
        p10.push_back(e.p10);
        p90.push_back(e.p90);
        median.push_back(e.median);
        c10.push_back(c.p10);
        c90.push_back(c.p90);
        any_profile = any_profile || e.valid();
        any_cluster = any_cluster || c.valid();
        extent.add(e);
        extent.add(c);
    }
    std::vector<std::string> missing;
    if (!any_profile) {
        missing.push_back("the profile has no energy curve (its references had no sections)");
    }
    if (report.cluster >= 0 && !any_cluster) {
        missing.push_back(clusterName(report) + " has no energy curve");
    }
    if (wip.features.sections.empty()) {
        missing.push_back("no sections were detected in your track");
    }

    const double hi = std::ceil((extent.hi + 1.0) / 3.0) * 3.0;
    const double lo = std::max(std::floor((extent.lo - 2.0) / 3.0) * 3.0, hi - 48.0);
    SvgPlot svg(plot.name, "Energy per bar of your track against your references");
    svg.setXRange(0, bars, "bar", "");
    svg.setYRange(lo, hi, "energy (dBFS)", "dB");
    const int step = bars <= 40 ? 4 : bars <= 80 ? 8 : bars <= 160 ? 16 : bars <= 320 ? 32 : 64;
    std::vector<SvgTick> ticks;
    for (int b = 0; b <= bars; b += step) {
        ticks.push_back({static_cast<double>(b), std::to_string(b + 1)});
    }
    svg.setXTicks(ticks);

    for (const auto& s : wip.features.sections) {
        const std::string& label = s.label;
        const char* fill = label == "drop"        ? "#ffe8e8"
                           : label == "breakdown" ? "#e3efff"
                           : label == "buildup"   ? "#fff4d6"
                                                  : "#eef0f3";
        std::string tip = label + ": bars " + std::to_string(s.start_bar + 1) + "-" +
                          std::to_string(s.start_bar + s.bars) + " (" + std::to_string(s.bars) +
                          " bars)";
        svg.addXSpan(s.start_bar, s.start_bar + s.bars, fill, label, tip);
    }
    svg.addBand(x, p10, p90, profileBand(), any_profile ? "references p10-p90" : "");
    if (any_cluster) {
        svg.addBand(x, c10, c90, clusterBand(), clusterName(report) + " p10-p90");
    }
    std::vector<SvgPoint> median_line, wip_line;
    for (std::size_t i = 0; i < x.size(); ++i) {
        median_line.push_back({x[i], median[i]});
    }
    for (int i = 0; i < bars; ++i) {
        wip_line.push_back({i + 0.5, series[static_cast<std::size_t>(i)]});
    }
    svg.addLine(median_line, profileMedian(), any_profile ? "reference median" : "");
    svg.addLine(wip_line, wipLine(), "your track");
    if (!missing.empty()) {
        plot.note = "Not shown: " + joinNames(missing) + ".";
    }
    plot.svg = svg.render();
    return plot;
}

ReportPlot stereoWidthPlot(const GapReport& report, const core::TrackAnalysis& wip,
                           const profile::Profile& profile) {
    ReportPlot plot{"stereo_width", "Stereo width per band",
                    "Side share of the energy in three bands (0 = mono, 0.5 = uncorrelated). "
                    "Boxes: p10-p90 of your references with their median; the dot is your track.",
                    "", ""};
    const auto* cluster = clusterStats(report, profile);
    std::vector<std::string> categories, missing;
    std::vector<double> values;
    std::vector<Envelope> refs, clus;
    Extent extent;
    extent.add(0.0);
    bool any_wip = false, any_profile = false, any_cluster = false;
    for (const auto& band : kWidthBands) {
        const std::string name = "stereo_width_" + band.key;
        categories.push_back(band.name + "\n" + band.range);
        values.push_back(wipValue(wip, name));
        refs.push_back(envelope(findStats(profile.stats, name)));
        clus.push_back(cluster ? envelope(findStats(*cluster, name)) : Envelope{});
        any_wip = any_wip || finite(values.back());
        any_profile = any_profile || refs.back().valid();
        any_cluster = any_cluster || clus.back().valid();
        extent.add(values.back());
        extent.add(refs.back());
        extent.add(clus.back());
    }
    if (!any_wip) {
        plot.note = "Stereo width is not available: the track's analysis has no per-band width "
                    "values (a mono file still has them; re-analyse the track).";
        return plot;
    }
    if (!any_profile) {
        missing.push_back("the profile has no stereo width statistics");
    }
    if (report.cluster >= 0 && !any_cluster) {
        missing.push_back(clusterName(report) + " has no stereo width statistics");
    }
    const double top = std::min(1.0, std::max(0.1, extent.hi * 1.2));
    SvgPlot svg(plot.name, "Stereo width per band of your track against your references");
    svg.setXCategories(categories, "band");
    svg.setYRange(0.0, top, "stereo width (0 = mono)");
    bool ref_legend = true, cluster_legend = true, wip_legend = true;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double c = static_cast<double>(i);
        const Envelope& e = refs[i];
        if (e.valid()) {
            svg.addRect(c + 0.22, c + 0.78, e.p10, e.p90, profileBand(),
                        "references p10-p90: " + formatValue(e.p10, "") + " to " +
                            formatValue(e.p90, ""),
                        ref_legend ? "references p10-p90" : "");
            svg.addLine({{c + 0.22, e.median}, {c + 0.78, e.median}}, profileMedian(),
                        ref_legend ? "reference median" : "");
            ref_legend = false;
        }
        if (clus[i].valid()) {
            const std::string name = clusterName(report) + " p10-p90";
            svg.addRect(c + 0.3, c + 0.7, clus[i].p10, clus[i].p90, clusterBand(), name,
                        cluster_legend ? name : "");
            cluster_legend = false;
        }
        if (finite(values[i])) {
            const std::string value = formatValue(values[i], "");
            svg.addMarker({c + 0.5, values[i]}, 6.5, wipPoint(),
                          kWidthBands[i].name + " band width: " + value, value,
                          wip_legend ? "your track" : "");
            wip_legend = false;
        }
    }
    if (!missing.empty()) {
        plot.note = "Not shown: " + joinNames(missing) + ".";
    }
    plot.svg = svg.render();
    return plot;
}

ReportPlot gapEvidencePlot(const Gap& gap) {
    ReportPlot plot{"gap_evidence", "Where it shows",
                    "Your value (dot) in each place against the acceptable range there (box) "
                    "and the references' median (line).",
                    "", ""};
    constexpr std::size_t kMaxPlaces = 6;
    std::vector<const Comparison*> places;
    for (const auto& c : gap.evidence) {
        if (places.size() < kMaxPlaces && finite(c.wip_value) && finite(c.range_low) &&
            finite(c.range_high) && finite(c.target_value)) {
            places.push_back(&c);
        }
    }
    if (places.size() < 2) {
        return plot;
    }
    Extent extent;
    std::vector<std::string> categories;
    for (const auto* c : places) {
        extent.add(c->wip_value);
        extent.add(c->range_low);
        extent.add(c->range_high);
        extent.add(c->target_value);
        std::string name = placeName(c->section, c->stem);
        if (c->feature != gap.feature) {
            name += "\n" + c->feature;
        }
        categories.push_back(name);
    }
    const double pad = std::max(1e-3, (extent.hi - extent.lo) * 0.12);
    const std::string& unit = gap.unit.empty() ? places[0]->unit : gap.unit;
    SvgPlot::Options options;
    options.width = 620;
    options.height = 250;
    options.margin_left = 60;
    options.margin_bottom = 62;
    SvgPlot svg(plot.name, "Where " + gap.title + " shows", options);
    svg.setXCategories(categories, "");
    svg.setYRange(extent.lo - pad, extent.hi + pad, unit.empty() ? gap.feature : unit, unit);
    for (std::size_t i = 0; i < places.size(); ++i) {
        const Comparison& c = *places[i];
        const double x = static_cast<double>(i);
        svg.addRect(x + 0.25, x + 0.75, c.range_low, c.range_high, profileBand(),
                    "acceptable: " + formatValue(c.range_low, c.unit) + " to " +
                        formatValue(c.range_high, c.unit),
                    i == 0 ? "acceptable range" : "");
        svg.addLine({{x + 0.25, c.target_value}, {x + 0.75, c.target_value}},
                    {kTargetColour, "none", 1.8, 1.0, "5 4"}, i == 0 ? "target (median)" : "");
        const char* colour = c.in_range ? kWipInRangeColour : kWipColour;
        svg.addMarker({x + 0.5, c.wip_value}, 6.0, {"#ffffff", colour, 2.0, 1.0, ""},
                      placeName(c.section, c.stem) + ": " + formatValue(c.wip_value, c.unit) +
                          " (target " + formatValue(c.target_value, c.unit) + ")",
                      formatValue(c.wip_value, c.unit), i == 0 ? "your value" : "");
    }
    plot.svg = svg.render();
    return plot;
}

} // namespace styledna::gap
