#include "core/embed/descriptor_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string_view>

#include "core/dsp/fast_log.hpp"
#include "core/embed/descriptor_backbone.hpp"

namespace styledna::embed::detail {
namespace {

constexpr float kDbPerLog2 = 3.0102999566f; // 10 log10(2)

float fastDb(float power) {
    return kDbPerLog2 * core::fastLog2(power + kPowerFloor);
}

// Dot product of N floats (N a multiple of 8) in 8 independent lanes, so it
// vectorises without -ffast-math.
template <std::size_t N> float dot(const float* w, const float* x) {
    static_assert(N % 8 == 0);
    float acc[8] = {};
    for (std::size_t i = 0; i < N; i += 8) {
        for (std::size_t l = 0; l < 8; ++l) {
            acc[l] += w[i + l] * x[i + l];
        }
    }
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// DCT-II, orthonormal: kMfccCoefficients x kMelBands.
const std::array<float, kMfccCoefficients * kMelBands>& dctMatrix() {
    static const auto matrix = [] {
        std::array<float, kMfccCoefficients * kMelBands> m{};
        for (int c = 0; c < kMfccCoefficients; ++c) {
            const double scale = std::sqrt((c == 0 ? 1.0 : 2.0) / kMelBands);
            for (int b = 0; b < kMelBands; ++b) {
                m[c * kMelBands + b] = static_cast<float>(
                    scale * std::cos(std::numbers::pi * c * (b + 0.5) / kMelBands));
            }
        }
        return m;
    }();
    return matrix;
}
// Mean and population standard deviation of the Width columns of n rows
// (row stride Width). Float sums: at most a few hundred terms of similar size
// (dB values), and the variance pass is centred.
template <int Width>
void columnMeanStd(const float* x, std::size_t n, float* mean, float* std_dev) {
    std::array<float, Width> sum{}, var{};
    for (std::size_t t = 0; t < n; ++t) {
        for (int b = 0; b < Width; ++b) {
            sum[b] += x[t * Width + b];
        }
    }
    const float inv_n = n > 0 ? 1.0f / static_cast<float>(n) : 0.0f;
    for (int b = 0; b < Width; ++b) {
        sum[b] *= inv_n;
    }
    for (std::size_t t = 0; t < n; ++t) {
        for (int b = 0; b < Width; ++b) {
            const float d = x[t * Width + b] - sum[b];
            var[b] += d * d;
        }
    }
    for (int b = 0; b < Width; ++b) {
        mean[b] = sum[b];
        std_dev[b] = std::sqrt(var[b] * inv_n);
    }
}
// |X_k|, k = 1 .. kChromaHarmonics, of the 12-point DFT of a chroma vector:
// a transposition only rotates the vector, which changes the phases alone.
void chromaDftMagnitudes(const float* chroma, float* out) {
    static const auto table = [] {
        std::array<std::array<float, 2 * kPitchClasses>, kChromaHarmonics> t{};
        for (int k = 0; k < kChromaHarmonics; ++k) {
            for (int c = 0; c < kPitchClasses; ++c) {
                const double angle = 2.0 * std::numbers::pi * (k + 1) * c / kPitchClasses;
                t[k][2 * c] = static_cast<float>(std::cos(angle));
                t[k][2 * c + 1] = static_cast<float>(std::sin(angle));
            }
        }
        return t;
    }();
    for (int k = 0; k < kChromaHarmonics; ++k) {
        float re = 0.0f, im = 0.0f;
        for (int c = 0; c < kPitchClasses; ++c) {
            re += chroma[c] * table[k][2 * c];
            im += chroma[c] * table[k][2 * c + 1];
        }
        out[k] = std::sqrt(re * re + im * im);
    }
}

// Key-invariant tonal statistics of n chroma frames: the DFT magnitudes of
// their mean (the segment's pitch-class profile) and the mean of each frame's.
void chromaHarmonics(const float* chroma, std::size_t n, float* of_mean, float* frame_mean) {
    std::array<float, kPitchClasses> mean{};
    std::array<double, kChromaHarmonics> acc{};
    std::array<float, kChromaHarmonics> mags{};
    for (std::size_t t = 0; t < n; ++t) {
        for (int c = 0; c < kPitchClasses; ++c) {
            mean[c] += chroma[t * kPitchClasses + c];
        }
        chromaDftMagnitudes(chroma + t * kPitchClasses, mags.data());
        for (int k = 0; k < kChromaHarmonics; ++k) {
            acc[k] += mags[k];
        }
    }
    const float inv_n = n > 0 ? 1.0f / static_cast<float>(n) : 0.0f;
    for (auto& m : mean) {
        m *= inv_n;
    }
    chromaDftMagnitudes(mean.data(), of_mean);
    for (int k = 0; k < kChromaHarmonics; ++k) {
        frame_mean[k] = static_cast<float>(acc[k] * inv_n);
    }
}

// Beat envelope (kOnsetBands x kBeatPhases, group-major) of n rows whose first
// is STFT frame first_frame: per onset band group, the mean level (dB) of the
// frames in each eighth of the beat minus the mean over the eighths; zeros
// without a grid. Levels are clamped at kEnvelopeRangeDb below the group's
// loudest frame.
void beatEnvelope(const Filterbank& fb, const float* rows, std::size_t n, std::size_t first_frame,
                  const PatternClock& clock, float* out) {
    std::fill(out, out + kOnsetBands * kBeatPhases, 0.0f);
    if (!clock.valid() || n == 0) {
        return;
    }
    std::vector<float> level(n * kOnsetBands);
    std::array<float, kOnsetBands> loudest;
    loudest.fill(-1e30f);
    for (std::size_t t = 0; t < n; ++t) {
        for (int g = 0; g < kOnsetBands; ++g) {
            float p = 0.0f;
            for (int b = fb.onsetRuns()[g].first; b < fb.onsetRuns()[g].last; ++b) {
                p += rows[t * kRowSize + kRowMel + b];
            }
            level[t * kOnsetBands + g] = fastDb(p);
            loudest[g] = std::max(loudest[g], level[t * kOnsetBands + g]);
        }
    }
    std::array<std::array<double, kBeatPhases>, kOnsetBands> sum{};
    std::array<int, kBeatPhases> count{};
    for (std::size_t t = 0; t < n; ++t) {
        const int phase = clock.beatPhase(first_frame + t);
        ++count[phase];
        for (int g = 0; g < kOnsetBands; ++g) {
            sum[g][phase] += std::max(level[t * kOnsetBands + g], loudest[g] - kEnvelopeRangeDb);
        }
    }
    for (int g = 0; g < kOnsetBands; ++g) {
        double total = 0.0;
        int filled = 0;
        for (int ph = 0; ph < kBeatPhases; ++ph) {
            if (count[ph] > 0) {
                sum[g][ph] /= count[ph];
                total += sum[g][ph];
                ++filled;
            }
        }
        const double mean = filled > 0 ? total / filled : 0.0;
        for (int ph = 0; ph < kBeatPhases; ++ph) {
            out[g * kBeatPhases + ph] =
                count[ph] > 0 ? static_cast<float>(sum[g][ph] - mean) : 0.0f;
        }
    }
}

int blockOffset(const char* name) {
    for (const auto& b : kDescriptorBlocks) {
        if (std::string_view(b.name) == name) {
            return b.offset;
        }
    }
    return -1;
}
} // namespace

DerivedFrames deriveFrames(const float* rows, std::size_t n) {
    DerivedFrames d;
    d.n = n;
    d.log_mel.resize(n * kMelBands);
    d.mfcc.resize(n * kMfccCoefficients);
    d.chroma.resize(n * kPitchClasses);
    d.power.resize(n);
    d.level_db.resize(n);
    const auto& dct = dctMatrix();
    for (std::size_t t = 0; t < n; ++t) {
        const float* row = rows + t * kRowSize;
        float* log_mel = d.log_mel.data() + t * kMelBands;
        float power = 0.0f;
        for (int b = 0; b < kMelBands; ++b) {
            log_mel[b] = fastDb(row[kRowMel + b]);
            power += row[kRowMel + b];
        }
        d.power[t] = power;
        d.level_db[t] = static_cast<float>(10.0 * std::log10(power + kPowerFloor));
        for (int c = 0; c < kMfccCoefficients; ++c) {
            d.mfcc[t * kMfccCoefficients + c] = dot<kMelBands>(dct.data() + c * kMelBands, log_mel);
        }
        float chroma_power = kPowerFloor;
        for (int c = 0; c < kPitchClasses; ++c) {
            chroma_power += row[kRowChroma + c];
        }
        for (int c = 0; c < kPitchClasses; ++c) {
            d.chroma[t * kPitchClasses + c] = row[kRowChroma + c] / chroma_power;
        }
    }
    return d;
}

int PatternClock::beatPhase(std::size_t frame) const {
    const double beats =
        (static_cast<double>(frame) * frame_period_s - first_downbeat_s) / beat_period_s;
    const auto phase = static_cast<int>(std::floor((beats - std::floor(beats)) * kBeatPhases));
    return std::clamp(phase, 0, kBeatPhases - 1);
}

int PatternClock::step(std::size_t frame) const {
    const double beats =
        (static_cast<double>(frame) * frame_period_s - first_downbeat_s) / beat_period_s;
    const auto sixteenth = static_cast<long long>(std::floor(4.0 * beats + 0.5));
    return static_cast<int>(((sixteenth % kPatternSteps) + kPatternSteps) % kPatternSteps);
}

void segmentDescriptor(const Filterbank& fb, const float* rows, const DerivedFrames& derived,
                       std::size_t first, std::size_t last, std::size_t frame_offset,
                       const PatternClock& clock, float* out) {
    static const int log_mel_mean = blockOffset("log_mel_mean_db");
    static const int log_mel_std = blockOffset("log_mel_std_db");
    static const int mfcc_mean = blockOffset("mfcc_mean_db");
    static const int mfcc_cov = blockOffset("mfcc_cov_db2");
    static const int chroma_dft_mean = blockOffset("chroma_dft_mean");
    static const int chroma_dft_frame = blockOffset("chroma_dft_frame");
    static const int onset_mean = blockOffset("onset_mean_db");
    static const int onset_std = blockOffset("onset_std_db");
    static const int onset_pattern = blockOffset("onset_pattern_db");
    static const int beat_envelope = blockOffset("beat_envelope_db");
    static const int tempo = blockOffset("tempo_log2_bpm");
    static const int side_share = blockOffset("side_share");
    static const int loudness = blockOffset("loudness_db");
    const std::size_t n = last - first;
    const float* log_mel = derived.log_mel.data() + first * kMelBands;

    columnMeanStd<kMelBands>(log_mel, n, out + log_mel_mean, out + log_mel_std);
    chromaHarmonics(derived.chroma.data() + first * kPitchClasses, n, out + chroma_dft_mean,
                    out + chroma_dft_frame);

    // MFCC mean and covariance (centred, so float accumulation is exact enough).
    const float* mfcc = derived.mfcc.data() + first * kMfccCoefficients;
    std::array<float, kMfccCoefficients> mu{}, sd{};
    columnMeanStd<kMfccCoefficients>(mfcc, n, mu.data(), sd.data());
    std::copy(mu.begin(), mu.end(), out + mfcc_mean);
    std::array<float, kMfccCoefficients * kMfccCoefficients> cov{};
    for (std::size_t t = 0; t < n; ++t) {
        std::array<float, kMfccCoefficients> x{};
        for (int c = 0; c < kMfccCoefficients; ++c) {
            x[c] = mfcc[t * kMfccCoefficients + c] - mu[c];
        }
        for (int i = 0; i < kMfccCoefficients; ++i) {
            for (int j = 0; j < kMfccCoefficients; ++j) {
                cov[i * kMfccCoefficients + j] += x[i] * x[j];
            }
        }
    }
    const float inv_n = n > 0 ? 1.0f / static_cast<float>(n) : 0.0f;
    int k = 0;
    for (int i = 0; i < kMfccCoefficients; ++i) {
        for (int j = i; j < kMfccCoefficients; ++j) {
            out[mfcc_cov + k++] = cov[i * kMfccCoefficients + j] * inv_n;
        }
    }

    // Onsets: log-mel rises from frame t - 1 to t, t in (first, last), the
    // log-mel clamped at kOnsetRangeDb below the segment's loudest band.
    const float onset_floor =
        n > 0 ? *std::max_element(log_mel, log_mel + n * kMelBands) - kOnsetRangeDb : 0.0f;
    const std::size_t nf = n > 1 ? n - 1 : 0;
    std::vector<float> flux(nf * kOnsetBands);
    for (std::size_t i = 0; i < nf; ++i) {
        const float* before = log_mel + i * kMelBands;
        const float* now = before + kMelBands;
        for (int g = 0; g < kOnsetBands; ++g) {
            float rise = 0.0f;
            for (int b = fb.onsetRuns()[g].first; b < fb.onsetRuns()[g].last; ++b) {
                rise += std::max(0.0f,
                                 std::max(now[b], onset_floor) - std::max(before[b], onset_floor));
            }
            flux[i * kOnsetBands + g] = rise;
        }
    }
    columnMeanStd<kOnsetBands>(flux.data(), nf, out + onset_mean, out + onset_std);
    std::array<std::array<double, kPatternSteps>, kOnsetBands> step_sum{};
    std::array<int, kPatternSteps> step_count{};
    if (clock.valid()) {
        for (std::size_t i = 0; i < nf; ++i) {
            const int s = clock.step(frame_offset + first + 1 + i);
            ++step_count[s];
            for (int g = 0; g < kOnsetBands; ++g) {
                step_sum[g][s] += flux[i * kOnsetBands + g];
            }
        }
    }
    for (int g = 0; g < kOnsetBands; ++g) {
        for (int s = 0; s < kPatternSteps; ++s) {
            out[onset_pattern + g * kPatternSteps + s] =
                step_count[s] > 0 ? static_cast<float>(step_sum[g][s] / step_count[s])
                                  : out[onset_mean + g];
        }
    }

    beatEnvelope(fb, rows + first * kRowSize, n, frame_offset + first, clock, out + beat_envelope);
    out[tempo] =
        clock.valid() ? static_cast<float>(std::log2(60.0 / clock.beat_period_s)) : kNoGridLog2Bpm;

    // Stereo: side share per band over the segment.
    std::array<double, kStereoBands> mid{}, side{};
    for (std::size_t t = first; t < last; ++t) {
        const float* row = rows + t * kRowSize;
        for (int g = 0; g < kStereoBands; ++g) {
            float m = 0.0f;
            for (int b = fb.stereoRuns()[g].first; b < fb.stereoRuns()[g].last; ++b) {
                m += row[kRowMel + b];
            }
            mid[g] += m;
            side[g] += row[kRowSide + g];
        }
    }
    for (int g = 0; g < kStereoBands; ++g) {
        const double total = mid[g] + side[g];
        out[side_share + g] = total > kPowerFloor * static_cast<double>(n)
                                  ? static_cast<float>(side[g] / total)
                                  : 0.0f;
    }

    // Loudness of the frame powers.
    std::vector<float> level(derived.level_db.begin() + static_cast<std::ptrdiff_t>(first),
                             derived.level_db.begin() + static_cast<std::ptrdiff_t>(last));
    double mean_power = 0.0, max_power = 0.0;
    for (std::size_t t = first; t < last; ++t) {
        mean_power += derived.power[t];
        max_power = std::max(max_power, static_cast<double>(derived.power[t]));
    }
    mean_power /= static_cast<double>(std::max<std::size_t>(n, 1));
    float level_mean = 0.0f;
    out[loudness + 0] = static_cast<float>(10.0 * std::log10(mean_power + kPowerFloor));
    columnMeanStd<1>(level.data(), n, &level_mean, out + loudness + 1);
    out[loudness + 2] = static_cast<float>(
        10.0 * std::log10((max_power + kPowerFloor) / (mean_power + kPowerFloor)));
    float dynamic_range = 0.0f;
    if (n > 0) {
        auto percentile = [&](double q) {
            const auto i = static_cast<std::size_t>(std::lround(q * static_cast<double>(n - 1)));
            std::nth_element(level.begin(), level.begin() + static_cast<std::ptrdiff_t>(i),
                             level.end());
            return level[i];
        };
        const float p95 = percentile(0.95);
        dynamic_range = p95 - percentile(0.10);
    }
    out[loudness + 3] = dynamic_range;
}

} // namespace styledna::embed::detail
