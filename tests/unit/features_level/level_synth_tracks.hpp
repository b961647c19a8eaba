#pragma once
// Rendered synth tracks for the level tests, behind names and plain values.
// This header deliberately does not include core/audio/synth/trance_synth.hpp:
// that header and core/features/track_features.hpp both declare
// styledna::core::Section, so no translation unit may include both.

#include <cstdint>
#include <string>
#include <vector>

#include "core/audio/audio_buffer.hpp"

namespace styledna::test {

struct LevelSynthTrack {
    core::AudioBuffer mix;
    double integrated_lufs = 0.0; // truth (libebur128 on the written mix)
    double true_peak_dbtp = 0.0;  // truth
    double low_end_allpass_hz = 0.0;
};

// style: "uplifting" | "progressive" | "tech" | "psy"; flaws by synth name
// ("wide_low_end", ...). 0.5 min requested (the 32-bar minimum). Cached.
const LevelSynthTrack& levelSynthTrack(const std::string& style, std::uint64_t seed,
                                       const std::vector<std::string>& flaws = {});

} // namespace styledna::test
