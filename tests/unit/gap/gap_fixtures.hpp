#pragma once
// Hand-made statistics, WIPs and lookups shared by the gap analyzer's unit
// tests (test_gap_analyzer.cpp, test_gap_stems.cpp).

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/gap/gap_report.hpp"
#include "core/profile/profile.hpp"

namespace styledna::test {

// A scalar statistic with p25/p75 = median -+ half_iqr and p10/p90 = range.
inline profile::FeatureStats stat(const std::string& name, const std::string& unit, double median,
                                  double half_iqr, double low, double high, double weight) {
    profile::FeatureStats s;
    s.name = name;
    s.unit = unit;
    s.count = 24;
    s.median = s.mean = median;
    s.p25 = median - half_iqr;
    s.p75 = median + half_iqr;
    s.p5 = s.p10 = s.range_low = low;
    s.p95 = s.p90 = s.range_high = high;
    s.weight = weight;
    return s;
}

inline core::TrackAnalysis wipWith(const std::map<std::string, double>& values) {
    core::TrackAnalysis a;
    a.content_hash = "wip";
    a.path = "/wip.wav";
    a.features.values = values;
    return a;
}

inline const gap::Comparison* findComparison(const gap::GapReport& r, const std::string& feature,
                                             const std::string& section, const std::string& basis) {
    for (const auto& c : r.comparisons) {
        if (c.feature == feature && c.section == section && c.basis == basis) {
            return &c;
        }
    }
    return nullptr;
}

inline const gap::Gap* findGap(const gap::GapReport& r, const std::string& id) {
    for (const auto& g : r.gaps) {
        if (g.id == id) {
            return &g;
        }
    }
    return nullptr;
}

inline int rankOf(const gap::GapReport& r, const std::string& id) {
    for (std::size_t i = 0; i < r.gaps.size(); ++i) {
        if (r.gaps[i].id == id) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

inline embed::TrackEmbedding oneSegment(std::vector<float> v) {
    embed::TrackEmbedding e;
    e.backbone = "test";
    e.dim = static_cast<int>(v.size());
    embed::SegmentEmbedding s;
    s.values = v;
    e.segments.push_back(s);
    e.track = std::move(v);
    return e;
}

// Space of dim 2, identity standardisation, no head: final = L2(v).
inline profile::EmbeddingSpace plainSpace() {
    profile::EmbeddingSpace space;
    space.backbone = "test";
    space.backbone_dim = 2;
    space.mean = {0.0f, 0.0f};
    space.std = {1.0f, 1.0f};
    space.weight = {1.0f, 1.0f};
    return space;
}

} // namespace styledna::test
