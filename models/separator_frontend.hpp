#pragma once
// The learned separator's signal path outside the network (torch-free): the
// STFT of the mix, the network's input features, the band layout of its masks,
// and the masked ISTFT back to time-domain stems.
//
// STFT: frame fft_size (power of two), hop fft_size / 4, periodic Hann window
// w for analysis and synthesis. Frame i covers samples
// [i * hop - (fft_size - hop), i * hop + hop) (zeros outside the mix), so
// frames() = (n + fft_size - 1) / hop and every sample lies in exactly four
// frames; sum_i w^2 = 1.5 there, so ISTFT(unit mask) = the mix up to rounding
// (|error| <= ~1e-6 of full scale; tested).
//
// Bands: the masks are piecewise constant over `bands` bands of bins. Bins
// 0 .. linear_bins - 1 are one band each (the kick and the bass live there:
// 0 - 495 Hz at 2048 / 44.1 kHz); the remaining bins up to Nyquist are split
// into bands - linear_bins bands whose edges are spaced geometrically (each
// at least one bin). bandEdges() holds bands + 1 bin indices; band b covers
// bins [edges[b], edges[b + 1]).
//
// Features (the network's input, [2 * bands][frames], row-major, band-major):
// rows 0 .. bands-1 from the mid (L + R) / 2, rows bands .. 2 bands - 1 from
// the side (L - R) / 2 (0 for a mono mix), each the band's mean bin power P
// as  f = clamp(10 log10((P + 1e-12) / (ref + 1e-12)) / 20, -4, 2),
// ref = the track's mean bin power of the mix magnitude M (below) over all
// frames and bins, so the features do not depend on the mix's level. A silent
// mix (ref < 1e-8) gives kFeaturePad everywhere.
// kFeaturePad (-4, silence) is what the network sees beyond the track's ends.
//
// Magnitude M of a bin: sqrt((|X_L|^2 + |X_R|^2) / channels); a band's
// magnitude is the sum of M over its bins (the training loss's unit).
//
// Transforms: features() and applyMasks() run the STFT and ISTFT through
// core/dsp/batch_fft.hpp on aligned blocks of 32 frames, 8 per SIMD batch
// (bandMagnitudes(), the trainer's, per frame through KissFFT); the two agree
// to float rounding. (LibTorch's batched pocketfft did this before.)
// Threads: frames are split over `threads` workers (the caller is one); the
// results do not depend on the thread count. Cancellation is checked every
// block of 32 frames in features() and applyMasks(), every 256 frames in
// bandMagnitudes() (a few ms).

#include <complex>
#include <cstddef>
#include <vector>

#include "core/audio/audio_buffer.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "core/dsp/stft.hpp"

namespace styledna::models {

inline constexpr float kFeaturePad = -4.0f;

struct SeparatorFrontendConfig {
    int fft_size = 2048;           // power of two, 256 .. 16384
    double sample_rate_hz = 44100; // the rate the network was trained at
    int linear_bins = 24;          // bands of one bin each, from DC
    int bands = 96;                // > linear_bins, <= fft_size / 2 + 1
    int hop() const { return fft_size / 4; }
    int bins() const { return fft_size / 2 + 1; }
};

// invalidArgument naming the field, or OK.
core::Status validateFrontendConfig(const SeparatorFrontendConfig& config);

// A zeroed buffer whose channels come from the large-buffer pool
// (core/common/large_buffers.hpp; recycleStems() hands them back).
core::AudioBuffer pooledBuffer(std::size_t channels, std::size_t frames, double rate_hz);

class SeparatorFrontend {
public:
    // config must pass validateFrontendConfig.
    explicit SeparatorFrontend(const SeparatorFrontendConfig& config);

    const SeparatorFrontendConfig& config() const { return m_config; }
    const std::vector<int>& bandEdges() const { return m_edges; }
    std::size_t frames(std::size_t samples) const;

    // Features of `mix` (1 or 2 channels), [2 * bands][frames(mix.frames())].
    // With the mix's own magnitude STFTs (core/dsp/stft.hpp, Hann, as
    // SeparationHints describes them: mono, and side for a stereo mix) of this
    // fft_size and hop at this sample rate, frame i is read from their frame
    // i - 1 (the same samples: theirs are centred, ours end hop past i * hop),
    // the band powers as |mono|^2, |side|^2 and total |mono|^2 + |side|^2 (=
    // (|L|^2 + |R|^2) / 2); the frames they lack (the first and the last two
    // or three) are transformed here. Equal to the features without them to
    // float rounding (~1e-6 relative in the band powers; tested). Spectrograms
    // of another layout are ignored.
    core::Result<std::vector<float>>
    features(const core::AudioBuffer& mix, int threads, const core::CancellationToken& cancel,
             const core::Spectrogram* mono_spectrum = nullptr,
             const core::Spectrogram* side_spectrum = nullptr) const;

    // Band magnitudes of `audio` (1 or 2 channels), [bands][frames].
    core::Result<std::vector<float>> bandMagnitudes(const core::AudioBuffer& audio, int threads,
                                                    const core::CancellationToken& cancel) const;

    // drums = ISTFT(m_drums * X), bass = ISTFT(m_bass * X) per channel, masks
    // [bands][frames] each; `drums` and `bass` get the mix's layout (pooled buffers).
    core::Status applyMasks(const core::AudioBuffer& mix, const std::vector<float>& drums_mask,
                            const std::vector<float>& bass_mask, core::AudioBuffer& drums,
                            core::AudioBuffer& bass, int threads,
                            const core::CancellationToken& cancel) const;

private:
    // immutable
    SeparatorFrontendConfig m_config;
    std::vector<int> m_edges;
    std::vector<float> m_window;
};

} // namespace styledna::models
