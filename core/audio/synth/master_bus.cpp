#include "core/audio/synth/master_bus.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>

#include <ebur128.h>

namespace styledna::core {

namespace {

struct Ebur128Deleter {
    void operator()(ebur128_state* state) const { ebur128_destroy(&state); }
};
using Ebur128Handle = std::unique_ptr<ebur128_state, Ebur128Deleter>;

// K-weighting as designed by libebur128 (pre-filter shelf, then RLB high-pass).
struct KWeighting {
    double b[5]{};
    double a[5]{};

    explicit KWeighting(double rate_hz) {
        double f0 = 1681.974450955533;
        const double gain_db = 3.999843853973347;
        double q = 0.7071752369554196;
        double k = std::tan(std::numbers::pi * f0 / rate_hz);
        const double vh = std::pow(10.0, gain_db / 20.0);
        const double vb = std::pow(vh, 0.4996667741545416);
        const double a0 = 1.0 + k / q + k * k;
        const double pb[3] = {(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0,
                              (vh - vb * k / q + k * k) / a0};
        const double pa[3] = {1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0};
        f0 = 38.13547087602444;
        q = 0.5003270373238773;
        k = std::tan(std::numbers::pi * f0 / rate_hz);
        const double rb[3] = {1.0, -2.0, 1.0};
        const double ra[3] = {1.0, 2.0 * (k * k - 1.0) / (1.0 + k / q + k * k),
                              (1.0 - k / q + k * k) / (1.0 + k / q + k * k)};
        // Cascade as one 4th-order filter, as libebur128 does.
        b[0] = pb[0] * rb[0];
        b[1] = pb[0] * rb[1] + pb[1] * rb[0];
        b[2] = pb[0] * rb[2] + pb[1] * rb[1] + pb[2] * rb[0];
        b[3] = pb[1] * rb[2] + pb[2] * rb[1];
        b[4] = pb[2] * rb[2];
        a[0] = pa[0] * ra[0];
        a[1] = pa[0] * ra[1] + pa[1] * ra[0];
        a[2] = pa[0] * ra[2] + pa[1] * ra[1] + pa[2] * ra[0];
        a[3] = pa[1] * ra[2] + pa[2] * ra[1];
        a[4] = pa[2] * ra[2];
    }
};

// Direct form II state of the 4th-order K filter for left and right at once
// (GCC/Clang vector extension: two doubles per operation).
using Double2 = double __attribute__((vector_size(16)));

struct KState2 {
    Double2 s1{}, s2{}, s3{}, s4{};

    Double2 process(Double2 x, const KWeighting& k) {
        const Double2 w = x - k.a[1] * s1 - k.a[2] * s2 - k.a[3] * s3 - k.a[4] * s4;
        const Double2 y = k.b[0] * w + k.b[1] * s1 + k.b[2] * s2 + k.b[3] * s3 + k.b[4] * s4;
        s4 = s3;
        s3 = s2;
        s2 = s1;
        s1 = w;
        return y;
    }
};

} // namespace

double estimateMasterLoudness(const AudioBuffer& drums, const AudioBuffer& bass,
                              const AudioBuffer& other, float master_gain_linear) {
    const KWeighting kw(drums.sample_rate_hz);
    KState2 state;
    const std::size_t frames = drums.frames();
    const auto hop = static_cast<std::size_t>((drums.sample_rate_hz + 5.0) / 10.0);
    std::vector<double> hop_energy;
    hop_energy.reserve(frames / hop + 1);
    const float* d[2] = {drums.channels[0].data(), drums.channels[1].data()};
    const float* b[2] = {bass.channels[0].data(), bass.channels[1].data()};
    const float* o[2] = {other.channels[0].data(), other.channels[1].data()};
    for (std::size_t start = 0; start + hop <= frames; start += hop) {
        Double2 energy{};
        for (std::size_t i = start; i < start + hop; ++i) {
            const Double2 x{softClip((d[0][i] + b[0][i] + o[0][i]) * master_gain_linear),
                            softClip((d[1][i] + b[1][i] + o[1][i]) * master_gain_linear)};
            const Double2 y = state.process(x, kw);
            energy += y * y;
        }
        hop_energy.push_back(energy[0] + energy[1]);
    }
    std::vector<double> blocks;
    for (std::size_t j = 0; j + 4 <= hop_energy.size(); ++j) {
        blocks.push_back(
            (hop_energy[j] + hop_energy[j + 1] + hop_energy[j + 2] + hop_energy[j + 3]) /
            static_cast<double>(4 * hop));
    }
    auto gatedMean = [&](double threshold_energy) {
        double sum = 0.0;
        std::size_t n = 0;
        for (double z : blocks) {
            if (z > threshold_energy) {
                sum += z;
                ++n;
            }
        }
        return n > 0 ? sum / static_cast<double>(n) : 0.0;
    };
    const double absolute_gate = std::pow(10.0, (-70.0 + 0.691) / 10.0);
    const double relative_gate = gatedMean(absolute_gate) * std::pow(10.0, -10.0 / 10.0);
    const double mean = gatedMean(std::max(absolute_gate, relative_gate));
    return mean > 0.0 ? std::max(-70.0, -0.691 + 10.0 * std::log10(mean)) : -70.0;
}

Result<float> masterToLoudness(const AudioBuffer& drums, const AudioBuffer& bass,
                               const AudioBuffer& other, double target_lufs, AudioBuffer& mix,
                               const CancellationToken* cancel) {
    // The clipper makes loudness sub-linear in gain: secant steps, with the
    // slope clamped to [0.2, 1] so a flat stretch cannot throw the gain far.
    auto linear = [](double db) { return static_cast<float>(std::pow(10.0, db / 20.0)); };
    auto estimate = [&](double db) {
        return estimateMasterLoudness(drums, bass, other, linear(db));
    };
    double prev_gain_db = 0.0;
    double prev_lufs = estimate(0.0);
    double gain_db = target_lufs - prev_lufs;
    for (int pass = 0; pass < 8; ++pass) {
        if (cancel != nullptr && cancel->isCancelled()) {
            return cancelledError("synth: cancelled while mastering");
        }
        const double lufs = estimate(gain_db);
        const double error = target_lufs - lufs;
        if (std::abs(error) < 0.05) {
            break;
        }
        const double slope = (lufs - prev_lufs) / (gain_db - prev_gain_db);
        prev_gain_db = gain_db;
        prev_lufs = lufs;
        gain_db += error / std::clamp(std::isfinite(slope) ? slope : 1.0, 0.2, 1.0);
    }
    const float gain = linear(gain_db);
    for (std::size_t c = 0; c < mix.numChannels(); ++c) {
        const float* d = drums.channels[c].data();
        const float* b = bass.channels[c].data();
        const float* o = other.channels[c].data();
        float* m = mix.channels[c].data();
        for (std::size_t i = 0; i < mix.frames(); ++i) {
            m[i] = masterSample(d[i] + b[i] + o[i], gain);
        }
    }
    return gain;
}

std::vector<float> sidechainCurve(double depth_db, double release_ms, std::size_t frames,
                                  double rate_hz) {
    std::vector<float> curve(frames);
    const double tau_samples = release_ms * 1e-3 * rate_hz / std::log(10.0);
    for (std::size_t n = 0; n < frames; ++n) {
        const double gain_db = -depth_db * std::exp(-static_cast<double>(n) / tau_samples);
        curve[n] = static_cast<float>(std::pow(10.0, gain_db / 20.0));
    }
    return curve;
}

namespace {

// libebur128's true-peak interpolator (a 49-tap Hann-windowed sinc, x4 below
// 96 kHz, x2 below 192 kHz) as polyphase branches: branch f output at input
// n is sum_t coeff[f][t] * x[n - delay[f][t]].
struct PolyphaseInterpolator {
    std::vector<std::vector<float>> coeff;
    std::vector<std::vector<std::size_t>> delay;

    explicit PolyphaseInterpolator(double rate_hz) {
        const int factor = rate_hz < 96000.0 ? 4 : (rate_hz < 192000.0 ? 2 : 1);
        constexpr int kTaps = 49;
        coeff.resize(static_cast<std::size_t>(factor));
        delay.resize(static_cast<std::size_t>(factor));
        for (int j = 0; j < kTaps; ++j) {
            const double m = j - (kTaps - 1) / 2.0;
            double c = 1.0;
            if (std::abs(m) > 1e-9) {
                c = std::sin(m * std::numbers::pi / factor) / (m * std::numbers::pi / factor);
            }
            c *= 0.5 * (1.0 - std::cos(2.0 * std::numbers::pi * j / (kTaps - 1)));
            if (factor > 1 && std::abs(c) > 1e-9) {
                coeff[static_cast<std::size_t>(j % factor)].push_back(static_cast<float>(c));
                delay[static_cast<std::size_t>(j % factor)].push_back(
                    static_cast<std::size_t>(j / factor));
            }
        }
    }
};

// True peak of one channel with libebur128, fed only where it can be found.
// A float copy of libebur128's interpolator scans the channel per block of
// kBlock samples; blocks whose approximate peak is within kMargin of the
// approximate maximum (float vs double error is < 1e-5 here) are fed to
// libebur128, each preceded by kPreroll samples so its delay line holds real
// history (ebur128_prev_true_peak reports the last add_frames call only, so
// the pre-roll output is not counted). The result equals feeding the whole
// channel, at a fraction of the cost.
Result<double> channelTruePeak(const std::vector<float>& x, double rate_hz) {
    constexpr std::size_t kBlock = 1024;
    constexpr std::size_t kPreroll = 32; // > delay line (13 samples) + latency
    constexpr float kMargin = 1e-4f;
    const std::size_t n = x.size();
    if (n == 0) {
        return 0.0;
    }
    const PolyphaseInterpolator interp(rate_hz);
    std::vector<float> block_peak((n + kBlock - 1) / kBlock, 0.0f);
    std::vector<float> acc(kBlock);
    std::vector<float> abs_max(kBlock);
    constexpr std::size_t kHistory = 48; // >= the longest polyphase delay (24 at 2x)
    std::vector<float> padded(kBlock + kHistory, 0.0f);
    for (std::size_t b = 0; b < block_peak.size(); ++b) {
        const std::size_t start = b * kBlock;
        const std::size_t len = std::min(kBlock, n - start);
        // padded[kHistory + i] = x[start + i], with the kHistory previous samples (0 before t = 0).
        for (std::size_t i = 0; i < kHistory; ++i) {
            padded[i] = start + i >= kHistory ? x[start + i - kHistory] : 0.0f;
        }
        std::copy(x.begin() + static_cast<std::ptrdiff_t>(start),
                  x.begin() + static_cast<std::ptrdiff_t>(start + len), padded.begin() + kHistory);
        // Element-wise running maximum (vectorises), reduced once per block.
        for (std::size_t i = 0; i < len; ++i) {
            abs_max[i] = std::fabs(padded[kHistory + i]);
        }
        for (std::size_t f = 0; f < interp.coeff.size(); ++f) {
            std::fill(acc.begin(), acc.begin() + static_cast<std::ptrdiff_t>(len), 0.0f);
            for (std::size_t t = 0; t < interp.coeff[f].size(); ++t) {
                const float c = interp.coeff[f][t];
                const float* src = padded.data() + kHistory - interp.delay[f][t];
                for (std::size_t i = 0; i < len; ++i) {
                    acc[i] += c * src[i];
                }
            }
            for (std::size_t i = 0; i < len; ++i) {
                const float a = std::fabs(acc[i]);
                abs_max[i] = abs_max[i] < a ? a : abs_max[i];
            }
        }
        float peak = 0.0f;
        for (std::size_t i = 0; i < len; ++i) {
            peak = std::max(peak, abs_max[i]);
        }
        block_peak[b] = peak;
    }
    const float approx_max = *std::max_element(block_peak.begin(), block_peak.end());
    if (approx_max == 0.0f) {
        return 0.0;
    }
    Ebur128Handle state(
        ebur128_init(1, static_cast<unsigned long>(rate_hz + 0.5), EBUR128_MODE_TRUE_PEAK));
    if (!state) {
        return internalError("measureLoudness: ebur128_init failed");
    }
    double peak = 0.0;
    for (std::size_t b = 0; b < block_peak.size(); ++b) {
        if (block_peak[b] < approx_max - kMargin) {
            continue;
        }
        const std::size_t begin = b * kBlock;
        const std::size_t end = std::min(n, begin + kBlock);
        const std::size_t pre = begin > kPreroll ? begin - kPreroll : 0;
        if (begin > pre &&
            ebur128_add_frames_float(state.get(), x.data() + pre, begin - pre) != EBUR128_SUCCESS) {
            return internalError("measureLoudness: ebur128_add_frames_float failed");
        }
        if (ebur128_add_frames_float(state.get(), x.data() + begin, end - begin) !=
            EBUR128_SUCCESS) {
            return internalError("measureLoudness: ebur128_add_frames_float failed");
        }
        double block_true_peak = 0.0;
        if (ebur128_prev_true_peak(state.get(), 0, &block_true_peak) != EBUR128_SUCCESS) {
            return internalError("measureLoudness: ebur128_prev_true_peak failed");
        }
        peak = std::max(peak, block_true_peak);
    }
    return peak;
}

} // namespace

Result<LoudnessMeasurement> measureLoudness(const AudioBuffer& buffer, bool true_peak) {
    const std::size_t channels = buffer.numChannels();
    if (channels == 0 || channels > 2) {
        return invalidArgument("measureLoudness: need 1 or 2 channels");
    }
    Ebur128Handle state(ebur128_init(static_cast<unsigned>(channels),
                                     static_cast<unsigned long>(buffer.sample_rate_hz + 0.5),
                                     EBUR128_MODE_I));
    if (!state) {
        return internalError("measureLoudness: ebur128_init failed");
    }
    constexpr std::size_t kChunk = 8192;
    std::vector<float> interleaved(kChunk * channels);
    const std::size_t frames = buffer.frames();
    for (std::size_t start = 0; start < frames; start += kChunk) {
        const std::size_t n = std::min(kChunk, frames - start);
        for (std::size_t c = 0; c < channels; ++c) {
            const float* src = buffer.channels[c].data() + start;
            for (std::size_t i = 0; i < n; ++i) {
                interleaved[i * channels + c] = src[i];
            }
        }
        if (ebur128_add_frames_float(state.get(), interleaved.data(), n) != EBUR128_SUCCESS) {
            return internalError("measureLoudness: ebur128_add_frames_float failed");
        }
    }
    LoudnessMeasurement result;
    double lufs = 0.0;
    if (ebur128_loudness_global(state.get(), &lufs) != EBUR128_SUCCESS) {
        return internalError("measureLoudness: ebur128_loudness_global failed");
    }
    result.integrated_lufs = std::isfinite(lufs) ? std::max(-70.0, lufs) : -70.0;
    if (true_peak) {
        double peak = 0.0;
        for (std::size_t c = 0; c < channels; ++c) {
            auto channel_peak = channelTruePeak(buffer.channels[c], buffer.sample_rate_hz);
            if (!channel_peak) {
                return channel_peak.status();
            }
            peak = std::max(peak, *channel_peak);
        }
        result.true_peak_dbtp = peak > 0 ? 20.0 * std::log10(peak) : -150.0;
    }
    return result;
}

} // namespace styledna::core
