#pragma once
// The profile validator: what a producer should know about their references.
// Every issue names the reference's path (too_few_references names none).
//
// code                severity  fires when
// too_few_references  warning   fewer than kMinReferences (10) distinct references
// duplicate           warning   a reference has the content hash of an earlier
//                               one (it counts once; the message names both paths)
// outlier             warning   a member is farther (cosine distance) from its
//                               cluster's centroid than that cluster's threshold
//                               AND farther from every other centroid than that
//                               cluster's threshold; threshold = median + max(
//                               kOutlierRobustStd (3) x 1.4826 MAD, kOutlierMinExcess
//                               (0.02)) of the members' distances to their centroid
//                               (per cluster with >= kOutlierMinMembers (5)
//                               members, else pooled over all members); not
//                               checked below kOutlierMinMembers members in all
// mixed_sample_rates  info      the source rates differ: one issue per reference
//                               whose rate is not the most common one (analysis
//                               resamples everything to 44.1 kHz, so this is a hint
//                               that the references come from mixed sources)
// clipped             warning   sample peak >= kClipSamplePeakDbfs (-0.01 dBFS:
//                               full scale on any PCM grid; PCM16's top code reads
//                               -0.0003 dBFS). The analysis has no clipped-sample
//                               count, so peaks are all it can go on.
// true_peak_over      info      else true peak >= 0 dBTP: inter-sample overs, usual
//                               on loud commercial masters, so a note, not a warning
// silent              error     RMS below kSilentRmsDbfs (-60 dBFS): the
//                               reference carries no style to learn
// Peaks: features "sample_peak_dbfs" / "true_peak_dbtp" when present, else the
// analysis' peak_dbfs; RMS: analysis rms_dbfs, else feature "rms_dbfs".
// Issues are ordered: too_few_references, then per reference in input order
// duplicate, silent, clipped or true_peak_over, mixed_sample_rates, then outliers by member.
// Threads: pure function.

#include <vector>

#include "core/profile/profile.hpp"

namespace styledna::profile {

inline constexpr int kMinReferences = 10;
inline constexpr int kOutlierMinMembers = 5;
inline constexpr double kOutlierRobustStd = 3.0;
inline constexpr double kOutlierMinExcess = 0.02; // cosine distance, about 11 degrees
inline constexpr double kClipSamplePeakDbfs = -0.01;
inline constexpr double kClipTruePeakDbtp = 0.0;
inline constexpr double kSilentRmsDbfs = -60.0;

// refs: every reference as given (duplicates included); members / clusters:
// the built profile's (members distinct by content hash, embeddings unit norm,
// Member::cluster indexing clusters; clusters may be empty: no outlier check).
std::vector<ValidationIssue> validateReferences(const std::vector<Reference>& refs,
                                                const std::vector<Member>& members,
                                                const std::vector<Cluster>& clusters);
std::vector<ValidationIssue> validateReferences(const std::vector<const Reference*>& refs,
                                                const std::vector<Member>& members,
                                                const std::vector<Cluster>& clusters);

// The distance threshold of each cluster (see above), indexed like clusters;
// empty when there are fewer than kOutlierMinMembers members.
std::vector<double> outlierThresholds(const std::vector<Member>& members,
                                      const std::vector<Cluster>& clusters);

} // namespace styledna::profile
