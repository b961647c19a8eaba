#pragma once
// Decoding audio files into analysis buffers.
//
// Accepted containers (through libsndfile): WAV (incl. WAVE_FORMAT_EXTENSIBLE,
// RF64, W64), AIFF/AIFC, FLAC, OGG (Vorbis or Opus) and MP3. Anything else is
// rejected with INVALID_ARGUMENT naming the file and the detected container.
// Integer (8/16/24/32-bit) and float/double encodings are accepted.
//
// Output: 44.1 kHz (DecodeOptions::target_rate_hz) float, planar.
// Channel rules (documented in README):
//   1 channel          -> 1 channel (mono; stereo features treat it as L = R)
//   2 channels         -> L, R unchanged
//   3+ channels        -> stereo downmix after ITU-R BS.775: front L/R at 1.0,
//                         centre and surrounds at -3 dB (0.7071) into their side,
//                         centre/mono/top-centre split equally (0.7071 each), LFE
//                         dropped. The channel map comes from the file when it
//                         carries one (WAVE_FORMAT_EXTENSIBLE, CAF...), else the
//                         WAV default order L R C LFE Ls Rs Lb Rb is assumed.
//                         Channels beyond 8 with no map are dropped (and logged).
// Errors (all name the file): no such file (NOT_FOUND), directory, empty file,
// unreadable/unrecognised data, unsupported container, zero frames, duration
// over max_duration_s, NaN/Inf samples or float samples beyond +80 dBFS
// (|x| > 1e4; corrupt data) (INVALID_ARGUMENT), cancellation
// (CANCELLED).

#include <cstdint>
#include <string>

#include "core/audio/audio_buffer.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"

namespace styledna::core {

struct DecodeOptions {
    double target_rate_hz = kAnalysisRateHz;
    double max_duration_s = 20.0 * 60.0; // 20 minutes
};

struct SourceFormat {
    std::string container; // "WAV", "AIFF", "FLAC", "OGG", "MP3", ...
    std::string encoding;  // "PCM_16", "PCM_24", "FLOAT", "VORBIS", "MPEG_LAYER_III", ...
    int channels = 0;
    double sample_rate_hz = 0.0;
    std::int64_t frames = 0; // at the source rate
    double duration_s = 0.0;
    std::int64_t file_size_bytes = 0;
};

struct DecodedAudio {
    SourceFormat source;
    AudioBuffer audio; // mono or stereo, at DecodeOptions::target_rate_hz
};

// Checks that path names an existing, non-empty regular file; the error
// names the path ("x: is a directory, not an audio file", ...).
Status checkAudioFilePath(const std::string& path);

// The file's format facts from its header alone (no samples read): container,
// encoding, channels, rate, frames, duration, size. Same errors as decodeFile
// for unreadable or unsupported files.
Result<SourceFormat> probeFile(const std::string& path);

Result<DecodedAudio> decodeFile(const std::string& path, const DecodeOptions& options = {},
                                const CancellationToken* cancel = nullptr);

// Same rules on an in-memory file image; `name` is used in error messages.
Result<DecodedAudio> decodeMemory(const void* data, std::size_t size, const std::string& name,
                                  const DecodeOptions& options = {},
                                  const CancellationToken* cancel = nullptr);

} // namespace styledna::core
