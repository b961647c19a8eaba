#include "core/profile/validator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "core/profile/clustering.hpp"
#include "core/profile/feature_stats.hpp"

namespace styledna::profile {

namespace {

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::optional<double> featureValue(const core::TrackAnalysis& a, const char* name) {
    const auto it = a.features.values.find(name);
    if (it == a.features.values.end() || !std::isfinite(it->second)) {
        return std::nullopt;
    }
    return it->second;
}

double medianOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return quantileSorted(v, 0.5);
}

double thresholdOf(const std::vector<double>& distances) {
    const double median = medianOf(distances);
    std::vector<double> deviations;
    deviations.reserve(distances.size());
    for (const double d : distances) {
        deviations.push_back(std::fabs(d - median));
    }
    const double mad = medianOf(std::move(deviations));
    return median + std::max(kOutlierRobustStd * 1.4826 * mad, kOutlierMinExcess);
}

void checkLevels(const Reference& ref, std::vector<ValidationIssue>& out) {
    const auto& a = ref.analysis;
    const auto rms = std::isfinite(a.rms_dbfs) && a.rms_dbfs > core::kSilenceFloorDbfs
                         ? std::optional<double>(a.rms_dbfs)
                         : featureValue(a, "rms_dbfs");
    const double rms_dbfs = rms.value_or(core::kSilenceFloorDbfs);
    if (rms_dbfs < kSilentRmsDbfs) {
        out.push_back({"error", "silent",
                       a.path + ": RMS " + fixed(rms_dbfs, 1) + " dBFS (below " +
                           fixed(kSilentRmsDbfs, 0) +
                           " dBFS): silent or nearly, it carries no style to learn",
                       a.path});
        return;
    }
    const double sample_peak = featureValue(a, "sample_peak_dbfs").value_or(a.peak_dbfs);
    const auto true_peak = featureValue(a, "true_peak_dbtp");
    if (sample_peak >= kClipSamplePeakDbfs) {
        out.push_back({"warning", "clipped",
                       a.path + ": sample peak " + fixed(sample_peak, 2) +
                           " dBFS reaches full scale: likely clipped",
                       a.path});
    } else if (true_peak && *true_peak >= kClipTruePeakDbtp) {
        out.push_back({"info", "true_peak_over",
                       a.path + ": true peak " + fixed(*true_peak, 2) +
                           " dBTP: inter-sample overs (common on loud masters; they clip on "
                           "playback through a converter without headroom)",
                       a.path});
    }
}

} // namespace

std::vector<double> outlierThresholds(const std::vector<Member>& members,
                                      const std::vector<Cluster>& clusters) {
    if (static_cast<int>(members.size()) < kOutlierMinMembers || clusters.empty()) {
        return {};
    }
    std::vector<std::vector<double>> per_cluster(clusters.size());
    std::vector<double> pooled;
    for (const auto& m : members) {
        if (m.cluster < 0 || m.cluster >= static_cast<int>(clusters.size())) {
            continue;
        }
        const double d =
            cosineDistance(m.embedding, clusters[static_cast<std::size_t>(m.cluster)].centroid);
        per_cluster[static_cast<std::size_t>(m.cluster)].push_back(d);
        pooled.push_back(d);
    }
    if (static_cast<int>(pooled.size()) < kOutlierMinMembers) {
        return {};
    }
    const double pooled_threshold = thresholdOf(pooled);
    std::vector<double> thresholds;
    for (const auto& d : per_cluster) {
        thresholds.push_back(static_cast<int>(d.size()) >= kOutlierMinMembers ? thresholdOf(d)
                                                                              : pooled_threshold);
    }
    return thresholds;
}

std::vector<ValidationIssue> validateReferences(const std::vector<Reference>& refs,
                                                const std::vector<Member>& members,
                                                const std::vector<Cluster>& clusters) {
    std::vector<const Reference*> pointers;
    pointers.reserve(refs.size());
    for (const auto& r : refs) {
        pointers.push_back(&r);
    }
    return validateReferences(pointers, members, clusters);
}

std::vector<ValidationIssue> validateReferences(const std::vector<const Reference*>& refs,
                                                const std::vector<Member>& members,
                                                const std::vector<Cluster>& clusters) {
    std::vector<ValidationIssue> out;
    std::map<std::string, const Reference*> first_by_hash;
    std::map<double, int> rate_counts;
    for (const Reference* ref : refs) {
        first_by_hash.emplace(ref->analysis.content_hash, ref);
    }
    for (const auto& [hash, ref] : first_by_hash) {
        if (ref->analysis.format.sample_rate_hz > 0) {
            ++rate_counts[ref->analysis.format.sample_rate_hz];
        }
    }
    const int distinct = static_cast<int>(first_by_hash.size());
    if (distinct < kMinReferences) {
        out.push_back({"warning", "too_few_references",
                       std::to_string(distinct) + " distinct reference" +
                           (distinct == 1 ? "" : "s") + "; at least " +
                           std::to_string(kMinReferences) +
                           " give statistics and clusters you can trust",
                       ""});
    }
    double common_rate = 0.0;
    int common_count = 0;
    for (const auto& [rate, n] : rate_counts) {
        if (n > common_count) { // ascending rates: the lower rate wins a tie
            common_rate = rate;
            common_count = n;
        }
    }
    for (const Reference* ref : refs) {
        const auto& a = ref->analysis;
        const Reference* first = first_by_hash.at(a.content_hash);
        if (first != ref) {
            out.push_back({"warning", "duplicate",
                           a.path + ": same content (hash " + a.content_hash.substr(0, 12) +
                               ") as " + first->analysis.path + "; counted once",
                           a.path});
            continue;
        }
        checkLevels(*ref, out);
        const double rate = a.format.sample_rate_hz;
        if (rate_counts.size() > 1 && rate > 0 && rate != common_rate) {
            out.push_back({"info", "mixed_sample_rates",
                           a.path + ": source at " + fixed(rate, 0) + " Hz; most references are " +
                               fixed(common_rate, 0) + " Hz",
                           a.path});
        }
    }

    const auto thresholds = outlierThresholds(members, clusters);
    if (thresholds.empty()) {
        return out;
    }
    for (const auto& m : members) {
        if (m.cluster < 0 || m.cluster >= static_cast<int>(clusters.size())) {
            continue;
        }
        bool far_from_all = true;
        double own_distance = 0.0;
        for (std::size_t c = 0; c < clusters.size() && far_from_all; ++c) {
            const double d = cosineDistance(m.embedding, clusters[c].centroid);
            far_from_all = d > thresholds[c];
            if (static_cast<int>(c) == m.cluster) {
                own_distance = d;
            }
        }
        if (far_from_all) {
            const auto& own = clusters[static_cast<std::size_t>(m.cluster)];
            out.push_back({"warning", "outlier",
                           m.path + ": far from every sub-style (cosine distance " +
                               fixed(own_distance, 3) + " to \"" + own.label + "\", threshold " +
                               fixed(thresholds[static_cast<std::size_t>(m.cluster)], 3) +
                               "); check that it belongs in this profile",
                           m.path});
        }
    }
    return out;
}

} // namespace styledna::profile
