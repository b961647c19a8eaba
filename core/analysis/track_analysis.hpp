#pragma once
// TrackAnalysis: the result of analysing one file, as cached in the store.
//
// analyzeFile(): hash (SHA-256 of the file bytes) -> decode (44.1 kHz, mono or
// stereo, see core/audio/decode.hpp) -> level facts -> features (all families
// of the registry, see core/features/extractor.hpp) -> embedding (the
// descriptor backbone, core/embed/descriptor_backbone.hpp, on the same STFTs
// the features used, inside the same extraction run) when options.features.
// peak_dbfs / rms_dbfs are measured on the decoded analysis buffer (after
// downmix and resampling), over all channels; digital silence reads
// kSilenceFloorDbfs (-120) rather than -inf so every value is finite JSON.
// With options.stems (and features), the mix is then separated (the named
// separator, core/stems/separator.hpp, given the features' beat grid and the
// extraction's mono and side spectrograms: it runs in the extraction's
// after_features step, after the embedding, while they exist) and the
// per-stem features (core/stems/stem_features.hpp) are measured on the stems
// over the mix's sections; `stems.separator` records the separator's name.
// The analyser version changes whenever any stored number would change; the
// store keys cached analyses by (content hash, analyser version).

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "core/audio/decode.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "core/embed/track_embedding.hpp"
#include "core/features/track_features.hpp"
#include "core/stems/separator.hpp"

namespace styledna::core {

class AnalysisContext;

inline constexpr const char* kAnalyzerVersion = "0.7.8";
inline constexpr double kSilenceFloorDbfs = -120.0;

// Features measured on separated (or producer-supplied) stems, see
// core/stems/stem_features.hpp for the names and their definitions.
// stems: stem name ("drums" | "bass" | "other") -> that stem's values (whole
// track) and its sections (the mix's sections, same order and bounds, with
// the stem's per-section values). Empty when no stems were analysed.
struct StemAnalysis {
    std::string separator; // e.g. "dsp-hpss/1", "learned/1", "user" (exported stems)
    std::map<std::string, TrackFeatures> stems;
    bool empty() const { return stems.empty(); }
};

// Wall time of each stage of one analysis (not stored: logged by the caller).
// features_s includes the embedding; separate_s and stem_features_s are 0
// without stems.
struct AnalysisStageTimes {
    double hash_s = 0.0;
    double decode_s = 0.0;
    double features_s = 0.0;
    double separate_s = 0.0;
    double stem_features_s = 0.0;
};

struct TrackAnalysis {
    std::string content_hash;
    std::string path;
    std::string analyzer_version = kAnalyzerVersion;
    std::string analyzed_at; // ISO 8601 UTC, set by the caller that stores it
    SourceFormat format;
    double analysis_sample_rate_hz = kAnalysisRateHz;
    int analysis_channels = 0;
    double peak_dbfs = kSilenceFloorDbfs;
    double rms_dbfs = kSilenceFloorDbfs;
    TrackFeatures features;
    embed::TrackEmbedding embedding; // empty without features
    StemAnalysis stems;              // empty unless stems were analysed
    double analysis_time_s = 0.0;
    AnalysisStageTimes stage_times; // not stored (see above)
};

struct AnalyzeOptions {
    DecodeOptions decode;
    bool features = true;          // run the feature registry (false: format and level facts only)
    int threads = 2;               // worker threads inside one analysis
    bool stems = false;            // separate and measure per-stem features (needs features);
                                   // the daemon turns it on (profiles keep per-stem statistics)
    std::string separator = "dsp"; // makeSeparator() name used when stems is set
    // When set, this separator is used instead of makeSeparator(separator): how
    // the daemon injects the LibTorch one (models/) that core cannot build.
    std::shared_ptr<const stems::Separator> separator_instance;
};

// Stages reported through progress: "hashing", "decoding", "features",
// "separating" and "stems" (with options.stems), "done".
Result<TrackAnalysis> analyzeFile(const std::string& path, const AnalyzeOptions& options = {},
                                  const CancellationToken& cancel = {},
                                  const ProgressFn& progress = {});

// Analysis of an already decoded buffer (hash and path left to the caller).
Result<TrackAnalysis> analyzeDecoded(const DecodedAudio& decoded, const AnalyzeOptions& options,
                                     const CancellationToken& cancel, const ProgressFn& progress);

// Per-stem features of a producer's exported stems DIR/drums.wav, DIR/bass.wav,
// DIR/other.wav (see core/stems/stem_files.hpp for the accepted files and the
// errors, which name the file), measured like analyzeDecoded's separated
// stems on `mix`'s grid and sections, at mix.analysis_sample_rate_hz;
// separator "user". `mix` must be an analysis with features.
Result<StemAnalysis> analyzeStemFiles(const std::string& dir, const TrackAnalysis& mix,
                                      const CancellationToken& cancel = {});

// The descriptor-v2 embedding of an analysis run: the backbone on ctx's mono
// (and, for stereo, side) spectrogram, the features' beat grid and sections,
// augmentation seeded from ctx.audio(). What analyzeDecoded runs as the
// extraction's after_features step.
Result<embed::TrackEmbedding> computeEmbedding(const AnalysisContext& ctx,
                                               const TrackFeatures& features);

// Level facts on a buffer: sample peak and RMS over all channels, in dBFS.
void measureLevels(const AudioBuffer& audio, double& peak_dbfs, double& rms_dbfs);

// JSON document (analysis_json.cpp). "embedding" (absent when there is none,
// i.e. without features): {"backbone", "dim", "segment_s", "hop_s", "track": [dim
// numbers], "sections": {label: [dim numbers]}, "segments": [{"start_s",
// "end_s", "values_f32", "augmented_f32"}]}, segment vectors as base64 of
// little-endian float32 (exact; "augmented_f32" is "" when there is none).
// include_series = false leaves out the series and the embedding's segments
// (the pooled vectors stay). analysisFromJson restores every value exactly and
// rejects malformed embedding data (bad base64, sizes that disagree with dim)
// with kDataLoss.
nlohmann::json analysisToJson(const TrackAnalysis& analysis, bool include_series = true);
Result<TrackAnalysis> analysisFromJson(const nlohmann::json& doc);

} // namespace styledna::core
