#pragma once
// The profile's JSON document: what the store keeps and what export/import
// exchange. Versioned; add fields with a version bump, never rename.
//
// {
//   "format": "styledna-profile", "version": kProfileFormatVersion (2; 1 had
//   no space.weight and is not read: its descriptor-v1 space is gone too),
//   "name", "created_at", "updated_at": strings, "seed": unsigned integer,
//   "stats": [FeatureStats], "section_stats": {label: [FeatureStats]},
//   "stem_stats": {stem: [FeatureStats]},                 (optional, see below)
//   "stem_section_stats": {stem: {label: [FeatureStats]}}, (optional)
//   "clusters": [{"id", "label", "member_hashes": [string], "centroid": F,
//                 "variance", "stats": [FeatureStats],
//                 "section_stats": {label: [FeatureStats]},     (optional)
//                 "stem_stats": {stem: [FeatureStats]},         (optional)
//                 "stem_section_stats": {stem: {label: [FeatureStats]}} (optional)}],
//   "cluster_silhouette": number,
//   "validation": [{"severity", "code", "message", "path"}],
//   "members": [{"content_hash", "path", "label", "cluster", "sample_rate_hz",
//                "embedding": F}],
//   "space": {"backbone", "backbone_dim", "mean": F, "std": F, "weight": F,
//             "head": null | {"input_dim", "hidden_dim", "output_dim",
//                             "weights_included": bool,
//                             "w1", "b1", "ln_gamma", "ln_beta", "w2", "b2": F
//                             (only when weights_included)}}
// }
// FeatureStats: {"name", "unit", "categorical", "count", "mean", "std",
// "median", "p5", "p10", "p25", "p75", "p90", "p95", "median_ci_low",
// "median_ci_high", "range_low", "range_high", "weight", "weight_basis",
// "distribution": {value: count}}.
// F: a float32 array as base64 (json_fields.hpp): bit-exact. Doubles are JSON
// numbers: nlohmann writes the shortest text that reads back to the same
// double, so they are bit-exact too (profileFromJson(profileToJson(p)) == p).
//
// Optional keys, written only when the profile has them and read when
// present: a cluster's "section_stats", "stem_stats" and "stem_section_stats"
// (Cluster::section_stats / stem_stats / stem_section_stats), the profile's
// "stem_stats" and "stem_section_stats" (Profile::stem_stats /
// stem_section_stats). A version 2 document without them reads as a profile
// without them, so the version stays 2 (a reader that predates them ignores
// keys it does not know; they add statistics, they change no stored value's
// meaning).
//
// include_head = false writes the head's dims with "weights_included": false
// (the store keeps the weights elsewhere, or an export leaves the model out);
// the imported profile then has the dims but no weights (see EmbeddingSpace).
//
// profileFromJson checks everything and never throws; the first problem found
// is an invalidArgument naming the field: "profile JSON: members[3].embedding:
// 60 floats, expected 64". Checks: format and version, every field present
// with its type, numbers finite, name [A-Za-z0-9_.-]{1,64}, dims > 0 and
// array sizes consistent with them (mean/std = backbone_dim, std > 0,
// embeddings and centroids = the space's dim, head matrices = their dims,
// head input_dim = backbone_dim), member hashes non-empty and unique, member
// clusters within [-1, clusters), cluster ids = their index, cluster member
// hashes naming members of that cluster, weights within [0, 1], counts >= 0,
// a categorical distribution summing to its count, severities info | warning
// | error, silhouette within [-1, 1].
// Threads: pure functions.

#include <nlohmann/json.hpp>

#include "core/common/status.hpp"
#include "core/profile/profile.hpp"

namespace styledna::profile {

inline constexpr const char* kProfileFormatName = "styledna-profile";

nlohmann::json profileToJson(const Profile& profile, bool include_head = true);
core::Result<Profile> profileFromJson(const nlohmann::json& doc);

} // namespace styledna::profile
