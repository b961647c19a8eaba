#pragma once
// AnalysisContext: the shared, compute-once inputs for every feature family of
// one analysis run. Holds a reference to the decoded audio (44.1 kHz, mono or
// stereo) and lazily builds derived signals on first request:
//   mono()  = (L + R) / 2        (the input itself for mono audio)
//   side()  = (L - R) / 2        (all zeros for mono audio)
//   monoSpectrum() / sideSpectrum(): STFT 2048/512 Hann of mono / side
//   leftSpectrum() / rightSpectrum(): STFT 2048/512 Hann of L / R (= mono for mono input)
// Thread-safety: every accessor may be called from several threads at once;
// each derived object is computed exactly once and is immutable afterwards.
// Threads that ask for a derived signal while it is being computed help to
// compute it (SharedChunks: mid/side in blocks of samples, STFTs in blocks of
// frames) instead of waiting idle; the values do not depend on who computed
// what. `stft_threads` > 1 adds that many - 1 helper threads to each STFT.
// Memory: mid/side and the STFTs come from the large-buffer pool and go back to
// it when the context ends (core/common/large_buffers.hpp).
// Cancellation: once ctx.cancel() is set, remaining STFT frames are skipped
// (left zero); callers check cancel() before using results.

#include <mutex>
#include <vector>

#include "core/audio/audio_buffer.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/shared_chunks.hpp"
#include "core/dsp/stft.hpp"

namespace styledna::core {

// Identity of an analysed buffer, for families that keep the state of their
// last process() so processSection() can reuse it for the same input.
struct AudioIdentity {
    const AudioBuffer* audio = nullptr;
    std::size_t frames = 0;
    double rate_hz = 0.0;
    static AudioIdentity of(const AudioBuffer& b) { return {&b, b.frames(), b.sample_rate_hz}; }
    bool operator==(const AudioIdentity&) const = default;
};

class AnalysisContext {
public:
    explicit AnalysisContext(const AudioBuffer& audio, int stft_threads = 1,
                             CancellationToken cancel = {});
    // Hands the mid/side signals and spectrograms to the large-buffer pool
    // (core/common/large_buffers.hpp) for the next analysis.
    ~AnalysisContext();
    AnalysisContext(const AnalysisContext&) = delete;
    AnalysisContext& operator=(const AnalysisContext&) = delete;

    const AudioBuffer& audio() const { return m_audio; }
    double sampleRateHz() const { return m_audio.sample_rate_hz; }
    bool isStereo() const { return m_audio.numChannels() >= 2; }
    const CancellationToken& cancel() const { return m_cancel; }

    const std::vector<float>& mono() const;
    const std::vector<float>& side() const;
    const Spectrogram& monoSpectrum() const;
    const Spectrogram& sideSpectrum() const;
    const Spectrogram& leftSpectrum() const;
    const Spectrogram& rightSpectrum() const;

    static constexpr StftParams kStftParams{2048, 512, WindowType::kHann};

private:
    struct SharedSpectrum {
        std::once_flag alloc_once;
        SharedChunks chunks;
        Spectrogram spec;
    };
    void computeMidSide() const;
    const Spectrogram& spectrum(SharedSpectrum& s, const std::vector<float>& x) const;
    void helpStft(SharedSpectrum& s, const std::vector<float>& x, std::size_t chunks) const;

    // immutable
    const AudioBuffer& m_audio;
    const int m_stft_threads;
    const CancellationToken m_cancel;
    // computed once each (by every thread that asks meanwhile), then immutable
    mutable std::once_flag m_mid_side_once;
    mutable SharedChunks m_mid_side_chunks;
    mutable std::vector<float> m_mono; // empty for mono input: mono() is the input
    mutable std::vector<float> m_side;
    mutable SharedSpectrum m_mono_spec, m_side_spec, m_left_spec, m_right_spec;
};

} // namespace styledna::core
