#include "core/dsp/stft.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <thread>

#include "core/common/large_buffers.hpp"
#include "core/dsp/batch_fft.hpp"

namespace styledna::core {
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
    explicit State(const StftParams& p)
        : params(p), fft(p.frame_size), window(makeWindow(p.window, p.frame_size)),
          frames(BatchRealFft::kBatch * p.frame_size) {}
    StftParams params;
    BatchRealFft fft;
    std::vector<float> window;
    std::vector<float> frames; // kBatch windowed frames
};

StftFrameWorker::StftFrameWorker(const StftParams& params)
    : m_state(std::make_unique<State>(params)) {}

StftFrameWorker::~StftFrameWorker() = default;

void StftFrameWorker::compute(const float* x, std::size_t n, std::size_t first, std::size_t last,
                              Spectrogram& out) {
    State& st = *m_state;
    const std::size_t size = st.params.frame_size;
    const auto half = static_cast<std::ptrdiff_t>(size / 2);
    const auto total = static_cast<std::ptrdiff_t>(n);
    const float* window = st.window.data();
    last = std::min(last, out.num_frames);
    for (std::size_t i0 = first; i0 < last; i0 += BatchRealFft::kBatch) {
        const std::size_t count = std::min(BatchRealFft::kBatch, last - i0);
        for (std::size_t l = 0; l < count; ++l) {
            const std::ptrdiff_t start =
                static_cast<std::ptrdiff_t>((i0 + l) * st.params.hop) - half;
            windowedFrame(x, total, start, window, size, st.frames.data() + l * size);
        }
        // Rows i0 .. i0 + count - 1 are contiguous in the frame-major output.
        st.fft.forwardMagnitude(st.frames.data(), count, out.magnitude.data() + i0 * out.num_bins);
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
