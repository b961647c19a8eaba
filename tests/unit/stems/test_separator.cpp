// DSP separator: the sum-back contract, analytic signals, shapes and edge
// cases, cancellation, file round trips and an SDR floor on synth tracks.
#include <cmath>
#include <filesystem>

#include <catch2/catch.hpp>

#include "core/audio/audio_writer.hpp"
#include "core/audio/decode.hpp"
#include "core/audio/synth/trance_synth.hpp"
#include "core/stems/dsp_separator.hpp"
#include "core/stems/sdr.hpp"
#include "core/stems/stem_files.hpp"
#include "unit/test_support.hpp"

namespace styledna::test {
namespace {

using namespace core;
using namespace core::stems;

// Median SDR floors of the 1-minute test set (see the test).
// Measured (seeds 300-303): drums 9.5-10.5 dB (median 10.0), bass 2.0-8.9 dB
// (median 6.3; the acid track 2.0). Floors 1.5 dB under the medians.
constexpr double kDrumsFloorDb = 8.5;
constexpr double kBassFloorDb = 4.8;

double energy(const AudioBuffer& b) {
    double e = 0.0;
    for (const auto& ch : b.channels) {
        for (float s : ch) {
            e += static_cast<double>(s) * s;
        }
    }
    return e;
}

// A kick-like shot: sine sweep 150 -> 45 Hz (35 ms pitch time constant),
// amplitude decaying to -60 dB in 260 ms, like the synthesizer's kick body.
std::vector<float> kickShot(double rate) {
    const auto n = static_cast<std::size_t>(0.26 * rate);
    std::vector<float> out(n);
    double phase = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / rate;
        const double hz = 45.0 + 105.0 * std::exp(-t / 0.035);
        out[i] = static_cast<float>(0.6 * std::sin(2 * M_PI * phase) * std::exp(-t / 0.0376));
        phase += hz / rate;
    }
    return out;
}

struct KickTrack {
    AudioBuffer audio;
    BeatGrid grid;
};

KickTrack kicksOnBeats(double bpm, double seconds, double rate) {
    KickTrack k;
    k.audio = AudioBuffer(2, static_cast<std::size_t>(seconds * rate), rate);
    const auto shot = kickShot(rate);
    k.grid.tempo_bpm = bpm;
    for (double t = 0.0; t < seconds; t += 60.0 / bpm) {
        k.grid.beat_times_s.push_back(t);
        const auto start = static_cast<std::size_t>(std::llround(t * rate));
        for (std::size_t i = 0; i < shot.size() && start + i < k.audio.frames(); ++i) {
            k.audio.channels[0][start + i] += shot[i];
            k.audio.channels[1][start + i] += shot[i];
        }
    }
    return k;
}

AudioBuffer scaled(const AudioBuffer& b, double gain) {
    AudioBuffer out = b;
    for (auto& ch : out.channels) {
        for (float& s : ch) {
            s = static_cast<float>(s * gain);
        }
    }
    return out;
}

} // namespace

TEST_CASE("sdrDb: analytic values and shape mismatches", "[stems][sdr]") {
    const AudioBuffer ref = sine(440.0, 0.5, 1.0, 44100.0);
    REQUIRE(sdrDb(ref, ref) > 80.0);
    REQUIRE(sdrDb(ref, AudioBuffer(2, ref.frames(), 44100.0)) == Approx(0.0).margin(1e-6));
    // Half the reference: error = half, 20 log10(2) = 6.02 dB.
    REQUIRE(sdrDb(ref, scaled(ref, 0.5)) == Approx(6.0206).margin(1e-3));
    REQUIRE(std::isnan(sdrDb(ref, AudioBuffer(1, ref.frames(), 44100.0))));
    REQUIRE(std::isnan(sdrDb(ref, AudioBuffer(2, 10, 44100.0))));
    // Silent truth and silent estimate: 0 dB, finite.
    REQUIRE(sdrDb(AudioBuffer(2, 100, 44100.0), AudioBuffer(2, 100, 44100.0)) == 0.0);
}

TEST_CASE("makeSeparator: dsp by name, learned not yet, unknown named", "[stems]") {
    auto dsp = makeSeparator("dsp");
    REQUIRE(dsp.isOk());
    REQUIRE((*dsp)->name() == "dsp-hpss/2");
    auto learned = makeSeparator("learned");
    REQUIRE(learned.status().code() == StatusCode::kUnimplemented);
    auto bad = makeSeparator("demucs");
    REQUIRE(bad.status().code() == StatusCode::kInvalidArgument);
    REQUIRE(bad.status().message().find("demucs") != std::string::npos);
}

TEST_CASE("DspSeparator: kicks on the beat go to drums", "[stems][analytic]") {
    const KickTrack k = kicksOnBeats(138.0, 12.0, 44100.0);
    const DspSeparator separator;
    SeparationHints hints;
    hints.grid = &k.grid;
    auto stems = separator.separate(k.audio, hints, {}, {});
    REQUIRE(stems.isOk());
    // Relative: >= 95 % of the energy in drums (SDR >= 13 dB measured ~20 dB).
    CHECK(sdrDb(k.audio, stems->drums) >= 13.0);
    CHECK(energy(stems->bass) <= 0.05 * energy(k.audio));
    CHECK(maxSumBackError(*stems, k.audio) <= 1e-6);
    SECTION("without a grid hint the separator finds the beats itself") {
        auto own = separator.separate(k.audio);
        REQUIRE(own.isOk());
        CHECK(sdrDb(k.audio, own->drums) >= 10.0);
    }
}

TEST_CASE("DspSeparator: a sustained low sine goes to bass, a high chord to other",
          "[stems][analytic]") {
    const DspSeparator separator;
    const AudioBuffer low = sine(55.0, 0.5, 6.0, 44100.0);
    auto bass = separator.separate(low);
    REQUIRE(bass.isOk());
    // Absolute floor 20 dB: below bass_full_hz every bin is bass by construction
    // (frame edges only: sqrt-Hann OLA is exact).
    CHECK(sdrDb(low, bass->bass) >= 20.0);

    AudioBuffer chord = sine(440.0, 0.2, 6.0, 44100.0);
    for (double hz : {554.37, 659.26}) {
        const AudioBuffer s = sine(hz, 0.2, 6.0, 44100.0);
        for (std::size_t c = 0; c < 2; ++c) {
            for (std::size_t i = 0; i < chord.frames(); ++i) {
                chord.channels[c][i] += s.channels[c][i];
            }
        }
    }
    auto other = separator.separate(chord);
    REQUIRE(other.isOk());
    // Steady partials: harmonic everywhere, above bass_max_hz: >= 99 % other.
    CHECK(sdrDb(chord, other->other) >= 20.0);
    CHECK(energy(other->drums) <= 0.01 * energy(chord));
}

TEST_CASE("DspSeparator: shapes, rates and edge cases", "[stems][edge]") {
    const DspSeparator separator;
    SECTION("empty input gives empty stems with the mix's layout") {
        auto s = separator.separate(AudioBuffer(2, 0, 44100.0));
        REQUIRE(s.isOk());
        REQUIRE(s->drums.numChannels() == 2);
        REQUIRE(s->other.frames() == 0);
    }
    SECTION("one sample, 100 samples, silence") {
        for (std::size_t n : {std::size_t{1}, std::size_t{100}, std::size_t{5 * 44100}}) {
            AudioBuffer mix(2, n, 44100.0);
            if (n > 1) {
                mix.channels[0][n / 2] = 0.5f;
            }
            auto s = separator.separate(mix);
            REQUIRE(s.isOk());
            REQUIRE(s->bass.frames() == n);
            REQUIRE(maxSumBackError(*s, mix) <= 1e-6);
        }
        AudioBuffer silence(2, 5 * 44100, 44100.0);
        auto s = separator.separate(silence);
        REQUIRE(s.isOk());
        REQUIRE(energy(s->drums) == 0.0);
        REQUIRE(energy(s->bass) == 0.0);
        REQUIRE(energy(s->other) == 0.0);
    }
    SECTION("mono in, mono out") {
        const AudioBuffer mono = sine(80.0, 0.5, 3.0, 44100.0, 1);
        auto s = separator.separate(mono);
        REQUIRE(s.isOk());
        REQUIRE(s->drums.numChannels() == 1);
        REQUIRE(s->bass.numChannels() == 1);
        REQUIRE(maxSumBackError(*s, mono) <= 1e-6);
    }
    SECTION("8, 48 and 96 kHz: rate kept, sum back exact") {
        for (double rate : {8000.0, 48000.0, 96000.0}) {
            const KickTrack k = kicksOnBeats(130.0, 6.0, rate);
            SeparationHints hints;
            hints.grid = &k.grid;
            auto s = separator.separate(k.audio, hints, {}, {});
            REQUIRE(s.isOk());
            REQUIRE(s->drums.sample_rate_hz == rate);
            REQUIRE(s->other.frames() == k.audio.frames());
            REQUIRE(maxSumBackError(*s, k.audio) <= 1e-6);
            CHECK(sdrDb(k.audio, s->drums) >= 10.0);
        }
    }
    SECTION("three channels are refused") {
        REQUIRE(separator.separate(AudioBuffer(3, 100, 44100.0)).status().code() ==
                StatusCode::kInvalidArgument);
    }
}

TEST_CASE("DspSeparator: cancellation", "[stems][cancel]") {
    const KickTrack k = kicksOnBeats(138.0, 8.0, 44100.0);
    CancellationToken cancel;
    cancel.cancel();
    auto s = DspSeparator().separate(k.audio, cancel);
    REQUIRE(s.status().code() == StatusCode::kCancelled);
}

// Tuned on seeds 500-507 (bench), checked here on 300-303; floors are set
// ~1.5 dB under what these tracks measure (printed), so a regression of the
// method fails while float/libm noise does not. Bass on acid tracks is the
// method's known weak spot (the acid line's upper harmonics go to other).
TEST_CASE("DspSeparator: SDR floor on 1-minute synth tracks", "[stems][sdr][synth]") {
    const TranceStyle styles[] = {TranceStyle::kUplifting, TranceStyle::kProgressive,
                                  TranceStyle::kTech, TranceStyle::kPsy};
    const DspSeparator separator;
    std::vector<double> drums, bass;
    for (int i = 0; i < 4; ++i) {
        auto track =
            renderTrack(randomParams(styles[i], 300 + static_cast<std::uint64_t>(i), 1.0, {}));
        REQUIRE(track.isOk());
        const double g = std::pow(10.0, track->truth.master_gain_db / 20.0);
        auto s = separator.separate(track->mix);
        REQUIRE(s.isOk());
        REQUIRE(maxSumBackError(*s, track->mix) <= 1e-6);
        drums.push_back(sdrDb(scaled(track->drums, g), s->drums));
        bass.push_back(sdrDb(scaled(track->bass, g), s->bass));
        const double other = sdrDb(scaled(track->other, g), s->other);
        WARN("seed " << 300 + i << " (" << bassTypeName(track->truth.params.bass_type)
                     << "): drums " << drums.back() << " dB, bass " << bass.back() << " dB, other "
                     << other << " dB");
    }
    std::sort(drums.begin(), drums.end());
    std::sort(bass.begin(), bass.end());
    CHECK(0.5 * (drums[1] + drums[2]) >= kDrumsFloorDb);
    CHECK(0.5 * (bass[1] + bass[2]) >= kBassFloorDb);
}

TEST_CASE("separateFileToDir: three float WAVs at the source rate that sum back",
          "[stems][files]") {
    const auto dir = tempDir("stems-separate");
    auto params = randomParams(TranceStyle::kTech, 42, 0.25, {});
    params.sample_rate_hz = 48000.0;
    auto track = renderTrack(params);
    REQUIRE(track.isOk());
    const std::string mix_path = (dir / "mix.wav").string();
    REQUIRE(writeAudioFile(mix_path, track->mix, {FileContainer::kWav, SampleEncoding::kFloat32})
                .isOk());
    const std::string out = (dir / "out").string();
    REQUIRE(separateFileToDir(mix_path, DspSeparator(), out).isOk());
    DecodeOptions at48;
    at48.target_rate_hz = 48000.0;
    auto mix = decodeFile(mix_path, at48);
    REQUIRE(mix.isOk());
    Stems stems;
    for (const char* name : {"drums", "bass", "other"}) {
        const std::string file = out + "/" + name + ".wav";
        REQUIRE(std::filesystem::exists(file));
        auto d = decodeFile(file, at48);
        REQUIRE(d.isOk());
        REQUIRE(d->source.sample_rate_hz == 48000.0);
        REQUIRE(d->source.encoding == "FLOAT");
        REQUIRE(d->audio.frames() == mix->audio.frames());
        (std::string(name) == "drums" ? stems.drums
                                      : (std::string(name) == "bass" ? stems.bass : stems.other)) =
            std::move(d->audio);
    }
    REQUIRE(maxSumBackError(stems, mix->audio) <= 1e-6);
    REQUIRE(separateFileToDir((dir / "missing.wav").string(), DspSeparator(), out).code() ==
            StatusCode::kNotFound);
    std::filesystem::remove_all(dir);
}

} // namespace styledna::test
