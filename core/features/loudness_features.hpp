#pragma once
// Loudness family: EBU R128 / ITU-R BS.1770-4 loudness, peaks and dynamics of
// the whole track, per-section loudness and a short-term loudness series.
//
// Features (names carry units; see describe() for the registry text):
//   loudness_integrated_lufs      gated integrated loudness (BS.1770-4), per section too
//   loudness_range_lu             EBU Tech 3342 LRA (short-term values every 1 s)
//   loudness_short_term_max_lufs  max 3 s loudness, windows every 100 ms, per section too
//   loudness_momentary_max_lufs   max 400 ms loudness, windows every 100 ms
//   true_peak_dbtp                max over channels, 4x oversampled (core/dsp/true_peak)
//   sample_peak_dbfs              max |sample| over channels
//   rms_dbfs                      10 log10(mean of x^2 over all channels and frames);
//                                 a full-scale sine reads -3.01 dBFS
//   crest_factor_db               sample_peak_dbfs - rms_dbfs (sine: 3.01 dB)
//   plr_db                        true_peak_dbtp - loudness_integrated_lufs
//   series loudness_short_term_lufs: 3 s windows every 1 s (value i covers
//                                 [i, i + 3) s), floored like the scalars.
// Conventions: the input is the analysis buffer (any rate; K-weighting and the
// 100 ms grid follow audio.sample_rate_hz). Mono input is measured as dual mono
// (channel weight 2, i.e. as if played on both speakers), so a mono file reads
// the same as the stereo file with L == R. Floors (no infinities, no NaN):
// loudness values below `floor_lufs` (or unmeasurable: silence, shorter than
// the window) read floor_lufs; peaks and RMS of silence read floor_db; crest
// factor of silence and PLR of an unmeasurable track read 0.
// State: process() keeps the 100 ms K-weighted energies of the last track so
// processSection() is O(section blocks); processSection() on a different
// context recomputes them. One thread at a time per instance. Reads only
// ctx.audio() (never the shared STFTs), so the extractor may run it on its own
// thread. Cost per 5-min stereo track, one core: ~0.45x the shared mono STFT
// (K-weighting ~0.19x, true peak ~0.22x; 174 ms where that STFT took 383 ms),
// i.e. ~110 ms on the PERF.md machine; see the [.bench] test.

#include <memory>

#include "core/features/feature_family.hpp"

namespace styledna::core {

struct LoudnessParams {
    double floor_lufs = -70.0; // = the BS.1770 absolute gate
    double floor_db = -120.0;  // peaks / RMS of digital silence
    double series_hop_s = 1.0; // loudness_short_term_lufs hop, multiple of 0.1 s
    double lra_hop_s = 1.0;    // short-term hop inside the LRA (libebur128: 1 s)
};

std::unique_ptr<FeatureFamily> makeLoudnessFamily(LoudnessParams params = {});

} // namespace styledna::core
