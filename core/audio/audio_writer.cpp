#include "core/audio/audio_writer.hpp"

#include <algorithm>
#include <vector>

#include "core/audio/sndfile_handle.hpp"

namespace styledna::core {

Status writeAudioFile(const std::string& path, const AudioBuffer& buffer,
                      const WriteOptions& options) {
    if (buffer.numChannels() == 0) {
        return invalidArgument(path + ": cannot write audio with no channels");
    }
    SF_INFO info{};
    info.samplerate = static_cast<int>(buffer.sample_rate_hz + 0.5);
    info.channels = static_cast<int>(buffer.numChannels());
    int major = SF_FORMAT_WAV;
    if (options.container == FileContainer::kFlac) {
        major = SF_FORMAT_FLAC;
    } else if (options.container == FileContainer::kAiff) {
        major = SF_FORMAT_AIFF;
    }
    int sub = SF_FORMAT_PCM_16;
    if (options.encoding == SampleEncoding::kPcm24) {
        sub = SF_FORMAT_PCM_24;
    } else if (options.encoding == SampleEncoding::kFloat32) {
        if (options.container == FileContainer::kFlac) {
            return invalidArgument(path + ": FLAC cannot store float samples");
        }
        sub = SF_FORMAT_FLOAT;
    }
    info.format = major | sub;
    SndfileHandle file(sf_open(path.c_str(), SFM_WRITE, &info));
    if (!file) {
        return invalidArgument(path + ": cannot open for writing (" + sf_strerror(nullptr) + ")");
    }
    // Integer encodings: clip instead of letting libsndfile wrap.
    sf_command(file.get(), SFC_SET_CLIPPING, nullptr, SF_TRUE);

    const std::size_t channels = buffer.numChannels();
    const std::size_t frames = buffer.frames();
    constexpr std::size_t kChunk = 16384;
    std::vector<float> interleaved(kChunk * channels);
    for (std::size_t start = 0; start < frames; start += kChunk) {
        const std::size_t n = std::min(kChunk, frames - start);
        for (std::size_t c = 0; c < channels; ++c) {
            const float* src = buffer.channels[c].data() + start;
            for (std::size_t i = 0; i < n; ++i) {
                interleaved[i * channels + c] = src[i];
            }
        }
        if (sf_writef_float(file.get(), interleaved.data(), static_cast<sf_count_t>(n)) !=
            static_cast<sf_count_t>(n)) {
            return internalError(path + ": write failed (" + sf_strerror(file.get()) + ")");
        }
    }
    return Status::ok();
}

} // namespace styledna::core
