// The validator: every code fires on a crafted input and stays quiet on a clean one.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/profile/clustering.hpp"
#include "core/profile/validator.hpp"
#include "unit/profile/profile_fixtures.hpp"

using namespace styledna;
using namespace styledna::profile;

namespace {

std::vector<Reference> cleanRefs(int n) {
    std::vector<Reference> refs;
    for (int i = 0; i < n; ++i) {
        Reference r;
        r.analysis = test::syntheticAnalysis(i, {});
        refs.push_back(std::move(r));
    }
    return refs;
}

std::vector<const ValidationIssue*> withCode(const std::vector<ValidationIssue>& issues,
                                             const std::string& code) {
    std::vector<const ValidationIssue*> out;
    for (const auto& i : issues) {
        if (i.code == code) {
            out.push_back(&i);
        }
    }
    return out;
}

// Members of `refs` in one cluster per blob (rows from blobRows), with its centroid.
void clusterMembers(const std::vector<Reference>& refs, const UnitRows& rows,
                    const std::vector<int>& assignment, int k, std::vector<Member>& members,
                    std::vector<Cluster>& clusters) {
    members.clear();
    clusters.assign(static_cast<std::size_t>(k), {});
    for (std::size_t i = 0; i < rows.size(); ++i) {
        Member m;
        m.content_hash = refs[i].analysis.content_hash;
        m.path = refs[i].analysis.path;
        m.cluster = assignment[i];
        m.embedding = rows[i];
        members.push_back(m);
    }
    for (int c = 0; c < k; ++c) {
        std::vector<int> idx;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (assignment[i] == c) {
                idx.push_back(static_cast<int>(i));
            }
        }
        clusters[static_cast<std::size_t>(c)].id = c;
        clusters[static_cast<std::size_t>(c)].label = std::string("c").append(std::to_string(c));
        clusters[static_cast<std::size_t>(c)].centroid = normalisedMean(rows, idx);
    }
}

} // namespace

TEST_CASE("validator: a clean set raises nothing", "[profile][validator]") {
    const auto refs = cleanRefs(12);
    std::vector<int> truth;
    const auto rows = test::blobRows(16, 2, 6, 0.05, 3, truth);
    std::vector<Member> members;
    std::vector<Cluster> clusters;
    clusterMembers(refs, rows, truth, 2, members, clusters);
    const auto issues = validateReferences(refs, members, clusters);
    for (const auto& i : issues) {
        UNSCOPED_INFO(i.code << ": " << i.message);
    }
    CHECK(issues.empty());
}

TEST_CASE("validator: too few references", "[profile][validator]") {
    const auto issues = validateReferences(cleanRefs(9), {}, {});
    const auto few = withCode(issues, "too_few_references");
    REQUIRE(few.size() == 1);
    CHECK(few[0]->severity == "warning");
    CHECK(few[0]->message.find("9 distinct") != std::string::npos);
    const auto ten = validateReferences(cleanRefs(10), {}, {});
    CHECK(withCode(ten, "too_few_references").empty());
}

TEST_CASE("validator: duplicates by content hash name both paths", "[profile][validator]") {
    auto refs = cleanRefs(11);
    refs[7].analysis.content_hash = refs[2].analysis.content_hash;
    const auto issues = validateReferences(refs, {}, {});
    const auto dup = withCode(issues, "duplicate");
    REQUIRE(dup.size() == 1);
    CHECK(dup[0]->path == refs[7].analysis.path);
    CHECK(dup[0]->message.find(refs[2].analysis.path) != std::string::npos);
    // 10 distinct references: still enough.
    CHECK(withCode(issues, "too_few_references").empty());
    auto eleven = cleanRefs(11);
    eleven[10].analysis.content_hash = eleven[0].analysis.content_hash;
    eleven[9].analysis.content_hash = eleven[0].analysis.content_hash;
    const auto nine_distinct = validateReferences(eleven, {}, {});
    CHECK(withCode(nine_distinct, "too_few_references").size() == 1);
}

TEST_CASE("validator: mixed sample rates name the odd ones", "[profile][validator]") {
    auto refs = cleanRefs(12);
    refs[4].analysis.format.sample_rate_hz = 48000;
    refs[9].analysis.format.sample_rate_hz = 96000;
    const auto issues = validateReferences(refs, {}, {});
    const auto mixed = withCode(issues, "mixed_sample_rates");
    REQUIRE(mixed.size() == 2);
    CHECK(mixed[0]->path == refs[4].analysis.path);
    CHECK(mixed[1]->path == refs[9].analysis.path);
    CHECK(mixed[0]->message.find("44100") != std::string::npos);
}

TEST_CASE("validator: clipped and silent references", "[profile][validator]") {
    auto refs = cleanRefs(12);
    refs[1].analysis.features.values["sample_peak_dbfs"] = -0.0003; // PCM16 top code
    refs[2].analysis.features.values["true_peak_dbtp"] = 0.4;       // inter-sample overs
    refs[3].analysis.features.values["true_peak_dbtp"] = -0.05;     // hot but not over
    refs[3].analysis.features.values["sample_peak_dbfs"] = -0.2;
    refs[5].analysis.rms_dbfs = -72.0;
    refs[5].analysis.features.values["rms_dbfs"] = -72.0;
    const auto issues = validateReferences(refs, {}, {});
    const auto clipped = withCode(issues, "clipped");
    REQUIRE(clipped.size() == 1);
    CHECK(clipped[0]->path == refs[1].analysis.path);
    const auto overs = withCode(issues, "true_peak_over");
    REQUIRE(overs.size() == 1);
    CHECK(overs[0]->path == refs[2].analysis.path);
    CHECK(overs[0]->severity == "info");
    CHECK(overs[0]->message.find("dBTP") != std::string::npos);
    const auto silent = withCode(issues, "silent");
    REQUIRE(silent.size() == 1);
    CHECK(silent[0]->path == refs[5].analysis.path);
    CHECK(silent[0]->severity == "error");
}

TEST_CASE("validator: outliers are far from every centroid", "[profile][validator]") {
    const auto refs = cleanRefs(14);
    std::vector<int> truth;
    auto rows = test::blobRows(16, 2, 6, 0.05, 8, truth);
    // Row 12: a direction of its own; row 13: between the blobs' pull, but
    // inside blob 1 (a copy of a blob-1 row), so not an outlier.
    rows.push_back(test::randomCentre(16, 1.0, 999));
    truth.push_back(0);
    rows.push_back(rows[7]);
    truth.push_back(0); // assigned to cluster 0, yet close to cluster 1's centroid
    std::vector<Member> members;
    std::vector<Cluster> clusters;
    clusterMembers(refs, rows, truth, 2, members, clusters);
    const auto thresholds = outlierThresholds(members, clusters);
    REQUIRE(thresholds.size() == 2);
    const auto issues = validateReferences(refs, members, clusters);
    const auto outliers = withCode(issues, "outlier");
    REQUIRE(outliers.size() == 1);
    CHECK(outliers[0]->path == refs[12].analysis.path);
    CHECK(outliers[0]->severity == "warning");
    // Below five members nothing is called an outlier.
    members.resize(4);
    CHECK(outlierThresholds(members, clusters).empty());
}
