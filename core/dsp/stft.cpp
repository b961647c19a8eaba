#include "core/dsp/stft.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <thread>

#include <kissfft/kiss_fftr.h>

#include "core/common/large_buffers.hpp"

namespace styledna::core {
namespace {

struct KissFftrFree {
    void operator()(kiss_fftr_cfg c) const { kiss_fftr_free(c); }
};
using KissFftrHandle = std::unique_ptr<std::remove_pointer_t<kiss_fftr_cfg>, KissFftrFree>;

} // namespace

std::size_t Spectrogram::binForHz(double hz) const {
    if (num_bins == 0) {
        return 0;
    }
    const double k = std::round(hz * static_cast<double>(frame_size) / sample_rate_hz);
    return static_cast<std::size_t>(std::clamp(k, 0.0, static_cast<double>(num_bins - 1)));
}

std::vector<float> makeWindow(WindowType type, std::size_t size) {
    std::vector<float> w(size);
    const double two_pi = 2.0 * M_PI;
    for (std::size_t i = 0; i < size; ++i) {
        const double phase =
            two_pi * static_cast<double>(i) / static_cast<double>(size); // periodic
        if (type == WindowType::kHann) {
            w[i] = static_cast<float>(0.5 - 0.5 * std::cos(phase));
        } else {
            w[i] =
                static_cast<float>(0.35875 - 0.48829 * std::cos(phase) +
                                   0.14128 * std::cos(2 * phase) - 0.01168 * std::cos(3 * phase));
        }
    }
    return w;
}

struct StftFrameWorker::State {
    StftParams params;
    KissFftrHandle cfg;
    std::vector<float> window;
    std::vector<kiss_fft_scalar> frame;
    std::vector<kiss_fft_cpx> spectrum;
};

StftFrameWorker::StftFrameWorker(const StftParams& params) : m_state(std::make_unique<State>()) {
    State& s = *m_state;
    s.params = params;
    s.cfg.reset(kiss_fftr_alloc(static_cast<int>(params.frame_size), 0, nullptr, nullptr));
    s.window = makeWindow(params.window, params.frame_size);
    s.frame.resize(params.frame_size);
    s.spectrum.resize(params.frame_size / 2 + 1);
}

StftFrameWorker::~StftFrameWorker() = default;

void StftFrameWorker::compute(const float* x, std::size_t n, std::size_t first, std::size_t last,
                              Spectrogram& out) {
    State& st = *m_state;
    const std::size_t size = st.params.frame_size;
    const auto half = static_cast<std::ptrdiff_t>(size / 2);
    const auto total = static_cast<std::ptrdiff_t>(n);
    const float* window = st.window.data();
    float* frame = st.frame.data();
    const kiss_fft_cpx* spectrum = st.spectrum.data();
    for (std::size_t i = first; i < std::min(last, out.num_frames); ++i) {
        const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(i * st.params.hop) - half;
        if (start >= 0 && start + static_cast<std::ptrdiff_t>(size) <= total) {
            const float* src = x + start;
            for (std::size_t j = 0; j < size; ++j) {
                frame[j] = src[j] * window[j];
            }
        } else {
            for (std::size_t j = 0; j < size; ++j) {
                const std::ptrdiff_t s = start + static_cast<std::ptrdiff_t>(j);
                frame[j] = (s >= 0 && s < total) ? x[s] * window[j] : 0.0f;
            }
        }
        kiss_fftr(st.cfg.get(), frame, st.spectrum.data());
        // Vectorised: this file is built with -fno-math-errno (sqrtps rounds
        // exactly like sqrtss, so the values are the same as a scalar loop's).
        float* dst = out.magnitude.data() + i * out.num_bins;
        for (std::size_t k = 0; k < out.num_bins; ++k) {
            dst[k] = std::sqrt(spectrum[k].r * spectrum[k].r + spectrum[k].i * spectrum[k].i);
        }
    }
}

Spectrogram makeSpectrogram(std::size_t n, double sample_rate_hz, const StftParams& params) {
    Spectrogram out;
    out.sample_rate_hz = sample_rate_hz;
    out.frame_size = params.frame_size;
    out.hop = params.hop;
    out.num_bins = params.frame_size / 2 + 1;
    out.num_frames = n == 0 ? 0 : n / params.hop + 1;
    reserveLarge(out.magnitude, out.num_frames * out.num_bins);
    out.magnitude.resize(out.num_frames * out.num_bins, 0.0f);
    return out;
}

Spectrogram computeStft(const float* samples, std::size_t n, double sample_rate_hz,
                        const StftParams& params, int threads) {
    Spectrogram out = makeSpectrogram(n, sample_rate_hz, params);
    if (out.num_frames == 0) {
        return out;
    }
    const std::size_t workers =
        std::clamp<std::size_t>(static_cast<std::size_t>(std::max(1, threads)), 1, out.num_frames);
    const std::size_t per = (out.num_frames + workers - 1) / workers;
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w) {
        const std::size_t first = w * per;
        const std::size_t last = std::min(out.num_frames, first + per);
        if (first < last) {
            pool.emplace_back([&, first, last] {
                StftFrameWorker(params).compute(samples, n, first, last, out);
            });
        }
    }
    StftFrameWorker(params).compute(samples, n, 0, std::min(per, out.num_frames), out);
    for (auto& t : pool) {
        t.join();
    }
    return out;
}
} // namespace styledna::core
