#pragma once
// Spectral family: tonal balance and spectral shape of the mono mix.
//
// Inputs: ctx.monoSpectrum() (shared STFT 2048/512 Hann) for everything above
// 150 Hz, plus one family-private "bass spectrum": ctx.mono() decimated by
// D = floor(rate / 5512.5) (triangular kernel, core/dsp/decimate) and an STFT
// 1024/256 Hann on it (5.4 Hz bins, 46 ms hop at 44.1 kHz). Why: 2048-point
// bins are 21.5 Hz wide with a +-43 Hz Hann main lobe, too coarse for the
// 20-60 / 60-150 Hz bands and for a bass centroid; the bass spectrum costs
// ~15 ms per 5-min track. Both spectra are converted to mean-square power per
// bin (core/dsp/spectral_bands, so bands from either add up consistently) and
// integrated over bands with fractional bin weights.
//
// "LTAS" below = long-term average power spectrum = mean over frames of the
// per-bin power, i.e. an energy-weighted average (loud frames count more;
// silent frames add nothing).
// Features:
//   spectral_centroid_hz         power-weighted mean frequency of the LTAS, 0 Hz..Nyquist
//   spectral_rolloff_hz          frequency below which 85 % of the LTAS power lies
//                                (linear interpolation inside the crossing bin)
//   spectral_flatness            frame-wise Wiener entropy (geometric / arithmetic mean
//                                of power, 20 Hz..16 kHz) averaged over non-silent frames
//                                (frame mean square above -70 dBFS); 0..1; white noise
//                                ~0.56 (exp(-Euler gamma), exponential periodogram bins),
//                                an impulse 1, a pure tone ~0.
//   spectral_flux                mean over consecutive non-silent frame pairs of
//                                || max(0, a_i - a_(i-1)) ||_2 with a_i = |X_i| / ||X_i||_2
//                                (unit-norm magnitude frames: level-independent shape
//                                change), 0..1; a steady tone 0.
//   spectral_tilt_db_per_octave  least-squares slope of third-octave band level (dB,
//                                band energy) against log2(centre) over 50 Hz..16 kHz:
//                                pink noise 0, white noise +3.01, bands above Nyquist
//                                skipped.
//   tonal_balance_<band>_db      10 log10(band energy / energy in 20 Hz..20 kHz) for sub
//                                20-60, low 60-150, low_mid 150-400, mid 400-1500,
//                                high_mid 1500-5000, high 5000-10000, air 10000-20000 Hz
//                                (the seven shares sum to 1 in linear terms).
//   bass_spectral_centroid_hz    centroid of the LTAS over 20-250 Hz.
// Per section (frames centred in [start, end)): centroid, bass centroid, tilt and
// the seven tonal balance values.
// Floors: silence / empty input gives centroids, rolloff, flatness, flux and tilt
// 0, and every tonal balance `band_floor_db` (-100 dB); an empty band reads
// band_floor_db as well.
// State: process() keeps the whole-track LTAS and per-frame bass-band sums
// (~0.3 MB per 5-min track); processSection() re-accumulates the section's main
// STFT frames (all sections together: one pass) and sums bass rows. A
// different context recomputes. One thread per instance.
// Cost per 5-min track, one core: ~0.26x the shared mono STFT (~60 ms on the
// PERF.md machine) beyond that STFT (see the [.bench] test).

#include <memory>

#include "core/features/feature_family.hpp"

namespace styledna::core {

struct SpectralParams {
    double rolloff_fraction = 0.85;
    double flatness_lo_hz = 20.0;
    double flatness_hi_hz = 16000.0;
    double tilt_lo_hz = 50.0;
    double tilt_hi_hz = 16000.0;
    double bass_lo_hz = 20.0;
    double bass_hi_hz = 250.0;
    double silence_floor_dbfs = -70.0; // frames below this mean square skip flatness/flux
    double band_floor_db = -100.0;
    double bass_rate_hz = 5512.5; // target rate of the decimated bass spectrum
};

std::unique_ptr<FeatureFamily> makeSpectralFamily(SpectralParams params = {});

} // namespace styledna::core
