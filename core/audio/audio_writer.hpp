#pragma once
// Writing audio files (WAV/FLAC) through libsndfile. Used by the synthesizer,
// tests and benchmarks. Samples are clipped to [-1, 1] for integer encodings.

#include <string>

#include "core/audio/audio_buffer.hpp"
#include "core/common/status.hpp"

namespace styledna::core {

enum class SampleEncoding { kPcm16, kPcm24, kFloat32 };
enum class FileContainer { kWav, kFlac, kAiff };

struct WriteOptions {
    FileContainer container = FileContainer::kWav;
    SampleEncoding encoding = SampleEncoding::kPcm16;
};

// Writes buffer (any channel count >= 1, any rate) to path, replacing it.
Status writeAudioFile(const std::string& path, const AudioBuffer& buffer,
                      const WriteOptions& options = {});

} // namespace styledna::core
