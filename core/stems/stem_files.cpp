#include "core/stems/stem_files.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include <sndfile.h>

#include "core/audio/audio_writer.hpp"
#include "core/audio/decode.hpp"
#include "core/audio/sndfile_handle.hpp"

namespace styledna::core::stems {
namespace {

// The file's own sample rate (libsndfile header), 0 when it cannot be read
// (decodeFile then reports the problem with its own message).
double sourceRateHz(const std::string& path) {
    SF_INFO info{};
    SndfileHandle f(sf_open(path.c_str(), SFM_READ, &info));
    return f ? static_cast<double>(info.samplerate) : 0.0;
}

AudioBuffer& stemOf(Stems& stems, std::size_t i) {
    return i == 0 ? stems.drums : (i == 1 ? stems.bass : stems.other);
}

} // namespace

Status separateFileToDir(const std::string& path, const Separator& separator,
                         const std::string& out_dir, const CancellationToken& cancel,
                         const ProgressFn& progress) {
    reportProgress(progress, 0.0, "decoding");
    DecodeOptions options;
    const double rate = sourceRateHz(path);
    if (rate > 0) {
        options.target_rate_hz = rate;
    }
    auto decoded = decodeFile(path, options, &cancel);
    if (!decoded) {
        return decoded.status();
    }
    auto stems = separator.separate(decoded->audio, cancel, [&](double f, std::string_view s) {
        reportProgress(progress, 0.1 + 0.8 * f, s);
    });
    if (!stems) {
        return Status(stems.status().code(), path + ": " + stems.status().message());
    }
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) {
        return invalidArgument(out_dir + ": cannot create the output directory: " + ec.message());
    }
    reportProgress(progress, 0.9, "writing");
    WriteOptions write;
    write.encoding = SampleEncoding::kFloat32;
    for (std::size_t i = 0; i < 3; ++i) {
        const std::string file = (std::filesystem::path(out_dir) / kStemNames[i]).string() + ".wav";
        Status st = writeAudioFile(file, stemOf(*stems, i), write);
        if (!st.isOk()) {
            return st;
        }
    }
    recycleStems(*stems);
    reportProgress(progress, 1.0, "writing");
    return Status::ok();
}

Result<Stems> readStemFiles(const std::string& dir, double mix_duration_s, double rate_hz,
                            const CancellationToken& cancel) {
    Stems stems;
    DecodeOptions options;
    options.target_rate_hz = rate_hz;
    std::size_t channels = 1;
    for (std::size_t i = 0; i < 3; ++i) {
        const std::string file = (std::filesystem::path(dir) / kStemNames[i]).string() + ".wav";
        auto decoded = decodeFile(file, options, &cancel);
        if (!decoded) {
            return decoded.status();
        }
        const double duration = decoded->audio.durationS();
        if (std::abs(duration - mix_duration_s) > kStemLengthToleranceS) {
            char text[160];
            std::snprintf(text, sizeof text,
                          ": stem is %.3f s long but the mix is %.3f s (stems must be exported "
                          "from the start of the track, the full length)",
                          duration, mix_duration_s);
            return invalidArgument(file + text);
        }
        channels = std::max(channels, decoded->audio.numChannels());
        stemOf(stems, i) = std::move(decoded->audio);
    }
    std::size_t frames = stems.drums.frames();
    for (std::size_t i = 0; i < 3; ++i) {
        frames = std::min(frames, stemOf(stems, i).frames());
    }
    for (std::size_t i = 0; i < 3; ++i) {
        AudioBuffer& b = stemOf(stems, i);
        for (auto& ch : b.channels) {
            ch.resize(frames);
        }
        if (b.numChannels() < channels) {
            b.channels.resize(channels, b.channels[0]);
        }
    }
    return stems;
}

} // namespace styledna::core::stems
