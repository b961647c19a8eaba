#pragma once
// Spectral peaks, tuning-frequency estimation and HPCP (harmonic pitch class
// profile, after Gomez 2006) from a magnitude spectrogram.
//
// Peaks: local maxima of the magnitude in [min_hz, max_hz], at most
// `max_peaks` per frame (strongest first), above `threshold_db` re the frame
// maximum; frequency and level refined by a parabola through the log
// magnitudes of the three bins (Hann: bias well under 0.05 bin). Every
// `frame_step`-th frame is used.
// Tuning: histogram of the peaks' deviation from the 12-TET grid re 440 Hz
// (1-cent bins, circular, magnitude-weighted, peaks >= tuning_min_hz where the
// bins are fine enough), mode of the histogram smoothed with a +-8 cent
// triangle (so a symmetric detuned-unison cluster reads its centre, not one
// voice), refined by the weighted circular mean within +-10 cents -> reference A4 in Hz (440 *
// 2^(cents / 1200)). HPCP: each peak adds magnitude * decay^(h-1) * cos^2 weight to the pitch
// classes of f / h, h = 1..harmonics (the peak read as h-th harmonic), over a
// window of `window_semitones`; each frame is normalised to max 1. Bin b (of 12 *
// bins_per_semitone) is centred on pitch class C + b / bins_per_semitone semitones, relative to the
// reference tuning. Threads: pure functions, reentrant.

#include <cstddef>
#include <vector>

#include "core/dsp/stft.hpp"

namespace styledna::core {

struct SpectralPeak {
    float hz = 0.0f;
    float magnitude = 0.0f; // linear, same scale as the spectrogram
};

struct PeakFrames {
    std::vector<SpectralPeak> peaks;
    std::vector<std::size_t> offsets; // frame j's peaks: [offsets[j], offsets[j + 1])
    std::size_t numFrames() const { return offsets.empty() ? 0 : offsets.size() - 1; }
};

struct SpectralPeakParams {
    double min_hz = 100.0;
    double max_hz = 5000.0;
    double threshold_db = -50.0; // re the strongest bin of the frame
    std::size_t max_peaks = 40;
    std::size_t frame_step = 4; // 46 ms between analysed frames at 512 hop
};

PeakFrames findSpectralPeaks(const Spectrogram& spec, const SpectralPeakParams& params = {});

// Reference A4 in Hz; 440 when there are no usable peaks.
double estimateTuningHz(const PeakFrames& peaks, double tuning_min_hz = 200.0);

struct HpcpParams {
    int bins_per_semitone = 3;
    double window_semitones = 4.0 / 3.0;
    int harmonics = 4;
    double harmonic_decay = 0.6;
};

// Per-frame HPCP, row-major numFrames() x (12 * bins_per_semitone), each
// row normalised to max 1 (all-zero rows for frames without peaks).
std::vector<float> hpcpFrames(const PeakFrames& peaks, double reference_hz,
                              const HpcpParams& params = {});

// Mean of the rows [first, last) of hpcpFrames() output (`size` columns).
std::vector<double> meanRows(const std::vector<float>& rows, std::size_t size, std::size_t first,
                             std::size_t last);

// Folds an HPCP to 12 pitch classes (C = 0), each the sum of the bins within
// half a semitone of its centre.
std::vector<double> foldToPitchClasses(const std::vector<double>& hpcp, int bins_per_semitone);

} // namespace styledna::core
