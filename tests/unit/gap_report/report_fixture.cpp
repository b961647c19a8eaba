#include "unit/gap_report/report_fixture.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "core/profile/arrangement_stats.hpp"

namespace styledna::test {
namespace {

struct Part {
    const char* label;
    int bars;
    double start_db, end_db; // energy ramps linearly from start to end over the section
};

// Energy per bar of an arrangement, with a small deterministic wobble.
std::vector<double> energyCurve(const std::vector<Part>& parts) {
    std::vector<double> curve;
    for (const auto& p : parts) {
        for (int b = 0; b < p.bars; ++b) {
            const double t = p.bars > 1 ? static_cast<double>(b) / (p.bars - 1) : 0.0;
            const double wobble = 0.5 * std::sin(0.9 * static_cast<double>(curve.size()));
            curve.push_back(p.start_db + t * (p.end_db - p.start_db) + wobble);
        }
    }
    return curve;
}

gap::Comparison comparison(const std::string& feature, const std::string& unit,
                           const std::string& section, const std::string& stem, double wip,
                           double target, double lo, double hi, double severity) {
    gap::Comparison c;
    c.feature = feature;
    c.unit = unit;
    c.section = section;
    c.stem = stem;
    c.wip_value = wip;
    c.target_value = target;
    c.range_low = lo;
    c.range_high = hi;
    c.delta = wip - target;
    c.z_score = (wip - target) / ((hi - lo) / 2.56);
    c.severity = severity;
    c.weight = 0.6;
    c.basis = "cluster";
    c.in_range = lo <= wip && wip <= hi;
    return c;
}

gap::Gap makeGap(const std::string& id, const std::string& title, const std::string& category,
                 const std::string& explanation, std::vector<gap::Comparison> evidence) {
    gap::Gap g;
    const gap::Comparison& head = evidence.front();
    g.id = id;
    g.title = title;
    g.category = category;
    g.feature = head.feature;
    g.unit = head.unit;
    g.section = head.section;
    g.stem = head.stem;
    g.wip_value = head.wip_value;
    g.target_value = head.target_value;
    g.range_low = head.range_low;
    g.range_high = head.range_high;
    g.delta = head.delta;
    g.z_score = head.z_score;
    g.severity = head.severity;
    g.severity_label = gap::severityLabel(head.severity);
    g.explanation = explanation;
    g.evidence = std::move(evidence);
    return g;
}

const char* const kBands[] = {"sub", "low", "low_mid", "mid", "high_mid", "high", "air"};

} // namespace

profile::FeatureStats makeStats(const std::string& name, const std::string& unit, double median,
                                double spread) {
    profile::FeatureStats s;
    s.name = name;
    s.unit = unit;
    s.count = 24;
    s.mean = median;
    s.std = spread / 1.2816;
    s.median = median;
    s.p5 = median - 1.3 * spread;
    s.p10 = median - spread;
    s.p25 = median - spread / 2;
    s.p75 = median + spread / 2;
    s.p90 = median + spread;
    s.p95 = median + 1.3 * spread;
    s.median_ci_low = median - spread / 5;
    s.median_ci_high = median + spread / 5;
    s.range_low = s.p10;
    s.range_high = s.p90;
    s.weight = 0.6;
    s.weight_basis = "spread";
    return s;
}

ReportFixture reportFixture() {
    ReportFixture f;

    // --- the WIP
    auto& wip = f.wip;
    wip.content_hash = "5d41402abc4b2a76b9719d911017c592ae2f1c6f4a1b2c3d4e5f60718293a4b5";
    wip.path = "/home/producer/wip/Solar Flare (WIP 7).wav";
    auto& features = wip.features;
    features.grid.tempo_bpm = 138.0;
    features.labels["key"] = "A minor";
    const std::vector<Part> wip_parts = {
        {"intro", 16, -13.0, -12.0},  {"drop", 16, -9.5, -9.5},  {"breakdown", 8, -16.5, -16.0},
        {"buildup", 8, -15.0, -10.0}, {"drop", 48, -9.8, -9.2},  {"breakdown", 16, -17.0, -16.0},
        {"drop", 16, -9.0, -9.0},     {"outro", 8, -12.5, -14.5}};
    features.series["energy_per_bar_db"] = energyCurve(wip_parts);
    int bar = 0;
    for (const auto& p : wip_parts) {
        core::Section s;
        s.label = p.label;
        s.start_bar = bar;
        s.bars = p.bars;
        s.start_s = bar * 240.0 / 138.0;
        s.end_s = (bar + p.bars) * 240.0 / 138.0;
        features.sections.push_back(s);
        bar += p.bars;
    }
    const double wip_tonal[] = {-8.6, -5.9, -4.2, -9.6, -14.8, -20.9, -29.5};
    const double ref_tonal[] = {-8.9, -6.6, -8.4, -9.1, -13.6, -19.6, -27.8};
    const double cluster_tonal[] = {-9.2, -6.9, -8.6, -8.8, -13.1, -19.0, -27.0};
    for (int i = 0; i < 7; ++i) {
        features.values[std::string("tonal_balance_") + kBands[i] + "_db"] = wip_tonal[i];
    }
    features.values["stereo_width_low"] = 0.14;
    features.values["stereo_width_mid"] = 0.27;
    features.values["stereo_width_high"] = 0.34;
    features.values["integrated_loudness_lufs"] = -11.8;
    features.values["sidechain_depth_db"] = 3.1;
    features.values["supersaw_width"] = 0.36;

    // --- the profile
    auto& profile = f.profile;
    profile.name = "trance-refs";
    const char* const styles[] = {"progressive", "uplifting"};
    for (int i = 0; i < 24; ++i) {
        profile::Member m;
        m.content_hash = "ref-" + std::to_string(i);
        m.path = "/refs/" + std::string(styles[i % 2]) + "/ref_" + std::to_string(i) + ".wav";
        m.label = styles[i % 2];
        m.cluster = i % 2;
        profile.members.push_back(m);
    }
    const std::vector<Part> ref_parts = {
        {"intro", 16, -14.0, -13.0}, {"drop", 16, -9.0, -9.0}, {"breakdown", 32, -17.0, -16.0},
        {"buildup", 8, -15.0, -9.5}, {"drop", 32, -8.0, -7.5}, {"outro", 16, -13.5, -15.0}};
    const auto ref_curve =
        profile::resampleCurve(energyCurve(ref_parts), profile::kEnergyCurvePoints);
    for (int c = 0; c < 2; ++c) {
        profile::Cluster cluster;
        cluster.id = c;
        cluster.label = styles[c];
        cluster.variance = 0.08;
        profile.clusters.push_back(cluster);
    }
    auto& cluster_stats = profile.clusters[1].stats;
    for (int i = 0; i < 7; ++i) {
        const std::string name = std::string("tonal_balance_") + kBands[i] + "_db";
        profile.stats.push_back(makeStats(name, "dB", ref_tonal[i], 1.6));
        cluster_stats.push_back(makeStats(name, "dB", cluster_tonal[i], 1.1));
    }
    const double width_median[] = {0.035, 0.24, 0.47};
    const char* const width_bands[] = {"low", "mid", "high"};
    for (int i = 0; i < 3; ++i) {
        const std::string name = std::string("stereo_width_") + width_bands[i];
        profile.stats.push_back(makeStats(name, "", width_median[i], width_median[i] * 0.45));
        cluster_stats.push_back(makeStats(name, "", width_median[i] * 1.05, width_median[i] * 0.3));
    }
    for (int i = 0; i < profile::kEnergyCurvePoints; ++i) {
        const std::string name = profile::energyCurveName(i);
        auto s = makeStats(name, "dBFS", ref_curve[static_cast<std::size_t>(i)], 1.8);
        profile.stats.push_back(s);
        s.median += 0.4;
        s.p10 += 0.8;
        s.p90 += 0.2;
        cluster_stats.push_back(s);
    }

    // --- the report
    auto& r = f.report;
    r.wip_hash = wip.content_hash;
    r.wip_path = wip.path;
    r.profile = profile.name;
    r.cluster = 1;
    r.cluster_label = "uplifting";
    r.cluster_similarity = 0.87;
    r.conformance_score = 61.7;
    r.conformance_parts = {
        {"features_in_range", 58.3, 0.7, "40.8 of 70.0 weighted features in range"},
        {"embedding_similarity", 69.6, 0.3,
         "similarity 0.87 to sub-style 1, inside its variance envelope"}};
    r.stems_source = "dsp-hpss/1";

    const std::string lm = "tonal_balance_low_mid_db";
    r.gaps.push_back(makeGap(
        "low_mid_buildup", "Muddy low mids on the bass", gap::kCategoryTonalBalance,
        "Low mids (150-400 Hz) are 6.1 dB louder than your references in the intro: -2.9 dB "
        "vs -9.0 dB, acceptable -10.1 to -7.9 dB. Cut the bass around 250 Hz.",
        {comparison(lm, "dB", "intro", "", -2.9, -9.0, -10.1, -7.9, 0.86),
         comparison(lm, "dB", "", "bass", -1.4, -6.2, -7.5, -4.9, 0.81),
         comparison(lm, "dB", "outro", "", -3.6, -9.2, -10.4, -8.0, 0.77),
         comparison(lm, "dB", "", "", -4.2, -8.6, -9.7, -7.5, 0.52),
         comparison(lm, "dB", "drop", "", -7.2, -8.1, -9.3, -6.9, 0.0)}));
    r.gaps.push_back(
        makeGap("wide_low_end", "Wide low end", gap::kCategoryLowEnd,
                "Below 120 Hz your mix is much wider than your references: width 0.14 vs 0.037, "
                "acceptable 0.026 to 0.047. Make the bass and kick mono below 120 Hz.",
                {comparison("stereo_width_low", "", "", "", 0.14, 0.037, 0.026, 0.047, 0.74),
                 comparison("stereo_width_low", "", "drop", "", 0.16, 0.04, 0.028, 0.05, 0.71),
                 comparison("stereo_width_low", "", "", "bass", 0.19, 0.03, 0.01, 0.05, 0.69)}));
    auto breakdown =
        makeGap("short_breakdown", "Short breakdown", gap::kCategoryArrangement,
                "The first breakdown is 8 bars; your uplifting references use 16 to 32.",
                {comparison("arrangement.breakdown_bars", "bars", "", "", 8, 24, 16, 32, 0.55)});
    breakdown.style_choice = true;
    r.gaps.push_back(breakdown);
    r.gaps.push_back(makeGap(
        "quiet_master", "Quiet master", gap::kCategoryLoudness,
        "Your master is 3.6 LU quieter than your references: -11.8 LUFS vs -8.2 LUFS, "
        "acceptable -9.5 to -7.0 LUFS.",
        {comparison("integrated_loudness_lufs", "LUFS", "", "", -11.8, -8.2, -9.5, -7.0, 0.5),
         comparison("integrated_loudness_lufs", "LUFS", "drop", "", -10.9, -7.6, -8.8, -6.5,
                    0.47)}));
    r.gaps.push_back(makeGap(
        "weak_sidechain", "Weak sidechain pump", gap::kCategorySidechain,
        "The sidechain ducks the bass by 3.1 dB; your references duck by 6.5 dB (acceptable "
        "4.5 to 8.5 dB).",
        {comparison("sidechain_depth_db", "dB", "", "bass", 3.1, 6.5, 4.5, 8.5, 0.42),
         comparison("sidechain_depth_db", "dB", "drop", "other", 2.4, 5.0, 3.5, 7.0, 0.4),
         comparison("sidechain_depth_db", "dB", "", "", 3.4, 5.8, 4.0, 7.6, 0.31)}));
    r.gaps.push_back(
        makeGap("narrow_supersaw", "Narrow supersaws", gap::kCategorySoundDesign,
                "The supersaws are narrower than your references: width 0.36 vs "
                "0.55, acceptable 0.42 to 0.66.",
                {comparison("supersaw_width", "", "", "other", 0.36, 0.55, 0.42, 0.66, 0.28)}));

    for (const auto& g : r.gaps) {
        r.comparisons.insert(r.comparisons.end(), g.evidence.begin(), g.evidence.end());
    }
    for (int i = 0; i < 7; ++i) {
        if (std::string(kBands[i]) != "low_mid") {
            const std::string name = std::string("tonal_balance_") + kBands[i] + "_db";
            r.comparisons.push_back(comparison(name, "dB", "", "", wip_tonal[i], cluster_tonal[i],
                                               cluster_tonal[i] - 1.1, cluster_tonal[i] + 1.1,
                                               0.0));
        }
    }

    const char* const nearest[] = {"Aurora Skies - Skyline (Extended Mix)",
                                   "Northbound - Glass Horizon (Original Mix)",
                                   "Kessler & Vane - Tidal (Extended)", "Lumen - First Light",
                                   "Ostara - Wide Open (Club Mix)"};
    for (int i = 0; i < 5; ++i) {
        gap::NearestReference n;
        n.content_hash = "ref-" + std::to_string(2 * i + 1);
        n.path = std::string("/refs/uplifting/") + nearest[i] + ".wav";
        n.label = "uplifting";
        n.cluster = 1;
        n.similarity = 0.91 - 0.035 * i;
        r.nearest_references.push_back(n);
    }
    return f;
}

} // namespace styledna::test
