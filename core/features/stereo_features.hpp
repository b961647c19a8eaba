#pragma once
// Stereo family: width, correlation and mono compatibility, overall, per band
// and per section. M = (L + R) / 2, S = (L - R) / 2 (as AnalysisContext).
//
// Features:
//   stereo_width           E(S) / (E(M) + E(S)) over the track, 0..1: mono 0, one
//                          channel only 0.5, L = -R 1; uncorrelated equal channels 0.5.
//   stereo_correlation     Pearson correlation of L and R (means removed), -1..1.
//   stereo_width_low       the same ratio for 20-120 Hz, time domain: L and R
//                          decimated to ~5.5 kHz (triangular kernel), then a 2nd-order
//                          Butterworth high-pass at 20 Hz and a 4th-order
//                          Linkwitz-Riley low-pass at 120 Hz.
//   stereo_width_mid       120 Hz-2 kHz, from the shared mono and side STFTs
//                          (sum over frames of band power, fractional bins).
//   stereo_width_high      2 kHz-Nyquist, same spectra.
//   low_end_correlation    Pearson correlation of L and R in the 20-120 Hz band above.
//   mono_fold_loss_db      10 log10(E(M) / ((E(L) + E(R)) / 2)), <= 0 dB: the level lost
//                          when folding to mono; 0 for L = R, -3.01 for one channel
//                          only or uncorrelated equal channels, floor_db for L = -R.
//   low_end_mono_ok        1 when low_end_correlation >= low_end_correlation_min and
//                          stereo_width_low <= low_end_width_max, else 0; flags a
//                          phase-smeared or wide bass (the synth's wide_low_end flaw).
// Conventions: mono input (one channel) is L = R: widths 0, correlations 1, fold
// loss 0. A band or track without signal (energy below silence_floor_dbfs mean
// square) is treated as mono (correlation 1, width 0, fold loss 0, ok 1); a
// correlation with one silent channel is 0. Rate-agnostic (any input rate).
// Per section: stereo_width, stereo_correlation, stereo_width_low, stereo_width_mid,
// stereo_width_high, low_end_correlation.
// State: process() keeps the low band of L and R at the decimated rate
// (~13 MB per 5-min track) and the whole-track band powers; processSection()
// re-accumulates the section's STFT frames. A different context recomputes.
// One thread per instance. Cost per 5-min stereo track, one core: ~0.27x the
// shared mono STFT of own work (~65 ms on the PERF.md machine) plus the shared
// side STFT (ctx.sideSpectrum(), ~1x the mono STFT, unless another family
// already needs it); mono input skips the side STFT. See the [.bench] test.

#include <memory>

#include "core/features/feature_family.hpp"

namespace styledna::core {

struct StereoParams {
    double low_hz = 120.0;                // low / mid crossover
    double high_hz = 2000.0;              // mid / high crossover
    double low_band_floor_hz = 20.0;      // high-pass of the low band
    double low_end_correlation_min = 0.9; // low_end_mono_ok thresholds
    double low_end_width_max = 0.05;
    double silence_floor_dbfs = -90.0; // mean square below this: "no signal"
    double floor_db = -100.0;          // mono_fold_loss_db floor (L = -R)
    double decimated_rate_hz = 5512.5; // low-band analysis rate target
};

std::unique_ptr<FeatureFamily> makeStereoFamily(StereoParams params = {});

} // namespace styledna::core
