#include "core/audio/decode.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/audio/resample.hpp"
#include "core/audio/sndfile_handle.hpp"
#include "core/common/large_buffers.hpp"
#include "core/common/logging.hpp"

namespace styledna::core {
namespace {

// Float files may exceed full scale, but not by 80 dB: such values are corrupt
// data, and resampling them would overflow to Inf.
constexpr float kMaxSampleMagnitude = 1.0e4f;

struct ContainerName {
    int major;
    const char* name;
    bool supported;
};

constexpr std::array kContainers{
    ContainerName{SF_FORMAT_WAV, "WAV", true},      ContainerName{SF_FORMAT_WAVEX, "WAV", true},
    ContainerName{SF_FORMAT_RF64, "RF64", true},    ContainerName{SF_FORMAT_W64, "W64", true},
    ContainerName{SF_FORMAT_AIFF, "AIFF", true},    ContainerName{SF_FORMAT_FLAC, "FLAC", true},
    ContainerName{SF_FORMAT_OGG, "OGG", true},      ContainerName{SF_FORMAT_MPEG, "MP3", true},
    ContainerName{SF_FORMAT_AU, "AU", false},       ContainerName{SF_FORMAT_RAW, "RAW", false},
    ContainerName{SF_FORMAT_PAF, "PAF", false},     ContainerName{SF_FORMAT_SVX, "8SVX", false},
    ContainerName{SF_FORMAT_NIST, "NIST", false},   ContainerName{SF_FORMAT_VOC, "VOC", false},
    ContainerName{SF_FORMAT_IRCAM, "IRCAM", false}, ContainerName{SF_FORMAT_MAT4, "MAT4", false},
    ContainerName{SF_FORMAT_MAT5, "MAT5", false},   ContainerName{SF_FORMAT_PVF, "PVF", false},
    ContainerName{SF_FORMAT_XI, "XI", false},       ContainerName{SF_FORMAT_HTK, "HTK", false},
    ContainerName{SF_FORMAT_SDS, "SDS", false},     ContainerName{SF_FORMAT_AVR, "AVR", false},
    ContainerName{SF_FORMAT_SD2, "SD2", false},     ContainerName{SF_FORMAT_CAF, "CAF", false},
    ContainerName{SF_FORMAT_WVE, "WVE", false},     ContainerName{SF_FORMAT_MPC2K, "MPC2K", false},
};

const char* encodingName(int sub) {
    switch (sub) {
    case SF_FORMAT_PCM_S8:
        return "PCM_S8";
    case SF_FORMAT_PCM_U8:
        return "PCM_U8";
    case SF_FORMAT_PCM_16:
        return "PCM_16";
    case SF_FORMAT_PCM_24:
        return "PCM_24";
    case SF_FORMAT_PCM_32:
        return "PCM_32";
    case SF_FORMAT_FLOAT:
        return "FLOAT";
    case SF_FORMAT_DOUBLE:
        return "DOUBLE";
    case SF_FORMAT_ULAW:
        return "ULAW";
    case SF_FORMAT_ALAW:
        return "ALAW";
    case SF_FORMAT_VORBIS:
        return "VORBIS";
    case SF_FORMAT_OPUS:
        return "OPUS";
    case SF_FORMAT_MPEG_LAYER_I:
        return "MPEG_LAYER_I";
    case SF_FORMAT_MPEG_LAYER_II:
        return "MPEG_LAYER_II";
    case SF_FORMAT_MPEG_LAYER_III:
        return "MPEG_LAYER_III";
    case SF_FORMAT_ALAC_16:
    case SF_FORMAT_ALAC_20:
    case SF_FORMAT_ALAC_24:
    case SF_FORMAT_ALAC_32:
        return "ALAC";
    default:
        return "OTHER";
    }
}

std::string minutes(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f min", seconds / 60.0);
    return buf;
}

// Downmix weights: weights[c] = {to_left, to_right} for source channel c.
std::vector<std::array<float, 2>> downmixWeights(SNDFILE* file, int channels,
                                                 const std::string& name) {
    constexpr float kHalf = 0.70710678f;
    std::vector<std::array<float, 2>> w(static_cast<std::size_t>(channels), {0.0f, 0.0f});
    if (channels == 1) {
        w[0] = {1.0f, 0.0f};
        return w;
    }
    if (channels == 2) {
        w[0] = {1.0f, 0.0f};
        w[1] = {0.0f, 1.0f};
        return w;
    }
    std::vector<int> map(static_cast<std::size_t>(channels), SF_CHANNEL_MAP_INVALID);
    const bool has_map = sf_command(file, SFC_GET_CHANNEL_MAP_INFO, map.data(),
                                    static_cast<int>(map.size() * sizeof(int))) == SF_TRUE;
    if (!has_map) {
        static constexpr int kDefault[] = {SF_CHANNEL_MAP_LEFT,      SF_CHANNEL_MAP_RIGHT,
                                           SF_CHANNEL_MAP_CENTER,    SF_CHANNEL_MAP_LFE,
                                           SF_CHANNEL_MAP_REAR_LEFT, SF_CHANNEL_MAP_REAR_RIGHT,
                                           SF_CHANNEL_MAP_SIDE_LEFT, SF_CHANNEL_MAP_SIDE_RIGHT};
        for (int c = 0; c < channels; ++c) {
            map[static_cast<std::size_t>(c)] = c < 8 ? kDefault[c] : SF_CHANNEL_MAP_INVALID;
        }
        if (channels > 8) {
            logger("audio")->warn("{}: {} channels without a channel map; channels 9+ dropped",
                                  name, channels);
        }
    }
    for (int c = 0; c < channels; ++c) {
        auto& wc = w[static_cast<std::size_t>(c)];
        switch (map[static_cast<std::size_t>(c)]) {
        case SF_CHANNEL_MAP_LEFT:
        case SF_CHANNEL_MAP_FRONT_LEFT:
            wc = {1.0f, 0.0f};
            break;
        case SF_CHANNEL_MAP_RIGHT:
        case SF_CHANNEL_MAP_FRONT_RIGHT:
            wc = {0.0f, 1.0f};
            break;
        case SF_CHANNEL_MAP_MONO:
        case SF_CHANNEL_MAP_CENTER:
        case SF_CHANNEL_MAP_FRONT_CENTER:
        case SF_CHANNEL_MAP_REAR_CENTER:
        case SF_CHANNEL_MAP_TOP_CENTER:
        case SF_CHANNEL_MAP_TOP_FRONT_CENTER:
        case SF_CHANNEL_MAP_TOP_REAR_CENTER:
            wc = {kHalf, kHalf};
            break;
        case SF_CHANNEL_MAP_REAR_LEFT:
        case SF_CHANNEL_MAP_SIDE_LEFT:
        case SF_CHANNEL_MAP_FRONT_LEFT_OF_CENTER:
        case SF_CHANNEL_MAP_TOP_FRONT_LEFT:
        case SF_CHANNEL_MAP_TOP_REAR_LEFT:
            wc = {kHalf, 0.0f};
            break;
        case SF_CHANNEL_MAP_REAR_RIGHT:
        case SF_CHANNEL_MAP_SIDE_RIGHT:
        case SF_CHANNEL_MAP_FRONT_RIGHT_OF_CENTER:
        case SF_CHANNEL_MAP_TOP_FRONT_RIGHT:
        case SF_CHANNEL_MAP_TOP_REAR_RIGHT:
            wc = {0.0f, kHalf};
            break;
        default:
            wc = {0.0f, 0.0f};
            break; // LFE, ambisonic, unknown
        }
    }
    return w;
}

// Rejects NaN/Inf and values beyond +80 dBFS in `count` interleaved samples
// whose first frame is `first_frame`; the error names the frame and time.
Status checkSamples(const float* x, std::size_t count, std::size_t channels,
                    std::size_t first_frame, double rate, const std::string& name) {
    for (std::size_t i = 0; i < count; ++i) {
        if (!std::isfinite(x[i]) || std::fabs(x[i]) > kMaxSampleMagnitude) {
            const std::size_t frame = first_frame + i / channels;
            char where[64];
            std::snprintf(where, sizeof where, "%zu (%.3f s)", frame,
                          static_cast<double>(frame) / rate);
            return invalidArgument(name +
                                   (std::isfinite(x[i])
                                        ? ": sample values beyond +80 dBFS (first at frame "
                                        : ": contains NaN/Inf samples (first at frame ") +
                                   where + ")");
        }
    }
    return Status::ok();
}

Result<DecodedAudio> decodeOpened(SndfileHandle file, const SF_INFO& info, const std::string& name,
                                  std::int64_t file_size, const DecodeOptions& options,
                                  const CancellationToken* cancel) {
    const int major = info.format & SF_FORMAT_TYPEMASK;
    const int sub = info.format & SF_FORMAT_SUBMASK;
    const ContainerName* container = nullptr;
    for (const auto& c : kContainers) {
        if (c.major == major) {
            container = &c;
        }
    }
    if (container == nullptr || !container->supported) {
        return invalidArgument(name + ": unsupported container " +
                               (container ? container->name : "(unknown)") +
                               "; StyleDNA reads WAV, AIFF, FLAC, OGG/Vorbis and MP3");
    }
    if (info.channels <= 0 || info.samplerate <= 0) {
        return invalidArgument(name + ": invalid header (channels " +
                               std::to_string(info.channels) + ", sample rate " +
                               std::to_string(info.samplerate) + ")");
    }
    if (info.samplerate < 4000 || info.samplerate > 768000) {
        return invalidArgument(name + ": unsupported sample rate " +
                               std::to_string(info.samplerate) + " Hz (4 kHz - 768 kHz)");
    }
    if (info.frames <= 0) {
        return invalidArgument(name + ": contains no audio (0 frames)");
    }
    const double rate = info.samplerate;
    const double declared_s = static_cast<double>(info.frames) / rate;
    if (declared_s > options.max_duration_s) {
        return invalidArgument(name + ": " + minutes(declared_s) + " long, over the " +
                               minutes(options.max_duration_s) + " limit (max_duration_s)");
    }

    DecodedAudio result;
    result.source.container = container->name;
    result.source.encoding = encodingName(sub);
    result.source.channels = info.channels;
    result.source.sample_rate_hz = rate;
    result.source.file_size_bytes = file_size;

    const auto weights = downmixWeights(file.get(), info.channels, name);
    const std::size_t out_channels = info.channels == 1 ? 1 : 2;
    const std::size_t in_channels = static_cast<std::size_t>(info.channels);
    const auto max_frames = static_cast<std::size_t>(options.max_duration_s * rate) + 1;

    // Planar output sized from the header, from the large-buffer pool (PERF.md:
    // first touch of fresh 4 KiB pages costs more than the decode itself); grown if
    // the data runs past the header's count.
    AudioBuffer audio;
    audio.sample_rate_hz = rate;
    audio.channels.assign(out_channels, {});
    for (auto& ch : audio.channels) {
        reserveLarge(ch, std::min(static_cast<std::size_t>(info.frames), max_frames + 1));
    }
    // 16-bit PCM (the common case) is read as integers and scaled here: the
    // same values libsndfile's float conversion gives (int16 * 2^-15 is exact),
    // without its extra pass and with no finiteness check to make.
    const bool pcm16 = sub == SF_FORMAT_PCM_16 && in_channels <= 2;
    constexpr std::size_t kChunk = 32768;
    std::vector<float> interleaved(pcm16 ? 0 : kChunk * in_channels);
    std::vector<short> interleaved16(pcm16 ? kChunk * in_channels : 0);
    std::size_t total = 0;
    while (true) {
        const sf_count_t got =
            pcm16
                ? sf_readf_short(file.get(), interleaved16.data(), static_cast<sf_count_t>(kChunk))
                : sf_readf_float(file.get(), interleaved.data(), static_cast<sf_count_t>(kChunk));
        if (got <= 0) {
            break;
        }
        const auto n = static_cast<std::size_t>(got);
        if (!pcm16) {
            if (auto s = checkSamples(interleaved.data(), n * in_channels, in_channels, total, rate,
                                      name);
                !s.isOk()) {
                return s;
            }
        }
        for (auto& ch : audio.channels) {
            ch.resize(total + n);
        }
        float* l = audio.channels[0].data() + total;
        float* r = out_channels == 2 ? audio.channels[1].data() + total : nullptr;
        if (pcm16) {
            constexpr float kScale = 1.0f / 32768.0f;
            const short* src = interleaved16.data();
            if (r == nullptr) {
                for (std::size_t i = 0; i < n; ++i) {
                    l[i] = static_cast<float>(src[i]) * kScale;
                }
            } else {
                for (std::size_t i = 0; i < n; ++i) {
                    l[i] = static_cast<float>(src[2 * i]) * kScale;
                    r[i] = static_cast<float>(src[2 * i + 1]) * kScale;
                }
            }
        } else if (r == nullptr) {
            std::copy_n(interleaved.data(), n, l);
        } else if (in_channels == 2) {
            for (std::size_t i = 0; i < n; ++i) {
                l[i] = interleaved[2 * i];
                r[i] = interleaved[2 * i + 1];
            }
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                float sl = 0.0f;
                float sr = 0.0f;
                const float* frame = &interleaved[i * in_channels];
                for (std::size_t c = 0; c < in_channels; ++c) {
                    sl += weights[c][0] * frame[c];
                    sr += weights[c][1] * frame[c];
                }
                l[i] = sl;
                r[i] = sr;
            }
        }
        total += n;
        if (total > max_frames) {
            return invalidArgument(name + ": longer than the " + minutes(options.max_duration_s) +
                                   " limit (max_duration_s)");
        }
        if (cancel != nullptr && cancel->isCancelled()) {
            return cancelledError(name + ": decoding cancelled");
        }
    }
    if (sf_error(file.get()) != SF_ERR_NO_ERROR && total == 0) {
        return invalidArgument(name + ": decode error (" + sf_strerror(file.get()) + ")");
    }
    if (total == 0) {
        return invalidArgument(name + ": contains no audio (0 frames decoded)");
    }
    result.source.frames = static_cast<std::int64_t>(total);
    result.source.duration_s = static_cast<double>(total) / rate;
    if (static_cast<sf_count_t>(total) < info.frames) {
        logger("audio")->warn("{}: header declares {} frames, only {} decoded (truncated data)",
                              name, info.frames, total);
    }
    auto resampled = resampleTo(std::move(audio), options.target_rate_hz, cancel);
    if (!resampled) {
        return Status(resampled.status().code(), name + ": " + resampled.status().message());
    }
    result.audio = std::move(resampled).value();
    return result;
}

std::string sndfileOpenError(const std::string& name) {
    std::string why = sf_strerror(nullptr);
    return name + ": not a readable audio file (" + why + ")";
}

// In-memory virtual IO for decodeMemory.
struct MemoryFile {
    const unsigned char* data;
    sf_count_t size;
    sf_count_t pos;
};

sf_count_t memLength(void* user) {
    return static_cast<MemoryFile*>(user)->size;
}
sf_count_t memSeek(sf_count_t offset, int whence, void* user) {
    auto* m = static_cast<MemoryFile*>(user);
    sf_count_t base = 0;
    if (whence == SEEK_CUR) {
        base = m->pos;
    } else if (whence == SEEK_END) {
        base = m->size;
    }
    const sf_count_t target = base + offset;
    if (target < 0 || target > m->size) {
        return -1;
    }
    m->pos = target;
    return m->pos;
}
sf_count_t memRead(void* ptr, sf_count_t count, void* user) {
    auto* m = static_cast<MemoryFile*>(user);
    const sf_count_t n = std::max<sf_count_t>(0, std::min(count, m->size - m->pos));
    if (n > 0) {
        std::memcpy(ptr, m->data + m->pos, static_cast<std::size_t>(n));
    }
    m->pos += n;
    return n;
}
sf_count_t memWrite(const void*, sf_count_t, void*) {
    return 0;
}
sf_count_t memTell(void* user) {
    return static_cast<MemoryFile*>(user)->pos;
}

} // namespace

Status checkAudioFilePath(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) {
            return notFound(path + ": no such file");
        }
        return invalidArgument(path + ": cannot access (" + std::strerror(err) + ")");
    }
    if (S_ISDIR(st.st_mode)) {
        return invalidArgument(path + ": is a directory, not an audio file");
    }
    if (!S_ISREG(st.st_mode)) {
        return invalidArgument(path + ": not a regular file");
    }
    if (st.st_size == 0) {
        return invalidArgument(path + ": empty file (0 bytes)");
    }
    return Status::ok();
}

Result<SourceFormat> probeFile(const std::string& path) {
    if (auto s = checkAudioFilePath(path); !s.isOk()) {
        return s;
    }
    struct stat st {};
    ::stat(path.c_str(), &st);
    SF_INFO info{};
    SndfileHandle file(sf_open(path.c_str(), SFM_READ, &info));
    if (!file) {
        return invalidArgument(sndfileOpenError(path));
    }
    const int major = info.format & SF_FORMAT_TYPEMASK;
    SourceFormat f;
    f.container = "(unknown)";
    for (const auto& c : kContainers) {
        if (c.major == major) {
            f.container = c.name;
        }
    }
    f.encoding = encodingName(info.format & SF_FORMAT_SUBMASK);
    f.channels = info.channels;
    f.sample_rate_hz = info.samplerate;
    f.frames = static_cast<std::int64_t>(info.frames);
    f.duration_s = info.samplerate > 0 ? static_cast<double>(info.frames) / info.samplerate : 0.0;
    f.file_size_bytes = st.st_size;
    return f;
}

Result<DecodedAudio> decodeFile(const std::string& path, const DecodeOptions& options,
                                const CancellationToken* cancel) {
    if (auto s = checkAudioFilePath(path); !s.isOk()) {
        return s;
    }
    struct stat st {};
    ::stat(path.c_str(), &st);
    SF_INFO info{};
    SndfileHandle file(sf_open(path.c_str(), SFM_READ, &info));
    if (!file) {
        if (::access(path.c_str(), R_OK) != 0) {
            const int err = errno;
            if (err == ENOENT) { // removed between the path check and the open
                return notFound(path + ": no such file (it was removed while being opened)");
            }
            return invalidArgument(path + ": cannot open (" + std::strerror(err) + ")");
        }
        return invalidArgument(sndfileOpenError(path));
    }
    return decodeOpened(std::move(file), info, path, st.st_size, options, cancel);
}

Result<DecodedAudio> decodeMemory(const void* data, std::size_t size, const std::string& name,
                                  const DecodeOptions& options, const CancellationToken* cancel) {
    if (size == 0) {
        return invalidArgument(name + ": empty file (0 bytes)");
    }
    MemoryFile mem{static_cast<const unsigned char*>(data), static_cast<sf_count_t>(size), 0};
    SF_VIRTUAL_IO io{memLength, memSeek, memRead, memWrite, memTell};
    SF_INFO info{};
    SndfileHandle file(sf_open_virtual(&io, SFM_READ, &info, &mem));
    if (!file) {
        return invalidArgument(sndfileOpenError(name));
    }
    return decodeOpened(std::move(file), info, name, static_cast<std::int64_t>(size), options,
                        cancel);
}

} // namespace styledna::core
