#pragma once
// AudioBuffer: planar float audio, the unit every core stage exchanges.
//
// Contract: channels[c] all have the same length (frames()); samples are
// nominally in [-1, 1] (full scale = 1.0, 0 dBFS) but may exceed it; no NaN or
// Inf (decode rejects them). Channel 0 is left and 1 is right when there are
// two; analysis buffers are mono (1) or stereo (2), never more.

#include <cstddef>
#include <vector>

namespace styledna::core {

struct AudioBuffer {
    double sample_rate_hz = 44100.0;
    std::vector<std::vector<float>> channels;

    AudioBuffer() = default;
    AudioBuffer(std::size_t num_channels, std::size_t num_frames, double rate_hz)
        : sample_rate_hz(rate_hz), channels(num_channels, std::vector<float>(num_frames, 0.0f)) {}

    std::size_t numChannels() const { return channels.size(); }
    std::size_t frames() const { return channels.empty() ? 0 : channels[0].size(); }
    double durationS() const {
        return sample_rate_hz > 0 ? static_cast<double>(frames()) / sample_rate_hz : 0.0;
    }
    bool empty() const { return frames() == 0; }
};

// Analysis sample rate: everything is resampled to this before analysis.
inline constexpr double kAnalysisRateHz = 44100.0;

} // namespace styledna::core
