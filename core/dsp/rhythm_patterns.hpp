#pragma once
// Rhythm pattern measures on a fitted beat grid (see beat_grid_fit.hpp).
// The grid is given in envelope frames: beat k at phase + k * period.
// Threads: pure functions, reentrant.

#include <cstddef>
#include <vector>

#include "core/dsp/peak_picking.hpp"
#include "core/dsp/stft.hpp"

namespace styledna::core {

struct FrameGrid {
    double phase = 0.0;        // frames, beat 0
    double period = 0.0;       // frames per beat
    std::size_t num_beats = 0; // beats k = 0 .. num_beats - 1
    double beatFrame(std::size_t k) const { return phase + period * static_cast<double>(k); }
};

// Beat-synchronous spectral novelty: for each beat k >= 1, the mean absolute
// change in dB of 6-per-octave band energies (60 Hz - 8 kHz, averaged over the
// beat) from beat k-1 to beat k; entry 0 is 0. Size grid.num_beats.
std::vector<double> beatNovelty(const Spectrogram& spec, const FrameGrid& grid);

struct DownbeatEstimate {
    int phase = 0;         // beats k with k % beats_per_bar == phase are downbeats
    double confidence = 0; // 0..1: (best - second) / best phase score
};

// The bar phase whose beats carry the most novelty (section, chord and
// pattern changes start bars in dance music).
DownbeatEstimate downbeatPhase(const std::vector<double>& novelty, int beats_per_bar);

struct FourOnFloor {
    double score = 0.0;     // coverage * precision, 0..1
    double coverage = 0.0;  // share of beats in kick-active bars with a kick onset
    double precision = 0.0; // share of kick onset energy (strength^2) on beats
};

// Kick onsets (peaks of the low-band flux) against the grid: an onset within
// +- period / 8 of a beat is on the beat. Bars start at beats
// k % 4 == bar_phase; a bar is kick-active when any of its beats has an onset
// of at least 0.3 x the 90th percentile on-beat strength. Beats in
// [first_beat, last_beat) only (whole grid when last_beat == 0).
FourOnFloor fourOnFloor(const std::vector<PickedPeak>& kick_onsets, const FrameGrid& grid,
                        int bar_phase, std::size_t first_beat = 0, std::size_t last_beat = 0);

// Swing ratio (long / short inter-onset interval of a swung pair; 1 = straight,
// 2 = triplet shuffle), from the positions of off-beat onsets (hi-hat band) in
// the beat. Level: sixteenths when at least half as much onset strength falls
// near the odd sixteenth positions (beat fraction 0.17-0.42 or 0.75-0.95) as
// near the off-beat eighth (0.42-0.75), else eighths. At the chosen level the
// position f of the off-beat onset within its pair (the strength-weighted
// histogram mode in 0.42-0.72 of the pair, refined by the weighted mean of
// the onsets within +-0.04, minus the mean on-beat position of the same
// onsets within +-0.08, which cancels band latency) gives f / (1 - f), so the measurable range is
// about 0.72-2.6. 1.0 when no off-beat onsets are found.
double swingRatio(const std::vector<PickedPeak>& onsets, const FrameGrid& grid);

} // namespace styledna::core
