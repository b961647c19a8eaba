// The method of analyzeGap():
//
//  1. Basis. A requested cluster (GapOptions::cluster) must exist, else
//     invalidArgument. Otherwise the WIP's embedding is put into the profile's
//     space (embedTrackInSpace) and the cluster whose centroid has the highest
//     cosine with it is the basis ("nearest"); without an embedding, a space
//     that cannot embed it, or no clusters, the whole profile is the basis.
//  2. Comparisons. One per feature the WIP and the statistics share:
//       whole track, mix:   mix features against the basis cluster and the
//                           whole profile (both listed); style features
//                           (gap_causes.hpp: arrangement, key, mode, tempo,
//                           acid, swing, ...) against the basis cluster only;
//       per section type:   mix features of the WIP's sections (mean over the
//                           sections of a label) against the basis cluster's
//                           Cluster::section_stats and Profile::section_stats;
//                           the mix's low-end features (category low_end) of
//                           breakdowns and buildups are listed but never
//                           evidence (trance plays no bass there: they
//                           measure noise);
//       per stem:           the stem's whole-track and per-section values,
//                           when both sides have that stem, against the basis
//                           cluster's Cluster::stem_stats / stem_section_stats
//                           (a feature only when at least kMinClusterStemCount
//                           of its members have it: fewer say little about a
//                           sub-style's stems) and Profile::stem_stats /
//                           stem_section_stats; a stem's spectral centroid and
//                           roll-off say which instruments play and are never
//                           evidence; nor is the bass stem in breakdowns and
//                           buildups, where trance has no bass, nor the drums
//                           stem's kick/bass overlap there (a share of the bass
//                           stem's 40-120 Hz: the separator's residue).
//     Numbers: target = median; range = [range_low, range_high] (p10-p90,
//     widened for few references, feature_stats.hpp), when narrower than 2 r
//     widened again to contain target +- r, r = measurementResolution()
//     (gap_causes.hpp: what the
//     measurement can resolve; no range is narrower, so references that all
//     read the same value do not make a reading one step away "out of
//     range"); robust scale
//       s = max(IQR / 1.349, (p90 - p10) / 2.5631, r)
//     (the normal-consistent spread of the quartiles, or of the p10-p90 span
//     when the tails are heavier than the quartiles say, floored at the
//     resolution: the smallest difference a producer can act on, 0.5 dB, 2 %
//     of Hz, 0.02 of a share, ..., or a detector's coarser floor, 2 dB for a
//     sidechain depth the references all read as 0); z = (wip - target) / s;
//     distance outside the range in robust units
//     d = max(range_low - wip, wip - range_high, 0) / s (the widened range;
//     Comparison::range_low/high report it).
//     Frequencies (unit Hz) are judged in octaves: log2 of the value, the
//     median and the quantiles (z in those units too).
//       severity = 1 - exp(-k d (kWeightFloor + (1 - kWeightFloor) w) / kSeverityScale)
//     with w the feature's weight (0..1) and k = 1 for the whole track,
//     kSectionDistanceScale for a section (a part of the track spreads more),
//     times kStemDistanceScale on a stem (separated stems carry leakage):
//     a defining feature ~2.8 robust units outside its range is "high", a
//     feature the references spread on needs more. The energy curve (arrangement.energy_curve.*) is
//     compared level-matched: the WIP's curve is shifted by the median over points of (wip -
//     target), so the envelope's shape is judged, not the master level. The tonal balance bands
//     (tonal_balance_*_db, shares of the total) are compared balance-matched the same way: the
//     WIP's bands of one place are shifted by the median over bands of (wip - target), so one
//     boosted band reads as that band, not also as every other band lowered (wip_value and delta
//     are the shifted ones; the sentence says "bands level-matched"). On a stem the median is
//     weighted by 1 / s of each band (BandMatching::kSpreadWeightedMedian, gap_compare.hpp): the
//     bands the references spread widely on (a bright bass stem's high mids) do not set the
//     offset of the bands they hold tight. key and mode compare
//     categories: out of range when no reference of the basis has the WIP's value (severity
//     kCategoricalSeverity x weight).
//  3. A feature judged against both the basis cluster and the whole profile
//     (whole track, sections, stems) gives one piece of evidence: the
//     cluster's comparison (its numbers are the headline, Comparison::basis
//     "cluster") with the mean of the two severities (a cluster of six
//     references is a thin basis alone; the whole library alone blurs
//     sub-styles). A stem feature too few of the cluster's members have is
//     judged by the profile's comparison alone (basis "profile").
//  4. Merging. Every out-of-range comparison points at a cause by feature and
//     direction (causeOf: tonal_balance_low_mid_db above the references
//     anywhere -> "low_mid_buildup"); the comparisons of one cause are one
//     Gap, its evidence strongest first, the headline the strongest of the
//     cause's own features (evidence moved to it by explainingCause below
//     heads it only when nothing else shows). A gap's
//     severity is its strongest evidence s1 blended with the strongest
//     evidence s2 in another place (whole track, a section type, a stem):
//       kOnePlaceShare s1 + (1 - kOnePlaceShare) s2   (s2 <= s1),
//     so a cause that shows in one place only keeps three quarters of its
//     severity (one noisy number rarely reads "high"), a flaw that shows in
//     the intro and the outro keeps all of it, and a flaw masked in the whole
//     mix still ranks on its sections and stems.
//     Broadband evidence a band-specific cause present explains moves to it
//     (explainingCause: a lower whole-band correlation joins "wide_low_end"
//     when the low end is out of range; a darker centroid joins
//     "low_mid_buildup"): one problem, one item.
//  5. Style choices. A gap of style features is judged against the basis
//     cluster; it is outside_every_cluster when some evidence lies outside the
//     range of every cluster that has the feature by more than kStyleMargin
//     robust units (that cluster's). Only then does it rank
//     with the mix gaps; otherwise its severity is scaled by kStyleInsideScale
//     and it ranks after every mix gap (a sub-style the profile holds is a
//     choice, not a flaw).
//  6. Ranking: (style inside some cluster last, severity descending, id).
//  7. Conformance 0..100 = sum of parts x weight:
//       features_in_range (weight 0.6): weighted share of the whole-track
//         comparisons that judge features (one per feature, the energy
//         curve's points sharing one feature's weight) that are in range;
//       embedding_similarity (weight 0.4): 100 when the WIP's squared distance
//         to the basis centroid d2 is within the cluster's variance v, else
//         100 exp(-(d2 - v) / (2 v)); weight 0 without an embedding.
//     nearest_references: the k members of highest cosine with the WIP.
// Deterministic: no randomness, every order fixed.

#include "core/gap/gap_analyzer.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "core/gap/gap_causes.hpp"
#include "core/gap/gap_compare.hpp"
#include "core/gap/gap_text.hpp"
#include "core/profile/arrangement_stats.hpp"
#include "core/profile/feature_stats.hpp"

namespace styledna::gap {

namespace {

constexpr double kOnePlaceShare = 0.75;
constexpr double kStyleInsideScale = 0.5;
constexpr double kCategoricalSeverity = 0.5;
constexpr double kFeaturePartWeight = 0.6;
constexpr double kEmbeddingPartWeight = 0.4;
constexpr double kStyleMargin = 1.0;
constexpr double kSectionDistanceScale = 0.8;
constexpr double kStemDistanceScale = 0.6;
constexpr int kMinClusterStemCount = 6; // members of the basis cluster that have the stem feature

using profile::FeatureStats;

// Clearly inside the range of `list`: within kStyleMargin robust units of it.
bool fitsStats(const StatsList& list, const std::string& name, double wip) {
    const auto* s = findStats(list, name);
    return s != nullptr && judge(name, wip, *s).distance <= kStyleMargin;
}

// One judged comparison and what the merging needs to know about it.
struct Judged {
    Comparison c;
    FeatureRole role = FeatureRole::kMix;
    bool outside_every_cluster = false;
    std::string sentence; // categorical comparisons carry their own
};

std::string distributionText(const FeatureStats& s) {
    std::vector<std::pair<int, std::string>> counts;
    for (const auto& [value, n] : s.distribution) {
        counts.emplace_back(-n, value);
    }
    std::sort(counts.begin(), counts.end());
    std::string out;
    for (std::size_t i = 0; i < counts.size() && i < 3; ++i) {
        if (i > 0) {
            out.append(", ");
        }
        out.append(counts[i].second)
            .append(" (")
            .append(std::to_string(-counts[i].first))
            .append(" of ")
            .append(std::to_string(s.count))
            .append(")");
    }
    return out;
}

class Analyzer {
public:
    Analyzer(const core::TrackAnalysis& wip, const profile::Profile& p, const GapOptions& o)
        : m_wip(wip), m_profile(p), m_options(o) {}

    core::Result<GapReport> run();

private:
    core::Status chooseBasis();
    const StatsList& basisStats() const { return m_cluster ? m_cluster->stats : m_profile.stats; }
    std::string basisName() const;
    const StatsList* clusterStemStats(const std::string& stem, const std::string& section) const;
    void compareWholeTrack();
    void compareCategorical();
    void comparePlace(const std::map<std::string, double>& values, const StatsList& stats,
                      const StatsList* cluster_stats, const std::string& section,
                      const std::string& stem);
    bool outsideEveryCluster(const std::string& name, double wip_shifted_by_cluster_offset,
                             bool energy) const;
    void mergeGaps();
    void conformance();
    void nearestReferences();

    const core::TrackAnalysis& m_wip;
    const profile::Profile& m_profile;
    const GapOptions& m_options;
    const profile::Cluster* m_cluster = nullptr;
    std::optional<std::vector<float>> m_embedding;
    std::map<std::string, double> m_values; // the WIP's whole-track values
    std::vector<Judged> m_judged;
    GapReport m_report;
};

core::Status Analyzer::chooseBasis() {
    if (!m_wip.embedding.segments.empty()) {
        if (auto e = profile::embedTrackInSpace(m_profile.space, m_wip.embedding); e.isOk()) {
            m_embedding = std::move(e).value();
        }
    }
    if (m_options.cluster >= 0) {
        if (m_options.cluster >= static_cast<int>(m_profile.clusters.size())) {
            return core::invalidArgument("cluster " + std::to_string(m_options.cluster) +
                                         " does not exist: profile '" + m_profile.name + "' has " +
                                         std::to_string(m_profile.clusters.size()) + " clusters");
        }
        m_cluster = &m_profile.clusters[static_cast<std::size_t>(m_options.cluster)];
        m_report.cluster_from_request = true;
    } else if (m_embedding) {
        double best = -2.0;
        for (const auto& c : m_profile.clusters) {
            const double sim = cosine(*m_embedding, c.centroid);
            if (sim > best) {
                best = sim;
                m_cluster = &c;
            }
        }
    }
    if (m_cluster) {
        m_report.cluster = m_cluster->id;
        m_report.cluster_label = m_cluster->label;
        m_report.cluster_similarity = m_embedding ? cosine(*m_embedding, m_cluster->centroid) : 0.0;
    }
    return core::Status::ok();
}

std::string Analyzer::basisName() const {
    if (!m_cluster) {
        return "the whole profile";
    }
    std::string s = "sub-style \"";
    return s.append(m_cluster->label).append("\"");
}

const StatsList* Analyzer::clusterStemStats(const std::string& stem,
                                            const std::string& section) const {
    if (!m_cluster) {
        return nullptr;
    }
    if (section.empty()) {
        const auto it = m_cluster->stem_stats.find(stem);
        return it == m_cluster->stem_stats.end() ? nullptr : &it->second;
    }
    const auto by_stem = m_cluster->stem_section_stats.find(stem);
    if (by_stem == m_cluster->stem_section_stats.end()) {
        return nullptr;
    }
    const auto it = by_stem->second.find(section);
    return it == by_stem->second.end() ? nullptr : &it->second;
}

bool Analyzer::outsideEveryCluster(const std::string& name, double wip, bool energy) const {
    bool any = false;
    auto judge = [&](const StatsList& stats) {
        const double v = energy ? wip - energyOffset(m_values, stats) : wip;
        if (findStats(stats, name) == nullptr) {
            return true;
        }
        any = true;
        return !fitsStats(stats, name, v);
    };
    if (m_profile.clusters.empty()) {
        return judge(m_profile.stats) && any;
    }
    for (const auto& c : m_profile.clusters) {
        if (!judge(c.stats)) {
            return false;
        }
    }
    return any;
}

void Analyzer::compareWholeTrack() {
    const auto& values = m_values;
    const StatsList& basis = basisStats();
    const std::string basis_tag = m_cluster ? "cluster" : "profile";
    const double offset = energyOffset(values, basis);
    std::map<std::string, double> mix;
    for (const auto& [name, wip] : values) {
        const auto cls = classifyFeature(name);
        if (cls.role == FeatureRole::kStyle || cls.role == FeatureRole::kDescriptive) {
            const auto* s = findStats(basis, name);
            if (s == nullptr || s->categorical) {
                continue;
            }
            const bool energy = isEnergyPoint(name);
            Judged j;
            j.role = cls.role;
            j.c = compare(name, energy ? wip - offset : wip, *s, basis_tag, "", "");
            if (cls.role == FeatureRole::kStyle && !j.c.in_range) {
                j.outside_every_cluster = outsideEveryCluster(name, wip, energy);
            }
            m_judged.push_back(std::move(j));
            continue;
        }
        mix[name] = wip;
    }
    comparePlace(mix, m_profile.stats, m_cluster ? &m_cluster->stats : nullptr, "", "");
}

void Analyzer::compareCategorical() {
    const auto labels = profile::trackLabels(m_wip.features);
    for (const auto& [name, value] : labels) {
        const auto* s = findStats(basisStats(), name);
        if (s == nullptr || !s->categorical || s->count <= 0) {
            continue;
        }
        const auto it = s->distribution.find(value);
        const int n = it == s->distribution.end() ? 0 : it->second;
        int most = 0;
        for (const auto& [v, k] : s->distribution) {
            most = std::max(most, k);
        }
        Judged j;
        j.role = classifyFeature(name).role;
        auto& c = j.c;
        c.feature = name;
        c.unit = "share";
        c.wip_value = double(n) / s->count;
        c.target_value = double(most) / s->count;
        c.range_low = 1.0 / s->count;
        c.range_high = 1.0;
        c.delta = c.wip_value - c.target_value;
        c.weight = s->weight;
        c.basis = m_cluster ? "cluster" : "profile";
        c.in_range = n > 0;
        c.severity = c.in_range ? 0.0 : kCategoricalSeverity * s->weight;
        // A key no cluster holds says little: 24 keys over a few references per cluster.
        if (!c.in_range && j.role == FeatureRole::kStyle && name != "key") {
            j.outside_every_cluster = true;
            for (const auto& cl : m_profile.clusters) {
                const auto* cs = findStats(cl.stats, name);
                if (cs && cs->distribution.count(value) > 0) {
                    j.outside_every_cluster = false;
                }
            }
        }
        j.sentence = explainCategorical(name, value, basisName(), distributionText(*s));
        m_judged.push_back(std::move(j));
    }
}

void Analyzer::comparePlace(const std::map<std::string, double>& values, const StatsList& stats,
                            const StatsList* cluster_stats, const std::string& section,
                            const std::string& stem) {
    const double scale =
        (section.empty() ? 1.0 : kSectionDistanceScale) * (stem.empty() ? 1.0 : kStemDistanceScale);
    const auto matching =
        stem.empty() ? BandMatching::kMedian : BandMatching::kSpreadWeightedMedian;
    const double cluster_offset = bandOffset(values, cluster_stats, matching);
    const double profile_offset = bandOffset(values, &stats, matching);
    for (const auto& [name, wip] : values) {
        const bool band = isTonalBand(name);
        const auto cls = classifyFeature(name);
        if (cls.role != FeatureRole::kMix || name.rfind(profile::kArrangementPrefix, 0) == 0) {
            continue;
        }
        const auto* ps = findStats(stats, name);
        const auto* cs = cluster_stats ? findStats(*cluster_stats, name) : nullptr;
        if (cs && !stem.empty() && cs->count < kMinClusterStemCount) {
            cs = nullptr; // too few members with this stem: the whole library judges it
        }
        std::optional<Comparison> by_cluster, by_profile;
        if (cs && !cs->categorical) {
            by_cluster = compare(name, wip, *cs, "cluster", section, stem, scale,
                                 band ? cluster_offset : 0.0);
            m_report.comparisons.push_back(*by_cluster);
        }
        if (ps && !ps->categorical) {
            by_profile = compare(name, wip, *ps, "profile", section, stem, scale,
                                 band ? profile_offset : 0.0);
            m_report.comparisons.push_back(*by_profile);
        }
        if (!by_cluster && !by_profile) {
            continue;
        }
        if (!stem.empty() && (name == "spectral_centroid_hz" || name == "spectral_rolloff_hz")) {
            continue; // a stem's brightness says which instruments play (sound design), not mix
        }
        const bool no_bass_section = section == "breakdown" || section == "buildup";
        if (no_bass_section && ((stem.empty() && cls.category == kCategoryLowEnd) ||
                                stem == "bass" || name == "kick_bass_overlap_db")) {
            // No bass there in trance: low-end and bass-stem numbers measure
            // noise, and so does the drums stem's kick/bass overlap (the
            // bass stem's 40-120 Hz it is a share of is the separator's residue).
            continue;
        }
        Judged j;
        j.role = FeatureRole::kMix;
        j.c = evidenceOf(by_cluster, by_profile);
        m_judged.push_back(std::move(j));
    }
}

void Analyzer::mergeGaps() {
    struct Acc {
        Gap gap;
        std::vector<const Judged*> items;
    };
    std::map<std::string, Acc> by_cause;
    std::vector<std::pair<Cause, const Judged*>> pointed;
    std::set<std::string> present;
    for (const auto& j : m_judged) {
        if (j.role == FeatureRole::kDescriptive || j.c.in_range || !(j.c.severity > 0.0)) {
            continue;
        }
        Cause cause;
        if (j.c.unit == "share") { // key, mode
            cause = {j.c.feature, featureWords(j.c.feature), classifyFeature(j.c.feature).category};
        } else {
            cause = causeOf(j.c.feature, j.c.z_score > 0 ? 1 : -1);
        }
        present.insert(cause.id);
        pointed.emplace_back(std::move(cause), &j);
    }
    std::set<const Judged*> explained; // evidence moved to the cause that explains it
    for (auto& [cause, judged] : pointed) {
        if (const auto specific = explainingCause(cause.id, judged->c.feature);
            !specific.empty() && present.count(specific) > 0) {
            cause = namedCause(specific);
            explained.insert(judged);
        }
    }
    for (const auto& [cause, judged] : pointed) {
        const Judged& j = *judged;
        const std::string& id = cause.id;
        auto& acc = by_cause[id];
        acc.gap.id = id;
        acc.gap.title = cause.title;
        acc.gap.category = cause.category;
        acc.gap.style_choice = j.role == FeatureRole::kStyle;
        acc.gap.outside_every_cluster = acc.gap.outside_every_cluster || j.outside_every_cluster;
        acc.items.push_back(&j);
    }
    for (auto& [id, acc] : by_cause) {
        auto& g = acc.gap;
        std::stable_sort(acc.items.begin(), acc.items.end(), [](const Judged* a, const Judged* b) {
            return a->c.severity > b->c.severity;
        });
        for (const auto* j : acc.items) {
            g.evidence.push_back(j->c);
        }
        // The headline (numbers and sentence) is the strongest evidence of the
        // cause's own features; evidence it explains (a thinner low share
        // under a low-mid boost) adds severity but is not what the sentence
        // names, unless nothing else shows.
        const Judged* head_ptr = acc.items.front();
        for (const auto* j : acc.items) {
            if (explained.count(j) == 0) {
                head_ptr = j;
                break;
            }
        }
        const Judged& head = *head_ptr;
        const Comparison& h = head.c;
        const Comparison& strongest = acc.items.front()->c;
        g.feature = h.feature;
        g.unit = h.unit;
        g.section = h.section;
        g.stem = h.stem;
        g.wip_value = h.wip_value;
        g.target_value = h.target_value;
        g.range_low = h.range_low;
        g.range_high = h.range_high;
        g.delta = h.delta;
        g.z_score = h.z_score;
        double s2 = 0.0;
        for (const auto* j : acc.items) {
            if (j->c.section != strongest.section || j->c.stem != strongest.stem) {
                s2 = std::max(s2, j->c.severity);
            }
        }
        g.severity = kOnePlaceShare * strongest.severity + (1.0 - kOnePlaceShare) * s2;
        if (g.style_choice && !g.outside_every_cluster) {
            g.severity *= kStyleInsideScale;
        }
        g.severity_label = severityLabel(g.severity);
        if (!head.sentence.empty()) {
            g.explanation = head.sentence;
        } else if (g.style_choice) {
            g.explanation = explainStyleGap(g, basisName());
        } else {
            g.explanation = explainMixGap(g);
        }
        m_report.gaps.push_back(std::move(g));
    }
    std::sort(m_report.gaps.begin(), m_report.gaps.end(), [](const Gap& a, const Gap& b) {
        const bool a_late = a.style_choice && !a.outside_every_cluster;
        const bool b_late = b.style_choice && !b.outside_every_cluster;
        if (a_late != b_late) {
            return b_late;
        }
        if (a.severity != b.severity) {
            return a.severity > b.severity;
        }
        return a.id < b.id;
    });
    if (m_options.max_gaps > 0 && static_cast<int>(m_report.gaps.size()) > m_options.max_gaps) {
        m_report.gaps.resize(static_cast<std::size_t>(m_options.max_gaps));
    }
}

void Analyzer::conformance() {
    double total = 0.0, in_range = 0.0;
    int judged = 0;
    for (const auto& j : m_judged) {
        if (j.role == FeatureRole::kDescriptive || !j.c.section.empty() || !j.c.stem.empty()) {
            continue;
        }
        const double w = std::max(0.05, j.c.weight) *
                         (isEnergyPoint(j.c.feature) ? 1.0 / profile::kEnergyCurvePoints : 1.0);
        total += w;
        in_range += j.c.in_range ? w : 0.0;
        ++judged;
    }
    ConformancePart features;
    features.name = "features_in_range";
    features.score = total > 0 ? 100.0 * in_range / total : 0.0;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.1f of %.1f weighted features in range (%d compared)",
                  in_range, total, judged);
    features.detail = buf;
    ConformancePart embedding;
    embedding.name = "embedding_similarity";
    if (m_embedding && m_cluster && m_cluster->centroid.size() == m_embedding->size()) {
        double d2 = 0.0;
        for (std::size_t i = 0; i < m_embedding->size(); ++i) {
            const double d = double((*m_embedding)[i]) - m_cluster->centroid[i];
            d2 += d * d;
        }
        const double v = std::max(m_cluster->variance, 1e-9);
        embedding.score = d2 <= v ? 100.0 : 100.0 * std::exp(-(d2 - v) / (2.0 * v));
        embedding.weight = kEmbeddingPartWeight;
        std::snprintf(buf, sizeof buf,
                      "squared distance %.3f to the centroid of cluster %d (members' mean %.3f)",
                      d2, m_cluster->id, v);
        embedding.detail = buf;
    } else {
        embedding.detail = m_embedding ? "the profile has no cluster to compare with"
                                       : "the WIP could not be embedded in the profile's space "
                                         "(no embedding, or the profile lacks its head weights)";
    }
    features.weight = 1.0 - embedding.weight;
    if (embedding.weight > 0) {
        features.weight = kFeaturePartWeight;
    }
    m_report.conformance_score =
        features.score * features.weight + embedding.score * embedding.weight;
    m_report.conformance_parts = {features, embedding};
}

void Analyzer::nearestReferences() {
    if (!m_embedding || m_options.nearest_k <= 0) {
        return;
    }
    std::vector<NearestReference> all;
    for (const auto& m : m_profile.members) {
        if (m.embedding.size() != m_embedding->size()) {
            continue;
        }
        all.push_back(
            {m.content_hash, m.path, m.label, m.cluster, cosine(*m_embedding, m.embedding)});
    }
    std::sort(all.begin(), all.end(), [](const NearestReference& a, const NearestReference& b) {
        return a.similarity != b.similarity ? a.similarity > b.similarity
                                            : a.content_hash < b.content_hash;
    });
    all.resize(std::min(all.size(), static_cast<std::size_t>(m_options.nearest_k)));
    m_report.nearest_references = std::move(all);
}

core::Result<GapReport> Analyzer::run() {
    if (m_wip.features.values.empty()) {
        return core::invalidArgument("gap analysis: the WIP '" + m_wip.path +
                                     "' has no features (analyse it with features on)");
    }
    if (auto st = chooseBasis(); !st.isOk()) {
        return st;
    }
    m_values = profile::wholeTrackValues(m_wip.features);
    m_report.wip_hash = m_wip.content_hash;
    m_report.wip_path = m_wip.path;
    m_report.profile = m_profile.name;
    m_report.stems_source = m_wip.stems.empty() ? "" : m_wip.stems.separator;
    compareWholeTrack();
    compareCategorical();
    for (const auto& [label, values] : profile::sectionValues(m_wip.features)) {
        if (const auto it = m_profile.section_stats.find(label);
            it != m_profile.section_stats.end()) {
            const StatsList* cluster_section = nullptr;
            if (m_cluster) {
                if (const auto c = m_cluster->section_stats.find(label);
                    c != m_cluster->section_stats.end()) {
                    cluster_section = &c->second;
                }
            }
            comparePlace(values, it->second, cluster_section, label, "");
        }
    }
    for (const auto& [stem, features] : m_wip.stems.stems) {
        if (const auto it = m_profile.stem_stats.find(stem); it != m_profile.stem_stats.end()) {
            comparePlace(profile::wholeTrackValues(features), it->second,
                         clusterStemStats(stem, ""), "", stem);
        }
        const auto sections = m_profile.stem_section_stats.find(stem);
        if (sections == m_profile.stem_section_stats.end()) {
            continue;
        }
        for (const auto& [label, values] : profile::sectionValues(features)) {
            if (const auto it = sections->second.find(label); it != sections->second.end()) {
                comparePlace(values, it->second, clusterStemStats(stem, label), label, stem);
            }
        }
    }
    for (const auto& j : m_judged) { // mix comparisons were listed where they were made
        if (j.role != FeatureRole::kMix) {
            m_report.comparisons.push_back(j.c);
        }
    }
    mergeGaps();
    conformance();
    nearestReferences();
    return std::move(m_report);
}

} // namespace

core::Result<GapReport> analyzeGap(const core::TrackAnalysis& wip, const profile::Profile& profile,
                                   const GapOptions& options) {
    return Analyzer(wip, profile, options).run();
}

} // namespace styledna::gap
