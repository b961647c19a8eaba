#include "core/features/analysis_context.hpp"

namespace styledna::core {

AnalysisContext::AnalysisContext(const AudioBuffer& audio, int stft_threads,
                                 CancellationToken cancel)
    : m_audio(audio), m_stft_threads(stft_threads), m_cancel(std::move(cancel)) {}

const std::vector<float>& AnalysisContext::mono() const {
    std::call_once(m_mid_side_once, [this] {
        const std::size_t n = m_audio.frames();
        if (m_audio.numChannels() < 2) {
            m_mono = m_audio.numChannels() == 1 ? m_audio.channels[0] : std::vector<float>{};
            m_side.assign(n, 0.0f);
            return;
        }
        const float* l = m_audio.channels[0].data();
        const float* r = m_audio.channels[1].data();
        m_mono.resize(n);
        m_side.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            m_mono[i] = 0.5f * (l[i] + r[i]);
            m_side[i] = 0.5f * (l[i] - r[i]);
        }
    });
    return m_mono;
}

const std::vector<float>& AnalysisContext::side() const {
    mono();
    return m_side;
}

const Spectrogram& AnalysisContext::monoSpectrum() const {
    std::call_once(m_mono_spec_once, [this] {
        const auto& x = mono();
        m_mono_spec = computeStft(x.data(), x.size(), sampleRateHz(), kStftParams, m_stft_threads);
    });
    return m_mono_spec;
}

const Spectrogram& AnalysisContext::sideSpectrum() const {
    std::call_once(m_side_spec_once, [this] {
        const auto& x = side();
        m_side_spec = computeStft(x.data(), x.size(), sampleRateHz(), kStftParams, m_stft_threads);
    });
    return m_side_spec;
}

const Spectrogram& AnalysisContext::leftSpectrum() const {
    if (!isStereo()) {
        return monoSpectrum();
    }
    std::call_once(m_left_spec_once, [this] {
        const auto& x = m_audio.channels[0];
        m_left_spec = computeStft(x.data(), x.size(), sampleRateHz(), kStftParams, m_stft_threads);
    });
    return m_left_spec;
}

const Spectrogram& AnalysisContext::rightSpectrum() const {
    if (!isStereo()) {
        return monoSpectrum();
    }
    std::call_once(m_right_spec_once, [this] {
        const auto& x = m_audio.channels[1];
        m_right_spec = computeStft(x.data(), x.size(), sampleRateHz(), kStftParams, m_stft_threads);
    });
    return m_right_spec;
}

} // namespace styledna::core
