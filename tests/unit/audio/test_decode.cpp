#include <catch2/catch.hpp>

#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <random>

#include "core/audio/audio_writer.hpp"
#include "core/audio/decode.hpp"
#include "core/audio/resample.hpp"
#include "unit/test_support.hpp"

using namespace styledna;
using core::StatusCode;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Writes interleaved float frames with libsndfile in any format it can write.
bool writeRaw(const std::string& path, int format, int channels, int rate,
              const std::vector<float>& interleaved) {
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (f == nullptr) {
        return false;
    }
    sf_writef_float(f, interleaved.data(), static_cast<sf_count_t>(interleaved.size() / channels));
    sf_close(f);
    return true;
}

double rms(const std::vector<float>& x) {
    double s = 0;
    for (float v : x) {
        s += static_cast<double>(v) * v;
    }
    return x.empty() ? 0 : std::sqrt(s / x.size());
}

// Frequency from the count of positive-going zero crossings.
double zeroCrossingHz(const std::vector<float>& x, double rate) {
    int crossings = 0;
    for (std::size_t i = 1; i < x.size(); ++i) {
        crossings += (x[i - 1] < 0 && x[i] >= 0) ? 1 : 0;
    }
    return crossings / (x.size() / rate);
}

} // namespace

TEST_CASE("Lossless containers and encodings round-trip", "[audio][decode]") {
    const auto dir = test::tempDir("decode");
    const auto tone = test::sine(1000.0, 0.5, 0.5, 44100.0);
    struct Case {
        const char* name;
        core::WriteOptions options;
        double tolerance; // absolute: half an LSB of the encoding, plus float rounding
        const char* container;
        const char* encoding;
    };
    const Case cases[] = {
        {"a.wav",
         {core::FileContainer::kWav, core::SampleEncoding::kPcm16},
         1.0 / 32768,
         "WAV",
         "PCM_16"},
        {"b.wav",
         {core::FileContainer::kWav, core::SampleEncoding::kPcm24},
         1.0 / 8388608 * 2,
         "WAV",
         "PCM_24"},
        {"c.wav",
         {core::FileContainer::kWav, core::SampleEncoding::kFloat32},
         1e-7,
         "WAV",
         "FLOAT"},
        {"d.aiff",
         {core::FileContainer::kAiff, core::SampleEncoding::kPcm16},
         1.0 / 32768,
         "AIFF",
         "PCM_16"},
        {"e.flac",
         {core::FileContainer::kFlac, core::SampleEncoding::kPcm24},
         1.0 / 8388608 * 2,
         "FLAC",
         "PCM_24"},
    };
    for (const auto& c : cases) {
        SECTION(c.name) {
            const auto path = (dir / c.name).string();
            REQUIRE(core::writeAudioFile(path, tone, c.options).isOk());
            auto decoded = core::decodeFile(path);
            REQUIRE(decoded.isOk());
            CHECK(decoded->source.container == c.container);
            CHECK(decoded->source.encoding == c.encoding);
            CHECK(decoded->source.channels == 2);
            CHECK(decoded->source.frames == static_cast<std::int64_t>(tone.frames()));
            REQUIRE(decoded->audio.numChannels() == 2);
            REQUIRE(decoded->audio.frames() == tone.frames());
            double worst = 0;
            for (std::size_t i = 0; i < tone.frames(); ++i) {
                worst = std::max(worst, static_cast<double>(std::fabs(
                                            decoded->audio.channels[0][i] - tone.channels[0][i])));
            }
            CHECK(worst <= c.tolerance);
        }
    }
}

TEST_CASE("16-bit PCM decodes to exactly libsndfile's float values", "[audio][decode]") {
    // The decoder reads 16-bit PCM as integers and scales them itself; the
    // result must equal sf_readf_float's bit for bit (x * 2^-15 is exact), at
    // every code including both extremes, for mono, stereo, WAV and AIFF, and
    // across the decoder's 32768-frame read chunks.
    const auto dir = test::tempDir("decode_pcm16");
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> code(-32768, 32767);
    for (const int channels : {1, 2}) {
        for (const int format :
             {SF_FORMAT_WAV | SF_FORMAT_PCM_16, SF_FORMAT_AIFF | SF_FORMAT_PCM_16}) {
            const std::size_t frames = 70001;
            std::vector<short> pcm(frames * static_cast<std::size_t>(channels));
            for (auto& v : pcm) {
                v = static_cast<short>(code(rng));
            }
            pcm[0] = -32768;
            pcm[1] = 32767;
            char name[64];
            std::snprintf(name, sizeof name, "pcm16_%d_%x.snd", channels, format);
            const auto path = (dir / name).string();
            SF_INFO info{};
            info.samplerate = 44100;
            info.channels = channels;
            info.format = format;
            SNDFILE* out = sf_open(path.c_str(), SFM_WRITE, &info);
            REQUIRE(out != nullptr);
            sf_writef_short(out, pcm.data(), static_cast<sf_count_t>(frames));
            sf_close(out);

            SF_INFO read_info{};
            SNDFILE* in = sf_open(path.c_str(), SFM_READ, &read_info);
            REQUIRE(in != nullptr);
            std::vector<float> expected(pcm.size());
            REQUIRE(sf_readf_float(in, expected.data(), static_cast<sf_count_t>(frames)) ==
                    static_cast<sf_count_t>(frames));
            sf_close(in);

            auto decoded = core::decodeFile(path);
            REQUIRE(decoded.isOk());
            CHECK(decoded->source.encoding == "PCM_16");
            REQUIRE(decoded->audio.numChannels() == static_cast<std::size_t>(channels));
            REQUIRE(decoded->audio.frames() == frames);
            std::size_t mismatches = 0;
            for (std::size_t i = 0; i < frames; ++i) {
                for (int c = 0; c < channels; ++c) {
                    const float want = expected[i * static_cast<std::size_t>(channels) +
                                                static_cast<std::size_t>(c)];
                    mismatches += decoded->audio.channels[static_cast<std::size_t>(c)][i] != want;
                }
            }
            CHECK(mismatches == 0);
        }
    }
}

TEST_CASE("OGG/Vorbis and MP3 decode", "[audio][decode][lossy]") {
    const auto dir = test::tempDir("lossy");
    const auto tone = test::sine(440.0, 0.5, 1.0, 44100.0, 1);
    const std::vector<float>& mono = tone.channels[0];
    struct Case {
        const char* name;
        int format;
        const char* container;
    };
    const Case cases[] = {{"t.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, "OGG"},
                          {"t.mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, "MP3"}};
    for (const auto& c : cases) {
        SECTION(c.name) {
            const auto path = (dir / c.name).string();
            if (!writeRaw(path, c.format, 1, 44100, mono)) {
                WARN("libsndfile cannot write " << c.name << " here; decode not exercised");
                return;
            }
            auto decoded = core::decodeFile(path);
            REQUIRE(decoded.isOk());
            CHECK(decoded->source.container == c.container);
            CHECK(decoded->audio.numChannels() == 1);
            // Lossy codecs keep level within 1 dB (relative) and pitch exactly.
            CHECK(20 * std::log10(rms(decoded->audio.channels[0]) / rms(mono)) ==
                  Approx(0.0).margin(1.0));
            CHECK(zeroCrossingHz(decoded->audio.channels[0], 44100.0) == Approx(440).margin(3));
        }
    }
}

TEST_CASE("Any input rate is resampled to 44.1 kHz keeping pitch and level", "[audio][resample]") {
    const auto dir = test::tempDir("rates");
    for (double rate : {8000.0, 22050.0, 48000.0, 96000.0}) {
        DYNAMIC_SECTION("rate " << rate) {
            const auto tone = test::sine(1000.0, 0.5, 2.0, rate);
            const auto path = (dir / "r.wav").string();
            REQUIRE(core::writeAudioFile(
                        path, tone, {core::FileContainer::kWav, core::SampleEncoding::kFloat32})
                        .isOk());
            auto decoded = core::decodeFile(path);
            REQUIRE(decoded.isOk());
            CHECK(decoded->source.sample_rate_hz == rate);
            CHECK(decoded->audio.sample_rate_hz == 44100.0);
            const double expected = tone.frames() * 44100.0 / rate;
            CHECK(std::fabs(static_cast<double>(decoded->audio.frames()) - expected) <= 1.0);
            // Pitch: 1 kHz within 1 Hz over 2 s (crossing count resolution 0.5 Hz).
            CHECK(zeroCrossingHz(decoded->audio.channels[0], 44100.0) == Approx(1000).margin(1.0));
            // Level: within 0.05 dB (soxr HQ passband ripple is far smaller).
            CHECK(20 * std::log10(rms(decoded->audio.channels[0]) / (0.5 / std::sqrt(2.0))) ==
                  Approx(0.0).margin(0.05));
        }
    }
}

TEST_CASE("Channel layouts: mono kept, 5.1 downmixed after BS.775", "[audio][downmix]") {
    const auto dir = test::tempDir("layout");
    const std::size_t n = 4410;
    SECTION("mono stays one channel") {
        const auto path = (dir / "m.wav").string();
        REQUIRE(core::writeAudioFile(path, test::sine(500, 0.5, 0.1, 44100, 1)).isOk());
        auto d = core::decodeFile(path);
        REQUIRE(d.isOk());
        CHECK(d->audio.numChannels() == 1);
    }
    SECTION("5.1: centre at -3 dB into both sides, LFE dropped") {
        std::vector<float> frames(n * 6, 0.0f);
        for (std::size_t i = 0; i < n; ++i) {
            frames[i * 6 + 2] = 0.5f; // C
            frames[i * 6 + 3] = 0.9f; // LFE
        }
        const auto path = (dir / "s.wav").string();
        REQUIRE(writeRaw(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 6, 44100, frames));
        auto d = core::decodeFile(path);
        REQUIRE(d.isOk());
        REQUIRE(d->audio.numChannels() == 2);
        CHECK(d->source.channels == 6);
        CHECK(d->audio.channels[0][100] == Approx(0.5 * 0.70710678).margin(1e-6));
        CHECK(d->audio.channels[1][100] == Approx(0.5 * 0.70710678).margin(1e-6));
    }
}

TEST_CASE("Bad input gets a clear error naming the file", "[audio][decode][errors]") {
    const auto dir = test::tempDir("bad");
    const auto name = [&](const char* f) { return (dir / f).string(); };

    SECTION("missing file") {
        auto r = core::decodeFile(name("nope.wav"));
        REQUIRE_FALSE(r.isOk());
        CHECK(r.status().code() == StatusCode::kNotFound);
        CHECK(contains(r.status().message(), "nope.wav: no such file"));
    }
    SECTION("directory") {
        auto r = core::decodeFile(dir.string());
        REQUIRE_FALSE(r.isOk());
        CHECK(contains(r.status().message(), "is a directory"));
    }
    SECTION("empty file") {
        std::ofstream(name("empty.wav")).close();
        auto r = core::decodeFile(name("empty.wav"));
        REQUIRE_FALSE(r.isOk());
        CHECK(contains(r.status().message(), "empty.wav: empty file"));
    }
    SECTION("text file named .wav") {
        std::ofstream(name("text.wav")) << "this is not audio, just some words\n";
        auto r = core::decodeFile(name("text.wav"));
        REQUIRE_FALSE(r.isOk());
        CHECK(r.status().code() == StatusCode::kInvalidArgument);
        CHECK(contains(r.status().message(), "text.wav: not a readable audio file"));
    }
    SECTION("truncated WAV header") {
        const auto good = name("good.wav");
        REQUIRE(core::writeAudioFile(good, test::sine(440, 0.5, 0.1, 44100)).isOk());
        std::ifstream in(good, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        std::ofstream(name("trunc.wav"), std::ios::binary) << bytes.substr(0, 20);
        auto r = core::decodeFile(name("trunc.wav"));
        REQUIRE_FALSE(r.isOk());
        CHECK(contains(r.status().message(), "trunc.wav:"));
    }
    SECTION("unsupported container") {
        std::vector<float> frames(441, 0.1f);
        REQUIRE(writeRaw(name("x.au"), SF_FORMAT_AU | SF_FORMAT_PCM_16, 1, 44100, frames));
        auto r = core::decodeFile(name("x.au"));
        REQUIRE_FALSE(r.isOk());
        CHECK(contains(r.status().message(), "x.au: unsupported container AU"));
    }
    SECTION("zero frames") {
        REQUIRE(writeRaw(name("zero.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 2, 44100, {}));
        auto r = core::decodeFile(name("zero.wav"));
        REQUIRE_FALSE(r.isOk());
        CHECK(contains(r.status().message(), "zero.wav: contains no audio"));
    }
    SECTION("NaN and Inf samples") {
        std::vector<float> frames(1000, 0.1f);
        frames[500] = std::numeric_limits<float>::quiet_NaN();
        REQUIRE(writeRaw(name("nan.wav"), SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, 44100, frames));
        auto r = core::decodeFile(name("nan.wav"));
        REQUIRE_FALSE(r.isOk());
        CHECK(contains(r.status().message(),
                       "nan.wav: contains NaN/Inf samples (first at frame 500"));
        frames[500] = std::numeric_limits<float>::infinity();
        REQUIRE(writeRaw(name("inf.wav"), SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, 44100, frames));
        CHECK_FALSE(core::decodeFile(name("inf.wav")).isOk());
        // Finite but absurd float values (corrupt data) would overflow in the resampler.
        frames[500] = 3.0e38f;
        REQUIRE(writeRaw(name("huge.wav"), SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, 8000, frames));
        auto huge = core::decodeFile(name("huge.wav"));
        REQUIRE_FALSE(huge.isOk());
        CHECK(contains(huge.status().message(), "huge.wav: sample values beyond +80 dBFS"));
    }
    SECTION("duration limit") {
        REQUIRE(core::writeAudioFile(name("long.wav"), test::sine(440, 0.5, 2.0, 8000, 1)).isOk());
        core::DecodeOptions options;
        options.max_duration_s = 1.5;
        auto r = core::decodeFile(name("long.wav"), options);
        REQUIRE_FALSE(r.isOk());
        CHECK(contains(r.status().message(), "long.wav:"));
        CHECK(contains(r.status().message(), "limit"));
        options.max_duration_s = 2.5;
        CHECK(core::decodeFile(name("long.wav"), options).isOk());
    }
    SECTION("cancellation") {
        REQUIRE(core::writeAudioFile(name("c.wav"), test::sine(440, 0.5, 3.0, 44100)).isOk());
        core::CancellationToken token;
        token.cancel();
        auto r = core::decodeFile(name("c.wav"), {}, &token);
        REQUIRE_FALSE(r.isOk());
        CHECK(r.status().code() == StatusCode::kCancelled);
    }
}

TEST_CASE("Mutated files never crash the decoder", "[audio][decode][fuzz]") {
    const auto dir = test::tempDir("mutate");
    const auto path = (dir / "seed.wav").string();
    REQUIRE(core::writeAudioFile(path, test::sine(440, 0.5, 0.05, 44100)).isOk());
    std::ifstream in(path, std::ios::binary);
    const std::string seed((std::istreambuf_iterator<char>(in)), {});
    std::mt19937 rng(1234);
    int decoded_ok = 0;
    for (int iteration = 0; iteration < 400; ++iteration) {
        std::string bytes = seed;
        const int flips = 1 + static_cast<int>(rng() % 8);
        for (int f = 0; f < flips; ++f) {
            // Bias mutations towards the 44-byte header where parsing happens.
            const std::size_t pos = (rng() % 3 == 0) ? rng() % bytes.size() : rng() % 64;
            bytes[pos] = static_cast<char>(rng() & 0xFF);
        }
        if (rng() % 5 == 0) {
            bytes.resize(rng() % bytes.size());
        }
        auto r = core::decodeMemory(bytes.data(), bytes.size(), "mutant.wav");
        if (r.isOk()) {
            ++decoded_ok;
            for (const auto& ch : r->audio.channels) {
                REQUIRE(ch.size() == r->audio.frames());
            }
        } else {
            REQUIRE(r.status().message().rfind("mutant.wav", 0) == 0);
        }
    }
    CHECK(decoded_ok > 0); // some mutations only touch sample data
}
