#include "core/dsp/onset_envelope.hpp"

#include <algorithm>
#include <cmath>

namespace styledna::core {

std::vector<std::vector<float>> bandFluxEnvelopes(const Spectrogram& spec,
                                                  const std::vector<BandRange>& ranges,
                                                  const OnsetEnvelopeParams& params) {
    std::vector<std::vector<float>> out(ranges.size());
    if (spec.num_frames == 0 || spec.num_bins < 2) {
        return out;
    }
    for (auto& env : out) {
        env.assign(spec.num_frames, 0.0f);
    }
    // Band layout: [first_bin, last_bin) per band, log-spaced edges.
    const double bin_hz = spec.binHz(1);
    const double top_hz = std::min(params.max_hz, spec.binHz(spec.num_bins - 1));
    std::vector<std::size_t> edges;
    double edge_hz = params.min_hz;
    std::size_t bin =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(edge_hz / bin_hz)));
    edges.push_back(bin);
    const double step = std::pow(2.0, 1.0 / std::max(1, params.bands_per_octave));
    while (edge_hz < top_hz) {
        edge_hz *= step;
        const auto next =
            std::max(edges.back() + 1, static_cast<std::size_t>(std::ceil(edge_hz / bin_hz)));
        if (next > spec.num_bins) {
            break;
        }
        edges.push_back(next);
    }
    const std::size_t num_bands = edges.size() - 1;
    if (num_bands == 0) {
        return out;
    }
    // members[b] = the ranges whose span holds band b's centre
    std::vector<std::vector<std::size_t>> members(num_bands);
    for (std::size_t b = 0; b < num_bands; ++b) {
        const double centre_hz = 0.5 * (edges[b] + edges[b + 1] - 1) * bin_hz;
        for (std::size_t r = 0; r < ranges.size(); ++r) {
            if (centre_hz >= ranges[r].min_hz && centre_hz <= ranges[r].max_hz) {
                members[b].push_back(r);
            }
        }
    }
    const double full_scale = static_cast<double>(spec.frame_size) / 4.0;
    const float floor_power =
        static_cast<float>(full_scale * full_scale * std::pow(10.0, -params.floor_db / 10.0));
    std::vector<float> prev(num_bands, 0.0f), cur(num_bands, 0.0f);
    for (std::size_t i = 0; i < spec.num_frames; ++i) {
        const float* mag = spec.frame(i);
        for (std::size_t b = 0; b < num_bands; ++b) {
            float power = 0.0f;
            for (std::size_t k = edges[b]; k < edges[b + 1]; ++k) {
                power += mag[k] * mag[k];
            }
            cur[b] = 10.0f * std::log10(power + floor_power);
        }
        if (i > 0) {
            for (std::size_t b = 0; b < num_bands; ++b) {
                const float rise = cur[b] - prev[b];
                if (rise > 0.0f) {
                    for (std::size_t r : members[b]) {
                        out[r][i] += rise;
                    }
                }
            }
        }
        std::swap(prev, cur);
    }
    return out;
}

std::vector<float> bandPowerFlux(const Spectrogram& spec, double min_hz, double max_hz) {
    std::vector<float> flux(spec.num_frames, 0.0f);
    if (spec.num_frames == 0 || spec.num_bins < 2) {
        return flux;
    }
    const std::size_t lo = std::max<std::size_t>(1, spec.binForHz(min_hz));
    const std::size_t hi = std::max(lo, spec.binForHz(max_hz));
    const double full_scale = static_cast<double>(spec.frame_size) / 4.0;
    const double norm = 1.0 / (full_scale * full_scale);
    double prev = 0.0;
    for (std::size_t i = 0; i < spec.num_frames; ++i) {
        const float* mag = spec.frame(i);
        double power = 0.0;
        for (std::size_t k = lo; k <= hi; ++k) {
            power += static_cast<double>(mag[k]) * mag[k];
        }
        power *= norm;
        flux[i] = i > 0 ? static_cast<float>(std::max(0.0, power - prev)) : 0.0f;
        prev = power;
    }
    return flux;
}

void removeLocalMean(std::vector<float>& envelope, int window) {
    const std::size_t n = envelope.size();
    if (n == 0 || window < 2) {
        return;
    }
    const std::size_t half = static_cast<std::size_t>(window) / 2;
    std::vector<double> prefix(n + 1, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        prefix[i + 1] = prefix[i] + envelope[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t lo = i > half ? i - half : 0;
        const std::size_t hi = std::min(n, i + half + 1);
        const double mean = (prefix[hi] - prefix[lo]) / static_cast<double>(hi - lo);
        envelope[i] = std::max(0.0f, static_cast<float>(envelope[i] - mean));
    }
}

} // namespace styledna::core
