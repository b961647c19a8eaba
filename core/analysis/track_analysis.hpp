#pragma once
// TrackAnalysis: the result of analysing one file, as cached in the store.
//
// analyzeFile(): hash (SHA-256 of the file bytes) -> decode (44.1 kHz, mono or
// stereo, see core/audio/decode.hpp) -> level facts -> features (all families
// of the registry, see core/features/extractor.hpp) when options.features.
// peak_dbfs / rms_dbfs are measured on the decoded analysis buffer (after
// downmix and resampling), over all channels; digital silence reads
// kSilenceFloorDbfs (-120) rather than -inf so every value is finite JSON.
// The analyser version changes whenever any stored number would change; the
// store keys cached analyses by (content hash, analyser version).

#include <string>

#include <nlohmann/json.hpp>

#include "core/audio/decode.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "core/features/track_features.hpp"

namespace styledna::core {

inline constexpr const char* kAnalyzerVersion = "0.4.0";
inline constexpr double kSilenceFloorDbfs = -120.0;

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
    double analysis_time_s = 0.0;
};

struct AnalyzeOptions {
    DecodeOptions decode;
    bool features = true; // run the feature registry (false: format and level facts only)
    int threads = 2;      // worker threads inside one analysis
};

// Stages reported through progress: "hashing", "decoding", "features", "done".
Result<TrackAnalysis> analyzeFile(const std::string& path, const AnalyzeOptions& options = {},
                                  const CancellationToken& cancel = {},
                                  const ProgressFn& progress = {});

// Analysis of an already decoded buffer (hash and path left to the caller).
Result<TrackAnalysis> analyzeDecoded(const DecodedAudio& decoded, const AnalyzeOptions& options,
                                     const CancellationToken& cancel, const ProgressFn& progress);

// Level facts on a buffer: sample peak and RMS over all channels, in dBFS.
void measureLevels(const AudioBuffer& audio, double& peak_dbfs, double& rms_dbfs);

nlohmann::json analysisToJson(const TrackAnalysis& analysis, bool include_series = true);
Result<TrackAnalysis> analysisFromJson(const nlohmann::json& doc);

} // namespace styledna::core
