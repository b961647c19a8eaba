#pragma once
// GapReport: how a work in progress (WIP) differs from a Style Profile, ranked
// for a producer. Produced by analyzeGap() (gap_analyzer.hpp); rendered as a
// terminal table / JSON by the CLI and as a self-contained HTML file by
// renderHtmlReport() (html_report.hpp).
//
// Vocabulary:
//  * A Comparison is one measured number set against the profile: one feature,
//    in one place (whole track or a section type) on one signal (the mix or a
//    stem). Every feature the profile and the WIP share gives comparisons.
//  * A Gap is one problem, as a producer would name it ("muddy bass"): the
//    comparisons that point at the same cause merged into one item. Its
//    headline numbers are those of its strongest comparison; `evidence` lists
//    every place it shows, strongest first.
//
// Units: values in the feature's unit (FeatureStats::unit); z_score is
// (wip - median) / s, s the robust scale (IQR / 1.349, the normal-consistent
// equivalent of 1.4826 MAD, from the profile's quartiles), floored as the top
// of gap_analyzer.cpp says; severity 0..1; conformance 0..100.
// Threads: plain data.

#include <string>
#include <vector>

namespace styledna::gap {

// Categories, in the order the report lists them.
inline constexpr const char* kCategoryLoudness = "loudness";
inline constexpr const char* kCategoryTonalBalance = "tonal_balance";
inline constexpr const char* kCategoryStereo = "stereo";
inline constexpr const char* kCategoryLowEnd = "low_end";
inline constexpr const char* kCategoryRhythm = "rhythm";
inline constexpr const char* kCategorySidechain = "sidechain";
inline constexpr const char* kCategorySoundDesign = "sound_design";
inline constexpr const char* kCategoryArrangement = "arrangement";

// Severity labels: low < 0.34 <= medium < 0.67 <= high.
inline constexpr double kMediumSeverity = 0.34;
inline constexpr double kHighSeverity = 0.67;

struct Comparison {
    std::string feature; // registry name, or "arrangement.<...>"
    std::string unit;
    std::string section; // "" whole track, else intro | breakdown | buildup | drop | outro
    std::string stem;    // "" the mix, else drums | bass | other
    double wip_value = 0;
    double target_value = 0; // the reference median (of the compared cluster or profile)
    double range_low = 0, range_high = 0;
    double delta = 0; // wip - target
    double z_score = 0;
    double severity = 0;  // 0..1
    double weight = 0;    // the feature's weight in the profile, 0..1
    std::string basis;    // "cluster" | "profile": which statistics judged it
    bool in_range = true; // range_low <= wip <= range_high
};

struct Gap {
    std::string id;       // stable cause key, e.g. "low_mid_buildup", "quiet_master"
    std::string title;    // short, e.g. "Muddy low mids on the bass"
    std::string category; // kCategory*
    // Headline = the strongest comparison of the evidence.
    std::string feature, unit, section, stem;
    double wip_value = 0, target_value = 0, range_low = 0, range_high = 0;
    double delta = 0, z_score = 0;
    double severity = 0;        // 0..1, ranks the gaps
    std::string severity_label; // low | medium | high
    std::string explanation;    // one plain sentence with numbers and units
    // Judged against the nearest cluster only (arrangement, key, mode, acid...):
    // a style choice; outside_every_cluster says it fits no sub-style at all.
    bool style_choice = false;
    bool outside_every_cluster = false;
    std::vector<Comparison> evidence; // strongest first, headline included
};

struct ConformancePart {
    std::string name;   // "features_in_range" | "embedding_similarity"
    double score = 0;   // 0..100
    double weight = 0;  // share of the total, parts' weights sum to 1
    std::string detail; // e.g. "41.5 of 52.0 weighted features in range"
};

struct NearestReference {
    std::string content_hash;
    std::string path;
    std::string label;
    int cluster = -1;
    double similarity = 0; // cosine in the profile's embedding space
};

struct GapReport {
    std::string wip_hash, wip_path, profile;
    int cluster = -1; // the cluster compared against (-1: whole profile)
    std::string cluster_label;
    bool cluster_from_request = false; // false: nearest cluster chosen by the analyzer
    double cluster_similarity = 0;     // WIP to the cluster centroid, cosine
    double conformance_score = 0;      // 0..100
    std::vector<ConformancePart> conformance_parts;
    std::vector<Gap> gaps;               // ranked, most severe first
    std::vector<Comparison> comparisons; // every comparison made (for plots and --json)
    std::vector<NearestReference> nearest_references; // 5 nearest, most similar first
    std::string stems_source;                         // "" none, else the separator name or "user"
};

std::string severityLabel(double severity);

} // namespace styledna::gap
