#pragma once
// extractFeatures(): runs every registered feature family over one decoded
// track, computing shared inputs (mid/side, STFTs) once.
//
// Threads: the shared STFTs, then the families, run as a dependency graph
// (registry familyDependencies()) on options.threads workers, each family on a
// private copy of its dependencies' output; each shared input is computed
// once, and a worker that needs one while it is being computed helps finish it.
// After the whole-track pass, every family's processSection() runs on each
// section the trance family detected (families split across the workers).
// Deterministic: the result does not depend on scheduling.
// After the section pass an optional step (ExtractOptions::after_features)
// reads the same shared inputs, e.g. the embedding backbone on the STFTs.

#include <functional>
#include <string>
#include <vector>

#include "core/audio/audio_buffer.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "core/features/analysis_context.hpp"
#include "core/features/track_features.hpp"

namespace styledna::core {

// Timings, in order: the shared inputs computed ahead ("stft_mono", and
// "stft_side" for stereo), each family's process(), "sections", then
// "after_features" when that step is set.
struct FamilyTiming {
    std::string family;   // family, shared input or "sections"
    double seconds = 0.0; // wall time (a family that helps finish a shared input counts that)
};

// A step over the finished features and the run's shared inputs.
using AfterFeaturesStep = std::function<Status(const AnalysisContext&, const TrackFeatures&)>;

struct ExtractOptions {
    int threads = 2;
    std::vector<FamilyTiming>* timings = nullptr; // filled when set (benchmarks)
    // When set: called once, on the calling thread, after every family and the
    // section pass, while the run's AnalysisContext is alive (the STFTs the
    // families used are computed: a step reads them instead of computing its
    // own). Not called when the run failed or was cancelled; its non-OK
    // status fails the extraction.
    AfterFeaturesStep after_features;
};

Result<TrackFeatures> extractFeatures(const AudioBuffer& audio, const ExtractOptions& options = {},
                                      const CancellationToken& cancel = {},
                                      const ProgressFn& progress = {});

} // namespace styledna::core
