// buildProfile(): training set, head, embeddings, clusters, determinism,
// progress, cancellation and input errors.
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/audio/synth/trance_synth.hpp"
#include "core/features/extractor.hpp"
#include "core/profile/clustering.hpp"
#include "core/profile/profile_json.hpp"
#include "unit/profile/profile_trainers.hpp"

using namespace styledna;
using namespace styledna::profile;

namespace {

double norm(const std::vector<float>& v) {
    double acc = 0.0;
    for (const float x : v) {
        acc += double(x) * x;
    }
    return std::sqrt(acc);
}

BuildOptions fastOptions(std::uint64_t seed) {
    BuildOptions o;
    o.seed = seed;
    o.bootstrap_resamples = 200;
    return o;
}

bool hasIssue(const Profile& p, const std::string& code) {
    for (const auto& v : p.validation) {
        if (v.code == code) {
            return true;
        }
    }
    return false;
}

} // namespace

TEST_CASE("two builds with one seed are identical", "[profile][builder]") {
    const auto refs = test::syntheticReferences(15, 3, false, 9);
    for (const bool with_head : {false, true}) {
        INFO("head " << with_head);
        auto options = fastOptions(1234);
        if (with_head) {
            options.trainer = test::randomHeadTrainer(std::make_shared<test::TrainerLog>());
        }
        auto a = buildProfile("det", refs, options);
        auto b = buildProfile("det", refs, options);
        REQUIRE(a.isOk());
        REQUIRE(b.isOk());
        CHECK(profileToJson(*a).dump() == profileToJson(*b).dump());
        options.seed = 1235;
        auto c = buildProfile("det", refs, options);
        REQUIRE(c.isOk());
        CHECK(profileToJson(*c).dump() != profileToJson(*a).dump());
    }
}

TEST_CASE("two builds of many references with one seed are identical", "[profile][builder]") {
    // 150 references: the statistics, k-means runs, clusters and embeddings run on two
    // workers and the bootstrap draws medians directly (n >= kDirectBootstrapFrom).
    const auto refs = test::syntheticReferences(150, 4, false, 19);
    auto options = fastOptions(77);
    options.trainer = test::randomHeadTrainer(std::make_shared<test::TrainerLog>());
    auto a = buildProfile("det", refs, options);
    auto b = buildProfile("det", refs, options);
    REQUIRE(a.isOk());
    REQUIRE(b.isOk());
    CHECK(a->clusters.size() >= 2);
    CHECK(profileToJson(*a).dump() == profileToJson(*b).dump());
}

TEST_CASE("backbone-only build: sub-styles, labels, unit embeddings", "[profile][builder]") {
    const auto refs = test::syntheticReferences(18, 3, true, 4);
    auto built = buildProfile("labelled", refs, fastOptions(3));
    REQUIRE(built.isOk());
    const Profile& p = *built;
    CHECK(p.name == "labelled");
    CHECK(p.seed == 3);
    CHECK(p.space.backbone == "descriptor-v2");
    CHECK(p.space.dim() == 16);
    CHECK_FALSE(p.space.hasHeadWeights());
    REQUIRE(p.members.size() == 18);
    std::vector<int> truth, found;
    for (std::size_t i = 0; i < p.members.size(); ++i) {
        CHECK(norm(p.members[i].embedding) == Approx(1.0).margin(1e-5)); // float rounding
        CHECK(p.members[i].sample_rate_hz == 44100.0);
        truth.push_back(static_cast<int>(i % 3));
        found.push_back(p.members[i].cluster);
        // A member's embedding is what embedTrackInSpace gives its track.
        auto again = embedTrackInSpace(p.space, refs[i].embedding);
        REQUIRE(again.isOk());
        CHECK(*again == p.members[i].embedding);
    }
    REQUIRE(p.clusters.size() == 3);
    CHECK(adjustedRandIndex(found, truth) >= 0.95);
    CHECK(p.cluster_silhouette >= kMinSilhouette);
    for (const auto& c : p.clusters) {
        CHECK(c.label.rfind("style", 0) == 0); // every member of a sub-style shares its label
        CHECK(c.member_hashes.size() == 6);
        CHECK(norm(c.centroid) == Approx(1.0).margin(1e-5));
        CHECK_FALSE(c.stats.empty());
        CHECK(c.variance >= 0.0);
    }
    // Statistics: whole track, arrangement, sections, categorical, weights.
    bool tempo = false, curve = false, key = false;
    for (const auto& s : p.stats) {
        CHECK(s.weight >= 0.0);
        CHECK(s.weight <= 1.0);
        CHECK_FALSE(s.weight_basis.empty());
        tempo = tempo || (s.name == "tempo_bpm" && s.count == 18 && s.unit == "BPM");
        curve = curve || s.name == "arrangement.energy_curve.31";
        key = key || (s.name == "key" && s.categorical);
    }
    CHECK(tempo);
    CHECK(curve);
    CHECK(key);
    CHECK(p.section_stats.count("drop"));
    CHECK(p.section_stats.count("breakdown"));
    // 18 references: no too-few warning; nothing else wrong with the fixtures.
    for (const auto& v : p.validation) {
        UNSCOPED_INFO(v.code << ": " << v.message);
    }
    CHECK(p.validation.empty());
}

TEST_CASE("unlabelled clusters are named by their defining features", "[profile][builder]") {
    const auto refs = test::syntheticReferences(18, 3, false, 4);
    auto built = buildProfile("unlabelled", refs, fastOptions(3));
    REQUIRE(built.isOk());
    REQUIRE(built->clusters.size() == 3);
    // Sub-style 1 is the acid one at 136 BPM (128 + 8 c).
    bool acid_named = false;
    for (const auto& c : built->clusters) {
        INFO(c.label);
        CHECK(c.label.find(" BPM") != std::string::npos);
        acid_named = acid_named || c.label.rfind("136 BPM \u00b7 acid", 0) == 0;
    }
    CHECK(acid_named);
}

TEST_CASE("training set: standardised rows, evenly spaced, classes", "[profile][builder]") {
    auto refs = test::syntheticReferences(6, 2, true, 2, 16, 12);
    auto log = std::make_shared<test::TrainerLog>();
    auto options = fastOptions(8);
    options.segments_per_track = 4;
    options.trainer = test::randomHeadTrainer(log, 5);
    auto built = buildProfile("train", refs, options);
    REQUIRE(built.isOk());
    REQUIRE(log->calls == 1);
    const TrainingSet& set = log->last;
    CHECK(set.dim == 16);
    CHECK(set.seed == 8);
    REQUIRE(set.class_id.size() == 24); // 6 tracks x 4 segments
    REQUIRE(set.x.size() == 24 * 16);
    REQUIRE(set.x_augmented.size() == set.x.size());
    // Labels style0 / style1 -> classes 0 / 1 (sorted label order).
    for (std::size_t r = 0; r < set.class_id.size(); ++r) {
        CHECK(set.track_index[r] == static_cast<int>(r / 4));
        CHECK(set.class_id[r] == set.track_index[r] % 2);
    }
    // Rows of track 0 are segments floor((i + 0.5) * 12 / 4) = 1, 4, 7, 10, standardised.
    const auto& space = built->space;
    const std::size_t picks[] = {1, 4, 7, 10};
    for (std::size_t i = 0; i < 4; ++i) {
        for (std::size_t j = 0; j < 16; ++j) {
            const float raw = refs[0].embedding.segments[picks[i]].values[j];
            CHECK(set.x[i * 16 + j] == (raw - space.mean[j]) / space.std[j]);
        }
    }
    // Standardised columns: mean 0, population std 1 (float sums: 1e-4 absolute).
    for (std::size_t j = 0; j < 16; ++j) {
        double mean = 0.0, sq = 0.0;
        for (std::size_t r = 0; r < 24; ++r) {
            mean += set.x[r * 16 + j];
            sq += double(set.x[r * 16 + j]) * set.x[r * 16 + j];
        }
        mean /= 24.0;
        CHECK(mean == Approx(0.0).margin(1e-4));
        CHECK(std::sqrt(sq / 24.0 - mean * mean) == Approx(1.0).margin(1e-4));
    }
    // The head's space: members in 5 dims, unit norm.
    CHECK(built->space.dim() == 5);
    for (const auto& m : built->members) {
        CHECK(m.embedding.size() == 5);
        CHECK(norm(m.embedding) == Approx(1.0).margin(1e-5));
    }

    // One reference without a label: classes are the tracks.
    refs[3].label = "";
    REQUIRE(buildProfile("train", refs, options).isOk());
    for (std::size_t r = 0; r < log->last.class_id.size(); ++r) {
        CHECK(log->last.class_id[r] == log->last.track_index[r]);
    }
}

TEST_CASE("duplicates count once and are reported", "[profile][builder]") {
    auto refs = test::syntheticReferences(12, 2, false, 6);
    refs.push_back(refs[4]);
    refs.back().analysis.path = "/refs/copy_of_track_4.wav";
    auto built = buildProfile("dups", refs, fastOptions(1));
    REQUIRE(built.isOk());
    CHECK(built->members.size() == 12);
    CHECK(hasIssue(*built, "duplicate"));
    CHECK(profileFromJson(profileToJson(*built)).isOk()); // unique member hashes
}

TEST_CASE("progress, cancellation and trainer failures", "[profile][builder]") {
    const auto refs = test::syntheticReferences(9, 3, false, 2);
    std::vector<std::pair<double, std::string>> seen;
    auto options = fastOptions(5);
    options.trainer = test::randomHeadTrainer(std::make_shared<test::TrainerLog>());
    auto built =
        buildProfile("progress", refs, options, {}, [&seen](double f, std::string_view stage) {
            seen.emplace_back(f, std::string(stage));
        });
    REQUIRE(built.isOk());
    REQUIRE_FALSE(seen.empty());
    for (std::size_t i = 1; i < seen.size(); ++i) {
        CHECK(seen[i].first >= seen[i - 1].first);
    }
    CHECK(seen.back() == std::make_pair(1.0, std::string("done")));
    CHECK(hasIssue(*built, "too_few_references"));

    core::CancellationToken cancel;
    cancel.cancel();
    auto cancelled = buildProfile("progress", refs, options, cancel);
    REQUIRE_FALSE(cancelled.isOk());
    CHECK(cancelled.status().code() == core::StatusCode::kCancelled);

    options.trainer = [](const TrainingSet&, const core::CancellationToken&,
                         const core::ProgressFn&) -> core::Result<TrainedHead> {
        return core::internalError("trainer: out of memory");
    };
    auto failed = buildProfile("progress", refs, options);
    REQUIRE_FALSE(failed.isOk());
    CHECK(failed.status().message() == "trainer: out of memory");
}

TEST_CASE("buildProfile rejects bad inputs, naming the reference", "[profile][builder][edge]") {
    const auto refs = test::syntheticReferences(6, 2, false, 3);
    const auto expectInvalid = [](const core::Result<Profile>& r, const std::string& needle) {
        REQUIRE_FALSE(r.isOk());
        CHECK(r.status().code() == core::StatusCode::kInvalidArgument);
        INFO(r.status().message());
        CHECK(r.status().message().find(needle) != std::string::npos);
    };
    expectInvalid(buildProfile("ok", std::vector<Reference>{}, {}), "at least one reference");
    expectInvalid(buildProfile("bad/name", refs, {}), "profile name");
    expectInvalid(buildProfile(std::string(65, 'x'), refs, {}), "profile name");
    auto no_hash = refs;
    no_hash[2].analysis.content_hash.clear();
    expectInvalid(buildProfile("ok", no_hash, {}), "/refs/track_2.wav: reference has no content");
    auto no_embedding = refs;
    no_embedding[1].embedding = {};
    expectInvalid(buildProfile("ok", no_embedding, {}), "/refs/track_1.wav: no embedding");
    auto other_dim = refs;
    other_dim[3].embedding.dim = 8;
    expectInvalid(buildProfile("ok", other_dim, {}), "/refs/track_3.wav: embedding");
    auto short_segment = refs;
    short_segment[4].embedding.segments[2].values.pop_back();
    expectInvalid(buildProfile("ok", short_segment, {}), "/refs/track_4.wav: segment 2");
    auto nan_segment = refs;
    nan_segment[5].embedding.segments[0].values[3] = std::nanf("");
    expectInvalid(buildProfile("ok", nan_segment, {}), "non-finite");
    BuildOptions bad;
    bad.segments_per_track = 0;
    expectInvalid(buildProfile("ok", refs, bad), "segments_per_track");
}

TEST_CASE("a profile of rendered synth tracks", "[profile][builder][synth]") {
    // Three short renders (32 bars, ~1 s each to render and analyse): real
    // feature maps, sections and energy series through the whole builder.
    std::vector<Reference> refs;
    const core::TranceStyle styles[] = {core::TranceStyle::kUplifting, core::TranceStyle::kTech,
                                        core::TranceStyle::kPsy};
    for (int i = 0; i < 3; ++i) {
        const auto params =
            core::randomParams(styles[i], 500 + static_cast<std::uint64_t>(i), 0.75, {});
        auto track = core::renderTrack(params);
        REQUIRE(track.isOk());
        auto features = core::extractFeatures(track->mix, core::ExtractOptions{2});
        REQUIRE(features.isOk());
        Reference r;
        r.analysis.content_hash = "synth-" + std::to_string(i);
        r.analysis.path = "synth_" + std::to_string(i) + ".wav";
        r.analysis.format.sample_rate_hz = 44100.0;
        r.analysis.rms_dbfs = features->values.at("rms_dbfs");
        r.analysis.peak_dbfs = features->values.at("sample_peak_dbfs");
        r.analysis.features = std::move(features).value();
        r.embedding = test::syntheticEmbedding(test::randomCentre(16, 3.0, 70 + i), 8, 0.3, 0.3,
                                               90 + static_cast<std::uint64_t>(i));
        refs.push_back(std::move(r));
    }
    auto built = buildProfile("synth", refs, fastOptions(2));
    REQUIRE(built.isOk());
    std::map<std::string, const FeatureStats*> by_name;
    for (const auto& s : built->stats) {
        by_name[s.name] = &s;
    }
    REQUIRE(by_name.count("tempo_bpm"));
    CHECK(by_name.at("tempo_bpm")->count == 3);
    CHECK(by_name.at("tempo_bpm")->weight_basis == "style_spread");
    CHECK(by_name.count("arrangement.section_count"));
    CHECK(by_name.count("arrangement.energy_curve.00"));
    CHECK(by_name.count("mode"));
    CHECK(built->clusters.size() == 1); // three references: never split
    CHECK(hasIssue(*built, "too_few_references"));
}

TEST_CASE("append: the previous space's standardisation is kept and its head warm-starts",
          "[profile][builder]") {
    auto refs = test::syntheticReferences(15, 3, false, 21);
    auto options = fastOptions(5);
    options.trainer = test::randomHeadTrainer(std::make_shared<test::TrainerLog>());
    auto first = buildProfile("append", refs, options);
    REQUIRE(first.isOk());
    REQUIRE(first->space.hasHeadWeights());

    auto more = test::syntheticReferences(18, 3, false, 22);
    bool warm = false;
    auto inner = options.trainer;
    options.trainer = [&](const TrainingSet& set, const core::CancellationToken& c,
                          const core::ProgressFn& p) -> core::Result<TrainedHead> {
        warm = set.initial_head.w1 == first->space.head.w1;
        return inner(set, c, p);
    };
    options.previous = &*first;
    auto second = buildProfile("append", more, options);
    REQUIRE(second.isOk());
    CHECK(warm);
    CHECK(second->space.mean == first->space.mean);
    CHECK(second->space.std == first->space.std);

    // Without a previous space the standardisation is fitted on the new set.
    options.previous = nullptr;
    auto scratch = buildProfile("append", more, options);
    REQUIRE(scratch.isOk());
    CHECK(scratch->space.mean != first->space.mean);
}

// A labelled 15-reference profile (random head) and the same references
// plus one appended track (unlabelled, or with the first reference's label),
// ready for an append build with `options.previous` set.
struct LabelledAppend {
    std::vector<Reference> refs, more;
    std::shared_ptr<test::TrainerLog> log = std::make_shared<test::TrainerLog>();
    BuildOptions options = fastOptions(5);
    Profile first;
};

LabelledAppend labelledAppend(std::uint64_t extra_seed, bool labelled_extra) {
    LabelledAppend a;
    a.refs = test::syntheticReferences(15, 3, true, 31);
    a.options.trainer = test::randomHeadTrainer(a.log);
    auto first = buildProfile("append", a.refs, a.options);
    REQUIRE(first.isOk());
    a.first = std::move(*first);
    auto extra = test::syntheticReferences(1, 1, false, extra_seed);
    extra.front().analysis.content_hash = "appended";
    if (labelled_extra) {
        extra.front().label = a.refs.front().label;
    }
    a.more = a.refs;
    a.more.push_back(extra.front());
    a.options.previous = &a.first;
    return a;
}

TEST_CASE("append: an unlabelled track on a labelled profile keeps the head and the members' "
          "embeddings; statistics equal a build from scratch",
          "[profile][builder]") {
    auto a = labelledAppend(32, false);
    auto& [refs, more, log, options, first_profile] = a;
    const Profile* first = &first_profile;
    REQUIRE(first->head_training.classes == "labels");
    REQUIRE(log->calls == 1);

    auto appended = buildProfile("append", more, options);
    REQUIRE(appended.isOk());
    CHECK(log->calls == 1); // no labelled row added: the head is not trained
    CHECK(appended->space.head.w1 == first->space.head.w1);
    CHECK(appended->head_training.classes == "labels");
    REQUIRE(appended->members.size() == 16);
    for (std::size_t i = 0; i < first->members.size(); ++i) {
        CHECK(appended->members[i].embedding == first->members[i].embedding);
    }
    // The new member is embedded in the kept space, as a from-scratch embedding would be.
    auto expected = embedTrackInSpace(appended->space, more.back().embedding);
    REQUIRE(expected.isOk());
    CHECK(appended->members.back().embedding == *expected);

    // Statistics do not depend on the head: exactly those of a build from scratch.
    options.previous = nullptr;
    auto scratch = buildProfile("append", more, options);
    REQUIRE(scratch.isOk());
    CHECK(log->calls == 2);
    REQUIRE(scratch->stats.size() == appended->stats.size());
    for (std::size_t i = 0; i < scratch->stats.size(); ++i) {
        CHECK(scratch->stats[i].median == appended->stats[i].median);
        CHECK(scratch->stats[i].median_ci_low == appended->stats[i].median_ci_low);
        CHECK(scratch->stats[i].median_ci_high == appended->stats[i].median_ci_high);
        CHECK(scratch->stats[i].p90 == appended->stats[i].p90);
        CHECK(scratch->stats[i].weight == appended->stats[i].weight);
    }
    CHECK(scratch->section_stats.size() == appended->section_stats.size());
}

TEST_CASE("append: a labelled track is a training row; the trainer is told its class",
          "[profile][builder]") {
    auto a = labelledAppend(33, true);
    auto& [refs, more, log, options, first_profile] = a;
    const Profile* first = &first_profile;
    REQUIRE(log->last.appended_classes.empty()); // from scratch

    auto appended = buildProfile("append", more, options);
    REQUIRE(appended.isOk());
    REQUIRE(log->calls == 2);
    CHECK(log->last.initial_head.w1 == first->space.head.w1);
    REQUIRE(log->last.appended_classes.size() == 1);
    // The appended track's class is its label's, shared with the first reference.
    CHECK(log->last.appended_classes.front() == log->last.class_id.front());
    CHECK(appended->head_training.classes == "labels");
}

TEST_CASE("per-stem statistics come from the references that have the stem",
          "[profile][builder][stems]") {
    auto refs = test::syntheticReferences(12, 3, false, 9);
    test::addSyntheticStems(refs, 8); // bass on refs 0, 2, 4, 6; other on refs 0..7
    BuildOptions options;
    options.seed = 3;
    options.bootstrap_resamples = 100;
    auto p = buildProfile("stems", refs, options);
    REQUIRE(p.isOk());
    REQUIRE(p->stem_stats.size() == 2);
    auto find = [](const std::vector<FeatureStats>& list, const std::string& name) {
        const FeatureStats* out = nullptr;
        for (const auto& s : list) {
            if (s.name == name) {
                out = &s;
            }
        }
        return out;
    };
    const auto* bass = find(p->stem_stats.at("bass"), "tonal_balance_low_mid_db");
    REQUIRE(bass != nullptr);
    CHECK(bass->count == 4);
    // values -10, -9.5, -9, -8.5: type-7 median -9.25 (exact in binary)
    CHECK(bass->median == -9.25);
    CHECK(bass->unit == "dB");
    CHECK(bass->weight >= 0.0);
    CHECK(bass->weight <= 1.0);
    CHECK_FALSE(bass->weight_basis.empty());
    const auto* other = find(p->stem_stats.at("other"), "sidechain_depth_db");
    REQUIRE(other != nullptr);
    CHECK(other->count == 8);
    for (const auto& [stem, list] : p->stem_stats) {
        for (const auto& s : list) {
            CHECK(s.name.rfind("arrangement.", 0) != 0); // the arrangement is the mix's
        }
    }
    REQUIRE(p->stem_section_stats.count("bass") == 1);
    const auto& drop = p->stem_section_stats.at("bass").at("drop");
    const auto* drop_low_mid = find(drop, "tonal_balance_low_mid_db");
    REQUIRE(drop_low_mid != nullptr);
    CHECK(drop_low_mid->count == 4);
    CHECK(drop_low_mid->median == -10.25);
    // Clusters carry their members' section statistics, and the stem
    // statistics of the members that have each stem.
    int other_total = 0;
    for (const auto& c : p->clusters) {
        CHECK_FALSE(c.section_stats.empty());
        int with_other = 0, with_bass = 0;
        for (const auto& hash : c.member_hashes) {
            for (std::size_t i = 0; i < refs.size(); ++i) {
                if (refs[i].analysis.content_hash == hash) {
                    with_other += refs[i].analysis.stems.stems.count("other") > 0 ? 1 : 0;
                    with_bass += refs[i].analysis.stems.stems.count("bass") > 0 ? 1 : 0;
                }
            }
        }
        other_total += with_other;
        CHECK(c.stem_stats.count("other") == (with_other > 0 ? 1u : 0u));
        CHECK(c.stem_stats.count("bass") == (with_bass > 0 ? 1u : 0u));
        if (with_other > 0) {
            const auto* depth = find(c.stem_stats.at("other"), "sidechain_depth_db");
            REQUIRE(depth != nullptr);
            CHECK(depth->count == with_other);
            REQUIRE(c.stem_section_stats.count("other") == 1);
            const auto* drop_other =
                find(c.stem_section_stats.at("other").at("drop"), "tonal_balance_low_mid_db");
            REQUIRE(drop_other != nullptr);
            CHECK(drop_other->count == with_other);
            CHECK_FALSE(drop_other->weight_basis.empty());
        }
    }
    CHECK(other_total == 8);
    // Without stems: none.
    auto plain = buildProfile("plain", test::syntheticReferences(6, 2, false, 9), options);
    REQUIRE(plain.isOk());
    CHECK(plain->stem_stats.empty());
    CHECK(plain->stem_section_stats.empty());
    for (const auto& c : plain->clusters) {
        CHECK(c.stem_stats.empty());
        CHECK(c.stem_section_stats.empty());
    }
}
