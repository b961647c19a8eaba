#include "core/dsp/chroma.hpp"

#include <algorithm>
#include <cmath>

namespace styledna::core {

PeakFrames findSpectralPeaks(const Spectrogram& spec, const SpectralPeakParams& p) {
    PeakFrames out;
    out.offsets.push_back(0);
    if (spec.num_frames == 0 || spec.num_bins < 4) {
        return out;
    }
    const std::size_t lo = std::max<std::size_t>(1, spec.binForHz(p.min_hz));
    const std::size_t hi = std::min(spec.num_bins - 2, spec.binForHz(p.max_hz));
    const double bin_hz = spec.binHz(1);
    const float ratio = static_cast<float>(std::pow(10.0, p.threshold_db / 20.0));
    std::vector<SpectralPeak> frame_peaks;
    for (std::size_t i = 0; i < spec.num_frames; i += std::max<std::size_t>(1, p.frame_step)) {
        const float* m = spec.frame(i);
        float max_mag = 0.0f;
        for (std::size_t k = lo; k <= hi; ++k) {
            max_mag = std::max(max_mag, m[k]);
        }
        frame_peaks.clear();
        const float floor_mag = std::max(max_mag * ratio, 1e-6f);
        for (std::size_t k = lo; k <= hi; ++k) {
            if (m[k] > floor_mag && m[k] > m[k - 1] && m[k] >= m[k + 1]) {
                const double a = std::log(m[k - 1] + 1e-9f);
                const double b = std::log(m[k]);
                const double c = std::log(m[k + 1] + 1e-9f);
                const double den = a - 2.0 * b + c;
                const double d = den < 0.0 ? std::clamp(0.5 * (a - c) / den, -0.5, 0.5) : 0.0;
                const double level = std::exp(b - 0.25 * (a - c) * d);
                frame_peaks.push_back({static_cast<float>((static_cast<double>(k) + d) * bin_hz),
                                       static_cast<float>(level)});
            }
        }
        if (frame_peaks.size() > p.max_peaks) {
            std::nth_element(frame_peaks.begin(),
                             frame_peaks.begin() + static_cast<long>(p.max_peaks),
                             frame_peaks.end(), [](const SpectralPeak& x, const SpectralPeak& y) {
                                 return x.magnitude > y.magnitude;
                             });
            frame_peaks.resize(p.max_peaks);
        }
        out.peaks.insert(out.peaks.end(), frame_peaks.begin(), frame_peaks.end());
        out.offsets.push_back(out.peaks.size());
    }
    return out;
}

double estimateTuningHz(const PeakFrames& peaks, double tuning_min_hz) {
    constexpr int kBins = 100;
    std::vector<double> hist(kBins, 0.0);
    std::vector<double> cents;
    std::vector<double> weights;
    cents.reserve(peaks.peaks.size());
    weights.reserve(peaks.peaks.size());
    for (const auto& pk : peaks.peaks) {
        if (pk.hz < tuning_min_hz) {
            continue;
        }
        const double c = 1200.0 * std::log2(pk.hz / 440.0);
        const double dev = c - 100.0 * std::round(c / 100.0); // [-50, 50]
        cents.push_back(dev);
        weights.push_back(pk.magnitude);
        hist[static_cast<std::size_t>(static_cast<int>(std::floor(dev + 50.0)) % kBins)] +=
            pk.magnitude;
    }
    if (cents.empty()) {
        return 440.0;
    }
    int mode = 0;
    double best = -1.0;
    for (int b = 0; b < kBins; ++b) {
        double mass = 0.0;
        for (int d = -8; d <= 8; ++d) {
            mass += (9 - std::abs(d)) * hist[static_cast<std::size_t>((b + d + kBins) % kBins)];
        }
        if (mass > best) {
            best = mass;
            mode = b;
        }
    }
    const double centre = mode + 0.5 - 50.0;
    double sum = 0.0, weight = 0.0;
    for (std::size_t i = 0; i < cents.size(); ++i) {
        double d = cents[i] - centre;
        d -= 100.0 * std::round(d / 100.0); // circular distance
        if (std::abs(d) <= 10.0) {
            sum += weights[i] * d;
            weight += weights[i];
        }
    }
    const double dev = centre + (weight > 0.0 ? sum / weight : 0.0);
    return 440.0 * std::pow(2.0, dev / 1200.0);
}

std::vector<float> hpcpFrames(const PeakFrames& peaks, double reference_hz, const HpcpParams& p) {
    const int bps = std::max(1, p.bins_per_semitone);
    const int size = 12 * bps;
    std::vector<float> rows(peaks.numFrames() * static_cast<std::size_t>(size), 0.0f);
    std::vector<double> frame(static_cast<std::size_t>(size), 0.0);
    const double half_window = 0.5 * p.window_semitones;
    std::vector<double> harmonic_weight(static_cast<std::size_t>(std::max(1, p.harmonics)));
    std::vector<double> harmonic_shift(harmonic_weight.size());
    for (std::size_t h = 0; h < harmonic_weight.size(); ++h) {
        harmonic_weight[h] = std::pow(p.harmonic_decay, static_cast<double>(h));
        harmonic_shift[h] = 12.0 * std::log2(static_cast<double>(h + 1)); // f / h, semitones
    }
    // cos^2 window sampled on 1/256 of its half-width: no trig per peak.
    constexpr int kTable = 256;
    std::vector<double> cos2(kTable + 1);
    for (int i = 0; i <= kTable; ++i) {
        const double w = std::cos(0.5 * M_PI * i / kTable);
        cos2[static_cast<std::size_t>(i)] = w * w;
    }
    const double to_table = kTable / (half_window * bps);
    // Pitch 0 = C at the reference tuning.
    const double c_ref_hz = reference_hz * std::pow(2.0, -9.0 / 12.0);
    for (std::size_t j = 0; j < peaks.numFrames(); ++j) {
        std::fill(frame.begin(), frame.end(), 0.0);
        for (std::size_t i = peaks.offsets[j]; i < peaks.offsets[j + 1]; ++i) {
            const auto& pk = peaks.peaks[i];
            const double semis = 12.0 * std::log2(pk.hz / c_ref_hz);
            for (std::size_t h = 0; h < harmonic_weight.size(); ++h) {
                const double x = (semis - harmonic_shift[h]) * bps; // in bins
                const int first = static_cast<int>(std::ceil(x - half_window * bps));
                const int last = static_cast<int>(std::floor(x + half_window * bps));
                const double amp = harmonic_weight[h] * pk.magnitude;
                for (int b = first; b <= last; ++b) {
                    const auto t =
                        static_cast<std::size_t>(std::lround(std::abs(b - x) * to_table));
                    const int idx = ((b % size) + size) % size;
                    frame[static_cast<std::size_t>(idx)] +=
                        amp * cos2[std::min<std::size_t>(t, kTable)];
                }
            }
        }
        const double peak = *std::max_element(frame.begin(), frame.end());
        if (peak > 0.0) {
            float* row = rows.data() + j * static_cast<std::size_t>(size);
            for (int b = 0; b < size; ++b) {
                row[b] = static_cast<float>(frame[static_cast<std::size_t>(b)] / peak);
            }
        }
    }
    return rows;
}

std::vector<double> meanRows(const std::vector<float>& rows, std::size_t size, std::size_t first,
                             std::size_t last) {
    std::vector<double> mean(size, 0.0);
    if (size == 0) {
        return mean;
    }
    last = std::min(last, rows.size() / size);
    for (std::size_t j = first; j < last; ++j) {
        for (std::size_t b = 0; b < size; ++b) {
            mean[b] += rows[j * size + b];
        }
    }
    if (last > first) {
        for (double& v : mean) {
            v /= static_cast<double>(last - first);
        }
    }
    return mean;
}

std::vector<double> foldToPitchClasses(const std::vector<double>& hpcp, int bps) {
    std::vector<double> pcs(12, 0.0);
    const int size = static_cast<int>(hpcp.size());
    if (bps < 1 || size != 12 * bps) {
        return pcs;
    }
    const int half = bps / 2;
    for (int pc = 0; pc < 12; ++pc) {
        for (int d = -half; d <= half; ++d) {
            pcs[static_cast<std::size_t>(pc)] +=
                hpcp[static_cast<std::size_t>(((pc * bps + d) % size + size) % size)];
        }
    }
    return pcs;
}

} // namespace styledna::core
