#pragma once
// Short-time Fourier transform (BatchRealFft: 8 frames per AVX2 batch, KissFFT
// on CPUs without AVX2), computed once per channel layout and shared by every
// feature.
//
// Conventions (librosa "center=True"):
//   frame i is centred on sample i * hop; samples outside [0, n) are zero;
//   num_frames = n / hop + 1 (integer division), 0 for empty input;
//   num_bins = frame_size / 2 + 1; bin k is at k * sample_rate / frame_size Hz.
//   magnitude = |X[k]| of the windowed frame, unnormalised (a full-scale sine at
//   a bin centre with a Hann window reads ~frame_size / 4).
// Storage: row-major, frame-major (frame i occupies [i*num_bins, (i+1)*num_bins)).
// Threads: computeStft splits frames across `threads` worker threads (1 = caller).
// Frames are independent: StftFrameWorker computes any range of them into a
// Spectrogram from makeSpectrogram(), so callers may split one STFT across
// threads in any way; every frame is bit-identical however it was computed.
// Memory: the magnitude buffer (4 bytes x frames x bins, ~100 MB for 5 minutes
// at 2048/512) comes from the large-buffer pool (core/common/large_buffers.hpp).

#include <cstddef>
#include <memory>
#include <vector>

namespace styledna::core {

enum class WindowType { kHann, kBlackmanHarris };

struct StftParams {
    std::size_t frame_size = 2048; // power of two, >= 16
    std::size_t hop = 512;         // >= 1
    WindowType window = WindowType::kHann;
};

struct Spectrogram {
    double sample_rate_hz = 0.0;
    std::size_t frame_size = 0;
    std::size_t hop = 0;
    std::size_t num_frames = 0;
    std::size_t num_bins = 0;
    std::vector<float> magnitude;

    const float* frame(std::size_t i) const { return magnitude.data() + i * num_bins; }
    double binHz(std::size_t k) const {
        return k * sample_rate_hz / static_cast<double>(frame_size);
    }
    double frameTimeS(std::size_t i) const { return i * static_cast<double>(hop) / sample_rate_hz; }
    double frameRateHz() const { return sample_rate_hz / static_cast<double>(hop); }
    // Nearest bin index for a frequency, clamped to [0, num_bins - 1].
    std::size_t binForHz(double hz) const;
};

std::vector<float> makeWindow(WindowType type, std::size_t size);

// Header fields for n samples and a zeroed magnitude buffer; no frames computed.
Spectrogram makeSpectrogram(std::size_t n, double sample_rate_hz, const StftParams& params);

// Computes frames [first, last) of the STFT of samples[0, n) into `out`
// (from makeSpectrogram with the same n and params). Owns its FFT state and
// scratch: one worker per thread; distinct workers may fill disjoint frame
// ranges of the same Spectrogram concurrently.
class StftFrameWorker {
public:
    explicit StftFrameWorker(const StftParams& params);
    ~StftFrameWorker();
    StftFrameWorker(const StftFrameWorker&) = delete;
    StftFrameWorker& operator=(const StftFrameWorker&) = delete;

    void compute(const float* samples, std::size_t n, std::size_t first, std::size_t last,
                 Spectrogram& out);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// Returns an empty Spectrogram (num_frames 0) for n == 0. Params are asserted
// valid by the caller (see StftParams).
Spectrogram computeStft(const float* samples, std::size_t n, double sample_rate_hz,
                        const StftParams& params = {}, int threads = 1);

} // namespace styledna::core
