#pragma once
// Internals of the descriptor backbone, part 2 (part 1, the rows, is
// descriptor_frames.hpp): per-frame values derived from the rows of one view
// and the descriptor of one segment, in the layout of descriptor_backbone.hpp.
// Not a public API.
// Threads: every function is reentrant.

#include <cstddef>
#include <vector>

#include "core/embed/descriptor_frames.hpp"

namespace styledna::embed::detail {

// Per-frame values derived from rows [0, n): log-mel (dB), MFCC (dB, DCT-II
// orthonormal of the log-mel), chroma normalised to the frame's chroma power
// (plus the power floor, so silent frames read 0) and the frame power (sum of
// the mel rows, linear, and in dB with an exact log).
struct DerivedFrames {
    std::size_t n = 0;
    std::vector<float> log_mel;  // n x kMelBands
    std::vector<float> mfcc;     // n x kMfccCoefficients
    std::vector<float> chroma;   // n x kPitchClasses
    std::vector<float> power;    // n
    std::vector<float> level_db; // n
};
DerivedFrames deriveFrames(const float* rows, std::size_t n);

// Maps an absolute STFT frame to the sixteenth of a 4-beat bar nearest its
// centre time, from the track's beat grid; valid() is false without a grid.
struct PatternClock {
    double frame_period_s = 0.0;
    double first_downbeat_s = 0.0;
    double beat_period_s = 0.0; // 0: no grid
    bool valid() const { return beat_period_s > 0.0; }
    int step(std::size_t frame) const;
    // The eighth of the beat (0 .. kBeatPhases - 1) that holds the frame's
    // centre time: phase 0 starts on the beat.
    int beatPhase(std::size_t frame) const;
};

// The descriptor (descriptor_backbone.hpp layout, `out` holds its dim floats)
// of frames [first, last) of `rows` / `derived` (indices into them); frame i of
// them is STFT frame frame_offset + i (for the pattern clock).
void segmentDescriptor(const Filterbank& fb, const float* rows, const DerivedFrames& derived,
                       std::size_t first, std::size_t last, std::size_t frame_offset,
                       const PatternClock& clock, float* out);

} // namespace styledna::embed::detail
