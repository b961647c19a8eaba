#pragma once
// extractFeatures(): runs every registered feature family over one decoded
// track, computing shared inputs (mid/side, STFTs) once.
//
// Threads: with options.threads >= 2 the loudness family (true peak dominates
// its cost) runs on its own thread while the others share the STFTs on the
// calling thread; STFTs split frames over options.threads workers.
// After the whole-track pass, every family's processSection() runs on each
// section the trance family detected.

#include "core/audio/audio_buffer.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "core/features/track_features.hpp"

namespace styledna::core {

struct ExtractOptions {
    int threads = 2;
};

Result<TrackFeatures> extractFeatures(const AudioBuffer& audio, const ExtractOptions& options = {},
                                      const CancellationToken& cancel = {},
                                      const ProgressFn& progress = {});

} // namespace styledna::core
