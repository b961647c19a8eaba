#include "core/profile/cluster_label.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/profile/feature_stats.hpp"

namespace styledna::profile {

namespace {

struct Words {
    const char* high;
    const char* low;
};

const std::map<std::string, Words>& knownWords() {
    static const std::map<std::string, Words> words{
        {"acid_present", {"acid", "no acid"}},
        {"acid_score", {"acid", "no acid"}},
        {"supersaw_width", {"wide supersaw", "narrow supersaw"}},
        {"supersaw_detune_cents", {"detuned supersaw", "tight supersaw"}},
        {"sidechain_depth_db", {"deep sidechain", "light sidechain"}},
        {"sidechain_release_ms", {"long pump", "short pump"}},
        {"stereo_width", {"wide mix", "narrow mix"}},
        {"loudness_integrated_lufs", {"loud master", "quiet master"}},
        {"spectral_centroid_hz", {"bright", "dark"}},
        {"bass_spectral_centroid_hz", {"bright bass", "deep bass"}},
        {"four_on_floor_score", {"four-on-the-floor", "broken beat"}},
        {"breakdown_bars", {"long breakdowns", "short breakdowns"}},
        {"arrangement.breakdown_bars", {"long breakdowns", "short breakdowns"}},
        {"drop_gain_db", {"big drops", "flat drops"}},
        {"arrangement.drop_gain_db", {"big drops", "flat drops"}},
        {"loudness_range_lu", {"dynamic", "compressed"}},
    };
    return words;
}

bool excluded(const std::string& name) {
    return name == "tempo_bpm" || name.rfind("key_", 0) == 0 ||
           name.rfind("arrangement.energy_curve.", 0) == 0;
}

std::string majorityLabel(const std::vector<std::string>& labels) {
    std::map<std::string, int> counts;
    for (const auto& l : labels) {
        if (!l.empty()) {
            ++counts[l];
        }
    }
    for (const auto& [label, n] : counts) {
        if (!labels.empty() && double(n) >= kLabelMajority * double(labels.size())) {
            return label;
        }
    }
    return "";
}

} // namespace

std::string clusterLabel(int cluster_id, const std::vector<std::string>& member_labels,
                         const std::vector<FeatureStats>& cluster_stats,
                         const std::vector<FeatureStats>& rest_stats,
                         const std::vector<FeatureStats>& profile_stats) {
    if (auto label = majorityLabel(member_labels); !label.empty()) {
        return label;
    }
    std::map<std::string, const FeatureStats*> profile_by_name, rest_by_name;
    for (const auto& s : profile_stats) {
        if (!s.categorical) {
            profile_by_name[s.name] = &s;
        }
    }
    for (const auto& s : rest_stats) {
        if (!s.categorical && s.count > 0) {
            rest_by_name[s.name] = &s;
        }
    }
    std::vector<std::string> parts;
    struct Candidate {
        double z;
        std::string phrase;
    };
    std::vector<Candidate> candidates;
    for (const auto& c : cluster_stats) {
        if (c.categorical || c.count == 0) {
            continue;
        }
        if (c.name == "tempo_bpm") {
            parts.push_back(std::to_string(static_cast<long>(std::lround(c.median))) + " BPM");
            continue;
        }
        const auto it = profile_by_name.find(c.name);
        const auto rest = rest_by_name.find(c.name);
        if (excluded(c.name) || it == profile_by_name.end() || rest == rest_by_name.end()) {
            continue;
        }
        const double within =
            std::sqrt(0.5 * (robustSpread(c) * robustSpread(c) +
                             robustSpread(*rest->second) * robustSpread(*rest->second)));
        const double spread = std::max(within, 0.1 * robustSpread(*it->second));
        if (!(spread > 0.0)) {
            continue;
        }
        const double delta = c.median - rest->second->median;
        const double z = std::fabs(delta) / spread;
        if (z < kMinLabelZ) {
            continue;
        }
        const auto words = knownWords().find(c.name);
        const bool high = delta > 0.0;
        candidates.push_back({z, words != knownWords().end()
                                     ? std::string(high ? words->second.high : words->second.low)
                                     : std::string(high ? "high " : "low ") + c.name});
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.z > b.z; });
    int added = 0;
    for (const auto& c : candidates) {
        if (added == kMaxLabelFeatures) {
            break;
        }
        if (std::find(parts.begin(), parts.end(), c.phrase) == parts.end()) {
            parts.push_back(c.phrase);
            ++added;
        }
    }
    if (parts.empty()) {
        return "sub-style " + std::to_string(cluster_id + 1);
    }
    std::string label = parts.front();
    for (std::size_t i = 1; i < parts.size(); ++i) {
        label += " \u00b7 " + parts[i];
    }
    return label;
}

} // namespace styledna::profile
