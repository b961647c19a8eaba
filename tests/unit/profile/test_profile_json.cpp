// Profile JSON: bit-exact round trip and every import check.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "core/profile/json_fields.hpp"
#include "core/profile/profile_json.hpp"
#include "unit/profile/profile_trainers.hpp"

using namespace styledna;
using namespace styledna::profile;
using nlohmann::json;

namespace {

const Profile& builtProfile() {
    static const Profile p = [] {
        auto refs = test::syntheticReferences(12, 3, false, 5);
        test::addSyntheticStems(refs, 8); // the first 8 references have stems
        BuildOptions options;
        options.seed = 77;
        options.bootstrap_resamples = 200;
        options.trainer = test::randomHeadTrainer(std::make_shared<test::TrainerLog>());
        auto built = buildProfile("my-trance_v1.0", refs, options);
        REQUIRE(built.isOk());
        Profile out = std::move(built).value();
        out.created_at = "2024-05-01T12:00:00Z";
        out.updated_at = "2024-05-02T08:30:00Z";
        return out;
    }();
    return p;
}

bool sameBits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}
bool sameBits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() &&
           (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

void requireSameStats(const std::vector<FeatureStats>& a, const std::vector<FeatureStats>& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        INFO(a[i].name);
        CHECK(a[i].name == b[i].name);
        CHECK(a[i].unit == b[i].unit);
        CHECK(a[i].categorical == b[i].categorical);
        CHECK(a[i].count == b[i].count);
        CHECK(a[i].distribution == b[i].distribution);
        CHECK(a[i].weight_basis == b[i].weight_basis);
        for (auto field :
             {&FeatureStats::mean, &FeatureStats::std, &FeatureStats::median, &FeatureStats::p5,
              &FeatureStats::p10, &FeatureStats::p25, &FeatureStats::p75, &FeatureStats::p90,
              &FeatureStats::p95, &FeatureStats::median_ci_low, &FeatureStats::median_ci_high,
              &FeatureStats::range_low, &FeatureStats::range_high, &FeatureStats::weight}) {
            CHECK(sameBits(a[i].*field, b[i].*field));
        }
    }
}

void requireSameStemStats(
    const std::map<std::string, std::vector<FeatureStats>>& a_whole,
    const std::map<std::string, std::map<std::string, std::vector<FeatureStats>>>& a_sections,
    const std::map<std::string, std::vector<FeatureStats>>& b_whole,
    const std::map<std::string, std::map<std::string, std::vector<FeatureStats>>>& b_sections) {
    REQUIRE(a_whole.size() == b_whole.size());
    for (const auto& [stem, list] : a_whole) {
        requireSameStats(list, b_whole.at(stem));
    }
    REQUIRE(a_sections.size() == b_sections.size());
    for (const auto& [stem, by_label] : a_sections) {
        REQUIRE(by_label.size() == b_sections.at(stem).size());
        for (const auto& [label, list] : by_label) {
            requireSameStats(list, b_sections.at(stem).at(label));
        }
    }
}

void requireSameProfile(const Profile& a, const Profile& b) {
    CHECK(a.name == b.name);
    CHECK(a.created_at == b.created_at);
    CHECK(a.updated_at == b.updated_at);
    CHECK(a.seed == b.seed);
    requireSameStats(a.stats, b.stats);
    REQUIRE(a.section_stats.size() == b.section_stats.size());
    for (const auto& [label, list] : a.section_stats) {
        requireSameStats(list, b.section_stats.at(label));
    }
    REQUIRE(a.clusters.size() == b.clusters.size());
    for (std::size_t c = 0; c < a.clusters.size(); ++c) {
        CHECK(a.clusters[c].id == b.clusters[c].id);
        CHECK(a.clusters[c].label == b.clusters[c].label);
        CHECK(a.clusters[c].member_hashes == b.clusters[c].member_hashes);
        CHECK(sameBits(a.clusters[c].centroid, b.clusters[c].centroid));
        CHECK(sameBits(a.clusters[c].variance, b.clusters[c].variance));
        requireSameStats(a.clusters[c].stats, b.clusters[c].stats);
        REQUIRE(a.clusters[c].section_stats.size() == b.clusters[c].section_stats.size());
        for (const auto& [label, list] : a.clusters[c].section_stats) {
            requireSameStats(list, b.clusters[c].section_stats.at(label));
        }
        requireSameStemStats(a.clusters[c].stem_stats, a.clusters[c].stem_section_stats,
                             b.clusters[c].stem_stats, b.clusters[c].stem_section_stats);
    }
    requireSameStemStats(a.stem_stats, a.stem_section_stats, b.stem_stats, b.stem_section_stats);
    CHECK(sameBits(a.cluster_silhouette, b.cluster_silhouette));
    REQUIRE(a.validation.size() == b.validation.size());
    for (std::size_t i = 0; i < a.validation.size(); ++i) {
        CHECK(a.validation[i].severity == b.validation[i].severity);
        CHECK(a.validation[i].code == b.validation[i].code);
        CHECK(a.validation[i].message == b.validation[i].message);
        CHECK(a.validation[i].path == b.validation[i].path);
    }
    REQUIRE(a.members.size() == b.members.size());
    for (std::size_t i = 0; i < a.members.size(); ++i) {
        CHECK(a.members[i].content_hash == b.members[i].content_hash);
        CHECK(a.members[i].path == b.members[i].path);
        CHECK(a.members[i].label == b.members[i].label);
        CHECK(a.members[i].cluster == b.members[i].cluster);
        CHECK(sameBits(a.members[i].sample_rate_hz, b.members[i].sample_rate_hz));
        CHECK(sameBits(a.members[i].embedding, b.members[i].embedding));
    }
    CHECK(a.space.backbone == b.space.backbone);
    CHECK(a.space.backbone_dim == b.space.backbone_dim);
    CHECK(sameBits(a.space.mean, b.space.mean));
    CHECK(sameBits(a.space.std, b.space.std));
    CHECK(sameBits(a.space.weight, b.space.weight));
    const auto &ha = a.space.head, &hb = b.space.head;
    CHECK(ha.input_dim == hb.input_dim);
    CHECK(ha.hidden_dim == hb.hidden_dim);
    CHECK(ha.output_dim == hb.output_dim);
    CHECK(sameBits(ha.w1, hb.w1));
    CHECK(sameBits(ha.b1, hb.b1));
    CHECK(sameBits(ha.ln_gamma, hb.ln_gamma));
    CHECK(sameBits(ha.ln_beta, hb.ln_beta));
    CHECK(sameBits(ha.w2, hb.w2));
    CHECK(sameBits(ha.b2, hb.b2));
}

// Imports `doc` and expects an invalidArgument whose message contains `needle`.
void expectImportError(const json& doc, const std::string& needle) {
    auto r = profileFromJson(doc);
    INFO("expected an error containing: " << needle);
    REQUIRE_FALSE(r.isOk());
    CHECK(r.status().code() == core::StatusCode::kInvalidArgument);
    INFO("got: " << r.status().message());
    CHECK(r.status().message().find(needle) != std::string::npos);
}

} // namespace

TEST_CASE("float arrays survive base64 bit for bit", "[profile][json]") {
    const std::vector<float> v{0.0f,
                               -0.0f,
                               1.0f / 3.0f,
                               std::numeric_limits<float>::denorm_min(),
                               std::numeric_limits<float>::max(),
                               std::numeric_limits<float>::infinity(),
                               std::numeric_limits<float>::quiet_NaN()};
    for (std::size_t n = 0; n <= v.size(); ++n) { // every padding length
        const std::vector<float> part(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
        const auto back = decodeFloats(encodeFloats(part));
        REQUIRE(back.has_value());
        CHECK(sameBits(*back, part));
    }
    CHECK(encodeFloats({1.0f}) == "AACAPw=="); // 0x3f800000 little-endian
    CHECK_FALSE(decodeFloats("AACAPw=").has_value());
    CHECK_FALSE(decodeFloats("AAC*Pw==").has_value());
    CHECK_FALSE(decodeFloats("AACA").has_value()); // 3 bytes: not a float
    CHECK_FALSE(decodeFloats("AA=APw==").has_value());
}

TEST_CASE("profile JSON round trip is bit-exact", "[profile][json]") {
    const Profile& p = builtProfile();
    REQUIRE(p.space.hasHeadWeights());
    REQUIRE_FALSE(p.stats.empty());
    REQUIRE_FALSE(p.section_stats.empty());
    const json doc = profileToJson(p, true);
    CHECK(doc["format"] == "styledna-profile");
    CHECK(doc["version"] == kProfileFormatVersion);

    auto direct = profileFromJson(doc);
    REQUIRE(direct.isOk());
    requireSameProfile(p, *direct);

    // Through text, as the store and export do.
    auto parsed = profileFromJson(json::parse(doc.dump()));
    INFO((parsed.isOk() ? "" : parsed.status().message()));
    REQUIRE(parsed.isOk());
    requireSameProfile(p, *parsed);
    CHECK(profileToJson(*parsed, true).dump() == doc.dump());
}

TEST_CASE("profile JSON: stem and cluster section statistics are optional keys",
          "[profile][json]") {
    const Profile& p = builtProfile();
    REQUIRE_FALSE(p.stem_stats.empty());
    REQUIRE_FALSE(p.stem_section_stats.empty());
    REQUIRE_FALSE(p.clusters.front().section_stats.empty());
    bool cluster_stems = false;
    for (const auto& c : p.clusters) {
        cluster_stems = cluster_stems || !c.stem_stats.empty();
    }
    REQUIRE(cluster_stems);
    json doc = profileToJson(p, true);
    REQUIRE(doc.contains("stem_stats"));
    REQUIRE(doc.contains("stem_section_stats"));

    // A version 2 document written before them still reads, without them.
    json old = doc;
    old.erase("stem_stats");
    old.erase("stem_section_stats");
    for (auto& c : old["clusters"]) {
        c.erase("section_stats");
        c.erase("stem_stats");
        c.erase("stem_section_stats");
    }
    auto r = profileFromJson(old);
    REQUIRE(r.isOk());
    CHECK(r->stem_stats.empty());
    CHECK(r->stem_section_stats.empty());
    for (const auto& c : r->clusters) {
        CHECK(c.section_stats.empty());
        CHECK(c.stem_stats.empty());
        CHECK(c.stem_section_stats.empty());
    }
    const json rewritten = profileToJson(*r, true);
    CHECK_FALSE(rewritten.contains("stem_stats"));
    for (const auto& c : rewritten["clusters"]) {
        CHECK_FALSE(c.contains("stem_stats"));
        CHECK_FALSE(c.contains("stem_section_stats"));
    }

    json bad = doc;
    bad["stem_stats"] = 3;
    expectImportError(bad, "stem_stats");
    bad = doc;
    bad["stem_section_stats"]["bass"] = json::array();
    expectImportError(bad, "stem_section_stats.bass");
    bad = doc;
    bad["clusters"][0]["section_stats"]["drop"] = "x";
    expectImportError(bad, "section_stats.drop");
    bad = doc;
    bad["clusters"][0]["stem_stats"] = json::array();
    expectImportError(bad, "clusters[0].stem_stats");
    bad = doc;
    bad["clusters"][0]["stem_section_stats"]["bass"]["drop"] = 1;
    expectImportError(bad, "clusters[0].stem_section_stats.bass.drop");
}

TEST_CASE("profile JSON without the head keeps its dims, not its weights", "[profile][json]") {
    const Profile& p = builtProfile();
    const json doc = profileToJson(p, false);
    CHECK(doc["space"]["head"]["weights_included"] == false);
    CHECK_FALSE(doc["space"]["head"].contains("w1"));
    auto back = profileFromJson(json::parse(doc.dump()));
    REQUIRE(back.isOk());
    CHECK(back->space.dim() == p.space.dim());
    CHECK_FALSE(back->space.hasHeadWeights());
    CHECK(sameBits(back->members[0].embedding, p.members[0].embedding));
    auto embedded = embedInSpace(back->space, std::vector<float>(16, 0.5f));
    REQUIRE_FALSE(embedded.isOk());
    CHECK(embedded.status().code() == core::StatusCode::kFailedPrecondition);
}

TEST_CASE("profile JSON import rejects what it cannot trust", "[profile][json]") {
    const json good = profileToJson(builtProfile(), true);
    REQUIRE(profileFromJson(good).isOk());
    const auto mutated = [&good](auto change) {
        json doc = good;
        change(doc);
        return doc;
    };

    SECTION("format and version") {
        expectImportError(json::array(), "document: must be an object");
        expectImportError(mutated([](json& d) { d["format"] = "other"; }), "format");
        expectImportError(mutated([](json& d) { d["version"] = 3; }),
                          "version: 3 is not supported");
        // Version 1 had no space.weight (and a descriptor-v1 space).
        expectImportError(mutated([](json& d) { d["version"] = 1; }),
                          "version: 1 is not supported");
        expectImportError(mutated([](json& d) { d["version"] = "2"; }),
                          "version: must be an integer");
    }
    SECTION("missing fields name their path") {
        expectImportError(mutated([](json& d) { d.erase("members"); }), "members: missing field");
        expectImportError(mutated([](json& d) { d["stats"][0].erase("median"); }),
                          "stats[0].median: missing field");
        expectImportError(mutated([](json& d) { d["space"].erase("head"); }),
                          "space.head: missing field");
        expectImportError(mutated([](json& d) { d["clusters"][0].erase("centroid"); }),
                          "clusters[0].centroid: missing field");
    }
    SECTION("NaN and infinity") {
        expectImportError(mutated([](json& d) {
                              d["stats"][0]["mean"] = std::numeric_limits<double>::quiet_NaN();
                          }),
                          "stats[0].mean: must be finite");
        expectImportError(mutated([](json& d) {
                              d["cluster_silhouette"] = std::numeric_limits<double>::infinity();
                          }),
                          "cluster_silhouette: must be finite");
        const int dim = good["space"]["head"]["output_dim"].get<int>();
        std::vector<float> bad(static_cast<std::size_t>(dim), 0.5f);
        bad[1] = std::numeric_limits<float>::infinity();
        expectImportError(
            mutated([&](json& d) { d["members"][2]["embedding"] = encodeFloats(bad); }),
            "members[2].embedding: value 1 is not finite");
    }
    SECTION("sizes inconsistent with the dims") {
        expectImportError(mutated([](json& d) {
                              d["members"][0]["embedding"] = encodeFloats({1.0f, 0.0f, 0.0f});
                          }),
                          "members[0].embedding: 3 floats, expected 4");
        expectImportError(mutated([](json& d) {
                              d["space"]["mean"] = encodeFloats(std::vector<float>(15, 0.f));
                          }),
                          "space.mean: 15 floats, expected 16");
        expectImportError(mutated([](json& d) { d["space"]["head"]["w1"] = encodeFloats({1.0f}); }),
                          "space.head.w1: 1 floats, expected 128");
        expectImportError(mutated([](json& d) { d["space"]["head"]["input_dim"] = 15; }),
                          "space.head.input_dim: 15, expected backbone_dim 16");
        expectImportError(mutated([](json& d) { d["space"]["backbone_dim"] = 0; }),
                          "space.backbone_dim");
        expectImportError(mutated([](json& d) {
                              d["space"]["std"] = encodeFloats(std::vector<float>(16, 0.0f));
                          }),
                          "space.std: value 0 is not > 0");
        expectImportError(mutated([](json& d) { d["clusters"][0]["centroid"] = "!!!!"; }),
                          "clusters[0].centroid: not a base64 float32 array");
    }
    SECTION("members and clusters agree") {
        expectImportError(mutated([](json& d) {
                              d["members"][3]["content_hash"] = d["members"][1]["content_hash"];
                          }),
                          "members[3].content_hash: duplicate member hash");
        expectImportError(mutated([](json& d) { d["members"][0]["content_hash"] = ""; }),
                          "members[0].content_hash: must not be empty");
        expectImportError(mutated([](json& d) { d["members"][0]["cluster"] = 99; }),
                          "members[0].cluster: 99 is not -1 or a cluster index");
        expectImportError(mutated([](json& d) { d["clusters"][0]["id"] = 5; }),
                          "clusters[0].id: 5, expected its index 0");
        expectImportError(
            mutated([](json& d) { d["clusters"][0]["member_hashes"].push_back("x"); }),
            "clusters[0].member_hashes: names x");
    }
    SECTION("names, weights, counts, severities") {
        expectImportError(mutated([](json& d) { d["name"] = "bad name!"; }), "name: \"bad name!\"");
        expectImportError(mutated([](json& d) { d["name"] = ""; }), "name: \"\"");
        expectImportError(mutated([](json& d) { d["name"] = std::string(65, 'a'); }), "name:");
        expectImportError(mutated([](json& d) { d["stats"][1]["weight"] = 1.5; }),
                          "stats[1].weight: must be within [0, 1]");
        expectImportError(mutated([](json& d) { d["stats"][1]["count"] = -1; }),
                          "stats[1].count: must be >= 0");
        expectImportError(mutated([](json& d) { d["seed"] = -3; }),
                          "seed: must be a non-negative integer");
        expectImportError(
            mutated([](json& d) {
                d["validation"] = json::array(
                    {{{"severity", "fatal"}, {"code", "x"}, {"message", "m"}, {"path", ""}}});
            }),
            "validation[0].severity: \"fatal\"");
        expectImportError(mutated([](json& d) { d["stats"].push_back(d["stats"][0]); }),
                          "duplicate feature");
    }
    SECTION("categorical distribution must sum to its count") {
        json doc = good;
        bool changed = false;
        for (auto& s : doc["stats"]) {
            if (s["categorical"].get<bool>()) {
                s["count"] = s["count"].get<int>() + 1;
                changed = true;
                break;
            }
        }
        REQUIRE(changed);
        expectImportError(doc, "distribution: counts sum to");
    }
}

// Writes the fuzzer's seed documents (tests/fuzz/profile_seeds): run
//   test_profile "[.seeds]" with STYLEDNA_FUZZ_SEED_DIR set.
TEST_CASE("write profile fuzz seeds", "[.seeds]") {
    const char* dir = std::getenv("STYLEDNA_FUZZ_SEED_DIR");
    REQUIRE(dir != nullptr);
    const auto refs = test::syntheticReferences(6, 2, true, 77, 4, 3);
    BuildOptions options;
    options.seed = 1;
    options.bootstrap_resamples = 50;
    auto p = buildProfile("seed", refs, options);
    REQUIRE(p.isOk());
    std::ofstream(std::string(dir) + "/small.json") << profileToJson(*p, true).dump();
}
