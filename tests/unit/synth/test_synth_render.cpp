// Rendering invariants of the trance synthesizer on short tracks (32 bars,
// about a minute) so the suite stays fast, also under ASan.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>

#include <catch2/catch.hpp>
#include <ebur128.h>

#include "core/audio/decode.hpp"
#include "core/audio/synth/master_bus.hpp"
#include "core/audio/synth/synth_dsp.hpp"
#include "core/audio/synth/trance_synth.hpp"

using namespace styledna::core;

namespace {

// Renders once per (style, seed, flaws) and shares the result between tests.
const RenderedTrack& rendered(TranceStyle style, std::uint64_t seed,
                              const std::vector<SynthFlaw>& flaws = {}) {
    static std::map<std::tuple<int, std::uint64_t, std::vector<SynthFlaw>>, RenderedTrack> cache;
    const auto key = std::make_tuple(static_cast<int>(style), seed, flaws);
    auto it = cache.find(key);
    if (it == cache.end()) {
        auto result = renderTrack(randomParams(style, seed, 0.5, flaws));
        REQUIRE(result.isOk());
        it = cache.emplace(key, std::move(*result)).first;
    }
    return it->second;
}

bool identical(const AudioBuffer& a, const AudioBuffer& b) {
    return a.channels == b.channels;
}

// Side-to-mid energy ratio (dB) below 120 Hz: both channels through an
// 8th-order Butterworth lowpass, then E[(L-R)^2] / E[(L+R)^2].
double lowSideToMidDb(const AudioBuffer& buffer) {
    using synth_detail::Biquad;
    // 8th-order Butterworth lowpass at 120 Hz (four biquads, pole-pair Qs).
    constexpr double kQs[4] = {0.5098, 0.6013, 0.9000, 2.5629};
    Biquad left[4], right[4];
    for (int k = 0; k < 4; ++k) {
        left[k].design(Biquad::Kind::kLowpass, 120.0, kQs[k], buffer.sample_rate_hz);
        right[k] = left[k];
    }
    double side = 0.0, mid = 0.0;
    for (std::size_t i = 0; i < buffer.frames(); ++i) {
        double l = buffer.channels[0][i];
        double r = buffer.channels[1][i];
        for (int k = 0; k < 4; ++k) {
            l = left[k].process(l);
            r = right[k].process(r);
        }
        side += (l - r) * (l - r);
        mid += (l + r) * (l + r);
    }
    return 10.0 * std::log10((side + 1e-30) / (mid + 1e-30));
}

// Energy (dB) of channel 0 through a band-pass at centre_hz (Q 1), over
// seconds [from_s, to_s) (the filter runs from the start).
double bandEnergyDb(const AudioBuffer& buffer, double centre_hz, double from_s = 0.0,
                    double to_s = 1e9) {
    using synth_detail::Biquad;
    Biquad bp;
    bp.design(Biquad::Kind::kBandpass, centre_hz, 1.0, buffer.sample_rate_hz);
    double energy = 0.0;
    for (std::size_t i = 0; i < buffer.frames(); ++i) {
        const double y = bp.process(buffer.channels[0][i]);
        const double t = static_cast<double>(i) / buffer.sample_rate_hz;
        energy += t >= from_s && t < to_s ? y * y : 0.0;
    }
    return 10.0 * std::log10(energy + 1e-30);
}

std::filesystem::path tempDir() {
    const char* env = std::getenv("STYLEDNA_TEST_TMP");
    const auto dir = std::filesystem::path(env != nullptr ? env : "/tmp") / "synth_test";
    std::filesystem::create_directories(dir);
    return dir;
}

} // namespace

TEST_CASE("same seed renders bit-identical audio, another seed differs", "[synth][render]") {
    const RenderedTrack& a = rendered(TranceStyle::kTech, 7);
    auto again = renderTrack(randomParams(TranceStyle::kTech, 7, 0.5, {}));
    REQUIRE(again.isOk());
    CHECK(identical(a.mix, again->mix));
    CHECK(identical(a.drums, again->drums));
    CHECK(identical(a.bass, again->bass));
    CHECK(identical(a.other, again->other));
    CHECK(a.truth.toJson() == again->truth.toJson());
    const RenderedTrack& b = rendered(TranceStyle::kTech, 8);
    CHECK_FALSE(identical(a.mix, b.mix));
}

TEST_CASE("buffers are stereo 44.1 kHz, finite, of the arranged length", "[synth][render]") {
    const RenderedTrack& t = rendered(TranceStyle::kUplifting, 1);
    for (const AudioBuffer* b : {&t.mix, &t.drums, &t.bass, &t.other}) {
        REQUIRE(b->numChannels() == 2);
        CHECK(b->sample_rate_hz == 44100.0);
        REQUIRE(b->frames() == t.mix.frames());
        std::size_t non_finite = 0;
        for (const auto& ch : b->channels) {
            for (float v : ch) {
                non_finite += std::isfinite(v) ? 0 : 1;
            }
        }
        CHECK(non_finite == 0);
    }
    const double expected_s = t.truth.total_bars * 240.0 / t.truth.params.tempo_bpm;
    // Absolute 1 sample: the end is rounded to the nearest sample.
    CHECK(std::abs(t.truth.duration_s - expected_s) <= 1.0 / 44100.0);
    CHECK(t.truth.total_bars >= 32);
}

TEST_CASE("stems sum to the pre-master mix and the mix is the documented master",
          "[synth][render][stems]") {
    for (auto [style, seed] :
         {std::pair{TranceStyle::kPsy, 3ULL}, {TranceStyle::kUplifting, 1ULL}}) {
        const RenderedTrack& t = rendered(style, seed);
        const auto gain = static_cast<float>(std::pow(10.0, t.truth.master_gain_db / 20.0));
        std::size_t mismatches = 0;
        double max_pre_error = 0.0;
        for (std::size_t c = 0; c < 2; ++c) {
            for (std::size_t i = 0; i < t.mix.frames(); ++i) {
                const float pre =
                    t.drums.channels[c][i] + t.bass.channels[c][i] + t.other.channels[c][i];
                // The pre-master recovered from the mix where the clipper is
                // linear: absolute 1e-5 would be float rounding; PCM16 rounding
                // adds up to half an LSB (2^-16) divided by the gain.
                const float m = t.mix.channels[c][i];
                if (std::fabs(m) < 0.6f) {
                    max_pre_error =
                        std::max(max_pre_error, std::fabs(static_cast<double>(m) / gain - pre));
                }
                // The mix is masterSample of the left-to-right float sum: exact.
                mismatches += masterSample(pre, gain) != m ? 1 : 0;
            }
        }
        CHECK(mismatches == 0);
        CHECK(max_pre_error <= 1e-5 + 0.5 / 32768.0 / gain);
    }
}

TEST_CASE("kick and bass are mono below 120 Hz unless wide_low_end", "[synth][render][stereo]") {
    for (std::uint64_t seed : {2ULL, 5ULL}) {
        const RenderedTrack& t = rendered(TranceStyle::kProgressive, seed);
        CHECK(t.bass.channels[0] == t.bass.channels[1]); // strictly mono
        // Drums: only the slightly panned hats (high-passed at 7 kHz) differ
        // between channels; below 120 Hz that is far under -60 dB.
        CHECK(lowSideToMidDb(t.drums) < -60.0);
        // Mix: only the 150 Hz high-passed (4th order) chord/FX bus leaks below
        // 120 Hz (chord roots start at 175 Hz, on the lowpass skirt); values
        // seen are -36 to -43 dB, so -30 dB leaves a 6 dB margin.
        CHECK(lowSideToMidDb(t.mix) < -30.0);
        const RenderedTrack& wide =
            rendered(TranceStyle::kProgressive, seed, {SynthFlaw::kWideLowEnd});
        CHECK(wide.bass.channels[0] != wide.bass.channels[1]);
        // The allpass turns bass phase by 180 degrees at its centre: side energy
        // is of the order of the mid energy (-3 to +1 dB seen); -15 dB is a
        // loose floor.
        CHECK(lowSideToMidDb(wide.mix) > -15.0);
    }
}

TEST_CASE("muddy_bass and harsh_highs boost their bands", "[synth][render][flaws]") {
    // Flaw values come from their own random stream, so the flawed and clean
    // renders differ only in the boosted bus.
    const RenderedTrack& clean = rendered(TranceStyle::kUplifting, 1);
    const RenderedTrack& muddy = rendered(TranceStyle::kUplifting, 1, {SynthFlaw::kMuddyBass});
    const RenderedTrack& harsh = rendered(TranceStyle::kUplifting, 1, {SynthFlaw::kHarshHighs});
    const double muddy_hz = muddy.truth.params.muddy_freq_hz;
    const double harsh_hz = harsh.truth.params.harsh_freq_hz;
    // The bells add 7-9 dB at their centre; the sidechain is the same, so the
    // band ratio is close to the bell gain. 4 dB leaves room for the band-pass
    // also seeing the bell's skirts' lower gain.
    CHECK(bandEnergyDb(muddy.bass, muddy_hz) - bandEnergyDb(clean.bass, muddy_hz) > 4.0);
    // Chords and lead only: the drop after the crash has decayed (2 s); no
    // riser there, and the drop's lowpass (14 kHz) leaves the band open.
    const SectionTruth& drop = clean.truth.sections.at(3);
    REQUIRE(drop.label == "drop");
    CHECK(bandEnergyDb(harsh.other, harsh_hz, drop.start_s + 2.5, drop.end_s) -
              bandEnergyDb(clean.other, harsh_hz, drop.start_s + 2.5, drop.end_s) >
          4.0);
    // Far below the bell the bass barely changes: absolute 1.5 dB, since a
    // Q 1 bell of +9 dB at 200 Hz still adds about 1 dB at 60 Hz.
    CHECK(bandEnergyDb(muddy.bass, 60.0) - bandEnergyDb(clean.bass, 60.0) ==
          Approx(0.0).margin(1.5));
    CHECK(harsh.drums.channels == clean.drums.channels);
}

TEST_CASE("realised loudness meets the target; quiet_master is quieter",
          "[synth][render][loudness]") {
    const RenderedTrack& loud = rendered(TranceStyle::kTech, 7);
    const RenderedTrack& quiet = rendered(TranceStyle::kTech, 7, {SynthFlaw::kQuietMaster});
    for (const RenderedTrack* t : {&loud, &quiet}) {
        // Absolute 0.5 LU: the tolerance; the iteration stops at 0.05 LU.
        CHECK(std::abs(t->truth.integrated_lufs - t->truth.params.loudness_target_lufs) <= 0.5);
        // The clipper holds samples below -0.09 dBFS; its flattened peaks
        // overshoot between samples by up to about 2 dB, as real clipped masters do.
        float sample_peak = 0.0f;
        for (const auto& ch : t->mix.channels) {
            for (float v : ch) {
                sample_peak = std::max(sample_peak, std::fabs(v));
            }
        }
        CHECK(sample_peak <= kClipCeiling);
        CHECK(t->truth.true_peak_dbtp >= 20.0 * std::log10(sample_peak));
        CHECK(t->truth.true_peak_dbtp < 2.5);
        // The truth is measured on the returned mix.
        auto again = measureLoudness(t->mix, false);
        REQUIRE(again.isOk());
        CHECK(again->integrated_lufs == Approx(t->truth.integrated_lufs).margin(1e-9));
    }
    // The fused estimator used for the gain search agrees with libebur128.
    // Absolute 0.05 LU: same filters and gates, only summation order differs.
    const auto gain = static_cast<float>(std::pow(10.0, loud.truth.master_gain_db / 20.0));
    CHECK(estimateMasterLoudness(loud.drums, loud.bass, loud.other, gain) ==
          Approx(loud.truth.integrated_lufs).margin(0.05));
    CHECK(quiet.truth.integrated_lufs < loud.truth.integrated_lufs - 6.0);
    CHECK(quiet.truth.integrated_lufs == Approx(-16.0).margin(0.5));
    // Samples lie on the PCM16 grid.
    std::size_t off_grid = 0;
    for (float v : loud.mix.channels[0]) {
        off_grid += v * 32768.0f == std::nearbyint(v * 32768.0f) ? 0 : 1;
    }
    CHECK(off_grid == 0);
}

TEST_CASE("true peak equals libebur128 fed the whole mix", "[synth][render][loudness]") {
    for (const RenderedTrack* t : {&rendered(TranceStyle::kTech, 7),
                                   &rendered(TranceStyle::kTech, 7, {SynthFlaw::kQuietMaster})}) {
        ebur128_state* st = ebur128_init(2, 44100, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
        REQUIRE(st != nullptr);
        std::vector<float> interleaved(2 * t->mix.frames());
        for (std::size_t i = 0; i < t->mix.frames(); ++i) {
            interleaved[2 * i] = t->mix.channels[0][i];
            interleaved[2 * i + 1] = t->mix.channels[1][i];
        }
        ebur128_add_frames_float(st, interleaved.data(), t->mix.frames());
        double peak_l = 0.0, peak_r = 0.0, lufs = 0.0;
        ebur128_true_peak(st, 0, &peak_l);
        ebur128_true_peak(st, 1, &peak_r);
        ebur128_loudness_global(st, &lufs);
        ebur128_destroy(&st);
        // Exact: the same library on the same samples; the fast path only skips
        // stretches that provably cannot hold the peak.
        CHECK(t->truth.true_peak_dbtp == 20.0 * std::log10(std::max(peak_l, peak_r)));
        CHECK(t->truth.integrated_lufs == lufs);
    }
}

TEST_CASE("sidechain curve recovers 90 % of the depth at release_ms", "[synth][sidechain]") {
    const double rate = 44100.0;
    const auto curve = sidechainCurve(8.0, 200.0, 44100, rate);
    auto db = [&](std::size_t n) { return 20.0 * std::log10(static_cast<double>(curve[n])); };
    // Absolute 1e-4 dB: float storage of the gain (~1e-7 relative).
    CHECK(db(0) == Approx(-8.0).margin(1e-4));
    CHECK(db(static_cast<std::size_t>(0.2 * rate)) == Approx(-0.8).margin(1e-4));
    CHECK(db(static_cast<std::size_t>(0.4 * rate)) == Approx(-0.08).margin(1e-4));
    for (std::size_t n = 1; n < curve.size(); ++n) {
        REQUIRE(curve[n] >= curve[n - 1]); // monotonic recovery
    }
    const auto flat = sidechainCurve(0.0, 200.0, 100, rate);
    CHECK(flat.front() == 1.0f);
}

TEST_CASE("renders at other sample rates", "[synth][render][rates]") {
    // 96 kHz: libebur128 oversamples only 2x there (longest interpolator delay).
    for (double rate : {22050.0, 48000.0, 96000.0}) {
        SynthParams p = randomParams(TranceStyle::kUplifting, 11, 0.5, {});
        p.sample_rate_hz = rate;
        auto t = renderTrack(p);
        REQUIRE(t.isOk());
        CHECK(t->mix.sample_rate_hz == rate);
        const double expected = t->truth.total_bars * 240.0 / p.tempo_bpm;
        // Absolute 1 sample: the end is rounded to the nearest sample.
        CHECK(std::abs(t->mix.durationS() - expected) <= 1.0 / rate);
        // Absolute 0.5 LU, as at 44.1 kHz.
        CHECK(std::abs(t->truth.integrated_lufs - p.loudness_target_lufs) <= 0.5);
        CHECK(t->bass.channels[0] == t->bass.channels[1]);
    }
}

TEST_CASE("truth sections tile the track with labels from the fixed set",
          "[synth][render][truth]") {
    const RenderedTrack& t = rendered(TranceStyle::kPsy, 3);
    const double bar_s = 240.0 / t.truth.params.tempo_bpm;
    double end_s = 0.0;
    int bar = 0;
    for (const auto& s : t.truth.sections) {
        CHECK((s.label == "intro" || s.label == "breakdown" || s.label == "buildup" ||
               s.label == "drop" || s.label == "outro"));
        CHECK(s.start_bar == bar);
        CHECK(s.bars % 8 == 0);
        // Absolute 1e-9 s: both sides are the same double products.
        CHECK(s.start_s == Approx(end_s).margin(1e-9));
        CHECK(s.start_s == Approx(s.start_bar * bar_s).margin(1e-9));
        end_s = s.end_s;
        bar += s.bars;
    }
    CHECK(bar == t.truth.total_bars);
    CHECK(end_s == Approx(t.truth.duration_s).margin(1.0 / 44100.0));
    CHECK(t.truth.first_downbeat_s == 0.0);
}

TEST_CASE("truth JSON carries every parameter", "[synth][render][truth]") {
    const RenderedTrack& t = rendered(TranceStyle::kPsy, 3, {SynthFlaw::kHarshHighs});
    const auto j = t.truth.toJson();
    for (const char* key : {"style",
                            "seed",
                            "tempo_bpm",
                            "key",
                            "tonic",
                            "tonic_pc",
                            "mode",
                            "progression",
                            "progression_chords",
                            "chord_root_pcs",
                            "bass_type",
                            "acid_present",
                            "acid",
                            "supersaw_voices",
                            "detune_cents",
                            "stereo_spread",
                            "sidechain_depth_db",
                            "sidechain_release_ms",
                            "swing",
                            "flaws",
                            "sections",
                            "total_bars",
                            "sample_rate_hz",
                            "duration_s",
                            "master_gain_db",
                            "loudness_target_lufs",
                            "integrated_lufs",
                            "true_peak_dbtp",
                            "first_downbeat_s",
                            "beats_per_bar",
                            "conventions"}) {
        INFO(key);
        CHECK(j.contains(key));
    }
    CHECK(j["flaws"] == nlohmann::json::array({"harsh_highs"}));
    CHECK(j["style"] == "psy");
    CHECK(j["sections"][0].contains("start_s"));
    CHECK(j["sections"][0].contains("end_s"));
    CHECK(j["sections"][0]["label"] == "intro");
    CHECK(j["key"].get<std::string>().find(j["mode"].get<std::string>()) != std::string::npos);
}

TEST_CASE("cancellation stops rendering", "[synth][render][edge]") {
    CancellationToken token;
    token.cancel();
    auto result = renderTrack(randomParams(TranceStyle::kTech, 1, 0.5, {}), &token);
    CHECK(result.status().code() == StatusCode::kCancelled);
    double last = -1.0;
    bool monotonic = true;
    auto progressed = renderTrack(randomParams(TranceStyle::kTech, 1, 0.5, {}), nullptr,
                                  [&](double fraction, std::string_view) {
                                      monotonic = monotonic && fraction >= last;
                                      last = fraction;
                                  });
    REQUIRE(progressed.isOk());
    CHECK(monotonic);
    CHECK(last == 1.0);
}

TEST_CASE("writeRenderedTrack writes mix, stems and truth", "[synth][render][io]") {
    const RenderedTrack& t = rendered(TranceStyle::kUplifting, 1);
    const auto dir = tempDir();
    REQUIRE(writeRenderedTrack(t, dir.string(), "uplifting_1").isOk());
    CHECK(std::filesystem::exists(dir / "uplifting_1.wav"));
    for (const char* stem : {"drums.wav", "bass.wav", "other.wav"}) {
        CHECK(std::filesystem::file_size(dir / "uplifting_1" / stem) > 44);
    }
    // The PCM16 mix reads back bit for bit (it is on the 16-bit grid), so the
    // truth loudness holds for the file; float32 stems are exact too.
    auto mix = decodeFile((dir / "uplifting_1.wav").string());
    REQUIRE(mix.isOk());
    CHECK(mix->source.encoding == "PCM_16");
    CHECK(mix->audio.channels == t.mix.channels);
    auto bass = decodeFile((dir / "uplifting_1" / "bass.wav").string());
    REQUIRE(bass.isOk());
    CHECK(bass->audio.channels == t.bass.channels);
    std::ifstream in(dir / "uplifting_1.truth.json");
    const auto j = nlohmann::json::parse(in);
    CHECK(j["seed"] == 1);
    CHECK(writeRenderedTrack(t, dir.string(), "").code() == StatusCode::kInvalidArgument);
}

TEST_CASE("render time of a 5-minute track", "[.bench][synth]") {
    for (TranceStyle style : {TranceStyle::kUplifting, TranceStyle::kPsy}) {
        for (std::uint64_t seed : {1ULL, 2ULL, 3ULL}) {
            SynthParams p = randomParams(style, seed, 5.0, {});
            if (style == TranceStyle::kPsy && seed == 3) {
                p.bass_type = BassType::kAcid; // the most expensive voice
            }
            const auto start = std::chrono::steady_clock::now();
            const std::clock_t cpu_start = std::clock();
            auto t = renderTrack(p);
            const double cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
            const double s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            REQUIRE(t.isOk());
            std::printf("synth bench: %s seed %llu bass %s: %.1f s of audio, %.3f s wall, "
                        "%.3f s CPU (%.2f LUFS, %.2f dBTP)\n",
                        std::string(styleName(style)).c_str(),
                        static_cast<unsigned long long>(seed),
                        std::string(bassTypeName(p.bass_type)).c_str(), t->truth.duration_s, s,
                        cpu_s, t->truth.integrated_lufs, t->truth.true_peak_dbtp);
        }
    }
}
