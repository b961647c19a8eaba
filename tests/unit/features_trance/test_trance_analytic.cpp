// Trance family on analytic signals with known answers, and edge cases.

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "core/audio/synth/master_bus.hpp"
#include "core/features/trance_sidechain.hpp"
#include "core/features/trance_supersaw.hpp"
#include "unit/features_trance/trance_test_util.hpp"

using namespace styledna;
using core::AudioBuffer;

namespace {

constexpr double kRate = 44100.0;

// Pad noise (independent L/R in stereo, so the side signal carries it; RMS
// pad_dbfs per channel, -inf: digital silence) ducked by the synthesizer's
// sidechain law after every beat: gain_db(u) = -depth * exp(-u / tau),
// tau = release / ln 10. A mono 50 Hz kick burst of peak 0.6 on every beat.
AudioBuffer duckedNoise(double bpm, double seconds, double depth_db, double release_ms, bool stereo,
                        unsigned seed, double pad_dbfs = -20.0) {
    const auto n = static_cast<std::size_t>(seconds * kRate);
    AudioBuffer audio(stereo ? 2 : 1, n, kRate);
    std::mt19937 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    const auto pad_rms =
        static_cast<float>(std::isfinite(pad_dbfs) ? std::pow(10.0, pad_dbfs / 20.0) : 0.0);
    const double period = 60.0 / bpm;
    const double tau = release_ms * 1e-3 / std::log(10.0);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / kRate;
        const double u = std::fmod(t, period);
        const double gain = std::pow(10.0, -depth_db * std::exp(-u / tau) / 20.0);
        const double kick =
            u < 0.15 ? 0.6 * std::sin(2 * std::numbers::pi * 50.0 * u) * std::exp(-u / 0.05) : 0.0;
        for (auto& ch : audio.channels) {
            ch[i] = static_cast<float>(gain * (gauss(rng) * pad_rms) + kick);
        }
    }
    return audio;
}

// Supersaw chord (3 notes x voices), voices detuned evenly over +-detune and
// panned evenly over +-spread with the constant-power law.
AudioBuffer supersaw(double spread, double detune_cents, int voices, double seconds,
                     unsigned seed) {
    const auto n = static_cast<std::size_t>(seconds * kRate);
    AudioBuffer audio(2, n, kRate);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> phase0(0.0, 1.0);
    for (double f0 : {220.0, 277.18, 329.63}) {
        for (int v = 0; v < voices; ++v) {
            const double pos = 2.0 * v / (voices - 1) - 1.0;
            const double f = f0 * std::exp2(pos * detune_cents / 1200.0);
            const double theta = (pos * spread + 1.0) * std::numbers::pi / 4.0;
            const double gl = std::cos(theta) * 0.05, gr = std::sin(theta) * 0.05;
            double ph = phase0(rng);
            for (std::size_t i = 0; i < n; ++i) {
                const double s = 2.0 * ph - 1.0; // naive saw; aliasing is irrelevant here
                audio.channels[0][i] += static_cast<float>(gl * s);
                audio.channels[1][i] += static_cast<float>(gr * s);
                ph += f / kRate;
                ph -= std::floor(ph);
            }
        }
    }
    return audio;
}

} // namespace

TEST_CASE("sidechain depth and release are recovered from ducked stereo noise",
          "[trance][sidechain]") {
    struct Case {
        double depth_db, release_ms;
    };
    for (const Case c : {Case{6.0, 150.0}, Case{10.0, 300.0}, Case{3.0, 120.0}}) {
        const double bpm = 128.0;
        const auto audio = duckedNoise(bpm, 40.0, c.depth_db, c.release_ms, true, 3);
        const auto run = test::runTrance(audio, test::constantGrid(bpm, audio.durationS()));
        REQUIRE(run.status.isOk());
        const auto& v = run.features.values;
        INFO("depth " << c.depth_db << " release " << c.release_ms);
        // Absolute 0.6 dB: noise of the 1 ms fold over ~80 beats plus the
        // extrapolation over the 8 ms guard.
        CHECK(v.at("sidechain_depth_db") == Approx(c.depth_db).margin(0.6));
        // Relative 15 %: release grid step 4.7 % plus fit noise.
        CHECK(v.at("sidechain_release_ms") == Approx(c.release_ms).epsilon(0.15));
        CHECK(v.at("sidechain_rate_per_beat") == 1.0);
    }
}

TEST_CASE("sidechain falls back to the mono signal for mono input", "[trance][sidechain]") {
    const double bpm = 140.0;
    const auto audio = duckedNoise(bpm, 40.0, 8.0, 200.0, false, 5);
    const auto run = test::runTrance(audio, test::constantGrid(bpm, audio.durationS()));
    REQUIRE(run.status.isOk());
    // Absolute 1 dB / relative 20 %: the kick shares the band in mono.
    CHECK(run.features.values.at("sidechain_depth_db") == Approx(8.0).margin(1.0));
    CHECK(run.features.values.at("sidechain_release_ms") == Approx(200.0).epsilon(0.2));
}

TEST_CASE("no ducking reads as zero depth and zero pumping rate", "[trance][sidechain]") {
    const double bpm = 130.0;
    const auto audio = duckedNoise(bpm, 30.0, 0.0, 100.0, true, 9);
    const auto run = test::runTrance(audio, test::constantGrid(bpm, audio.durationS()));
    REQUIRE(run.status.isOk());
    // Absolute 0.5 dB: below that the duck is not audible and the rate is 0.
    CHECK(run.features.values.at("sidechain_depth_db") < 0.5);
    CHECK(run.features.values.at("sidechain_rate_per_beat") == 0.0);
}

namespace {

// Every sidechain value of the run, whole track and sections.
std::vector<double> sidechainValues(const test::TranceRun& run) {
    std::vector<double> out{run.features.values.at("sidechain_depth_db"),
                            run.features.values.at("sidechain_release_ms"),
                            run.features.values.at("sidechain_rate_per_beat")};
    for (const auto& s : run.features.sections) {
        out.push_back(s.values.at("sidechain_depth_db"));
        out.push_back(s.values.at("sidechain_release_ms"));
    }
    return out;
}

} // namespace

TEST_CASE("a near-silent or silent ducked band reads not measurable, a normal one its depth",
          "[trance][sidechain]") {
    const double bpm = 128.0;
    const double depth = 8.0, release = 200.0;
    SECTION("normal level: the true depth") {
        const auto audio = duckedNoise(bpm, 40.0, depth, release, true, 11, -20.0);
        const auto run = test::runTrance(audio, test::constantGrid(bpm, audio.durationS()));
        REQUIRE(run.status.isOk());
        CHECK(run.features.values.at("sidechain_depth_db") == Approx(depth).margin(1.5));
        CHECK(run.features.values.at("sidechain_release_ms") == Approx(release).epsilon(0.2));
    }
    // The same duck 50 dB lower, the kick unchanged: the pad's band is some
    // 60 dB under the mix, where the fit used to read whatever the noise did.
    SECTION("pad at -70 dBFS: not measurable") {
        const auto audio = duckedNoise(bpm, 40.0, depth, release, true, 11, -70.0);
        const auto run = test::runTrance(audio, test::constantGrid(bpm, audio.durationS()));
        REQUIRE(run.status.isOk());
        REQUIRE(run.features.sections.size() >= 1);
        for (double v : sidechainValues(run)) {
            CHECK(std::isnan(v));
        }
    }
    SECTION("pad digitally silent, kick alone: not measurable") {
        const auto audio = duckedNoise(bpm, 40.0, depth, release, true, 11, -INFINITY);
        const auto run = test::runTrance(audio, test::constantGrid(bpm, audio.durationS()));
        REQUIRE(run.status.isOk());
        for (double v : sidechainValues(run)) {
            CHECK(std::isnan(v));
        }
    }
    SECTION("digital silence: not measurable") {
        const AudioBuffer audio(2, static_cast<std::size_t>(40.0 * kRate), kRate);
        const auto run = test::runTrance(audio, test::constantGrid(bpm, audio.durationS()));
        REQUIRE(run.status.isOk());
        for (double v : sidechainValues(run)) {
            CHECK(std::isnan(v));
        }
    }
}

TEST_CASE("the level floors are relative to the envelope's reference (the mix for a stem)",
          "[trance][sidechain]") {
    // The envelope of a pad at -20 dBFS: measurable on its own; against a
    // mix 35 dB louder (the pad a stem's leakage), not measurable.
    const double bpm = 128.0;
    const auto audio = duckedNoise(bpm, 40.0, 8.0, 200.0, true, 13, -20.0);
    std::vector<float> mid(audio.frames()), side(audio.frames());
    for (std::size_t i = 0; i < mid.size(); ++i) {
        mid[i] = 0.5f * (audio.channels[0][i] + audio.channels[1][i]);
        side[i] = 0.5f * (audio.channels[0][i] - audio.channels[1][i]);
    }
    const core::TranceSidechainParams params;
    auto env = core::computeSidechainEnvelope(mid, &side, kRate, params);
    REQUIRE(std::isfinite(env.reference_db));
    const auto grid = test::constantGrid(bpm, audio.durationS());
    const auto own = core::analyseSidechain(env, grid.beat_times_s, 60.0 / bpm, params);
    CHECK(own.measurable);
    CHECK(own.depth_db == Approx(8.0).margin(1.5));
    env.reference_db += 35.0;
    const auto quiet = core::analyseSidechain(env, grid.beat_times_s, 60.0 / bpm, params);
    CHECK_FALSE(quiet.measurable);
    CHECK(std::isnan(quiet.depth_db));
    CHECK(std::isnan(quiet.release_ms));
    // A section fitted with a not-measurable track's law is not measurable.
    const auto part = core::analyseSidechain(env, grid.beat_times_s, 60.0 / bpm, params, &quiet);
    CHECK_FALSE(part.measurable);
}

namespace {

// A held saw bass (73.4 Hz, -14 dBFS; its phase differs on every beat) ducked
// by depth_db with the exponential law and release_ms after every beat, under
// a kick (120 -> 50 Hz sweep, 80 ms decay, peak 1.0), times `gain`, through
// the synthesizer's master soft clipper when `clip` (else 6 dB down, clean).
std::vector<float> clippedBassDuck(double bpm, int beats, double depth_db, double release_ms,
                                   double gain, bool clip, std::vector<double>& onsets) {
    const double period = 60.0 / bpm;
    const double start = 0.5;
    const auto n = static_cast<std::size_t>((start + (beats + 1) * period) * kRate);
    std::vector<float> mid(n);
    const double tau = release_ms * 1e-3 / std::log(10.0);
    double saw = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / kRate;
        const double since = t - start;
        const double u = since >= 0.0 ? std::fmod(since, period) : period;
        const double duck = std::pow(10.0, -depth_db * std::exp(-u / tau) / 20.0);
        saw += 73.4 / kRate;
        saw -= std::floor(saw);
        const double bass = 0.2 * (2.0 * saw - 1.0) * duck;
        double kick = 0.0;
        if (since >= 0.0 && u < 0.3) {
            // phase of a 120 -> 50 Hz exponential sweep (time constant 30 ms)
            const double phase = 50.0 * u + 70.0 * 0.03 * (1.0 - std::exp(-u / 0.03));
            kick = std::sin(2.0 * std::numbers::pi * phase) * std::exp(-u / 0.08);
        }
        const double x = gain * (kick + bass);
        mid[i] = clip ? core::softClip(static_cast<float>(x)) : static_cast<float>(0.5 * x);
    }
    onsets.clear();
    for (int k = 0; k < beats; ++k) {
        onsets.push_back(start + k * period);
    }
    return mid;
}

core::TranceSidechainResult lowBandOf(const std::vector<float>& mid, double bpm,
                                      const std::vector<double>& onsets, bool correct) {
    core::TranceSidechainParams p;
    p.low_slope_correction = correct;
    auto env = core::computeSidechainEnvelope(mid, nullptr, kRate, p);
    core::addKickCancelledLowBand(env, mid, kRate, onsets, onsets, 60.0 / bpm, p);
    return core::analyseLowBand(env, 60.0 / bpm, p, onsets);
}

} // namespace

// The low band's clipper-slope correction (trance_sidechain.hpp) on a clipped
// master against the low band without it on the same mix unclipped: the
// clipper's squash of the bass under the kick, not the duck, is what the
// correction removes. Measured (depth/release, dB/ms; truth 4/70, 4/150, 8/70,
// 8/150): unclipped without the correction 2.80/77, 3.33/157, 5.00/77, 6.16/146
// (the guard's extrapolation reads short ducks shallow); clipped without it
// 7.28/67, 8.10/89, 9.12/67, 10.72/103; clipped with it 3.15/62, 4.35/118,
// 5.03/67, 7.38/127. Not asserted, a known limit: on the unclipped mix the
// correction reads 0, 2.90, 3.82 and 5.63 dB, because the per-beat kick gain
// fit takes bass energy that correlates with this kick's 120 -> 50 Hz sweep
// over the bass's 73 Hz (on the synthesizer's draws it gained more than it
// lost: trance_sidechain.hpp).
TEST_CASE("a bass duck under a hot kick into the master clipper reads as without the clipper",
          "[trance][sidechain]") {
    for (const double depth : {4.0, 8.0}) {
        for (const double release : {70.0, 150.0}) {
            CAPTURE(depth, release);
            std::vector<double> onsets;
            const auto hot = clippedBassDuck(132.0, 40, depth, release, 2.2, true, onsets);
            const auto clean = clippedBassDuck(132.0, 40, depth, release, 2.2, false, onsets);
            const auto ref = lowBandOf(clean, 132.0, onsets, false);
            const auto corrected = lowBandOf(hot, 132.0, onsets, true);
            const auto raw = lowBandOf(hot, 132.0, onsets, false);
            REQUIRE(ref.depth_db > 2.0);
            CHECK(raw.depth_db > ref.depth_db + 3.0); // the clipper's squash is in the test
            CHECK(corrected.depth_db == Approx(ref.depth_db).margin(1.5));
            CHECK(corrected.release_ms == Approx(ref.release_ms).epsilon(0.3));
        }
    }
}

TEST_CASE("supersaw width ranks stereo spread and detune is measured", "[trance][supersaw]") {
    double last_width = -1.0;
    for (double spread : {0.0, 0.2, 0.5, 0.8, 1.0}) {
        const auto audio = supersaw(spread, 20.0, 7, 4.0, 11);
        core::AnalysisContext ctx(audio);
        const auto r = core::analyseSupersaw(ctx, {{0.0, 4.0}}, {0.1, 2.0}, {});
        INFO("spread " << spread << " width " << r.width << " detune " << r.detune_cents);
        CHECK(r.width > last_width);
        // Absolute 0.08: 7 discrete voices vs the continuum the mapping assumes.
        CHECK(r.width == Approx(spread).margin(0.08));
        // Relative 5 % (measured within 1 %).
        CHECK(r.detune_cents == Approx(20.0).epsilon(0.05));
        last_width = r.width;
    }
}

// The estimate fits the voice count: 2 to 16 voices, 8 to 40 cents, on a
// triad (whose partials' clusters overlap in places). Measured within 3 %,
// but where the voices are barely resolved (9 voices at 8 cents: +7 %; 16
// voices at 8 cents: -12 %, left out) and not for 2 voices at 40 cents (two
// partials 80 cents apart, not a supersaw: read as one voice, left out).
TEST_CASE("supersaw detune holds for 2 to 16 voices", "[trance][supersaw]") {
    for (int voices : {2, 3, 4, 5, 7, 9, 12, 16}) {
        for (double detune : {8.0, 12.0, 18.0, 30.0, 40.0}) {
            if ((voices == 16 && detune < 10.0) || (voices == 2 && detune > 35.0)) {
                continue;
            }
            const auto audio = supersaw(0.7, detune, voices, 4.0, 5);
            core::AnalysisContext ctx(audio);
            const auto r = core::analyseSupersaw(ctx, {{0.0, 4.0}}, {0.1, 2.0}, {});
            INFO(voices << " voices, " << detune << " cents: read " << r.detune_cents);
            CHECK(r.detune_cents == Approx(detune).epsilon(0.08));
        }
    }
}

TEST_CASE("spread mapping is monotonic and clamped", "[trance][supersaw]") {
    CHECK(core::spreadFromWidthRatio(0.0) == 0.0);
    CHECK(core::spreadFromWidthRatio(-1.0) == 0.0);
    CHECK(core::spreadFromWidthRatio(10.0) == 1.0);
    double last = 0.0;
    for (double r = 0.01; r < 0.22; r += 0.01) {
        const double s = core::spreadFromWidthRatio(r);
        CHECK(s > last);
        last = s;
    }
}

TEST_CASE("invalid grid gives documented defaults and one section", "[trance][edge]") {
    const auto audio = duckedNoise(128.0, 8.0, 6.0, 150.0, true, 1);
    const auto run = test::runTrance(audio, core::BeatGrid{});
    REQUIRE(run.status.isOk());
    const auto& v = run.features.values;
    for (const auto& info : core::TranceFamily().describe()) {
        if (info.kind == core::FeatureKind::kScalar) {
            REQUIRE(v.count(info.name) == 1);
            CHECK(std::isfinite(v.at(info.name)));
        }
    }
    CHECK(v.at("sidechain_depth_db") == 0.0);
    CHECK(v.at("length_bars") == 0.0);
    CHECK(v.at("acid_present") == 0.0);
    REQUIRE(run.features.sections.size() == 1);
    CHECK(run.features.sections[0].label == "drop");
    CHECK(run.features.sections[0].start_s == 0.0);
    CHECK(run.features.sections[0].end_s == Approx(audio.durationS()));
    CHECK(run.features.series.at("energy_per_bar_db").empty());
}

TEST_CASE("empty, one-sample, silent and short inputs do not fail", "[trance][edge]") {
    for (std::size_t frames :
         {std::size_t{0}, std::size_t{1}, std::size_t{1000}, static_cast<std::size_t>(3 * kRate)}) {
        for (std::size_t channels : {std::size_t{1}, std::size_t{2}}) {
            AudioBuffer audio(channels, frames, kRate);
            const auto grid = test::constantGrid(128.0, audio.durationS());
            const auto run = test::runTrance(audio, grid);
            INFO("frames " << frames << " channels " << channels);
            REQUIRE(run.status.isOk());
            // Digital silence with a usable beat grid (3 s) has no level to
            // duck: the sidechain values are "not measurable" (NaN); the
            // shorter inputs have no usable grid and read 0.
            const bool measured = frames >= static_cast<std::size_t>(kRate);
            for (const auto& [name, value] : run.features.values) {
                INFO(name);
                if (measured && name.rfind("sidechain_", 0) == 0) {
                    CHECK(std::isnan(value));
                } else {
                    CHECK(std::isfinite(value));
                }
            }
            if (!measured) {
                CHECK(run.features.values.at("sidechain_depth_db") == 0.0);
            }
        }
    }
}

TEST_CASE("sections are contiguous and cover the track on a 22.05 kHz mono input",
          "[trance][edge]") {
    AudioBuffer audio = duckedNoise(128.0, 30.0, 6.0, 150.0, false, 2);
    audio.sample_rate_hz = 22050.0; // same samples, twice as long
    const auto run = test::runTrance(audio, test::constantGrid(128.0, audio.durationS()));
    REQUIRE(run.status.isOk());
    const auto& sections = run.features.sections;
    REQUIRE_FALSE(sections.empty());
    CHECK(sections.front().start_s == 0.0);
    CHECK(sections.back().end_s == Approx(audio.durationS()));
    int bars = 0;
    for (std::size_t i = 0; i < sections.size(); ++i) {
        if (i > 0) {
            CHECK(sections[i].start_s == sections[i - 1].end_s);
            CHECK(sections[i].start_bar == sections[i - 1].start_bar + sections[i - 1].bars);
        }
        bars += sections[i].bars;
    }
    CHECK(bars == static_cast<int>(run.features.values.at("length_bars")));
    CHECK(run.features.series.at("energy_per_bar_db").size() == static_cast<std::size_t>(bars));
}

TEST_CASE("configure rejects invalid parameters", "[trance][edge]") {
    core::TranceFamilyParams p;
    p.sidechain.band_hi_hz = 10.0;
    CHECK_FALSE(core::TranceFamily(p).configure().isOk());
    p = {};
    p.supersaw.fft_size = 1000;
    CHECK_FALSE(core::TranceFamily(p).configure().isOk());
    p = {};
    p.arrangement.phrase_bars = 0;
    CHECK_FALSE(core::TranceFamily(p).configure().isOk());
    CHECK(core::TranceFamily().configure().isOk());
    CHECK(core::makeTranceFamily()->name() == "trance");
}
