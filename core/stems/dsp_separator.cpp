#include "core/stems/dsp_separator.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <complex>
#include <cstdlib>
#include <system_error>
#include <thread>

#include "core/common/large_buffers.hpp"
#include "core/features/analysis_context.hpp"
#include "core/features/rhythm_features.hpp"
#include "core/stems/real_fft.hpp"

namespace styledna::core::stems {
namespace {

using Cpx = std::complex<float>;
constexpr std::size_t kTaps = 9; // median width of both filters
constexpr std::size_t kHalfTaps = kTaps / 2;
constexpr std::size_t kCancelCheckFrames = 64;
constexpr std::size_t kMaxBassDecimation = 8;

inline void sort2(float& a, float& b) {
    const float lo = std::min(a, b);
    const float hi = std::max(a, b);
    a = lo;
    b = hi;
}

// out[k] = median of rows[0..8][k] (Paeth's 19-exchange network).
void median9(const std::array<const float*, kTaps>& rows, float* out, std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) {
        float p0 = rows[0][k], p1 = rows[1][k], p2 = rows[2][k], p3 = rows[3][k], p4 = rows[4][k],
              p5 = rows[5][k], p6 = rows[6][k], p7 = rows[7][k], p8 = rows[8][k];
        sort2(p1, p2);
        sort2(p4, p5);
        sort2(p7, p8);
        sort2(p0, p1);
        sort2(p3, p4);
        sort2(p6, p7);
        sort2(p1, p2);
        sort2(p4, p5);
        sort2(p7, p8);
        p3 = std::max(p0, p3);
        p5 = std::min(p5, p8);
        sort2(p4, p7);
        p6 = std::max(p3, p6);
        p4 = std::max(p1, p4);
        p2 = std::min(p2, p5);
        p4 = std::min(p4, p7);
        sort2(p4, p2);
        p4 = std::max(p6, p4);
        out[k] = std::min(p4, p2);
    }
}

// Shared geometry of the spectral stage. Frame i covers samples
// [first_start + i * hop, + size); every sample of [0, n) lies in size / hop frames.
struct Layout {
    std::size_t n = 0;
    std::size_t size = 0;
    std::size_t hop = 0;
    std::size_t bins = 0;
    std::ptrdiff_t first_start = 0;
    std::size_t frames = 0;
    std::size_t channels = 0;
    std::size_t full_bass_bins = 0; // bins [0, full_bass_bins) go to bass whole
    std::vector<float> bass_weight; // w(f) per bin above
    std::vector<float> analysis;    // sqrt-Hann
    std::vector<float> synthesis;   // sqrt-Hann / size (KissFFT's inverse is unnormalised)
    // Bass synthesis at rate / bass_decimation: bins [0, bass_bins) of the mask
    // can be non-zero, all below a quarter of the low rate's Nyquist.
    std::size_t bass_decimation = 1;
    std::size_t bass_bins = 0;
    std::size_t low_size = 0;         // size / bass_decimation
    std::vector<float> low_synthesis; // synthesis[q * bass_decimation]
    float mask_power = 2.0f;
    float harmonic_bias = 4.0f;
    std::size_t sustain_reach = 9; // frames each side of the sustained-floor window
    double sustain_quantile = 0.2;
    std::size_t time_stride = 1;

    std::size_t reach() const { return std::max(kHalfTaps * time_stride, sustain_reach); }
    std::size_t freq_stride = 2;

    std::ptrdiff_t frameStart(std::size_t i) const {
        return first_start + static_cast<std::ptrdiff_t>(i * hop);
    }
};

struct Outputs {
    std::array<float*, 2> drums{};
    std::array<float*, 2> bass_low{}; // the bass at rate / bass_decimation
    std::size_t low_n = 0;            // samples of each bass_low channel
};

// Streams frames [first, last): forward FFT of the residual, masks, inverse FFT,
// overlap-add. Samples before `private_end` go to the worker's own head buffers
// (a neighbouring worker writes them too), the rest straight into the stems.
class SpectralWorker {
public:
    explicit SpectralWorker(const Layout& layout)
        : m_layout(layout), m_fft(layout.size), m_frame(layout.size), m_time(layout.size),
          m_zero(layout.bins, 0.0f), m_harmonic(layout.bins), m_percussive(layout.bins),
          m_padded(layout.bins + 2 * kHalfTaps * layout.freq_stride, 0.0f),
          m_drums_mask(layout.bins), m_bass_mask(layout.bins), m_masked(layout.bins),
          m_low_fft(layout.low_size), m_low_time(layout.low_size),
          m_low_masked(layout.low_size / 2 + 1) {
        const std::size_t slots = 2 * layout.reach() + 1;
        m_window.resize(2 * layout.sustain_reach + 1);
        m_magnitude.assign(slots, std::vector<float>(layout.bins, 0.0f));
        m_spectrum.assign(slots * layout.channels, std::vector<Cpx>(layout.bins));
    }

    void run(const std::array<const float*, 2>& residual, std::size_t first, std::size_t last,
             const Outputs& out, bool private_head, const CancellationToken& cancel,
             std::atomic<bool>& cancelled, const ProgressFn* progress) {
        const Layout& L = m_layout;
        m_head_start = L.frameStart(first);
        m_head_len = private_head ? L.size - L.hop : 0;
        for (std::size_t stem = 0; stem < 2; ++stem) {
            for (std::size_t c = 0; c < 2; ++c) {
                m_head[stem * 2 + c].assign(stem == 0 ? m_head_len : m_head_len / L.bass_decimation,
                                            0.0f);
            }
        }
        const auto reach = static_cast<std::ptrdiff_t>(L.reach());
        const auto f_first = static_cast<std::ptrdiff_t>(first);
        const auto f_last = static_cast<std::ptrdiff_t>(last);
        for (std::ptrdiff_t i = f_first - reach; i < f_last + reach; ++i) {
            if ((i - f_first) % static_cast<std::ptrdiff_t>(kCancelCheckFrames) == 0) {
                if (cancel.isCancelled() || cancelled.load(std::memory_order_relaxed)) {
                    cancelled.store(true, std::memory_order_relaxed);
                    return;
                }
                if (progress != nullptr && i > f_first) {
                    reportProgress(*progress,
                                   0.2 + 0.75 * static_cast<double>(i - f_first) /
                                             static_cast<double>(f_last - f_first),
                                   "separating");
                }
            }
            analyse(residual, i);
            const std::ptrdiff_t centre = i - reach;
            if (centre >= f_first && centre < f_last) {
                synthesise(static_cast<std::size_t>(centre), out);
            }
        }
    }

    // The head samples this worker kept aside: [headStart(), + headLength()) per
    // stem/channel, at the full rate for drums (stem 0) and at rate /
    // bass_decimation for bass (stem 1: from headStart() / bass_decimation).
    std::ptrdiff_t headStart() const { return m_head_start; }
    std::size_t headLength() const { return m_head_len; }
    const std::vector<float>& head(std::size_t stem, std::size_t channel) const {
        return m_head[stem * 2 + channel];
    }

private:
    std::size_t slot(std::ptrdiff_t frame) const {
        const auto slots = static_cast<std::ptrdiff_t>(m_magnitude.size());
        return static_cast<std::size_t>(((frame % slots) + slots) % slots);
    }
    float power(float x) const {
        return m_layout.mask_power == 2.0f ? x * x : std::pow(x, m_layout.mask_power);
    }

    // The sustain_quantile of bin k's magnitude over the frames within
    // +-sustain_reach of `centre` (frames outside the track left out).
    float sustainedFloor(std::ptrdiff_t centre, std::size_t k) {
        const auto reach = static_cast<std::ptrdiff_t>(m_layout.sustain_reach);
        std::size_t count = 0;
        for (std::ptrdiff_t f = centre - reach; f <= centre + reach; ++f) {
            if (inRange(f)) {
                m_window[count++] = m_magnitude[slot(f)][k];
            }
        }
        if (count == 0) {
            return 0.0f;
        }
        const auto q =
            static_cast<std::ptrdiff_t>(m_layout.sustain_quantile * static_cast<double>(count - 1));
        std::nth_element(m_window.begin(), m_window.begin() + q,
                         m_window.begin() + static_cast<std::ptrdiff_t>(count));
        return m_window[static_cast<std::size_t>(q)];
    }

    bool inRange(std::ptrdiff_t frame) const {
        return frame >= 0 && frame < static_cast<std::ptrdiff_t>(m_layout.frames);
    }

    void analyse(const std::array<const float*, 2>& residual, std::ptrdiff_t frame) {
        const Layout& L = m_layout;
        if (!inRange(frame)) {
            return;
        }
        const std::size_t s = slot(frame);
        const std::ptrdiff_t start = L.frameStart(static_cast<std::size_t>(frame));
        float* mag = m_magnitude[s].data();
        const bool inside = start >= 0 && static_cast<std::size_t>(start) + L.size <= L.n;
        for (std::size_t c = 0; c < L.channels; ++c) {
            const float* x = residual[c];
            if (inside) {
                const float* src = x + start;
                for (std::size_t j = 0; j < L.size; ++j) {
                    m_frame[j] = src[j] * L.analysis[j];
                }
            } else {
                for (std::size_t j = 0; j < L.size; ++j) {
                    const std::ptrdiff_t t = start + static_cast<std::ptrdiff_t>(j);
                    m_frame[j] = (t >= 0 && t < static_cast<std::ptrdiff_t>(L.n))
                                     ? x[t] * L.analysis[j]
                                     : 0.0f;
                }
            }
            Cpx* spec = m_spectrum[s * L.channels + c].data();
            m_fft.forward(m_frame.data(), spec);
            if (c == 0) {
                for (std::size_t k = 0; k < L.bins; ++k) {
                    mag[k] = std::norm(spec[k]);
                }
            } else {
                for (std::size_t k = 0; k < L.bins; ++k) {
                    mag[k] += std::norm(spec[k]);
                }
            }
        }
        const float scale = 1.0f / static_cast<float>(L.channels);
        for (std::size_t k = 0; k < L.bins; ++k) {
            mag[k] = std::sqrt(mag[k] * scale);
        }
    }

    void synthesise(std::size_t centre, const Outputs& out) {
        const Layout& L = m_layout;
        std::array<const float*, kTaps> rows{};
        const auto c = static_cast<std::ptrdiff_t>(centre);
        for (std::size_t j = 0; j < kTaps; ++j) {
            const std::ptrdiff_t f =
                c + (static_cast<std::ptrdiff_t>(j) - static_cast<std::ptrdiff_t>(kHalfTaps)) *
                        static_cast<std::ptrdiff_t>(L.time_stride);
            rows[j] = inRange(f) ? m_magnitude[slot(f)].data() : m_zero.data();
        }
        median9(rows, m_harmonic.data(), L.bins);
        const std::size_t pad = kHalfTaps * L.freq_stride;
        const float* mag = m_magnitude[slot(c)].data();
        std::copy(mag, mag + L.bins, m_padded.begin() + static_cast<std::ptrdiff_t>(pad));
        for (std::size_t j = 0; j < kTaps; ++j) {
            rows[j] = m_padded.data() + j * L.freq_stride;
        }
        median9(rows, m_percussive.data(), L.bins);

        for (std::size_t k = 0; k < L.bins; ++k) {
            if (k < L.full_bass_bins) {
                m_drums_mask[k] = 0.0f;
                m_bass_mask[k] = 1.0f;
                continue;
            }
            const float h = L.harmonic_bias * power(m_harmonic[k]);
            const float p = power(m_percussive[k]);
            const float drums_share = h + p > 0.0f ? p / (h + p) : 0.0f;
            const float w = L.bass_weight[k];
            float bass_share = 0.0f;
            if (w > 0.0f) {
                const float floor = sustainedFloor(c, k);
                const float excess = std::max(0.0f, mag[k] - floor);
                const float e = power(excess);
                const float f = power(floor);
                bass_share = e + f > 0.0f ? e / (e + f) : 0.0f;
            }
            m_bass_mask[k] = w * bass_share;
            m_drums_mask[k] = (1.0f - w) * drums_share;
        }

        const std::ptrdiff_t start = L.frameStart(centre);
        const std::size_t s = slot(c);
        for (std::size_t ch = 0; ch < L.channels; ++ch) {
            const Cpx* spec = m_spectrum[s * L.channels + ch].data();
            for (std::size_t k = 0; k < L.bins; ++k) {
                m_masked[k] = spec[k] * m_drums_mask[k];
            }
            m_fft.inverse(m_masked.data(), m_time.data());
            addFrame(m_time.data(), L.synthesis.data(), L.size, start, 1, L.n, out.drums[ch],
                     m_head[ch]);
            std::fill(m_low_masked.begin(), m_low_masked.end(), Cpx{});
            for (std::size_t k = 0; k < L.bass_bins; ++k) {
                m_low_masked[k] = spec[k] * m_bass_mask[k];
            }
            m_low_fft.inverse(m_low_masked.data(), m_low_time.data());
            addFrame(m_low_time.data(), L.low_synthesis.data(), L.low_size, start,
                     L.bass_decimation, out.low_n * L.bass_decimation, out.bass_low[ch],
                     m_head[2 + ch]);
        }
    }

    // Overlap-add of one windowed frame at the rate / step grid: sample q of
    // `frame` is time start + q * step (a multiple of step), stored at index
    // t / step of dst, or of `head` inside this worker's private head.
    void addFrame(const float* frame, const float* window, std::size_t count, std::ptrdiff_t start,
                  std::size_t step, std::size_t n, float* dst, std::vector<float>& head) const {
        const auto st = static_cast<std::ptrdiff_t>(step);
        const std::ptrdiff_t first = start / st; // start is a multiple of step
        const std::ptrdiff_t head_first = m_head_start / st;
        const auto head_len = static_cast<std::ptrdiff_t>(head.size());
        const auto limit = static_cast<std::ptrdiff_t>(n / step);
        const auto cnt = static_cast<std::ptrdiff_t>(count);
        if (first >= 0 && first + cnt <= limit &&
            (head_len == 0 || first >= head_first + head_len || first + cnt <= head_first)) {
            float* d = dst + first;
            for (std::size_t q = 0; q < count; ++q) {
                d[q] += frame[q] * window[q];
            }
            return;
        }
        for (std::ptrdiff_t q = 0; q < cnt; ++q) {
            const std::ptrdiff_t m = first + q;
            if (m < 0 || m >= limit) {
                continue;
            }
            const float v = frame[q] * window[q];
            const std::ptrdiff_t h = m - head_first;
            if (h >= 0 && h < head_len) {
                head[static_cast<std::size_t>(h)] += v;
            } else {
                dst[m] += v;
            }
        }
    }

    const Layout& m_layout;
    RealFft m_fft;
    std::vector<float> m_frame, m_time, m_zero, m_harmonic, m_percussive, m_padded;
    std::vector<float> m_drums_mask, m_bass_mask, m_window;
    std::vector<Cpx> m_masked;
    RealFft m_low_fft;
    std::vector<float> m_low_time;
    std::vector<Cpx> m_low_masked;
    std::vector<std::vector<float>> m_magnitude; // ring of frame magnitudes
    std::vector<std::vector<Cpx>> m_spectrum;    // ring of spectra, slot * channels + channel
    std::array<std::vector<float>, 4> m_head;    // stem * 2 + channel (bass at the low rate)
    std::ptrdiff_t m_head_start = 0;
    std::size_t m_head_len = 0;
};

Layout makeLayout(const DspSeparatorParams& params, std::size_t n, std::size_t channels,
                  double rate_hz, double beat_period_s) {
    Layout L;
    L.n = n;
    L.channels = channels;
    L.size = dspFrameSize(params, rate_hz);
    L.hop = L.size / 2;
    L.bins = L.size / 2 + 1;
    L.first_start = static_cast<std::ptrdiff_t>(L.hop) - static_cast<std::ptrdiff_t>(L.size);
    L.frames = (n + L.size - L.hop + L.hop - 1) / L.hop;
    L.mask_power = static_cast<float>(params.mask_power);
    L.harmonic_bias = static_cast<float>(params.harmonic_bias);
    L.sustain_quantile = std::clamp(params.sustain_quantile, 0.0, 1.0);
    const double beat_s = beat_period_s > 0 ? beat_period_s : 0.43;
    L.sustain_reach = static_cast<std::size_t>(std::clamp(
        std::lround(params.sustain_beats * beat_s * rate_hz / static_cast<double>(L.hop)), 1L,
        64L));
    L.time_stride = std::max<std::size_t>(1, params.time_stride);
    L.freq_stride = std::max<std::size_t>(1, params.freq_stride);
    L.analysis.resize(L.size);
    L.synthesis.resize(L.size);
    for (std::size_t j = 0; j < L.size; ++j) {
        const double hann =
            0.5 - 0.5 * std::cos(2.0 * M_PI * static_cast<double>(j) / static_cast<double>(L.size));
        L.analysis[j] = static_cast<float>(std::sqrt(hann));
        L.synthesis[j] = static_cast<float>(std::sqrt(hann) / static_cast<double>(L.size));
    }
    const double bin_hz = rate_hz / static_cast<double>(L.size);
    L.bass_weight.assign(L.bins, 0.0f);
    for (std::size_t k = 0; k < L.bins; ++k) {
        const double f = static_cast<double>(k) * bin_hz;
        if (f <= params.bass_full_hz) {
            L.full_bass_bins = k + 1;
            L.bass_weight[k] = 1.0f;
        } else if (f < params.bass_max_hz) {
            const double x = (f - params.bass_full_hz) / (params.bass_max_hz - params.bass_full_hz);
            L.bass_weight[k] = static_cast<float>(0.5 + 0.5 * std::cos(M_PI * x));
        }
        if (L.bass_weight[k] > 0.0f) {
            L.bass_bins = k + 1;
        }
    }
    // Largest power of two D <= kMaxBassDecimation with the bass's top bin under
    // a quarter of the low rate's Nyquist (linear interpolation back to the full
    // rate then leaves images >= 40 dB down), hop a multiple of D, size / D >= 16.
    L.bass_decimation = 1;
    while (L.bass_decimation < kMaxBassDecimation) {
        const std::size_t d = 2 * L.bass_decimation;
        const double low_nyquist = rate_hz / static_cast<double>(2 * d);
        if (static_cast<double>(L.bass_bins) * bin_hz > low_nyquist / 4.0 || L.hop % d != 0 ||
            L.size / d < 16) {
            break;
        }
        L.bass_decimation = d;
    }
    L.low_size = L.size / L.bass_decimation;
    L.low_synthesis.resize(L.low_size);
    for (std::size_t q = 0; q < L.low_size; ++q) {
        L.low_synthesis[q] = L.synthesis[q * L.bass_decimation];
    }
    return L;
}

std::vector<float> makeStemChannel(std::size_t n) {
    std::vector<float> v;
    reserveLarge(v, n);
    v.assign(n, 0.0f);
    return v;
}

// The mix's beat grid from the rhythm family (the separator's own, when no hint).
Result<BeatGrid> detectGrid(const AudioBuffer& mix, const CancellationToken& cancel) {
    AnalysisContext ctx(mix, 1, cancel);
    RhythmFamily rhythm;
    Status st = rhythm.configure();
    if (!st.isOk()) {
        return st;
    }
    TrackFeatures features;
    st = rhythm.process(ctx, features);
    if (!st.isOk()) {
        return st;
    }
    if (cancel.isCancelled()) {
        return cancelledError("separation cancelled");
    }
    return features.grid;
}

} // namespace

std::size_t dspFrameSize(const DspSeparatorParams& params, double rate_hz) {
    const double target = params.fft_ms * 1e-3 * rate_hz;
    std::size_t size = 256;
    while (static_cast<double>(size) * 1.5 < target) {
        size *= 2;
    }
    return size;
}

DspSeparator::DspSeparator(DspSeparatorParams params) : m_params(std::move(params)) {}

Result<Stems> DspSeparator::separate(const AudioBuffer& mix, const SeparationHints& hints,
                                     const CancellationToken& cancel,
                                     const ProgressFn& progress) const {
    const std::size_t channels = mix.numChannels();
    if (channels < 1 || channels > 2) {
        return invalidArgument("separate: the mix must be mono or stereo");
    }
    if (!(mix.sample_rate_hz > 0)) {
        return invalidArgument("separate: the mix has no sample rate");
    }
    const std::size_t n = mix.frames();
    const double rate = mix.sample_rate_hz;
    Stems stems;
    for (AudioBuffer* b : {&stems.drums, &stems.bass, &stems.other}) {
        b->sample_rate_hz = rate;
        b->channels.resize(channels);
    }
    if (n == 0) {
        return stems;
    }
    reportProgress(progress, 0.0, "separating");

    // 1. Kick.
    BeatGrid grid;
    if (hints.grid != nullptr && hints.grid->valid()) {
        grid = *hints.grid;
    } else if (mix.durationS() >= 4.0) {
        auto detected = detectGrid(mix, cancel);
        if (!detected) {
            return detected.status();
        }
        grid = std::move(detected).value();
    }
    std::vector<float> mono;
    reserveLarge(mono, n);
    mono.assign(mix.channels[0].begin(), mix.channels[0].end());
    if (channels == 2) {
        const float* r = mix.channels[1].data();
        for (std::size_t i = 0; i < n; ++i) {
            mono[i] = 0.5f * (mono[i] + r[i]);
        }
    }
    KickEstimate kick;
    if (grid.valid()) {
        auto estimated =
            estimateKick(mono, rate, grid.beat_times_s, grid.beatPeriodS(), m_params.kick, cancel);
        if (!estimated) {
            recycleLarge(mono);
            return estimated.status();
        }
        kick = std::move(estimated).value();
    }
    recycleLarge(mono);
    if (cancel.isCancelled()) {
        return cancelledError("separation cancelled");
    }
    reportProgress(progress, 0.2, "separating");

    // 2. Residual into `other` (its final value is computed at the end), masks.
    const Layout layout = makeLayout(m_params, n, channels, rate, grid.beatPeriodS());
    const std::size_t decimation = layout.bass_decimation;
    Outputs out;
    out.low_n = (n + decimation - 1) / decimation + 1;
    std::array<std::vector<float>, 2> bass_low;
    std::array<const float*, 2> residual{};
    for (std::size_t c = 0; c < channels; ++c) {
        stems.drums.channels[c] = makeStemChannel(n);
        bass_low[c] = makeStemChannel(out.low_n);
        std::vector<float>& r = stems.other.channels[c];
        reserveLarge(r, n);
        r.assign(mix.channels[c].begin(), mix.channels[c].end());
        if (!kick.kick.empty()) {
            for (std::size_t i = 0; i < n; ++i) {
                r[i] -= kick.kick[i];
            }
        }
        out.drums[c] = stems.drums.channels[c].data();
        out.bass_low[c] = bass_low[c].data();
        residual[c] = r.data();
    }
    const std::size_t workers =
        std::clamp<std::size_t>(static_cast<std::size_t>(std::max(1, m_params.threads)), 1,
                                std::max<std::size_t>(1, layout.frames / 64));
    std::vector<std::unique_ptr<SpectralWorker>> pool;
    for (std::size_t w = 0; w < workers; ++w) {
        pool.push_back(std::make_unique<SpectralWorker>(layout));
    }
    std::atomic<bool> cancelled{false};
    const auto range = [&](std::size_t w) { return w * layout.frames / workers; };
    std::vector<std::thread> threads;
    for (std::size_t w = 1; w < workers; ++w) {
        try {
            threads.emplace_back([&, w] {
                pool[w]->run(residual, range(w), range(w + 1), out, true, cancel, cancelled,
                             nullptr);
            });
        } catch (const std::system_error&) {
            pool[w]->run(residual, range(w), range(w + 1), out, true, cancel, cancelled, nullptr);
        }
    }
    pool[0]->run(residual, range(0), range(1), out, false, cancel, cancelled, &progress);
    for (auto& t : threads) {
        t.join();
    }
    if (cancelled.load() || cancel.isCancelled()) {
        for (auto& b : bass_low) {
            recycleLarge(b);
        }
        recycleStems(stems);
        return cancelledError("separation cancelled");
    }
    for (std::size_t w = 1; w < workers; ++w) {
        const SpectralWorker& worker = *pool[w];
        for (std::size_t stem = 0; stem < 2; ++stem) {
            const std::size_t step = stem == 0 ? 1 : decimation;
            const auto size = static_cast<std::ptrdiff_t>(stem == 0 ? n : out.low_n);
            for (std::size_t c = 0; c < channels; ++c) {
                float* dst = stem == 0 ? out.drums[c] : out.bass_low[c];
                const std::vector<float>& head = worker.head(stem, c);
                const std::ptrdiff_t first = worker.headStart() / static_cast<std::ptrdiff_t>(step);
                for (std::size_t j = 0; j < head.size(); ++j) {
                    const std::ptrdiff_t t = first + static_cast<std::ptrdiff_t>(j);
                    if (t >= 0 && t < size) {
                        dst[t] += head[j];
                    }
                }
            }
        }
    }
    // The bass back at the full rate: linear interpolation between the low-rate
    // samples (which are the full-rate overlap-add's samples at multiples of D).
    for (std::size_t c = 0; c < channels; ++c) {
        stems.bass.channels[c] = makeStemChannel(n);
        float* b = stems.bass.channels[c].data();
        const float* low = bass_low[c].data();
        const float inv = 1.0f / static_cast<float>(decimation);
        for (std::size_t m = 0; m * decimation < n; ++m) {
            const float a = low[m];
            const float slope = (low[m + 1] - a) * inv;
            const std::size_t base = m * decimation;
            const std::size_t count = std::min(decimation, n - base);
            for (std::size_t q = 0; q < count; ++q) {
                b[base + q] = a + slope * static_cast<float>(q);
            }
        }
        recycleLarge(bass_low[c]);
    }

    // 3. Kick into drums; other = mix - drums - bass.
    for (std::size_t c = 0; c < channels; ++c) {
        float* d = out.drums[c];
        const float* b = stems.bass.channels[c].data();
        const float* x = mix.channels[c].data();
        float* o = stems.other.channels[c].data();
        const float* k = kick.kick.empty() ? nullptr : kick.kick.data();
        for (std::size_t i = 0; i < n; ++i) {
            if (k != nullptr) {
                d[i] += k[i];
            }
            o[i] = x[i] - d[i] - b[i];
        }
    }
    reportProgress(progress, 1.0, "separating");
    return stems;
}

} // namespace styledna::core::stems
