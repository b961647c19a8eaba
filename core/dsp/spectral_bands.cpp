#include "core/dsp/spectral_bands.hpp"

#include <algorithm>
#include <cmath>

namespace styledna::core {

double BandWeights::sum(const float* power) const {
    double s = 0.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        s += weights[i] * static_cast<double>(power[first_bin + i]);
    }
    return s;
}

double BandWeights::sum(const double* power) const {
    double s = 0.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        s += weights[i] * power[first_bin + i];
    }
    return s;
}

double BandWeights::weightedFrequencySum(const double* power) const {
    double s = 0.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        s += weights[i] * centre_hz[i] * power[first_bin + i];
    }
    return s;
}

BandWeights makeBandWeights(std::size_t num_bins, double bin_hz, double lo_hz, double hi_hz) {
    BandWeights b;
    b.lo_hz = lo_hz;
    b.hi_hz = hi_hz;
    if (num_bins == 0 || !(bin_hz > 0.0) || !(hi_hz > lo_hz)) {
        return b;
    }
    const double nyquist = static_cast<double>(num_bins - 1) * bin_hz;
    bool started = false;
    for (std::size_t k = 0; k < num_bins; ++k) {
        const double centre = static_cast<double>(k) * bin_hz;
        const double bin_lo = std::max(0.0, centre - 0.5 * bin_hz);
        const double bin_hi = std::min(nyquist, centre + 0.5 * bin_hz);
        const double lo = std::max(bin_lo, lo_hz);
        const double hi = std::min(bin_hi, hi_hz);
        if (hi <= lo) {
            if (started) {
                break;
            }
            continue;
        }
        if (!started) {
            b.first_bin = k;
            started = true;
        }
        b.weights.push_back((hi - lo) / (bin_hi - bin_lo));
        b.centre_hz.push_back(0.5 * (lo + hi));
    }
    return b;
}

double hannPowerScale(std::size_t frame_size, std::size_t bin, std::size_t num_bins) {
    const double n = static_cast<double>(frame_size);
    const double c = (bin == 0 || bin + 1 == num_bins) ? 1.0 : 2.0;
    return c * 8.0 / (3.0 * n * n);
}

void accumulatePower(const Spectrogram& spec, std::size_t first, std::size_t last,
                     std::vector<double>& acc) {
    const std::size_t bins = spec.num_bins;
    if (acc.size() != bins) {
        acc.assign(bins, 0.0);
    }
    last = std::min(last, spec.num_frames);
    if (first >= last || bins == 0) {
        return;
    }
    std::vector<float> scale(bins);
    for (std::size_t k = 0; k < bins; ++k) {
        scale[k] = static_cast<float>(hannPowerScale(spec.frame_size, k, bins));
    }
    // Float partial sums over blocks of 64 frames keep the double adds off the
    // inner loop; 64 terms of float add at most ~1e-6 relative error.
    std::vector<float> block(bins);
    for (std::size_t i0 = first; i0 < last; i0 += 64) {
        const std::size_t i1 = std::min(last, i0 + 64);
        std::fill(block.begin(), block.end(), 0.0f);
        for (std::size_t i = i0; i < i1; ++i) {
            const float* mag = spec.frame(i);
            for (std::size_t k = 0; k < bins; ++k) {
                block[k] += mag[k] * mag[k];
            }
        }
        for (std::size_t k = 0; k < bins; ++k) {
            acc[k] += static_cast<double>(scale[k]) * block[k];
        }
    }
}

} // namespace styledna::core
