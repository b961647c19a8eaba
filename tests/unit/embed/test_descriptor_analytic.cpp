// Descriptor backbone on analytic signals (silence, sines, anti-phase
// stereo), the segment layout, and the augmented view's draw and effect.
// Every signal goes the product's way: AnalysisContext (shared STFTs) ->
// computeEmbedding (core/analysis), so the tests see what the analysis stores.

#include <algorithm>
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "core/analysis/track_analysis.hpp"
#include "core/embed/descriptor_backbone.hpp"
#include "core/features/analysis_context.hpp"
#include "unit/test_support.hpp"

using namespace styledna;

namespace {

constexpr double kRate = 44100.0;

int offsetOf(const char* name) {
    for (const auto& b : embed::kDescriptorBlocks) {
        if (std::string_view(b.name) == name) {
            return b.offset;
        }
    }
    FAIL("no block " << name);
    return -1;
}

embed::TrackEmbedding embedAudio(const core::AudioBuffer& audio,
                                 const core::TrackFeatures& features = {}) {
    core::AnalysisContext ctx(audio);
    auto e = core::computeEmbedding(ctx, features);
    INFO(e.status().toString());
    REQUIRE(e.isOk());
    return std::move(e).value();
}

// Centre of HTK-mel band b of the documented layout (40 bands, 20 Hz - 20 kHz).
double melCentreHz(int b) {
    const auto mel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
    const double lo = mel(20.0), hi = mel(20000.0);
    const double m = lo + (hi - lo) * (b + 1) / 41.0;
    return 700.0 * (std::pow(10.0, m / 2595.0) - 1.0);
}

int argmax(const std::vector<float>& v, int offset, int dim) {
    return static_cast<int>(std::max_element(v.begin() + offset, v.begin() + offset + dim) -
                            (v.begin() + offset));
}

void checkFinite(const embed::TrackEmbedding& e) {
    for (const auto& s : e.segments) {
        REQUIRE(s.values.size() == static_cast<std::size_t>(embed::kDescriptorDim));
        REQUIRE(s.augmented.size() == static_cast<std::size_t>(embed::kDescriptorDim));
        for (int i = 0; i < embed::kDescriptorDim; ++i) {
            INFO(embed::descriptorDimensionName(i));
            CHECK(std::isfinite(s.values[i]));
            CHECK(std::isfinite(s.augmented[i]));
        }
    }
}

} // namespace

TEST_CASE("Descriptor blocks tile the documented dimension", "[embed][layout]") {
    int offset = 0;
    for (const auto& b : embed::kDescriptorBlocks) {
        INFO(b.name);
        CHECK(b.offset == offset);
        CHECK(b.dim > 0);
        offset += b.dim;
    }
    CHECK(offset == embed::kDescriptorDim);
    // The sizes the header documents: 40 mel bands, 13 MFCCs (91 = 13 * 14 / 2
    // covariance entries), 6 chroma DFT magnitudes, 4 onset groups x 16
    // steps, 4 groups x 8 beat phases, 1 tempo, 6 stereo bands, 4 loudness
    // values.
    CHECK(embed::kDescriptorBlocks[0].dim == 40);
    CHECK(embed::kDescriptorBlocks[3].dim == 91);
    CHECK(embed::kDescriptorBlocks[8].dim == 64);
    CHECK(embed::descriptorDimensionName(0) == "log_mel_mean_db[0]");
    CHECK(embed::descriptorDimensionName(93) == "mfcc_cov_db2[0]");
    CHECK(embed::kDescriptorBlocks[9].dim == 32);
    CHECK(embed::kDescriptorBlocks[10].dim == 1);
    CHECK(embed::descriptorDimensionName(300) == "tempo_log2_bpm[0]");
    CHECK(embed::descriptorDimensionName(310) == "loudness_db[3]");
    CHECK(embed::descriptorDimensionName(311).empty());
    CHECK(embed::descriptorDimensionName(-1).empty());
}

TEST_CASE("Segment layout: windows, hop, partial window dropped, short tracks", "[embed][layout]") {
    CHECK(embed::segmentLayout(0.0, 4.0, 2.0).empty());
    auto short_track = embed::segmentLayout(3.0, 4.0, 2.0);
    REQUIRE(short_track.size() == 1);
    CHECK(short_track[0].start_s == 0.0);
    CHECK(short_track[0].end_s == 3.0);
    auto exact = embed::segmentLayout(4.0, 4.0, 2.0);
    REQUIRE(exact.size() == 1);
    CHECK(exact[0].end_s == 4.0);
    // 10.9 s: windows at 0, 2, 4, 6 (6..10); the one at 8 (8..12) runs past the end.
    auto long_track = embed::segmentLayout(10.9, 4.0, 2.0);
    REQUIRE(long_track.size() == 4);
    for (std::size_t i = 0; i < long_track.size(); ++i) {
        CHECK(long_track[i].start_s == 2.0 * static_cast<double>(i));
        CHECK(long_track[i].end_s == long_track[i].start_s + 4.0);
    }
    CHECK(embed::segmentLayout(300.0, 4.0, 2.0).size() == 149);

    // Through the backbone: the same layout, every segment filled.
    const auto e = embedAudio(test::sine(1000.0, 0.25, 10.9, kRate));
    CHECK(e.backbone == embed::kDescriptorBackboneName);
    CHECK(e.dim == embed::kDescriptorDim);
    CHECK(e.segment_s == 4.0);
    CHECK(e.hop_s == 2.0);
    REQUIRE(e.segments.size() == 4);
    CHECK(e.segments[3].start_s == 6.0);
    CHECK(e.track.size() == static_cast<std::size_t>(embed::kDescriptorDim));
    const auto one = embedAudio(test::sine(1000.0, 0.25, 1.5, kRate, 1));
    REQUIRE(one.segments.size() == 1);
    CHECK(one.segments[0].end_s == Approx(1.5).margin(1e-12));
    checkFinite(one);
    // No audio, no segments (and no failure).
    const auto none = embedAudio(core::AudioBuffer(2, 0, kRate));
    CHECK(none.empty());
    CHECK(none.track.empty());
    CHECK(none.dim == embed::kDescriptorDim);
}

TEST_CASE("Silence gives a finite vector at the power floor", "[embed][analytic]") {
    for (std::size_t channels : {std::size_t{1}, std::size_t{2}}) {
        const auto e = embedAudio(core::AudioBuffer(channels, 6 * 44100, kRate));
        REQUIRE(e.segments.size() == 2);
        checkFinite(e);
        const auto& v = e.segments[0].values;
        // -100 dB floor (fastLog2: < 0.015 dB absolute error).
        CHECK(v[offsetOf("log_mel_mean_db")] == Approx(-100.0).margin(0.02));
        CHECK(v[offsetOf("loudness_db")] == Approx(-100.0).margin(1e-3));
        CHECK(v[offsetOf("side_share")] == 0.0f);
        CHECK(v[offsetOf("chroma_dft_mean")] == 0.0f);
        CHECK(v[offsetOf("beat_envelope_db")] == 0.0f);
        CHECK(v[offsetOf("tempo_log2_bpm")] == 7.0f); // no grid: 128 BPM
        CHECK(v[offsetOf("onset_mean_db")] == 0.0f);
    }
}

TEST_CASE("A sine lands in its mel band and pitch class; its level is exact", "[embed][analytic]") {
    struct Case {
        double hz;
        int pitch_class;
    };
    // A4, C5, E5, A5 (12-TET, A4 = 440 Hz).
    for (const Case c : {Case{440.0, 9}, Case{523.2511, 0}, Case{659.2551, 4}, Case{880.0, 9}}) {
        DYNAMIC_SECTION(c.hz << " Hz") {
            const double amplitude = 0.5;
            const auto e = embedAudio(test::sine(c.hz, amplitude, 8.0, kRate));
            REQUIRE(e.segments.size() == 3);
            const auto& v = e.segments[1].values;
            // Mel: the band whose centre is nearest the sine holds the most energy.
            int nearest = 0;
            for (int b = 1; b < 40; ++b) {
                if (std::fabs(std::log(melCentreHz(b) / c.hz)) <
                    std::fabs(std::log(melCentreHz(nearest) / c.hz))) {
                    nearest = b;
                }
            }
            CHECK(argmax(v, offsetOf("log_mel_mean_db"), 40) == nearest);
            // One pitch class (its neighbours get the main lobe's skirt, up to
            // 1.7 semitones at 440 Hz): a near-delta chroma smeared by a
            // smooth bump, so its DFT magnitudes fall with the harmonic and
            // the first is near 1 (0.15 absolute), whatever the pitch class.
            // The pitch class itself is not stored: the key is noise for style.
            const int dft = offsetOf("chroma_dft_mean");
            CHECK(v[dft] == Approx(1.0).margin(0.15));
            for (int k = 1; k < 6; ++k) {
                INFO("harmonic " << k + 1 << " pitch class " << c.pitch_class);
                CHECK(v[dft + k] < v[dft + k - 1]);
            }
            // Steady tone: the level is the mean-square power A^2 / 2 (0.01 dB
            // absolute: the mel triangles sum to 1 inside 20 Hz - 20 kHz and
            // the Hann power scale is exact for a stationary sine), no crest,
            // no dynamic range, no onsets, identical channels: no side.
            const int loud = offsetOf("loudness_db");
            CHECK(v[loud] == Approx(10.0 * std::log10(amplitude * amplitude / 2)).margin(0.01));
            CHECK(v[loud + 2] == Approx(0.0).margin(0.01));
            CHECK(v[loud + 3] == Approx(0.0).margin(0.01));
            CHECK(v[offsetOf("onset_mean_db") + 1] < 0.01f);
            for (int j = 0; j < 6; ++j) {
                CHECK(v[offsetOf("side_share") + j] == 0.0f);
            }
        }
    }
}

TEST_CASE("Stereo: anti-phase is all side, one channel is half side", "[embed][analytic]") {
    auto anti = test::sine(1000.0, 0.5, 6.0, kRate);
    for (auto& x : anti.channels[1]) {
        x = -x;
    }
    auto left_only = test::sine(1000.0, 0.5, 6.0, kRate);
    std::fill(left_only.channels[1].begin(), left_only.channels[1].end(), 0.0f);
    const int share = offsetOf("side_share");
    const int band = 2; // 500 Hz - 2 kHz holds the 1 kHz tone
    // Relative 1e-3: only the other bands' power floor and float rounding differ.
    CHECK(embedAudio(anti).segments[0].values[share + band] == Approx(1.0).epsilon(1e-3));
    CHECK(embedAudio(left_only).segments[0].values[share + band] == Approx(0.5).epsilon(1e-3));
}

TEST_CASE("Onset pattern follows the beat grid", "[embed][analytic]") {
    // Noise bursts (5 ms, decaying) on every beat at 120 BPM, the downbeat at
    // 0.25 s, silence between: with the grid all the onset energy sits on
    // steps 0, 4, 8, 12 (the frames nearest each beat); without it the
    // pattern is flat.
    core::AudioBuffer clicks(2, 8 * 44100, kRate);
    const double beat_s = 0.5, downbeat_s = 0.25;
    std::uint32_t lcg = 1;
    for (double t = downbeat_s; t < 8.0; t += beat_s) {
        const auto i0 = static_cast<std::size_t>(std::llround(t * kRate));
        for (std::size_t i = 0; i < 220 && i0 + i < clicks.frames(); ++i) {
            lcg = lcg * 1664525u + 1013904223u;
            const float white = static_cast<float>(lcg >> 8) / 16777216.0f - 0.5f;
            const float v = white * std::exp(-static_cast<float>(i) / 40.0f);
            clicks.channels[0][i0 + i] = clicks.channels[1][i0 + i] = v;
        }
    }
    core::TrackFeatures features;
    features.grid.tempo_bpm = 120.0;
    features.grid.first_downbeat_s = downbeat_s;
    for (double t = downbeat_s; t < 8.0; t += beat_s) {
        features.grid.beat_times_s.push_back(t);
    }
    const int pattern = offsetOf("onset_pattern_db");
    const auto with_grid = embedAudio(clicks, features).segments[1].values;
    const int high = 3; // >= 5 kHz
    const float mean = with_grid[offsetOf("onset_mean_db") + high];
    REQUIRE(mean > 1.0f);
    for (int s = 0; s < 16; ++s) {
        INFO("step " << s);
        // 4 of 16 steps carry every rise: about 4x the mean on the beats
        // (3x allows for the beats' unequal frame counts), none elsewhere.
        const float v = with_grid[pattern + high * 16 + s];
        if (s % 4 == 0) {
            CHECK(v > 3.0f * mean);
        } else {
            CHECK(v < 0.05f * mean);
        }
    }
    const auto flat = embedAudio(clicks).segments[1].values;
    for (int s = 0; s < 16; ++s) {
        CHECK(flat[pattern + high * 16 + s] == flat[offsetOf("onset_mean_db") + high]);
    }
}

TEST_CASE("Augmentation draws stay in their documented ranges", "[embed][augment]") {
    int lowpass = 0, noise = 0;
    const int draws = 2000;
    for (int i = 0; i < draws; ++i) {
        const auto a = embed::drawAugmentation(12345, static_cast<std::size_t>(i));
        CHECK(std::fabs(a.shift_s) <= 0.5);
        CHECK(std::fabs(a.gain_db) <= 6.0);
        CHECK(std::fabs(a.tilt_db_per_octave) <= 3.0);
        CHECK(a.lowpass_hz >= 4000.0);
        CHECK(a.lowpass_hz <= 16000.0);
        CHECK(a.noise_snr_db >= 20.0);
        CHECK(a.noise_snr_db <= 40.0);
        lowpass += a.lowpass;
        noise += a.noise;
    }
    // Probability 0.5 each: 2000 draws, 5 sigma = 0.056.
    CHECK(lowpass / static_cast<double>(draws) == Approx(0.5).margin(0.056));
    CHECK(noise / static_cast<double>(draws) == Approx(0.5).margin(0.056));
    const auto a = embed::drawAugmentation(1, 0), b = embed::drawAugmentation(2, 0),
               c = embed::drawAugmentation(1, 1);
    CHECK(a.gain_db != b.gain_db);
    CHECK(a.gain_db != c.gain_db);
    CHECK(embed::drawAugmentation(1, 0).gain_db == a.gain_db);
}

TEST_CASE("Augmented views are reproducible, differ from the original and apply their draw",
          "[embed][augment]") {
    const auto audio = test::sine(2000.0, 0.5, 12.0, kRate);
    const auto e1 = embedAudio(audio);
    const auto e2 = embedAudio(audio);
    REQUIRE(e1.segments.size() == 5);
    checkFinite(e1);
    const auto seed = embed::audioSeed(audio);
    const int loud = offsetOf("loudness_db");
    for (std::size_t i = 0; i < e1.segments.size(); ++i) {
        INFO("segment " << i);
        CHECK(e1.segments[i].augmented == e2.segments[i].augmented); // bit for bit
        CHECK(e1.segments[i].augmented != e1.segments[i].values);
        // On a steady 2 kHz tone the level moves by the gain, the tilt at one
        // octave above 1 kHz, the low-pass response at 2 kHz and the noise
        // power at its SNR. 0.05 dB absolute: the tilt varies by +-0.1 dB
        // over the +-2 bins the tone's window spreads it on.
        const auto a = embed::drawAugmentation(seed, i);
        double expected = a.gain_db + a.tilt_db_per_octave * 1.0;
        if (a.lowpass) {
            expected -= 10.0 * std::log10(1.0 + std::pow(2000.0 / a.lowpass_hz, 4.0));
        }
        if (a.noise) {
            expected += 10.0 * std::log10(1.0 + std::pow(10.0, -a.noise_snr_db / 10.0));
        }
        const double moved = e1.segments[i].augmented[loud] - e1.segments[i].values[loud];
        CHECK(moved == Approx(expected).margin(0.05));
    }
    // Another track (one sample changed) draws other augmentations.
    auto other = audio;
    other.channels[0][0] += 1e-3f;
    CHECK(embed::audioSeed(other) != seed);
}

TEST_CASE("Backbone parameters and inputs are validated", "[embed][edge]") {
    CHECK_FALSE(embed::DescriptorBackbone({0.1, 0.05, true}).configure().isOk());
    CHECK_FALSE(embed::DescriptorBackbone({4.0, 5.0, true}).configure().isOk());
    CHECK(embed::DescriptorBackbone({4.0, 4.0, false}).configure().isOk());
    CHECK_FALSE(embed::DescriptorBackbone().process({}).isOk());
    const auto audio = test::sine(1000.0, 0.5, 3.0, kRate);
    core::AnalysisContext ctx(audio);
    auto shorter = test::sine(1000.0, 0.5, 2.0, kRate);
    core::AnalysisContext ctx2(shorter);
    embed::DescriptorInput in;
    in.mono = &ctx.monoSpectrum();
    in.side = &ctx2.sideSpectrum();
    in.duration_s = 3.0;
    CHECK_FALSE(embed::DescriptorBackbone().process(in).isOk());
    in.side = nullptr;
    auto no_aug = embed::DescriptorBackbone({4.0, 2.0, false}).process(in);
    REQUIRE(no_aug.isOk());
    REQUIRE(no_aug->segments.size() == 1);
    CHECK(no_aug->segments[0].augmented.empty());
}
