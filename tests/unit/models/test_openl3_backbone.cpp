#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "models/named_tensor_archive.hpp"
#include "models/openl3_backbone.hpp"
#include "unit/test_support.hpp"

using namespace styledna;
using models::OpenL3Backbone;

namespace {

constexpr int kWin = OpenL3Backbone::kWindowSamples;

std::unique_ptr<OpenL3Backbone> randomBackbone(double hop_s = 1.0, bool center = true,
                                               int batch = 4) {
    models::OpenL3Params p;
    p.hop_s = hop_s;
    p.center = center;
    p.batch_windows = batch;
    auto b = OpenL3Backbone::createRandom(p, 3);
    REQUIRE(b.isOk());
    return std::move(b.value());
}

std::vector<float> sineWindow(double freq_hz, double amplitude) {
    std::vector<float> w(kWin);
    for (int i = 0; i < kWin; ++i) {
        w[i] = static_cast<float>(amplitude * std::sin(2 * M_PI * freq_hz * i / 48000.0));
    }
    return w;
}

double melToHz(double mel) {
    return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
}

// Centre of mel band m (HTK scale, 256 bands over 0..24 kHz).
double bandCentreHz(int m) {
    const double top = 2595.0 * std::log10(1.0 + 24000.0 / 700.0);
    return melToHz(top * (m + 1) / 257.0);
}

// Loudest band of a [256 x 199] image, by its mean over frames.
int loudestBand(const std::vector<float>& image) {
    int best = 0;
    double best_mean = -1e9;
    for (int m = 0; m < 256; ++m) {
        double s = 0;
        for (int f = 0; f < 199; ++f) {
            s += image[m * 199 + f];
        }
        if (s / 199 > best_mean) {
            best_mean = s / 199;
            best = m;
        }
    }
    return best;
}

// An archive with every tensor the backbone expects, random values.
models::NamedTensorArchive randomArchive() {
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 0.05f);
    models::NamedTensorArchive a;
    a.metadata = {{"format", "openl3-audio-mel256"}, {"content_type", "music"}};
    auto add = [&](const std::string& name, std::vector<std::int64_t> shape, float offset) {
        models::NamedTensor t{shape, {}};
        t.values.resize(static_cast<std::size_t>(t.elementCount()));
        for (auto& v : t.values) {
            v = offset + normal(rng);
        }
        a.tensors[name] = t;
    };
    const int channels[9] = {1, 64, 64, 128, 128, 256, 256, 512, 512};
    for (int i = 0; i <= 7; ++i) {
        const auto bn = "bn" + std::to_string(i);
        add(bn + ".weight", {channels[i]}, 1.0f);
        add(bn + ".bias", {channels[i]}, 0.0f);
        add(bn + ".running_mean", {channels[i]}, i == 0 ? -40.0f : 0.0f);
        add(bn + ".running_var", {channels[i]}, i == 0 ? 400.0f : 1.0f);
    }
    for (int i = 1; i <= 8; ++i) {
        const auto conv = "conv" + std::to_string(i);
        add(conv + ".weight", {channels[i], channels[i - 1], 3, 3}, 0.0f);
        add(conv + ".bias", {channels[i]}, 0.0f);
    }
    return a;
}

} // namespace

TEST_CASE("OpenL3 framing follows openl3's window count and start times", "[models][openl3]") {
    const auto centred = randomBackbone(1.0, true);
    CHECK(centred->hopSamples() == 48000);
    CHECK(centred->windowCount(1) == 1);
    CHECK(centred->windowCount(24000) == 1);         // padded to exactly one window
    CHECK(centred->windowCount(24001) == 2);         // one sample more needs a second
    CHECK(centred->windowCount(300 * 48000) == 301); // 5 min, hop 1 s, centred
    const auto plain = randomBackbone(0.1, false);
    CHECK(plain->hopSamples() == 4800);
    CHECK(plain->windowCount(48000) == 1);
    CHECK(plain->windowCount(48001) == 2);
    CHECK(plain->windowCount(96000) == 11);
    CHECK(randomBackbone(0.3, false)->hopSamples() == 14400); // rounded, not truncated
}

TEST_CASE("OpenL3 front end: dB image peaks at 0, floors at -80, puts a sine in its band",
          "[models][openl3][analytic]") {
    const auto backbone = randomBackbone();
    for (const int band : {60, 128, 200}) {
        CAPTURE(band);
        auto image = backbone->melSpectrogram(sineWindow(bandCentreHz(band), 0.5));
        REQUIRE(image.isOk());
        REQUIRE(image->size() == 256u * 199u);
        CHECK(*std::max_element(image->begin(), image->end()) == 0.0f);
        CHECK(*std::min_element(image->begin(), image->end()) >= -80.0f);
        // Narrow low bands share Hann leakage with their neighbours: one band of slack.
        CHECK(std::abs(loudestBand(*image) - band) <= (band < 100 ? 1 : 0));
    }
    // The level is normalised away (kapre subtracts each window's maximum): 20 dB
    // quieter gives the same image. kapre takes 10 log10 of the *magnitude*, so its
    // -80 floor is a power ratio of 1e-16, below the float32 rounding noise of the
    // input samples; compare above -60 (1e-12), where that noise is 10 dB under.
    auto loud = backbone->melSpectrogram(sineWindow(1000.0, 0.5));
    auto quiet = backbone->melSpectrogram(sineWindow(1000.0, 0.05));
    double worst = 0;
    int compared = 0;
    for (std::size_t i = 0; i < loud->size(); ++i) {
        if ((*loud)[i] > -60.0f) {
            worst = std::max(worst, static_cast<double>(std::abs((*loud)[i] - (*quiet)[i])));
            ++compared;
        }
    }
    CHECK(compared > 199 * 5);
    CHECK(worst < 1e-3);
    // Silence is flat at the amplitude floor, so after normalisation it is all 0 dB.
    auto silence = backbone->melSpectrogram(std::vector<float>(kWin, 0.0f));
    CHECK(std::all_of(silence->begin(), silence->end(), [](float v) { return v == 0.0f; }));
}

TEST_CASE("OpenL3 embeds windows and signals into 6144 floats", "[models][openl3]") {
    const auto one = randomBackbone(1.0, true, 1);
    const auto three = randomBackbone(1.0, true, 3);
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 0.1f);
    std::vector<float> signal(static_cast<std::size_t>(2.2 * 48000));
    for (auto& v : signal) {
        v = normal(rng);
    }
    auto a = one->embedSignal(signal);
    auto b = three->embedSignal(signal);
    REQUIRE(a.isOk());
    REQUIRE(b.isOk());
    REQUIRE(a->windows() == 3); // centred: 2.7 s padded, hop 1 s
    CHECK(a->start_s == std::vector<double>{-0.5, 0.5, 1.5});
    REQUIRE(a->values.size() == 3u * 6144u);
    CHECK(
        std::all_of(a->values.begin(), a->values.end(), [](float v) { return std::isfinite(v); }));
    CHECK(*std::max_element(a->values.begin(), a->values.end()) > 0.0f);
    // Batch size changes only how the convolutions are blocked: 1e-4 of the largest value.
    const float scale = *std::max_element(a->values.begin(), a->values.end());
    double worst = 0;
    for (std::size_t i = 0; i < a->values.size(); ++i) {
        worst = std::max(worst, static_cast<double>(std::abs(a->values[i] - b->values[i])));
    }
    CHECK(worst <= 1e-4 * scale);
    // Window 1 of the signal, embedded directly, is row 1.
    std::vector<float> window(signal.begin() + 24000, signal.begin() + 24000 + kWin);
    auto direct = one->embedWindows(window);
    REQUIRE(direct.isOk());
    double row_worst = 0;
    for (int k = 0; k < 6144; ++k) {
        row_worst =
            std::max(row_worst, static_cast<double>(std::abs((*direct)[k] - a->values[6144 + k])));
    }
    CHECK(row_worst <= 1e-4 * scale);
}

TEST_CASE("OpenL3 rejects bad input and honours cancellation", "[models][openl3][edge]") {
    const auto backbone = randomBackbone();
    CHECK_FALSE(backbone->embedWindows({}).isOk());
    CHECK_FALSE(backbone->embedWindows(std::vector<float>(kWin + 1)).isOk());
    auto nan = std::vector<float>(kWin, 0.0f);
    nan[100] = std::nanf("");
    CHECK_FALSE(backbone->embedWindows(nan).isOk());
    CHECK_FALSE(backbone->melSpectrogram(nan).isOk());
    CHECK_FALSE(backbone->embedSignal({}).isOk());
    core::CancellationToken cancel;
    cancel.cancel();
    auto r = backbone->embedSignal(std::vector<float>(5 * kWin, 0.1f), cancel);
    CHECK(r.status().code() == core::StatusCode::kCancelled);
    models::OpenL3Params bad;
    bad.hop_s = 0;
    CHECK_FALSE(OpenL3Backbone::createRandom(bad, 1).isOk());
}

TEST_CASE("OpenL3 loads a weights archive and names what is wrong with a bad one",
          "[models][openl3][edge]") {
    const auto dir = test::tempDir("openl3");
    auto write = [&](const models::NamedTensorArchive& a, const std::string& name) {
        const auto path = (dir / name).string();
        REQUIRE(models::writeNamedTensorArchive(path, a).isOk());
        models::OpenL3Params p;
        p.weights_path = path;
        return OpenL3Backbone::load(p);
    };
    const auto good = randomArchive();
    auto loaded = write(good, "good.sdnt");
    REQUIRE(loaded.isOk());
    CHECK((*loaded)->metadata().at("content_type") == "music");
    const auto window = sineWindow(440.0, 0.3);
    auto first = (*loaded)->embedWindows(window);
    REQUIRE(first.isOk());
    CHECK(*(*loaded)->embedWindows(window) == *first);

    auto expectError = [&](const models::NamedTensorArchive& a, const std::string& fragment) {
        auto r = write(a, "bad.sdnt");
        REQUIRE_FALSE(r.isOk());
        CHECK(r.status().message().find(fragment) != std::string::npos);
    };
    auto missing = good;
    missing.tensors.erase("bn5.running_var");
    expectError(missing, "bn5.running_var is missing");
    auto wrong_shape = good;
    wrong_shape.tensors["conv3.weight"].shape = {128, 64, 9, 1};
    expectError(wrong_shape, "conv3.weight is [128 x 64 x 9 x 1], expected [128 x 64 x 3 x 3]");
    auto extra = good;
    extra.tensors["fc.weight"] = {{1}, {0.0f}};
    expectError(extra, "unexpected tensor fc.weight");
    auto not_finite = good;
    not_finite.tensors["conv8.bias"].values[3] = INFINITY;
    expectError(not_finite, "conv8.bias holds non-finite values");
    auto other_format = good;
    other_format.metadata["format"] = "openl3-audio-mel128";
    expectError(other_format, "not OpenL3 mel256 weights");

    // A filterbank in the archive replaces the computed one.
    auto with_basis = good;
    models::NamedTensor basis{{256, 1025}, std::vector<float>(256 * 1025, 0.0f)};
    for (int m = 0; m < 256; ++m) {
        basis.values[m * 1025 + 4 * m + 1] = 1.0f; // band m reads FFT bin 4m + 1 only
    }
    with_basis.tensors["frontend.mel_basis"] = basis;
    auto custom = write(with_basis, "basis.sdnt");
    REQUIRE(custom.isOk());
    const double bin_hz = 48000.0 / 2048.0;
    auto image = (*custom)->melSpectrogram(sineWindow(bin_hz * (4 * 150 + 1), 0.5));
    REQUIRE(image.isOk());
    CHECK(loudestBand(*image) == 150);
}
