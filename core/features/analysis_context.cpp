#include "core/features/analysis_context.hpp"

#include <algorithm>
#include <optional>
#include <thread>

#include "core/common/large_buffers.hpp"

namespace styledna::core {
namespace {

constexpr std::size_t kMidSideChunkSamples = std::size_t{1} << 18; // 1 MiB per channel
constexpr std::size_t kStftChunkFrames = 128;                      // ~1 ms of FFTs

std::size_t chunksFor(std::size_t n, std::size_t chunk) {
    return (n + chunk - 1) / chunk;
}

} // namespace

AnalysisContext::AnalysisContext(const AudioBuffer& audio, int stft_threads,
                                 CancellationToken cancel)
    : m_audio(audio), m_stft_threads(stft_threads), m_cancel(std::move(cancel)) {}

AnalysisContext::~AnalysisContext() {
    recycleLarge(m_mono);
    recycleLarge(m_side);
    for (SharedSpectrum* s : {&m_mono_spec, &m_side_spec, &m_left_spec, &m_right_spec}) {
        recycleLarge(s->spec.magnitude);
    }
}

void AnalysisContext::computeMidSide() const {
    const std::size_t n = m_audio.frames();
    std::call_once(m_mid_side_once, [&] {
        reserveLarge(m_side, n);
        m_side.resize(n, 0.0f);
        if (isStereo()) {
            reserveLarge(m_mono, n);
            m_mono.resize(n, 0.0f);
        }
    });
    if (!isStereo()) {
        return;
    }
    m_mid_side_chunks.run(chunksFor(n, kMidSideChunkSamples), [&](std::size_t c) {
        const float* l = m_audio.channels[0].data();
        const float* r = m_audio.channels[1].data();
        float* mid = m_mono.data();
        float* side = m_side.data();
        const std::size_t end = std::min(n, (c + 1) * kMidSideChunkSamples);
        for (std::size_t i = c * kMidSideChunkSamples; i < end; ++i) {
            mid[i] = 0.5f * (l[i] + r[i]);
            side[i] = 0.5f * (l[i] - r[i]);
        }
    });
}

const std::vector<float>& AnalysisContext::mono() const {
    computeMidSide();
    if (!isStereo() && m_audio.numChannels() == 1) {
        return m_audio.channels[0];
    }
    return m_mono;
}

const std::vector<float>& AnalysisContext::side() const {
    computeMidSide();
    return m_side;
}

void AnalysisContext::helpStft(SharedSpectrum& s, const std::vector<float>& x,
                               std::size_t chunks) const {
    std::optional<StftFrameWorker> worker;
    s.chunks.run(chunks, [&](std::size_t c) {
        if (m_cancel.isCancelled()) {
            return;
        }
        if (!worker) {
            worker.emplace(kStftParams);
        }
        worker->compute(x.data(), x.size(), c * kStftChunkFrames, (c + 1) * kStftChunkFrames,
                        s.spec);
    });
}

const Spectrogram& AnalysisContext::spectrum(SharedSpectrum& s, const std::vector<float>& x) const {
    std::call_once(s.alloc_once,
                   [&] { s.spec = makeSpectrogram(x.size(), sampleRateHz(), kStftParams); });
    const std::size_t chunks = chunksFor(s.spec.num_frames, kStftChunkFrames);
    if (s.chunks.done(chunks)) {
        return s.spec;
    }
    std::vector<std::thread> helpers;
    for (int t = 1; t < m_stft_threads; ++t) {
        helpers.emplace_back([&] { helpStft(s, x, chunks); });
    }
    helpStft(s, x, chunks);
    for (auto& h : helpers) {
        h.join();
    }
    return s.spec;
}

const Spectrogram& AnalysisContext::monoSpectrum() const {
    return spectrum(m_mono_spec, mono());
}

const Spectrogram& AnalysisContext::sideSpectrum() const {
    return spectrum(m_side_spec, side());
}

const Spectrogram& AnalysisContext::leftSpectrum() const {
    if (!isStereo()) {
        return monoSpectrum();
    }
    return spectrum(m_left_spec, m_audio.channels[0]);
}

const Spectrogram& AnalysisContext::rightSpectrum() const {
    if (!isStereo()) {
        return monoSpectrum();
    }
    return spectrum(m_right_spec, m_audio.channels[1]);
}

} // namespace styledna::core
