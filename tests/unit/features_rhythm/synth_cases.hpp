#pragma once
// Synthesized trance test cases, isolated in their own translation unit:
// trance_synth.hpp and track_features.hpp both declare core::Section, so no
// test file includes both (reported to the lead).

#include <cstdint>
#include <string>
#include <vector>

#include "core/audio/audio_buffer.hpp"

namespace styledna::test {

struct SynthCase {
    std::string name; // "uplifting/3"
    core::AudioBuffer mix;
    double tempo_bpm = 0;
    double swing = 0;
    int tonic_pc = 0;
    bool minor = true;
    double duration_s = 0;
};

// style_index 0..3 = uplifting, progressive, tech, psy; randomParams(style,
// seed, minutes, no flaws) rendered. swing >= 0 overrides the swing and turns
// sixteenth hats on (swing only moves odd sixteenths). Fails a REQUIRE inside
// on a synth error.
SynthCase renderSynthCase(int style_index, std::uint64_t seed, double minutes, double swing = -1.0);

} // namespace styledna::test
