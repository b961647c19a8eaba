// Spectral family: analytic signals (bin-centred sines, impulse, white and pink
// noise, silence), edge inputs, sample rates and sections.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "core/features/spectral_features.hpp"
#include "unit/features_level/level_family_runner.hpp"
#include "unit/features_level/level_test_signals.hpp"

using namespace styledna::core;
using namespace styledna::test;

namespace {

const char* const kTonal[] = {"tonal_balance_sub_db",      "tonal_balance_low_db",
                              "tonal_balance_low_mid_db",  "tonal_balance_mid_db",
                              "tonal_balance_high_mid_db", "tonal_balance_high_db",
                              "tonal_balance_air_db"};
const double kBandLo[] = {20, 60, 150, 400, 1500, 5000, 10000};
const double kBandHi[] = {60, 150, 400, 1500, 5000, 10000, 20000};

std::map<std::string, double> spectral(const AudioBuffer& audio) {
    auto family = makeSpectralFamily();
    auto v = runFamily(*family, audio).values;
    requireFinite(v);
    return v;
}

} // namespace

TEST_CASE("spectral: sine at a bin centre", "[spectral]") {
    const double rate = GENERATE(44100.0, 48000.0, 96000.0);
    const double bin = rate / 2048.0;
    for (const double k : {10.0, 40.0, 200.0}) {
        const double f = k * bin;
        const auto v =
            spectral(monoBuffer(sine(f, 0.5, static_cast<std::size_t>(rate * 3), rate), rate));
        INFO("rate " << rate << " f " << f << " centroid " << v.at("spectral_centroid_hz")
                     << " rolloff " << v.at("spectral_rolloff_hz"));
        // Within half a bin (absolute) as asked; the symmetric Hann leakage of a
        // bin-centred sine actually lands on it to < 0.01 Hz.
        CHECK(v.at("spectral_centroid_hz") == Approx(f).margin(bin / 2));
        CHECK(v.at("spectral_rolloff_hz") == Approx(f).margin(bin));
        CHECK(v.at("spectral_flatness") < 0.01);
        CHECK(v.at("spectral_flux") < 0.01); // steady tone: no shape change
    }
}

TEST_CASE("spectral: sines land in their tonal band", "[spectral]") {
    const double rate = 44100.0;
    // Geometric centres of the seven bands.
    for (std::size_t b = 0; b < 7; ++b) {
        const double f = std::sqrt(kBandLo[b] * kBandHi[b]);
        const auto v = spectral(monoBuffer(sine(f, 0.5, 44100 * 3, rate), rate));
        INFO("band " << kTonal[b] << " f " << f << " share " << v.at(kTonal[b]) << " dB");
        // 0.1 dB absolute: leakage of a band-centred sine into neighbours is
        // below -30 dB with both spectra (bass 5.4 Hz bins, main 21.5 Hz).
        CHECK(v.at(kTonal[b]) == Approx(0.0).margin(0.1));
        for (std::size_t o = 0; o < 7; ++o) {
            if (o != b) {
                CHECK(v.at(kTonal[o]) < -25.0);
            }
        }
    }
    // Bass centroid: 120 Hz and 180 Hz tones (the product's flagship example),
    // within 1 Hz absolute (bass spectrum bins are 5.4 Hz, leakage symmetric).
    for (const double f : {45.0, 120.0, 180.0}) {
        const auto v = spectral(monoBuffer(sine(f, 0.5, 44100 * 3, rate), rate));
        INFO("bass f " << f << " centroid " << v.at("bass_spectral_centroid_hz"));
        CHECK(v.at("bass_spectral_centroid_hz") == Approx(f).margin(1.0));
    }
    // Equal-power 120 + 180 Hz: power-weighted centroid 150 Hz.
    auto mix = sine(120.0, 0.3, 44100 * 3, rate);
    const auto hi = sine(180.0, 0.3, 44100 * 3, rate);
    for (std::size_t i = 0; i < mix.size(); ++i) {
        mix[i] += hi[i];
    }
    CHECK(spectral(monoBuffer(mix, rate)).at("bass_spectral_centroid_hz") ==
          Approx(150.0).margin(1.0));
}

TEST_CASE("spectral: impulse has a flat spectrum", "[spectral]") {
    const double rate = GENERATE(44100.0, 48000.0);
    std::vector<float> x(static_cast<std::size_t>(rate), 0.0f);
    x[x.size() / 2] = 1.0f;
    const auto v = spectral(monoBuffer(x, rate));
    INFO("rate " << rate << " flatness " << v.at("spectral_flatness") << " centroid "
                 << v.at("spectral_centroid_hz"));
    CHECK(v.at("spectral_flatness") == Approx(1.0).margin(0.01)); // fastLog2: <0.4 % error
    // Flat LTAS: centroid at Nyquist / 2, 0.5 % relative (DC/Nyquist half bins).
    CHECK(v.at("spectral_centroid_hz") == Approx(rate / 4).epsilon(0.005));
    CHECK(v.at("spectral_tilt_db_per_octave") == Approx(3.01).margin(0.1));
}

TEST_CASE("spectral: white and pink noise", "[spectral]") {
    const double rate = 44100.0;
    const std::size_t n = 44100 * 30;
    const auto white = spectral(monoBuffer(whiteNoise(n, 0.1, 3), rate));
    const auto pink = spectral(monoBuffer(pinkNoise(n, 0.1, 4), rate));
    INFO("white: centroid " << white.at("spectral_centroid_hz") << " rolloff "
                            << white.at("spectral_rolloff_hz") << " flatness "
                            << white.at("spectral_flatness") << " flux "
                            << white.at("spectral_flux") << " tilt "
                            << white.at("spectral_tilt_db_per_octave"));
    INFO("pink: centroid " << pink.at("spectral_centroid_hz") << " flatness "
                           << pink.at("spectral_flatness") << " flux " << pink.at("spectral_flux")
                           << " tilt " << pink.at("spectral_tilt_db_per_octave")
                           << " bass centroid " << pink.at("bass_spectral_centroid_hz"));
    // White: flat LTAS -> centroid Nyquist/2, rolloff 0.85 Nyquist (1 % relative:
    // 30 s of noise, estimate noise well below that).
    CHECK(white.at("spectral_centroid_hz") == Approx(11025.0).epsilon(0.01));
    CHECK(white.at("spectral_rolloff_hz") == Approx(0.85 * 22050.0).epsilon(0.01));
    // Periodogram bins of Gaussian noise are exponential: E[log] = log(mean) - gamma,
    // so the Wiener entropy is exp(-0.5772) = 0.561 (0.02 absolute).
    CHECK(white.at("spectral_flatness") == Approx(0.5615).margin(0.02));
    // Energy per third-octave band doubles per octave: +3.01 dB/oct (0.1 absolute).
    CHECK(white.at("spectral_tilt_db_per_octave") == Approx(3.0103).margin(0.1));
    // Pink: equal energy per octave: tilt 0, band shares proportional to octaves.
    CHECK(pink.at("spectral_tilt_db_per_octave") == Approx(0.0).margin(0.1));
    const double octaves = std::log2(20000.0 / 20.0);
    for (std::size_t b = 0; b < 7; ++b) {
        const double expected_pink =
            10.0 * std::log10(std::log2(kBandHi[b] / kBandLo[b]) / octaves);
        const double expected_white = 10.0 * std::log10((kBandHi[b] - kBandLo[b]) / 19980.0);
        INFO(kTonal[b] << " pink " << pink.at(kTonal[b]) << " (expected " << expected_pink
                       << ") white " << white.at(kTonal[b]) << " (expected " << expected_white
                       << ")");
        // 0.3 dB absolute: the Kellet pink filter is within 0.05 dB of 1/f, the
        // rest is estimation noise of the narrowest (sub) band.
        CHECK(pink.at(kTonal[b]) == Approx(expected_pink).margin(0.3));
        CHECK(white.at(kTonal[b]) == Approx(expected_white).margin(0.3));
    }
    // Bass centroid of pink noise over 20-250 Hz: (250 - 20) / ln(250 / 20) = 91.0 Hz.
    CHECK(pink.at("bass_spectral_centroid_hz") == Approx(230.0 / std::log(12.5)).margin(2.0));
    // Flux is level-independent (unit-norm frames): same noise 20 dB down.
    const auto quiet = spectral(monoBuffer(scaled(whiteNoise(n, 0.1, 3), 0.1), rate));
    CHECK(quiet.at("spectral_flux") == Approx(white.at("spectral_flux")).margin(1e-4));
    CHECK(white.at("spectral_flux") > 0.1);
    CHECK(white.at("spectral_flux") < 0.7);
}

TEST_CASE("spectral: silence, empty and one sample", "[spectral]") {
    for (const std::size_t frames : {std::size_t{0}, std::size_t{1}, std::size_t{44100}}) {
        const auto v = spectral(AudioBuffer(1, frames, 44100.0));
        INFO("frames " << frames);
        CHECK(v.at("spectral_centroid_hz") == 0.0);
        CHECK(v.at("bass_spectral_centroid_hz") == 0.0);
        CHECK(v.at("spectral_rolloff_hz") == 0.0);
        CHECK(v.at("spectral_flatness") == 0.0);
        CHECK(v.at("spectral_flux") == 0.0);
        CHECK(v.at("spectral_tilt_db_per_octave") == 0.0);
        for (const char* name : kTonal) {
            CHECK(v.at(name) == -100.0);
        }
    }
    AudioBuffer one(2, 1, 44100.0);
    one.channels[0][0] = 1.0f;
    one.channels[1][0] = 1.0f;
    const auto v = spectral(one);
    CHECK(v.at("spectral_centroid_hz") >= 0.0);
    // Low rate: bands above Nyquist read the floor, no crash.
    const auto low = spectral(monoBuffer(sine(1000.0, 0.5, 8000, 8000.0), 8000.0));
    CHECK(low.at("tonal_balance_air_db") == -100.0);
    CHECK(low.at("tonal_balance_high_db") == -100.0);
    CHECK(low.at("tonal_balance_mid_db") == Approx(0.0).margin(0.1));
}

TEST_CASE("spectral: per-section values", "[spectral]") {
    const double rate = 44100.0;
    // 5 s of 100 Hz then 5 s of 2 kHz.
    const auto x = concat(sine(100.0, 0.5, 5 * 44100, rate), sine(2000.0, 0.5, 5 * 44100, rate));
    auto family = makeSpectralFamily();
    TrackFeatures track;
    const auto s = runSections(*family, monoBuffer(x, rate), {{0.5, 4.5}, {5.5, 9.5}}, track);
    // Sections away from the switch see one tone each (half a bin absolute).
    CHECK(s[0].at("spectral_centroid_hz") == Approx(100.0).margin(10.8));
    CHECK(s[0].at("bass_spectral_centroid_hz") == Approx(100.0).margin(1.0));
    CHECK(s[0].at("tonal_balance_low_db") == Approx(0.0).margin(0.1));
    CHECK(s[1].at("spectral_centroid_hz") == Approx(2000.0).margin(10.8));
    CHECK(s[1].at("tonal_balance_high_mid_db") == Approx(0.0).margin(0.1));
    // The whole track: equal energy in both -> centroid halfway, each band -3 dB.
    CHECK(track.values.at("spectral_centroid_hz") == Approx(1050.0).margin(11.0));
    CHECK(track.values.at("tonal_balance_low_db") == Approx(-3.01).margin(0.1));
    CHECK(track.values.at("tonal_balance_high_mid_db") == Approx(-3.01).margin(0.1));
    for (const auto& sec : s) {
        requireFinite(sec);
        CHECK(sec.size() == 10); // centroid, bass centroid, tilt, seven bands
    }
}
