#pragma once
// Synthesized trance tracks with the truth the trance family is tested on,
// isolated in their own translation unit: trance_synth.hpp and
// track_features.hpp both declare core::Section, so no test file includes both.

#include <cstdint>
#include <string>
#include <vector>

#include "core/audio/audio_buffer.hpp"

namespace styledna::test {

struct TruthSection {
    std::string label;
    int start_bar = 0;
    int bars = 0;
};

struct TranceCase {
    std::string name; // "psy/3+weak_sidechain"
    core::AudioBuffer mix;
    double tempo_bpm = 0;
    double duration_s = 0;
    int total_bars = 0;
    double sidechain_depth_db = 0;
    double sidechain_release_ms = 0;
    double stereo_spread = 0;
    double detune_cents = 0;
    int supersaw_voices = 0;
    bool acid = false;
    bool lead_arp = false;
    std::vector<TruthSection> sections;
};

// style_index 0..3 = uplifting, progressive, tech, psy; flaws by synth name
// ("weak_sidechain", "narrow_supersaw", "short_breakdown", ...). Renders
// randomParams(style, seed, minutes, flaws); REQUIREs success. Cached per
// argument set for the life of the test process.
const TranceCase& tranceCase(int style_index, std::uint64_t seed, double minutes,
                             const std::vector<std::string>& flaws = {});

} // namespace styledna::test
