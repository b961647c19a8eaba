#pragma once
// Streaming measurements of one stem for the per-stem features
// (stem_features.hpp): the spectral family's band values, the stereo family's
// time-domain widths and the supersaw / sidechain inputs, without storing a
// spectrogram or a mid/side copy of the stem.
//
// Why not an AnalysisContext per stem: it stores 2048/512 STFTs of the mono
// and side signals (~100 MB each per 5-minute stem, fresh pages) and the
// families compute many values the stems do not keep; per stem that was
// 0.5-1 s on one core, which the stem budget (1 s for separation and stem
// features per 5-minute track on 2 threads) cannot carry.
//
// scanMainSpectrum(stem, sections, params): STFT frame_size Hann (the shared
//   STFT's window and size), hop params.hop (1024: half the shared STFT's
//   frames; a long-term average needs no more), frames centred on i * hop
//   (samples outside the stem are zero, n / hop + 1 frames, as core/dsp/stft),
//   of mono (L + R) / 2 and, with params.side, side (L - R) / 2. Gathers per
//   frame, in one pass:
//     * the mean-square power per bin (core/dsp/spectral_bands normalisation)
//       summed over the frames of the whole stem and of each section (frames
//       i with ceil(start * rate / hop) <= i < ceil(end * rate / hop), the
//       spectral family's rule);
//     * with params.low_cells: |X_k|^2 of the mono frame for the bins k with
//       ceil(40 Hz) .. floor(120 Hz) (kick_bass_overlap_db's cells);
//     * with params.side: sum |M_k|^2 and sum |S_k|^2 over k in
//       [binForHz(1 kHz), binForHz(8 kHz)) (the supersaw width ratio), and
//       the sidechain's side-vs-mono decision powers: the same sums over
//       [binForHz(200 Hz), binForHz(6 kHz)) on the frames centred on multiples
//       of 2048 samples (the shared STFT's every 4th frame: what the trance
//       family's bandPower reads).
// scanBassSpectrum(mono_low, low_rate, sections): the spectral family's bass
//   spectrum on the mono stem already decimated by decimationFactorFor(rate,
//   5512.5): STFT 1024/256 Hann, per frame the 20-250 Hz centroid sums and the
//   sub (20-60 Hz) and low (60-150 Hz) band powers, summed per section with
//   the same rule.
// writeSpectralValues(): spectral_centroid_hz, bass_spectral_centroid_hz and
//   the seven tonal_balance_<band>_db exactly as the spectral family writes
//   them from the same sums.
// stereoWidth(l, r, first, last) / lowBandPair(): the stereo family's
//   stereo_width on full-rate samples [first, last) and its 20-120 Hz band
//   (2nd-order Butterworth high-pass 20 Hz, 4th-order Linkwitz-Riley low-pass
//   120 Hz on L and R decimated to ~5.5 kHz) with stereo_width_low and
//   low_end_correlation; -90 dBFS mean square is "no signal" (width 0,
//   correlation 1), as there.
// Threads: pure functions (one FFT plan per call). Cancellation: the scans
// stop early and return false when `cancel` is set.

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/audio/audio_buffer.hpp"
#include "core/common/cancellation.hpp"

namespace styledna::core::stems {

using TimeRange = std::pair<double, double>; // [start_s, end_s)

struct MainScanParams {
    std::size_t frame_size = 2048;
    std::size_t hop = 1024;
    bool side = false;
    bool low_cells = false;
};

struct MainScan {
    double rate_hz = 0.0;
    std::size_t frame_size = 0;
    std::size_t hop = 0;
    std::size_t frames = 0;
    // [0]: whole stem, [1 + s]: section s. Per-bin mean-square power summed over frames.
    std::vector<std::vector<double>> power;
    std::vector<std::size_t> power_frames;
    std::size_t cell_lo = 0, cell_count = 0; // low cells: bins [cell_lo, cell_lo + cell_count)
    std::vector<float> low_cells;            // frames x cell_count, |X_k|^2
    std::vector<double> saw_mid, saw_side;   // per frame
    double decision_mid = 0.0, decision_side = 0.0;
    double frameRateHz() const { return rate_hz / static_cast<double>(hop); }
};

struct BassScan {
    // [0]: whole stem, [1 + s]: section s: centroid numerator, denominator, sub, low.
    std::vector<std::array<double, 4>> sums;
    std::vector<std::size_t> frames;
};

bool scanMainSpectrum(const AudioBuffer& stem, const std::vector<TimeRange>& sections,
                      const MainScanParams& params, const CancellationToken& cancel, MainScan& out);

BassScan scanBassSpectrum(const std::vector<float>& mono_low, double low_rate_hz,
                          const std::vector<TimeRange>& sections);

// index 0: whole stem; 1 + s: section s.
void writeSpectralValues(const MainScan& main, const BassScan& bass, std::size_t index,
                         std::map<std::string, double>& out);

// The stereo family's stereo_width over samples [first, last) of L and R.
double stereoWidth(const float* l, const float* r, std::size_t first, std::size_t last);

// The stereo family's 20-120 Hz band of L and R at low_rate_hz (input: L and R
// decimated to that rate), and its width / correlation over a time range.
struct LowBandPair {
    double rate_hz = 0.0;
    std::vector<float> l, r;
};
LowBandPair lowBandPair(std::vector<float> l_low, std::vector<float> r_low, double low_rate_hz);
void writeLowBandValues(const LowBandPair& band, double start_s, double end_s,
                        std::map<std::string, double>& out);

// ceil(t * per_s - 1e-9) clamped to [0, size]: the families' index of the first
// frame / sample at or after t.
std::size_t indexAtOrAfter(double t, double per_s, std::size_t size);

} // namespace styledna::core::stems
