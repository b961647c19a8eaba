#pragma once
// Keys, diatonic triads and progressions for the trance synthesizer.
//
// Pitch classes 0 = C .. 11 = B, named with sharps ("C#", not "Db"). Scale
// degrees are 0-based (0 = tonic). Chords are the diatonic triads of the
// natural minor / major scale, so every chord tone is in key.

#include <array>
#include <string>
#include <vector>

#include "core/audio/synth/trance_synth.hpp"

namespace styledna::core::synth_detail {

// Semitone offsets from the tonic of the 7 scale degrees.
const std::array<int, 7>& scaleIntervals(KeyMode mode);
std::string pitchClassName(int pc);              // "A", "C#"
std::string keyName(int tonic_pc, KeyMode mode); // "A minor"

// Pitch classes of the triad on `degree` (root, third, fifth).
std::array<int, 3> triadPitchClasses(int tonic_pc, KeyMode mode, int degree);
// Roman numeral with case for quality: "i", "VI", "ii°".
std::string romanNumeral(KeyMode mode, int degree);
// "Am", "F", "Bdim".
std::string chordName(int tonic_pc, KeyMode mode, int degree);
bool isDiminished(KeyMode mode, int degree);

// Typical trance progressions (4 chords, no diminished triads, no chord
// repeated back to back, also across the loop).
const std::vector<std::vector<int>>& progressionTable(KeyMode mode);

} // namespace styledna::core::synth_detail
