#pragma once
// Band integration over one-sided STFT power spectra with fractional bins, so
// narrow low bands (20-60 Hz against 21.5 Hz bins) are weighted by overlap
// instead of snapped to whole bins.
//
// Bin model: bin k (of num_bins = N/2 + 1, width d = rate / N) stands for the
// frequency interval [(k - 1/2) d, (k + 1/2) d] clipped to [0, rate / 2]; its
// power is spread uniformly over that interval. A band [lo, hi) takes from each
// bin the fraction of the interval it overlaps (weight in [0, 1]); its centre
// frequency for centroids is the midpoint of the overlap.
//
// Power normalisation (Hann window of size N, periodic): meanSquarePower(|X_k|)
// = c_k |X_k|^2 * 8 / (3 N^2), c_k = 2 inside, 1 at DC and Nyquist, so that the
// sum over bins of a frame equals the mean square of the (stationary) signal:
// a full-scale sine sums to 0.5 whatever N and the rate. Use it to compare
// spectra of different sizes or rates.
// Thread-safety: pure functions / immutable values.

#include <cstddef>
#include <vector>

#include "core/dsp/stft.hpp"

namespace styledna::core {

struct BandWeights {
    double lo_hz = 0.0;
    double hi_hz = 0.0;
    std::size_t first_bin = 0;     // weights[i] applies to bin first_bin + i
    std::vector<double> weights;   // overlap fraction, (0, 1]
    std::vector<double> centre_hz; // midpoint of the overlapped part of each bin

    bool empty() const { return weights.empty(); }
    // sum_i weights[i] * power[first_bin + i]
    double sum(const float* power) const;
    double sum(const double* power) const;
    // sum_i weights[i] * centre_hz[i] * power[first_bin + i]
    double weightedFrequencySum(const double* power) const;
};

// num_bins = frame_size / 2 + 1; bin_hz = rate / frame_size. Empty when the band
// does not overlap [0, rate / 2].
BandWeights makeBandWeights(std::size_t num_bins, double bin_hz, double lo_hz, double hi_hz);

// Scale for |X_k|^2 -> mean-square power of bin k (see the header comment).
double hannPowerScale(std::size_t frame_size, std::size_t bin, std::size_t num_bins);

// acc[k] += hannPowerScale(k) * |X_k|^2 summed over frames [first, last) of
// `spec` (clamped); acc is resized to num_bins if needed. Vectorised; the
// long-term average spectrum is acc / (last - first).
void accumulatePower(const Spectrogram& spec, std::size_t first, std::size_t last,
                     std::vector<double>& acc);

} // namespace styledna::core
