#pragma once
// BatchRealFft: forward real FFTs of up to kBatch frames at once, one frame
// per SIMD lane.
//
// Why: the STFTs (mono, side, the stems' scans) are ~40 % of the feature pass
// on one core with KissFFT, which Debian builds without AVX (PERF.md). An FFT
// that is vectorised inside one frame needs shuffles at every stage; frames of
// an STFT are independent, so here each of 8 frames runs the same scalar
// algorithm in its own lane of an AVX2 register: every operation is a plain
// vertical add, multiply or FMA, and no lane ever sees another's data.
//
// Method (size n, m = n / 2): the real frame is packed as m complex points
// z[j] = x[2j] + i x[2j+1], transformed by a radix-2 Stockham FFT of size m
// (autosort: natural order in and out, ping-pong buffers, no bit reversal),
// and split into the n / 2 + 1 bins of the real spectrum,
//   X[k] = (Z[k] + conj Z[m-k]) / 2 - i e^(-2 pi i k / n) (Z[k] - conj Z[m-k]) / 2.
// The inverse runs the same steps backwards: Z[k] = (X[k] + conj X[m-k]) +
// i e^(2 pi i k / n) (X[k] - conj X[m-k]), z = conj FFT(conj Z), x[2j] + i x[2j+1] = z[j].
// Radix 4 stages (one radix 2 when log2(m) is odd); samples and bins move
// between frames and lanes by 8 x 8 register transposes.
// Twiddles are computed in double and rounded to float once.
// Conventions: unnormalised, e^(-2 pi i jk / n), like kiss_fftr, so the two are
// interchangeable (they differ by float rounding: max |diff| <= 2e-6 x the
// spectrum's peak in the tests).
// Determinism: a frame's result depends only on its samples (not on its lane,
// its batch or how many frames the batch holds), so an STFT split over threads
// in any way is bit-identical. It differs in the last bits between the AVX2
// path and the portable one (KissFFT, for CPUs without AVX2 and FMA): one
// machine always takes the same path.
// Threads: one instance per thread (it keeps scratch).

#include <complex>
#include <cstddef>
#include <memory>

namespace styledna::core {

class BatchRealFft {
public:
    static constexpr std::size_t kBatch = 8;

    // kBest: the SIMD path where the CPU has it; kPortable: KissFFT always
    // (tests compare the two).
    enum class Path { kBest, kPortable };

    // size: a power of two, >= 16.
    explicit BatchRealFft(std::size_t size, Path path = Path::kBest);
    ~BatchRealFft();
    BatchRealFft(const BatchRealFft&) = delete;
    BatchRealFft& operator=(const BatchRealFft&) = delete;

    std::size_t size() const { return m_size; }
    std::size_t bins() const { return m_size / 2 + 1; }
    // True when the SIMD path runs on this CPU (else KissFFT, frame by frame).
    static bool vectorised();

    // frames: `count` (1..kBatch) frames of size() samples, frame l at
    // frames + l * size(). spectra: frame l's bins() bins at
    // spectra + l * bins().
    void forward(const float* frames, std::size_t count, std::complex<float>* spectra);
    // As forward(), |X[k]|^2 (power) or |X[k]| (magnitude) per bin.
    void forwardPower(const float* frames, std::size_t count, float* power);
    void forwardMagnitude(const float* frames, std::size_t count, float* magnitude);
    // Inverse: `count` (1..kBatch) spectra of bins() bins (frame l's at
    // spectra + l * bins()) -> frames of size() samples, unnormalised
    // (inverse(forward(x)) = size() x, like kiss_fftri); the imaginary parts
    // of bins 0 and size() / 2 are ignored.
    void inverse(const std::complex<float>* spectra, std::size_t count, float* frames);

    enum class Output { kComplex, kPower, kMagnitude }; // what run() writes

private:
    void run(const float* frames, std::size_t count, Output what, float* out);

    struct Plan;
    std::size_t m_size;
    std::unique_ptr<Plan> m_plan;
};

// frame[0 .. size) = x[start + j] * window[j], zero where start + j falls
// outside x[0 .. n): the windowed frames a batch transforms (the shared STFT,
// the learned separator's STFT).
inline void windowedFrame(const float* x, std::ptrdiff_t n, std::ptrdiff_t start,
                          const float* window, std::size_t size, float* frame) {
    if (start >= 0 && start + static_cast<std::ptrdiff_t>(size) <= n) {
        const float* src = x + start;
        for (std::size_t j = 0; j < size; ++j) {
            frame[j] = src[j] * window[j];
        }
    } else {
        for (std::size_t j = 0; j < size; ++j) {
            const std::ptrdiff_t t = start + static_cast<std::ptrdiff_t>(j);
            frame[j] = t >= 0 && t < n ? x[t] * window[j] : 0.0f;
        }
    }
}

} // namespace styledna::core
