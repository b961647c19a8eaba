#include "core/profile/profile_json.hpp"

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "core/profile/json_fields.hpp"

namespace styledna::profile {

namespace {

using nlohmann::json;

// ---- writing ----------------------------------------------------------------

json statsToJson(const FeatureStats& s) {
    json distribution = json::object();
    for (const auto& [value, n] : s.distribution) {
        distribution[value] = n;
    }
    return {{"name", s.name},
            {"unit", s.unit},
            {"categorical", s.categorical},
            {"count", s.count},
            {"mean", s.mean},
            {"std", s.std},
            {"median", s.median},
            {"p5", s.p5},
            {"p10", s.p10},
            {"p25", s.p25},
            {"p75", s.p75},
            {"p90", s.p90},
            {"p95", s.p95},
            {"median_ci_low", s.median_ci_low},
            {"median_ci_high", s.median_ci_high},
            {"range_low", s.range_low},
            {"range_high", s.range_high},
            {"weight", s.weight},
            {"weight_basis", s.weight_basis},
            {"distribution", distribution}};
}

json statsListToJson(const std::vector<FeatureStats>& list) {
    json out = json::array();
    for (const auto& s : list) {
        out.push_back(statsToJson(s));
    }
    return out;
}

using StatsByKey = std::map<std::string, std::vector<FeatureStats>>;
using StatsByStemAndLabel = std::map<std::string, StatsByKey>;

json statsByKeyToJson(const StatsByKey& by_key) {
    json out = json::object();
    for (const auto& [key, list] : by_key) {
        out[key] = statsListToJson(list);
    }
    return out;
}

// The optional stem keys of a profile or a cluster object, written only when
// there are stem statistics.
void addStemStatsJson(json& obj, const StatsByKey& stem_stats,
                      const StatsByStemAndLabel& stem_section_stats) {
    if (stem_stats.empty() && stem_section_stats.empty()) {
        return;
    }
    obj["stem_stats"] = statsByKeyToJson(stem_stats);
    json stem_sections = json::object();
    for (const auto& [stem, by_label] : stem_section_stats) {
        stem_sections[stem] = statsByKeyToJson(by_label);
    }
    obj["stem_section_stats"] = stem_sections;
}

json headToJson(const embed::HeadWeights& head, bool include_weights) {
    if (head.empty()) {
        return nullptr;
    }
    json out = {{"input_dim", head.input_dim},
                {"hidden_dim", head.hidden_dim},
                {"output_dim", head.output_dim},
                {"weights_included", include_weights && !head.w1.empty()}};
    if (out["weights_included"].get<bool>()) {
        out["w1"] = encodeFloats(head.w1);
        out["b1"] = encodeFloats(head.b1);
        out["ln_gamma"] = encodeFloats(head.ln_gamma);
        out["ln_beta"] = encodeFloats(head.ln_beta);
        out["w2"] = encodeFloats(head.w2);
        out["b2"] = encodeFloats(head.b2);
    }
    return out;
}

// ---- reading ----------------------------------------------------------------

FeatureStats readStats(JsonReader& r, const json& j, const std::string& where) {
    FeatureStats s;
    s.name = r.string(j, where, "name");
    s.unit = r.string(j, where, "unit");
    s.categorical = r.boolean(j, where, "categorical");
    s.count = static_cast<int>(r.integer(j, where, "count"));
    s.mean = r.number(j, where, "mean");
    s.std = r.number(j, where, "std");
    s.median = r.number(j, where, "median");
    s.p5 = r.number(j, where, "p5");
    s.p10 = r.number(j, where, "p10");
    s.p25 = r.number(j, where, "p25");
    s.p75 = r.number(j, where, "p75");
    s.p90 = r.number(j, where, "p90");
    s.p95 = r.number(j, where, "p95");
    s.median_ci_low = r.number(j, where, "median_ci_low");
    s.median_ci_high = r.number(j, where, "median_ci_high");
    s.range_low = r.number(j, where, "range_low");
    s.range_high = r.number(j, where, "range_high");
    s.weight = r.number(j, where, "weight");
    s.weight_basis = r.string(j, where, "weight_basis");
    const json* distribution = r.object(j, where, "distribution");
    if (!r.ok()) {
        return s;
    }
    if (s.name.empty()) {
        r.fail(fieldPath(where, "name"), "must not be empty");
    } else if (s.count < 0) {
        r.fail(fieldPath(where, "count"), "must be >= 0");
    } else if (!(s.weight >= 0.0 && s.weight <= 1.0)) {
        r.fail(fieldPath(where, "weight"), "must be within [0, 1]");
    }
    const std::string dwhere = fieldPath(where, "distribution");
    long long total = 0;
    for (auto it = distribution->begin(); it != distribution->end() && r.ok(); ++it) {
        const auto n = r.integer(*distribution, dwhere, it.key().c_str());
        if (n < 0) {
            r.fail(fieldPath(dwhere, it.key().c_str()), "must be >= 0");
        }
        s.distribution[it.key()] = static_cast<int>(n);
        total += n;
    }
    if (r.ok() && s.categorical && total != s.count) {
        r.fail(dwhere,
               "counts sum to " + std::to_string(total) + ", count is " + std::to_string(s.count));
    }
    return s;
}

std::vector<FeatureStats> readStatsList(JsonReader& r, const json& list, const std::string& where) {
    std::vector<FeatureStats> out;
    std::set<std::pair<std::string, bool>> names;
    for (std::size_t i = 0; i < list.size() && r.ok(); ++i) {
        out.push_back(readStats(r, list[i], indexPath(where, i)));
        if (r.ok() && !names.insert({out.back().name, out.back().categorical}).second) {
            r.fail(indexPath(where, i), "duplicate feature \"" + out.back().name + "\"");
        }
    }
    return out;
}

// {key: [FeatureStats]} at obj[name]; nothing when the key is absent.
void readOptionalStatsByKey(JsonReader& r, const json& obj, const std::string& where,
                            const char* name, StatsByKey& out) {
    if (!r.ok() || !obj.contains(name)) {
        return;
    }
    const std::string at = fieldPath(where, name);
    if (const json* by_key = r.object(obj, where, name)) {
        for (auto it = by_key->begin(); it != by_key->end() && r.ok(); ++it) {
            if (const json* list = r.array(*by_key, at, it.key().c_str())) {
                out[it.key()] = readStatsList(r, *list, fieldPath(at, it.key().c_str()));
            }
        }
    }
}

// The optional "stem_stats" and "stem_section_stats" of a profile or a cluster.
void readOptionalStemStats(JsonReader& r, const json& obj, const std::string& where,
                           StatsByKey& stem_stats, StatsByStemAndLabel& stem_section_stats) {
    readOptionalStatsByKey(r, obj, where, "stem_stats", stem_stats);
    if (!r.ok() || !obj.contains("stem_section_stats")) {
        return;
    }
    const std::string at = fieldPath(where, "stem_section_stats");
    if (const json* stems = r.object(obj, where, "stem_section_stats")) {
        for (auto it = stems->begin(); it != stems->end() && r.ok(); ++it) {
            readOptionalStatsByKey(r, *stems, at, it.key().c_str(), stem_section_stats[it.key()]);
        }
    }
}

void readSpace(JsonReader& r, const json& j, const std::string& where, EmbeddingSpace& space) {
    space.backbone = r.string(j, where, "backbone");
    space.backbone_dim = static_cast<int>(r.integer(j, where, "backbone_dim"));
    if (r.ok() && (space.backbone_dim <= 0 || space.backbone_dim > (1 << 20))) {
        r.fail(fieldPath(where, "backbone_dim"), "must be within 1 .. 1048576");
    }
    if (!r.ok()) {
        return;
    }
    const auto dim = static_cast<std::size_t>(space.backbone_dim);
    space.mean = r.floats(j, where, "mean", dim);
    space.std = r.floats(j, where, "std", dim);
    for (std::size_t i = 0; i < space.std.size() && r.ok(); ++i) {
        if (!(space.std[i] > 0.0f)) {
            r.fail(fieldPath(where, "std"), "value " + std::to_string(i) + " is not > 0");
        }
    }
    space.weight = r.floats(j, where, "weight", dim);
    for (std::size_t i = 0; i < space.weight.size() && r.ok(); ++i) {
        if (!(space.weight[i] > 0.0f) || !std::isfinite(space.weight[i])) {
            r.fail(fieldPath(where, "weight"), "value " + std::to_string(i) + " is not > 0");
        }
    }
    const json* head = r.member(j, where, "head");
    if (!r.ok() || head->is_null()) {
        return;
    }
    const std::string hwhere = fieldPath(where, "head");
    if (!head->is_object()) {
        r.fail(hwhere, "must be null or an object");
        return;
    }
    auto& h = space.head;
    h.input_dim = static_cast<int>(r.integer(*head, hwhere, "input_dim"));
    h.hidden_dim = static_cast<int>(r.integer(*head, hwhere, "hidden_dim"));
    h.output_dim = static_cast<int>(r.integer(*head, hwhere, "output_dim"));
    const bool weights = r.boolean(*head, hwhere, "weights_included");
    if (!r.ok()) {
        return;
    }
    if (h.input_dim != space.backbone_dim) {
        r.fail(fieldPath(hwhere, "input_dim"), std::to_string(h.input_dim) +
                                                   ", expected backbone_dim " +
                                                   std::to_string(space.backbone_dim));
    } else if (h.hidden_dim <= 0 || h.hidden_dim > (1 << 16)) {
        r.fail(fieldPath(hwhere, "hidden_dim"), "must be within 1 .. 65536");
    } else if (h.output_dim <= 0 || h.output_dim > (1 << 16)) {
        r.fail(fieldPath(hwhere, "output_dim"), "must be within 1 .. 65536");
    }
    if (!r.ok() || !weights) {
        return;
    }
    const auto in = static_cast<std::size_t>(h.input_dim);
    const auto hid = static_cast<std::size_t>(h.hidden_dim);
    const auto out = static_cast<std::size_t>(h.output_dim);
    h.w1 = r.floats(*head, hwhere, "w1", hid * in);
    h.b1 = r.floats(*head, hwhere, "b1", hid);
    h.ln_gamma = r.floats(*head, hwhere, "ln_gamma", hid);
    h.ln_beta = r.floats(*head, hwhere, "ln_beta", hid);
    h.w2 = r.floats(*head, hwhere, "w2", out * hid);
    h.b2 = r.floats(*head, hwhere, "b2", out);
}

void readMembers(JsonReader& r, const json& list, std::size_t dim, Profile& p) {
    std::set<std::string> hashes;
    for (std::size_t i = 0; i < list.size() && r.ok(); ++i) {
        const std::string where = indexPath("members", i);
        const json& j = list[i];
        Member m;
        m.content_hash = r.string(j, where, "content_hash");
        m.path = r.string(j, where, "path");
        m.label = r.string(j, where, "label");
        m.cluster = static_cast<int>(r.integer(j, where, "cluster"));
        m.sample_rate_hz = r.number(j, where, "sample_rate_hz");
        m.embedding = r.floats(j, where, "embedding", dim);
        if (!r.ok()) {
            break;
        }
        if (m.content_hash.empty()) {
            r.fail(fieldPath(where, "content_hash"), "must not be empty");
        } else if (!hashes.insert(m.content_hash).second) {
            r.fail(fieldPath(where, "content_hash"),
                   "duplicate member hash " + m.content_hash + " (a track appears twice)");
        } else if (m.cluster < -1 || m.cluster >= static_cast<int>(p.clusters.size())) {
            r.fail(fieldPath(where, "cluster"), std::to_string(m.cluster) +
                                                    " is not -1 or a cluster index below " +
                                                    std::to_string(p.clusters.size()));
        } else if (m.sample_rate_hz < 0) {
            r.fail(fieldPath(where, "sample_rate_hz"), "must be >= 0");
        }
        p.members.push_back(std::move(m));
    }
}

void readClusters(JsonReader& r, const json& list, std::size_t dim, Profile& p) {
    for (std::size_t i = 0; i < list.size() && r.ok(); ++i) {
        const std::string where = indexPath("clusters", i);
        const json& j = list[i];
        Cluster c;
        c.id = static_cast<int>(r.integer(j, where, "id"));
        c.label = r.string(j, where, "label");
        const json* hashes = r.array(j, where, "member_hashes");
        c.centroid = r.floats(j, where, "centroid", dim);
        c.variance = r.number(j, where, "variance");
        const json* stats = r.array(j, where, "stats");
        if (!r.ok()) {
            break;
        }
        if (c.id != static_cast<int>(i)) {
            r.fail(fieldPath(where, "id"),
                   std::to_string(c.id) + ", expected its index " + std::to_string(i));
        } else if (c.variance < 0) {
            r.fail(fieldPath(where, "variance"), "must be >= 0");
        }
        const std::string hwhere = fieldPath(where, "member_hashes");
        for (std::size_t m = 0; m < hashes->size() && r.ok(); ++m) {
            if (!(*hashes)[m].is_string()) {
                r.fail(indexPath(hwhere, m), "must be a string");
                break;
            }
            c.member_hashes.push_back((*hashes)[m].get<std::string>());
        }
        c.stats = readStatsList(r, *stats, fieldPath(where, "stats"));
        // Optional: absent in documents written before per-section and per-stem cluster stats.
        readOptionalStatsByKey(r, j, where, "section_stats", c.section_stats);
        readOptionalStemStats(r, j, where, c.stem_stats, c.stem_section_stats);
        p.clusters.push_back(std::move(c));
    }
}

// Each cluster's member_hashes must be exactly the members that name it.
void checkClusterMembership(JsonReader& r, const Profile& p) {
    for (std::size_t c = 0; c < p.clusters.size() && r.ok(); ++c) {
        std::set<std::string> expected, listed;
        for (const auto& m : p.members) {
            if (m.cluster == static_cast<int>(c)) {
                expected.insert(m.content_hash);
            }
        }
        const std::string where = fieldPath(indexPath("clusters", c), "member_hashes");
        for (const auto& h : p.clusters[c].member_hashes) {
            if (!expected.count(h)) {
                r.fail(where, "names " + h + ", which is not a member of this cluster");
                return;
            }
            if (!listed.insert(h).second) {
                r.fail(where, "names " + h + " twice");
                return;
            }
        }
        if (listed.size() != expected.size()) {
            r.fail(where, "lists " + std::to_string(listed.size()) + " members, " +
                              std::to_string(expected.size()) + " members name this cluster");
        }
    }
}

} // namespace

nlohmann::json profileToJson(const Profile& p, bool include_head) {
    json doc;
    doc["format"] = kProfileFormatName;
    doc["version"] = kProfileFormatVersion;
    doc["name"] = p.name;
    doc["created_at"] = p.created_at;
    doc["updated_at"] = p.updated_at;
    doc["seed"] = p.seed;
    doc["stats"] = statsListToJson(p.stats);
    json sections = json::object();
    for (const auto& [label, list] : p.section_stats) {
        sections[label] = statsListToJson(list);
    }
    doc["section_stats"] = sections;
    addStemStatsJson(doc, p.stem_stats, p.stem_section_stats);
    json clusters = json::array();
    for (const auto& c : p.clusters) {
        clusters.push_back({{"id", c.id},
                            {"label", c.label},
                            {"member_hashes", c.member_hashes},
                            {"centroid", encodeFloats(c.centroid)},
                            {"variance", c.variance},
                            {"stats", statsListToJson(c.stats)}});
        if (!c.section_stats.empty()) {
            clusters.back()["section_stats"] = statsByKeyToJson(c.section_stats);
        }
        addStemStatsJson(clusters.back(), c.stem_stats, c.stem_section_stats);
    }
    doc["clusters"] = clusters;
    doc["cluster_silhouette"] = p.cluster_silhouette;
    json validation = json::array();
    for (const auto& v : p.validation) {
        validation.push_back(
            {{"severity", v.severity}, {"code", v.code}, {"message", v.message}, {"path", v.path}});
    }
    doc["validation"] = validation;
    json members = json::array();
    for (const auto& m : p.members) {
        members.push_back({{"content_hash", m.content_hash},
                           {"path", m.path},
                           {"label", m.label},
                           {"cluster", m.cluster},
                           {"sample_rate_hz", m.sample_rate_hz},
                           {"embedding", encodeFloats(m.embedding)}});
    }
    doc["members"] = members;
    doc["space"] = {
        {"backbone", p.space.backbone},           {"backbone_dim", p.space.backbone_dim},
        {"mean", encodeFloats(p.space.mean)},     {"std", encodeFloats(p.space.std)},
        {"weight", encodeFloats(p.space.weight)}, {"head", headToJson(p.space.head, include_head)}};
    const auto& t = p.head_training;
    doc["head_training"] = {{"classes", t.classes},
                            {"epochs", t.epochs},
                            {"best_epoch", t.best_epoch},
                            {"train_loss", t.train_loss},
                            {"validation_loss", t.validation_loss},
                            {"validation_precision", t.validation_precision},
                            {"seconds", t.seconds},
                            {"parameters", t.parameters}};
    return doc;
}

core::Result<Profile> profileFromJson(const nlohmann::json& doc) {
    JsonReader r;
    Profile p;
    const std::string format = r.string(doc, "", "format");
    if (r.ok() && format != kProfileFormatName) {
        r.fail("format", "\"" + format + "\" is not \"" + kProfileFormatName + "\"");
    }
    const auto version = r.integer(doc, "", "version");
    if (r.ok() && version != kProfileFormatVersion) {
        r.fail("version", std::to_string(version) + " is not supported (this build reads " +
                              std::to_string(kProfileFormatVersion) + ")");
    }
    p.name = r.string(doc, "", "name");
    if (r.ok()) {
        if (auto st = validateProfileName(p.name); !st.isOk()) {
            r.fail("name", "\"" + p.name + "\": " + st.message());
        }
    }
    p.created_at = r.string(doc, "", "created_at");
    p.updated_at = r.string(doc, "", "updated_at");
    p.seed = r.unsignedInteger(doc, "", "seed");
    if (const json* stats = r.array(doc, "", "stats")) {
        p.stats = readStatsList(r, *stats, "stats");
    }
    if (const json* sections = r.object(doc, "", "section_stats")) {
        for (auto it = sections->begin(); it != sections->end() && r.ok(); ++it) {
            if (const json* list = r.array(*sections, "section_stats", it.key().c_str())) {
                p.section_stats[it.key()] =
                    readStatsList(r, *list, fieldPath("section_stats", it.key().c_str()));
            }
        }
    }
    // Optional (absent in documents without stems, and in those written before them).
    readOptionalStemStats(r, doc, "", p.stem_stats, p.stem_section_stats);
    if (const json* space = r.object(doc, "", "space")) {
        readSpace(r, *space, "space", p.space);
    }
    const auto dim = static_cast<std::size_t>(r.ok() ? p.space.dim() : 0);
    if (const json* clusters = r.array(doc, "", "clusters")) {
        readClusters(r, *clusters, dim, p);
    }
    p.cluster_silhouette = r.number(doc, "", "cluster_silhouette");
    if (r.ok() && !(p.cluster_silhouette >= -1.0 && p.cluster_silhouette <= 1.0)) {
        r.fail("cluster_silhouette", "must be within [-1, 1]");
    }
    if (const json* validation = r.array(doc, "", "validation")) {
        for (std::size_t i = 0; i < validation->size() && r.ok(); ++i) {
            const std::string where = indexPath("validation", i);
            ValidationIssue v;
            v.severity = r.string((*validation)[i], where, "severity");
            v.code = r.string((*validation)[i], where, "code");
            v.message = r.string((*validation)[i], where, "message");
            v.path = r.string((*validation)[i], where, "path");
            if (r.ok() && v.severity != "info" && v.severity != "warning" &&
                v.severity != "error") {
                r.fail(fieldPath(where, "severity"),
                       "\"" + v.severity + "\" is not info, warning or error");
            }
            p.validation.push_back(std::move(v));
        }
    }
    if (const json* members = r.array(doc, "", "members")) {
        readMembers(r, *members, dim, p);
    }
    if (const json* t = r.object(doc, "", "head_training")) {
        auto& h = p.head_training;
        h.classes = r.string(*t, "head_training", "classes");
        h.epochs = static_cast<int>(r.integer(*t, "head_training", "epochs"));
        h.best_epoch = static_cast<int>(r.integer(*t, "head_training", "best_epoch"));
        h.train_loss = r.number(*t, "head_training", "train_loss");
        h.validation_loss = r.number(*t, "head_training", "validation_loss");
        h.validation_precision = r.number(*t, "head_training", "validation_precision");
        h.seconds = r.number(*t, "head_training", "seconds");
        h.parameters = r.integer(*t, "head_training", "parameters");
        if (r.ok() && h.classes != "" && h.classes != "labels" && h.classes != "track_identity") {
            r.fail("head_training.classes",
                   "\"" + h.classes + "\" is not labels, track_identity or empty");
        }
    }
    if (r.ok()) {
        checkClusterMembership(r, p);
    }
    if (!r.ok()) {
        return core::invalidArgument("profile JSON: " + r.error());
    }
    return p;
}

} // namespace styledna::profile
