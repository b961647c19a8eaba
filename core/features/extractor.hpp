#pragma once
// extractFeatures(): runs every registered feature family over one decoded
// track, computing shared inputs (mid/side, STFTs) once.
//
// Threads: families run as a dependency graph (registry familyDependencies())
// on options.threads workers, each on a private copy of its dependencies'
// output; each shared STFT is computed once, by the first family that asks.
// After the whole-track pass, every family's processSection() runs on each
// section the trance family detected (families split across the workers).
// Deterministic: the result does not depend on scheduling.

#include <string>
#include <vector>

#include "core/audio/audio_buffer.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "core/features/track_features.hpp"

namespace styledna::core {

struct FamilyTiming {
    std::string family;
    double seconds = 0.0; // wall time of process() (shared STFTs count where first used)
};

struct ExtractOptions {
    int threads = 2;
    std::vector<FamilyTiming>* timings = nullptr; // filled when set (benchmarks)
};

Result<TrackFeatures> extractFeatures(const AudioBuffer& audio, const ExtractOptions& options = {},
                                      const CancellationToken& cancel = {},
                                      const ProgressFn& progress = {});

} // namespace styledna::core
