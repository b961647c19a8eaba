// Style DNA quality on synthesized references whose style is known (issue 12):
// four styles x kRefsPerStyle references + kQueriesPerStyle held-out queries,
// fixed seeds, each analysed exactly as the daemon does (analyzeDecoded:
// features + descriptor-backbone embedding) from the rendered mix.
//   - precision@5 of `similar` (held-out query -> 5 nearest references, share
//     of the query's style): >= 0.9 without labels (track-identity head),
//     >= 0.95 with the styles as labels; the identity-trained head at least as
//     good as the backbone alone on tracks and strictly better on segments
//     (segment-level precision@5, where the backbone alone is not perfect);
//   - clusters of the unlabelled build recover the styles: ARI >= 0.8 with k
//     chosen automatically;
//   - a per-style profile's median tempo within 1 BPM of the truth's median;
//   - two builds with the same seed give the identical profile document.
// Figures are printed (WARN) for the closing note.
// Tuning (hidden cases, never in CI): STYLEDNA_STYLE_DNA_SEED_BASE=N draws
// another library (seeds N + 100 style + i; the suite's draw is 31000), so a
// change is tuned on one draw and reported on this one. "[.tuning]" prints
// the figures of several build seeds and their mean (one seed's figures vary
// by +-0.05 and more: 16 queries, 38 training tracks); its env variables:
// STYLEDNA_TUNE_SEEDS (3), STYLEDNA_TUNE_AUGMENTED (0/1: the trainer's
// augmented_positives), STYLEDNA_TUNE_MARGIN, STYLEDNA_TUNE_P, STYLEDNA_TUNE_K,
// STYLEDNA_TUNE_PATIENCE, STYLEDNA_TUNE_MIN_GAIN_SE, STYLEDNA_TUNE_LR, STYLEDNA_TUNE_STEPS (steps
// per epoch), STYLEDNA_TUNE_NEIGHBOURS and STYLEDNA_TUNE_ATTRACT (0/1: the trainer's
// neighbour_tracks, attract_neighbours) (trainer defaults); STYLEDNA_TUNE_LABELLED (0: skip the
// labelled builds); STYLEDNA_TUNE_KSCAN (1: print the mean silhouette, its standard error and the
// ARI of the build's own k-means runs at k = 2..8 for each build, the backbone-only builds of each
// seed included); STYLEDNA_TUNE_VARIANTS (see the case). "[.debug]" dumps the draw's embeddings.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/analysis/track_analysis.hpp"
#include "core/audio/synth/trance_synth.hpp"
#include "core/common/statistics.hpp"
#include "core/index/vector_index.hpp"
#include "core/profile/clustering.hpp"
#include "core/profile/profile.hpp"
#include "core/profile/profile_json.hpp"
#include "core/profile/profile_random.hpp"
#include "models/profile_head_trainer.hpp"

namespace {

using namespace styledna;

constexpr int kRefsPerStyle = 12;
constexpr int kQueriesPerStyle = 4;
constexpr double kMinutes = 1.0;
constexpr std::uint64_t kSeedBase = 31000;

// The draw: kSeedBase unless STYLEDNA_STYLE_DNA_SEED_BASE names another (a
// tuning draw, so changes are tuned on other tracks than the ones reported).
std::uint64_t seedBase() {
    static const std::uint64_t base = [] {
        const char* env = std::getenv("STYLEDNA_STYLE_DNA_SEED_BASE");
        return env && *env ? std::stoull(env) : kSeedBase;
    }();
    return base;
}

struct Item {
    std::string style;
    double truth_tempo_bpm = 0;
    profile::Reference ref;
};

struct Library {
    std::vector<Item> refs, queries;
};

const Library& library() {
    static const Library lib = [] {
        Library out;
        const core::TranceStyle styles[] = {core::TranceStyle::kUplifting,
                                            core::TranceStyle::kProgressive,
                                            core::TranceStyle::kTech, core::TranceStyle::kPsy};
        for (int s = 0; s < 4; ++s) {
            for (int i = 0; i < kRefsPerStyle + kQueriesPerStyle; ++i) {
                const auto seed = seedBase() + 100 * static_cast<std::uint64_t>(s) +
                                  static_cast<std::uint64_t>(i);
                auto track = core::renderTrack(
                    core::randomParams(styles[s], seed, kMinutes, {}, core::SynthVariety::kStyle));
                REQUIRE(track.isOk());
                core::DecodedAudio decoded;
                decoded.source.container = "WAV";
                decoded.source.encoding = "PCM_16";
                decoded.source.channels = 2;
                decoded.source.sample_rate_hz = 44100;
                decoded.source.frames = static_cast<std::int64_t>(track->mix.frames());
                decoded.source.duration_s = track->truth.duration_s;
                decoded.audio = std::move(track->mix);
                auto analysis = core::analyzeDecoded(decoded, core::AnalyzeOptions{}, {}, {});
                REQUIRE(analysis.isOk());
                Item item;
                item.style = std::string(core::styleName(styles[s]));
                item.truth_tempo_bpm = track->truth.params.tempo_bpm;
                item.ref.analysis = std::move(*analysis);
                item.ref.analysis.content_hash = item.style + "-" + std::to_string(seed);
                item.ref.analysis.path = "/lib/" + item.style + "/" + std::to_string(seed) + ".wav";
                (i < kRefsPerStyle ? out.refs : out.queries).push_back(std::move(item));
            }
        }
        return out;
    }();
    return lib;
}

std::vector<profile::Reference> references(bool labelled, const std::string& only_style = "") {
    std::vector<profile::Reference> refs;
    for (const auto& item : library().refs) {
        if (!only_style.empty() && item.style != only_style) {
            continue;
        }
        refs.push_back(item.ref);
        refs.back().embedding = item.ref.analysis.embedding;
        refs.back().label = labelled ? item.style : "";
    }
    return refs;
}

profile::Profile build(bool labelled, bool head, std::uint64_t seed = 3) {
    profile::BuildOptions options;
    options.seed = seed;
    if (head) {
        options.trainer = models::makeProfileHeadTrainer();
    }
    auto p = profile::buildProfile("quality", references(labelled), options);
    INFO(p.status().toString());
    REQUIRE(p.isOk());
    return std::move(*p);
}

std::string styleOfHash(const std::string& hash) {
    return hash.substr(0, hash.find('-'));
}

// Track-level precision@5 of held-out queries against the profile's members.
double trackPrecisionAt5(const profile::Profile& p) {
    auto idx = index::VectorIndex::create(p.space.dim());
    REQUIRE(idx.isOk());
    for (std::size_t i = 0; i < p.members.size(); ++i) {
        REQUIRE((*idx)->add(i, p.members[i].embedding).isOk());
    }
    int hits = 0, total = 0;
    for (const auto& q : library().queries) {
        auto v = profile::embedTrackInSpace(p.space, q.ref.analysis.embedding);
        REQUIRE(v.isOk());
        auto found = (*idx)->search(*v, 5);
        REQUIRE(found.isOk());
        for (const auto& n : found->neighbours) {
            hits += styleOfHash(p.members[n.label].content_hash) == q.style ? 1 : 0;
            ++total;
        }
    }
    return total ? static_cast<double>(hits) / total : 0.0;
}

// Segment-level precision@5: every segment of every query against every
// segment of every reference (a harder task than whole tracks).
double segmentPrecisionAt5(const profile::Profile& p) {
    auto idx = index::VectorIndex::create(p.space.dim());
    REQUIRE(idx.isOk());
    std::vector<std::string> seg_style;
    for (const auto& item : library().refs) {
        for (const auto& seg : item.ref.analysis.embedding.segments) {
            auto v = profile::embedInSpace(p.space, seg.values);
            REQUIRE(v.isOk());
            REQUIRE((*idx)->add(seg_style.size(), *v).isOk());
            seg_style.push_back(item.style);
        }
    }
    int hits = 0, total = 0;
    for (const auto& q : library().queries) {
        for (const auto& seg : q.ref.analysis.embedding.segments) {
            auto v = profile::embedInSpace(p.space, seg.values);
            REQUIRE(v.isOk());
            auto found = (*idx)->searchExact(*v, 5);
            REQUIRE(found.isOk());
            for (const auto& n : found->neighbours) {
                hits += seg_style[n.label] == q.style ? 1 : 0;
                ++total;
            }
        }
    }
    return total ? static_cast<double>(hits) / total : 0.0;
}

double clusterAri(const profile::Profile& p) {
    std::map<std::string, int> style_id;
    std::vector<int> truth, found;
    for (const auto& m : p.members) {
        const auto style = styleOfHash(m.content_hash);
        truth.push_back(style_id.emplace(style, static_cast<int>(style_id.size())).first->second);
        found.push_back(m.cluster);
    }
    return profile::adjustedRandIndex(truth, found);
}

} // namespace

namespace {

struct Figures {
    double p5_backbone = 0, p5_trained = 0, seg_backbone = 0, seg_trained = 0, ari = 0;
    std::size_t k_trained = 0;
    double p5_labelled = 0, seg_labelled = 0, ari_labelled = 0;
    std::set<std::string> labelled_cluster_labels;
};

// Every figure once per process (three builds, two of them train a head).
const Figures& figures() {
    static const Figures f = [] {
        Figures out;
        const auto backbone = build(false, false);
        const auto trained = build(false, true);
        const auto labelled = build(true, true);
        out.p5_backbone = trackPrecisionAt5(backbone);
        out.p5_trained = trackPrecisionAt5(trained);
        out.seg_backbone = segmentPrecisionAt5(backbone);
        out.seg_trained = segmentPrecisionAt5(trained);
        out.ari = clusterAri(trained);
        out.k_trained = trained.clusters.size();
        out.p5_labelled = trackPrecisionAt5(labelled);
        out.seg_labelled = segmentPrecisionAt5(labelled);
        out.ari_labelled = clusterAri(labelled);
        for (const auto& c : labelled.clusters) {
            out.labelled_cluster_labels.insert(c.label);
        }
        WARN("unlabelled: track P@5 backbone "
             << out.p5_backbone << ", identity-trained head " << out.p5_trained
             << "; segment P@5 backbone " << out.seg_backbone << ", head " << out.seg_trained
             << "; clusters k=" << out.k_trained << " ARI " << out.ari
             << " (backbone-space k=" << backbone.clusters.size() << " ARI " << clusterAri(backbone)
             << "); labelled: track P@5 " << out.p5_labelled << ", segment P@5 " << out.seg_labelled
             << ", k=" << labelled.clusters.size() << " ARI " << out.ari_labelled);
        return out;
    }();
    return f;
}

} // namespace

// What the embedding reaches on this draw (build seed 3) with the genre
// presets of synth_params.cpp: track P@5 backbone 0.90, identity head 0.99,
// labelled 1.0; segment P@5 backbone 0.85, head 0.94; ARI of the head's
// clusters 0.94 (k = 4; backbone space 0.85; labelled 1.0). The issue's
// targets, with these floors: unlabelled track P@5 >= 0.9 and at least the
// backbone's, ARI >= 0.8, labelled >= 0.95.
// History of the identity head: trained to tell tracks apart, it also pushed
// apart tracks of one style (the nearest negatives), and on tracks it did not
// beat the backbone (head 0.89, segments 0.89, ARI 0.76 here; tuning draw
// 41000, mean of build seeds 3-5: head 0.85, ARI 0.91). False-negative
// cancellation (a track's 6 nearest backbone-space tracks are not its
// negatives; models/head_trainer.hpp, with the tuning draws' figures) lifted
// it to the figures above. Before the presets (styles alike in everything but
// tempo): backbone 0.69, head 0.74, labelled 0.86, ARI 0.60 / 0.94.
// Earlier analysis, before the genre presets (dumps of tuning draw 52000 and
// this draw, with the styles known): outside tempo, 80-98 % of each block's
// variance over segments lies within tracks (sections), so track means differ
// little; on the backbone, within-track whitening (LDA on track identity)
// and between-track standardisation did not help; median, interquartile-mean
// or loudest-half pooling of the segments moved the mean of four tuning draws
// by +0.02-0.03.
TEST_CASE("style DNA: similarity and clusters meet the issue's targets", "[style_dna][quality]") {
    const auto& f = figures();
    CHECK(f.p5_backbone >= 0.85);
    CHECK(f.p5_trained >= 0.9);
    CHECK(f.p5_trained >= f.p5_backbone);
    CHECK(f.seg_trained > f.seg_backbone);
    CHECK(f.ari >= 0.8);
    CHECK(f.p5_labelled >= 0.95);
    CHECK(f.ari_labelled >= 0.8);
    // With labels, each cluster carries its style's name.
    if (f.labelled_cluster_labels.size() == 4) {
        CHECK(f.labelled_cluster_labels ==
              std::set<std::string>{"uplifting", "progressive", "tech", "psy"});
    }
}

TEST_CASE("style DNA: each style's profile tempo median is within 1 BPM of the truth",
          "[style_dna][quality]") {
    for (const char* style : {"uplifting", "progressive", "tech", "psy"}) {
        std::vector<double> truth;
        for (const auto& item : library().refs) {
            if (item.style == style) {
                truth.push_back(item.truth_tempo_bpm);
            }
        }
        auto p = profile::buildProfile(style, references(false, style), {});
        REQUIRE(p.isOk());
        const auto it = std::find_if(p->stats.begin(), p->stats.end(),
                                     [](const auto& s) { return s.name == "tempo_bpm"; });
        REQUIRE(it != p->stats.end());
        const double truth_median = core::medianOf(truth);
        INFO(style << ": profile median " << it->median << ", truth median " << truth_median);
        CHECK(std::abs(it->median - truth_median) <= 1.0);
    }
}

TEST_CASE("style DNA: the same seed gives the identical profile", "[style_dna][quality]") {
    auto a = build(false, true, 11);
    auto b = build(false, true, 11);
    // Everything but the wall time of training.
    a.head_training.seconds = b.head_training.seconds = 0;
    CHECK(profile::profileToJson(a, true).dump() == profile::profileToJson(b, true).dump());
}

// Writes the draw's embeddings under $STYLEDNA_STYLE_DNA_DUMP_DIR (default
// /tmp): sd_embed.tsv (style, hash, segment count, pooled track vector),
// sd_segments.tsv (style, hash, segment index, "orig" | "aug", values: every
// segment and its augmented view), sd_features.tsv (style, hash, feature,
// value). Queries follow the references; the first kRefsPerStyle rows of each
// style are references.
TEST_CASE("style DNA: dump track embeddings for inspection", "[.debug]") {
    const char* env = std::getenv("STYLEDNA_STYLE_DNA_DUMP_DIR");
    const std::string dir = env && *env ? env : "/tmp";
    FILE* f = std::fopen((dir + "/sd_embed.tsv").c_str(), "w");
    REQUIRE(f);
    for (const auto* set : {&library().refs, &library().queries}) {
        for (const auto& item : *set) {
            std::fprintf(f, "%s\t%s\t%zu", item.style.c_str(),
                         item.ref.analysis.content_hash.c_str(),
                         item.ref.analysis.embedding.segments.size());
            for (float x : item.ref.analysis.embedding.track) {
                std::fprintf(f, "\t%.6g", x);
            }
            std::fprintf(f, "\n");
        }
    }
    std::fclose(f);
    FILE* segs = std::fopen((dir + "/sd_segments.tsv").c_str(), "w");
    REQUIRE(segs);
    for (const auto* set : {&library().refs, &library().queries}) {
        for (const auto& item : *set) {
            const auto& segments = item.ref.analysis.embedding.segments;
            for (std::size_t i = 0; i < segments.size(); ++i) {
                for (const auto* view : {&segments[i].values, &segments[i].augmented}) {
                    if (view->empty()) {
                        continue;
                    }
                    std::fprintf(segs, "%s\t%s\t%zu\t%s", item.style.c_str(),
                                 item.ref.analysis.content_hash.c_str(), i,
                                 view == &segments[i].values ? "orig" : "aug");
                    for (float x : *view) {
                        std::fprintf(segs, "\t%.6g", x);
                    }
                    std::fprintf(segs, "\n");
                }
            }
        }
    }
    std::fclose(segs);
    FILE* g = std::fopen((dir + "/sd_features.tsv").c_str(), "w");
    REQUIRE(g);
    for (const auto* set : {&library().refs, &library().queries}) {
        for (const auto& item : *set) {
            for (const auto& [k, v] : item.ref.analysis.features.values) {
                std::fprintf(g, "%s\t%s\t%s\t%.6g\n", item.style.c_str(),
                             item.ref.analysis.content_hash.c_str(), k.c_str(), v);
            }
        }
    }
    std::fclose(g);
}

namespace {

// The build's own clustering runs (chooseClusters' seed, so the same k-means
// runs as the build): silhouette and ARI against the styles at each k.
std::string kScan(const profile::Profile& p, std::uint64_t build_seed) {
    profile::UnitRows rows;
    std::map<std::string, int> style_id;
    std::vector<int> truth;
    for (const auto& m : p.members) {
        rows.push_back(m.embedding);
        const auto style = styleOfHash(m.content_hash);
        truth.push_back(style_id.emplace(style, static_cast<int>(style_id.size())).first->second);
    }
    const auto seed = profile::deriveSeed(build_seed, "clusters");
    auto choice = profile::chooseClusters(rows, 8, seed);
    REQUIRE(choice.isOk());
    std::string scan;
    for (std::size_t i = 0; i < choice->silhouette_by_k.size(); ++i) {
        const int k = static_cast<int>(i) + 2;
        auto km = profile::sphericalKMeans(rows, {k, 10, 100, seed});
        REQUIRE(km.isOk());
        scan.append(" k" + std::to_string(k) + " s ")
            .append(std::to_string(choice->silhouette_by_k[i]).substr(0, 6))
            .append(" se ")
            .append(std::to_string(choice->silhouette_se_by_k[i]).substr(0, 6))
            .append(" ari ")
            .append(std::to_string(profile::adjustedRandIndex(truth, km->assignment)).substr(0, 5));
    }
    return scan;
}

} // namespace

// Mean figures over several build seeds, for tuning (see the header comment).
// STYLEDNA_TUNE_VARIANTS="A=1 B=2|A=3" runs each '|'-separated variant in turn
// (its NAME=VALUE pairs override the STYLEDNA_TUNE_NAME variables) on the same
// draw, after the backbone-only figures.
TEST_CASE("style DNA: tuning harness", "[.tuning]") {
    {
        const char* seeds_env = std::getenv("STYLEDNA_TUNE_SEEDS");
        const int seeds = seeds_env && *seeds_env ? std::stoi(seeds_env) : 3;
        const char* kscan_env = std::getenv("STYLEDNA_TUNE_KSCAN");
        double ari_sum = 0;
        for (int s = 0; s < seeds; ++s) {
            // The backbone's figures depend on the seed through the clusters only.
            const auto seed = 3 + static_cast<std::uint64_t>(s);
            const auto backbone = build(false, false, seed);
            ari_sum += clusterAri(backbone);
            WARN("backbone seed " << seed << " P@5 " << trackPrecisionAt5(backbone) << " seg "
                                  << segmentPrecisionAt5(backbone) << " k="
                                  << backbone.clusters.size() << " ARI " << clusterAri(backbone)
                                  << (kscan_env && std::string(kscan_env) == "1"
                                          ? " KSCAN" + kScan(backbone, seed)
                                          : std::string()));
        }
        WARN("MEAN backbone ARI " << ari_sum / seeds);
    }
    const char* variants_env = std::getenv("STYLEDNA_TUNE_VARIANTS");
    std::vector<std::string> variants{""};
    if (variants_env && *variants_env) {
        variants.clear();
        std::string all = variants_env;
        for (std::size_t start = 0;;) {
            const auto bar = all.find('|', start);
            variants.push_back(all.substr(start, bar - start));
            if (bar == std::string::npos) {
                break;
            }
            start = bar + 1;
        }
    }
    for (const auto& variant : variants) {
        std::map<std::string, std::string> overrides;
        for (std::size_t start = 0; start < variant.size();) {
            auto end = variant.find(' ', start);
            if (end == std::string::npos) {
                end = variant.size();
            }
            const auto item = variant.substr(start, end - start);
            const auto eq = item.find('=');
            if (eq != std::string::npos) {
                overrides[item.substr(0, eq)] = item.substr(eq + 1);
            }
            start = end + 1;
        }
        models::HeadTrainingParams params;
        auto envd = [&overrides](const char* name, double fallback) {
            if (auto it = overrides.find(name); it != overrides.end()) {
                return std::stod(it->second);
            }
            const char* v = std::getenv((std::string("STYLEDNA_TUNE_") + name).c_str());
            return v && *v ? std::stod(v) : fallback;
        };
        params.augmented_positives = envd("AUGMENTED", params.augmented_positives ? 1 : 0) != 0;
        params.margin = envd("MARGIN", params.margin);
        params.k_per_class = static_cast<int>(envd("K", params.k_per_class));
        params.p_classes = static_cast<int>(envd("P", params.p_classes));
        params.patience = static_cast<int>(envd("PATIENCE", params.patience));
        params.converged_loss = envd("CONVERGED", params.converged_loss);
        params.min_gain_se = envd("MIN_GAIN_SE", params.min_gain_se);
        params.learning_rate = envd("LR", params.learning_rate);
        params.steps_per_epoch = static_cast<int>(envd("STEPS", params.steps_per_epoch));
        params.neighbour_tracks = static_cast<int>(envd("NEIGHBOURS", params.neighbour_tracks));
        params.attract_neighbours = envd("ATTRACT", params.attract_neighbours ? 1 : 0) != 0;
        const int seeds = static_cast<int>(envd("SEEDS", 3));
        const bool with_labelled = envd("LABELLED", 1) != 0;
        double sum[6] = {};
        double seconds = 0;
        for (int s = 0; s < seeds; ++s) {
            for (bool labelled : {false, true}) {
                if (labelled && !with_labelled) {
                    continue;
                }
                profile::BuildOptions options;
                options.seed = 3 + static_cast<std::uint64_t>(s);
                options.trainer = models::makeProfileHeadTrainer(params);
                auto p = profile::buildProfile("quality", references(labelled), options);
                REQUIRE(p.isOk());
                const double p5 = trackPrecisionAt5(*p), seg = segmentPrecisionAt5(*p),
                             ari = clusterAri(*p);
                seconds += labelled ? 0.0 : p->head_training.seconds;
                WARN("[" << variant << "] seed " << options.seed << " labelled " << labelled
                         << " P@5 " << p5 << " seg " << seg << " k=" << p->clusters.size()
                         << " ARI " << ari << " epochs " << p->head_training.best_epoch << "/"
                         << p->head_training.epochs << " " << p->head_training.seconds << " s");
                if (envd("KSCAN", 0) != 0) {
                    WARN("[" << variant << "] seed " << options.seed << " labelled " << labelled
                             << " KSCAN" << kScan(*p, options.seed));
                }
                sum[labelled * 3 + 0] += p5;
                sum[labelled * 3 + 1] += seg;
                sum[labelled * 3 + 2] += ari;
            }
        }
        WARN("MEAN [" << variant << "] unlabelled P@5 " << sum[0] / seeds << " seg "
                      << sum[1] / seeds << " ARI " << sum[2] / seeds << " | labelled P@5 "
                      << sum[3] / seeds << " seg " << sum[4] / seeds << " ARI " << sum[5] / seeds
                      << " | unlabelled training " << seconds / seeds << " s");
    }
}

// The generator's own ceiling: precision@5 of the same nearest-reference
// search on the *true* synthesizer parameters of each track (no rendering, no
// analysis), standardised over the references, Euclidean. "style" = only the
// parameters whose draw depends on the style (tempo, supersaw voices, detune,
// spread, sidechain depth and release, loudness target, kick decay and start
// pitch, lead, 16th hats, open hats, acid, rolling and held bass, minor
// mode); "all" adds those that do not (key, chord length, kick end pitch).
// (Breakdown and build lengths depend on the style too but not at this
// suite's one minute: its arrangement is the minimal layout.) Tempo weight w
// multiplies the standardised tempo; w0 leaves tempo out. Mean over 20 draws
// (this suite's seeds and 19 more).
// Measured with the genre presets of synth_params.cpp: style w0 0.95, w1
// 0.96, w3 0.98; all w0 0.94, w1 0.96, w3 0.98. Before them (styles alike
// in everything but tempo, whose ranges overlapped): style w1 0.82, w3 0.93;
// all w1 0.75, w3 0.90.
TEST_CASE("style DNA: the generator's ceiling on true parameters", "[.ceiling]") {
    const core::TranceStyle styles[] = {core::TranceStyle::kUplifting,
                                        core::TranceStyle::kProgressive, core::TranceStyle::kTech,
                                        core::TranceStyle::kPsy};
    auto vectorOf = [](const core::SynthParams& p, bool all) {
        std::vector<double> v{p.tempo_bpm,
                              static_cast<double>(p.supersaw_voices),
                              p.detune_cents,
                              p.stereo_spread,
                              p.sidechain_depth_db,
                              p.sidechain_release_ms,
                              p.loudness_target_lufs,
                              p.kick_decay_ms,
                              p.lead_arp ? 1.0 : 0.0,
                              p.sixteenth_hats ? 1.0 : 0.0,
                              p.bass_type == core::BassType::kAcid ? 1.0 : 0.0,
                              p.mode == core::KeyMode::kMinor ? 1.0 : 0.0,
                              p.kick_start_hz,
                              p.open_hats ? 1.0 : 0.0,
                              p.bass_type == core::BassType::kRolling ? 1.0 : 0.0,
                              p.bass_type == core::BassType::kSustained ? 1.0 : 0.0};
        if (all) {
            v.insert(v.end(), {static_cast<double>(p.tonic_pc), static_cast<double>(p.chord_bars),
                               p.kick_end_hz});
        }
        return v;
    };
    for (bool all : {false, true}) {
        for (double tempo_weight : {0.0, 1.0, 3.0}) {
            double sum = 0.0;
            const int draws = 20;
            for (int d = 0; d < draws; ++d) {
                const std::uint64_t base = d == 0 ? seedBase() : 90000 + 1000 * d;
                std::vector<std::pair<int, std::vector<double>>> refs, queries;
                for (int s = 0; s < 4; ++s) {
                    for (int i = 0; i < kRefsPerStyle + kQueriesPerStyle; ++i) {
                        const auto p = core::randomParams(
                            styles[s], base + 100 * static_cast<std::uint64_t>(s) + i, kMinutes, {},
                            core::SynthVariety::kStyle);
                        (i < kRefsPerStyle ? refs : queries).emplace_back(s, vectorOf(p, all));
                    }
                }
                const std::size_t dim = refs[0].second.size();
                std::vector<double> mean(dim, 0.0), sd(dim, 0.0);
                for (const auto& [s, v] : refs) {
                    for (std::size_t j = 0; j < dim; ++j) {
                        mean[j] += v[j] / static_cast<double>(refs.size());
                    }
                }
                for (const auto& [s, v] : refs) {
                    for (std::size_t j = 0; j < dim; ++j) {
                        sd[j] +=
                            (v[j] - mean[j]) * (v[j] - mean[j]) / static_cast<double>(refs.size());
                    }
                }
                auto distance = [&](const std::vector<double>& a, const std::vector<double>& b) {
                    double sum2 = 0.0;
                    for (std::size_t j = 0; j < dim; ++j) {
                        const double w = j == 0 ? tempo_weight : 1.0;
                        const double z = w * (a[j] - b[j]) / (std::sqrt(sd[j]) + 1e-9);
                        sum2 += z * z;
                    }
                    return sum2;
                };
                int hits = 0, total = 0;
                for (const auto& [qs, qv] : queries) {
                    std::vector<std::pair<double, int>> order;
                    for (const auto& [rs, rv] : refs) {
                        order.emplace_back(distance(qv, rv), rs);
                    }
                    std::partial_sort(order.begin(), order.begin() + 5, order.end());
                    for (int k = 0; k < 5; ++k) {
                        hits += order[static_cast<std::size_t>(k)].second == qs ? 1 : 0;
                        ++total;
                    }
                }
                sum += static_cast<double>(hits) / total;
            }
            WARN("true parameters (" << (all ? "all" : "style") << "), tempo weight "
                                     << tempo_weight << ": P@5 " << sum / draws);
        }
    }
}
