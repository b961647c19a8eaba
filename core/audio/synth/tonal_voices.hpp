#pragma once
// Pitched voices of the trance synthesizer: bass notes, the acid line,
// supersaw chord segments and pluck notes.
//
// Contract: pure functions of their arguments; buffers are float, full scale
// 1.0, index 0 = note onset; rate_hz is the track sample rate. Oscillators are
// polyBLEP band-limited.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/audio/synth/trance_synth.hpp"

namespace styledna::core::synth_detail {

// Bass note of `frames` samples: saw plus sine sub, low-passed with a short
// cutoff envelope (8x -> 2.5x the fundamental, 45 ms), 1 ms attack, last
// 12 % released. Peak about 0.8.
std::vector<float> renderBassNote(int midi_note, std::size_t frames, double rate_hz);

// One acid step as scheduled on the timeline.
struct AcidEvent {
    std::size_t onset = 0;    // sample index of the step
    std::size_t gate_end = 0; // sample index where the gate closes
    double note = 45;         // MIDI note
    bool accent = false;
    bool legato = false; // slid into from the previous step: no retrigger
};

// Renders the acid line for events (sorted, all within [0, frames)) into
// out[0 .. frames), adding. The cutoff sweeps with a cosine of period
// acid.sweep_bars bars (phase 0 = cutoff_min_hz at bar 0 of the track);
// bar_offset is the track bar at out[0].
void addAcidLine(const AcidParams& acid, const std::vector<AcidEvent>& events, float* out,
                 std::size_t frames, double rate_hz, double bar_samples, double bar_offset);

struct StereoSegment {
    std::vector<float> left;
    std::vector<float> right;
};

// Supersaw chord: `voices` saws per MIDI note, detuned evenly over
// [-detune_cents, +detune_cents] and panned evenly over [-spread, +spread]
// (constant power), random start phases from phase_seed. Normalised by
// 1 / sqrt(voices * notes). 5 ms attack, 8 ms release at the end.
StereoSegment renderSupersawChord(const std::vector<int>& midi_notes, int voices,
                                  double detune_cents, double spread, std::size_t frames,
                                  double rate_hz, std::uint64_t phase_seed);

// Pluck: two saws +-8 cents through a lowpass falling from 7 kHz to 700 Hz
// (70 ms), amplitude decaying to -60 dB over 350 ms.
std::vector<float> renderPluck(int midi_note, double rate_hz);

} // namespace styledna::core::synth_detail
