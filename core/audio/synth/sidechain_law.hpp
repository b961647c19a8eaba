#pragma once
// Sidechain gain laws of the synthesizer (see DuckShape / DuckSource in
// trance_synth.hpp) and the measurement of a realised gain curve.
//
// Units: gain reduction (GR) in dB >= 0, times in ms, curves in linear gain
// per sample (1 = no ducking). Pure functions.

#include <cstddef>
#include <vector>

#include "core/audio/synth/trance_synth.hpp"

namespace styledna::core::synth_detail {

// Volume-shaper law after one kick onset, `frames` samples long: linear gain
// per sample. depth_db > 0, release_ms > attack_ms (+ hold_ms for
// kHoldRelease); release_ms is the onset-to-90 %-recovery time in every shape.
std::vector<float> duckShapeCurve(DuckShape shape, double depth_db, double attack_ms,
                                  double hold_ms, double release_ms, std::size_t frames,
                                  double rate_hz);

// Feed-forward compressor keyed by `key` (mono, full scale 1): peak detector
// (instant attack, 10 ms release) in dB, soft-knee static curve
// (threshold_db, ratio, knee_db; Giannoulis, Massberg & Reiss 2012), GR
// smoothed in dB with attack_ms / release_ms one-pole ballistics. Returns the
// linear gain per sample of key.
std::vector<float> compressorGainCurve(const std::vector<float>& key, double threshold_db,
                                       double ratio, double knee_db, double attack_ms,
                                       double release_ms, double rate_hz);

struct DuckMeasurement {
    double depth_db = 0;   // median over onsets of the peak GR within the kick's beat
    double release_ms = 0; // median over onsets of onset -> GR <= 10 % of that peak
    std::size_t kicks = 0; // onsets measured
};

// Measures a linear gain curve at the given onsets (sorted sample indices);
// each onset's window ends at the next onset (or `window` samples, whichever
// is first). Windows with no GR above 0.01 dB are skipped.
DuckMeasurement measureDuck(const std::vector<float>& gain, const std::vector<std::size_t>& onsets,
                            std::size_t window, double rate_hz);

} // namespace styledna::core::synth_detail
