// BS.1770 / EBU R128 meter built on 100 ms K-weighted sub-blocks, checked
// against the EBU Tech 3341 (meter) and Tech 3342 (loudness range) minimum
// requirement cases, regenerated here from the specifications' descriptions
// (all tones are 1 kHz sines on both channels of a stereo signal; "dBFS" is the
// sine's peak level, so a stereo tone at -23 dBFS reads -23 LUFS).
// Tolerances are the specs' own: +-0.1 LU for M/S/I (Tech 3341), +-1 LU for LRA
// (Tech 3342). Not reproduced: 3341 case 6 (5-channel; the meter is mono or
// stereo here), cases 7/8 and 3342 cases 5/6 (authentic programme, not
// shippable), 3341 cases 10/11/13/14 (bursts at offsets we do not have the
// exact definitions of; the 10 Hz update they test is covered by construction:
// every sliding window starts on the 100 ms grid).

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <vector>

#include "core/dsp/loudness_blocks.hpp"
#include "unit/features_level/level_test_signals.hpp"

using namespace styledna::core;
using styledna::test::ToneSegment;
using styledna::test::toneSequence;

namespace {

LoudnessBlocks stereoBlocks(const std::vector<float>& x, double rate) {
    const std::array<const float*, 2> ch{x.data(), x.data()};
    const std::array<double, 2> w{1.0, 1.0};
    return computeLoudnessBlocks(ch, w, x.size(), rate);
}

double integrated(const LoudnessBlocks& b) {
    return integratedLoudnessLufs(b, 0, b.size());
}
double lra(const LoudnessBlocks& b) {
    return loudnessRangeLu(b, 0, b.size());
}

constexpr double kTech3341Tol = 0.1; // absolute LU, EBU Tech 3341 table 1
constexpr double kTech3342Tol = 1.0; // absolute LU, EBU Tech 3342 table 1

} // namespace

TEST_CASE("EBU 3341 cases 1 and 2: steady stereo tones", "[dsp][loudness][ebu3341]") {
    const double rate = GENERATE(44100.0, 48000.0);
    for (const double level : {-23.0, -33.0}) {
        // Case 1: -23 dBFS for 20 s -> M, S, I = -23.0; case 2: -33 dBFS -> -33.0.
        const auto b = stereoBlocks(toneSequence({{level, 20.0}}, 1000.0, rate), rate);
        const double i = integrated(b);
        const double m = maxSlidingLoudnessLufs(b, 4, 0, b.size());
        const double s = maxSlidingLoudnessLufs(b, 30, 0, b.size());
        INFO("rate " << rate << " level " << level << " I " << i << " M " << m << " S " << s);
        CHECK(i == Approx(level).margin(kTech3341Tol));
        CHECK(m == Approx(level).margin(kTech3341Tol));
        CHECK(s == Approx(level).margin(kTech3341Tol));
        // Momentary is constant after the filter settles (every window, not only the max).
        const auto series = slidingLoudnessLufs(b, 4, 1, 5, b.size());
        for (double v : series) {
            REQUIRE(v == Approx(level).margin(kTech3341Tol));
        }
    }
}

TEST_CASE("EBU 3341 cases 3-5: gating", "[dsp][loudness][ebu3341]") {
    const double rate = GENERATE(44100.0, 48000.0);
    // Case 3: -36 / -23 / -36 dBFS for 10 / 60 / 10 s -> I = -23.0 (relative gate).
    const auto c3 = stereoBlocks(toneSequence({{-36, 10}, {-23, 60}, {-36, 10}}, 1000, rate), rate);
    // Case 4: -72 / -36 / -23 / -36 / -72 dBFS, 10 / 10 / 60 / 10 / 10 s -> -23.0
    // (absolute and relative gate).
    const auto c4 = stereoBlocks(
        toneSequence({{-72, 10}, {-36, 10}, {-23, 60}, {-36, 10}, {-72, 10}}, 1000, rate), rate);
    // Case 5: -26 / -20 / -26 dBFS for 20 / 20.1 / 20 s -> -23.0.
    const auto c5 =
        stereoBlocks(toneSequence({{-26, 20}, {-20, 20.1}, {-26, 20}}, 1000, rate), rate);
    INFO("rate " << rate << " I3 " << integrated(c3) << " I4 " << integrated(c4) << " I5 "
                 << integrated(c5));
    CHECK(integrated(c3) == Approx(-23.0).margin(kTech3341Tol));
    CHECK(integrated(c4) == Approx(-23.0).margin(kTech3341Tol));
    CHECK(integrated(c5) == Approx(-23.0).margin(kTech3341Tol));
}

TEST_CASE("EBU 3341 case 9: short-term constant at -23", "[dsp][loudness][ebu3341]") {
    const double rate = GENERATE(44100.0, 48000.0);
    // -20 dBFS for 1.34 s then -30 dBFS for 1.66 s, five times: every 3 s window
    // holds one period -> S = -23.0 +-0.1 constant after 3 s.
    std::vector<ToneSegment> seg;
    for (int k = 0; k < 5; ++k) {
        seg.push_back({-20, 1.34});
        seg.push_back({-30, 1.66});
    }
    const auto b = stereoBlocks(toneSequence(seg, 1000, rate), rate);
    const auto s = slidingLoudnessLufs(b, 30, 1, 0, b.size());
    REQUIRE(s.size() >= 100);
    double lo = 0, hi = -200;
    for (double v : s) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    INFO("rate " << rate << " S min " << lo << " max " << hi);
    CHECK(lo >= -23.0 - kTech3341Tol);
    CHECK(hi <= -23.0 + kTech3341Tol);
}

TEST_CASE("EBU 3341 case 12: momentary constant at -23", "[dsp][loudness][ebu3341]") {
    const double rate = GENERATE(44100.0, 48000.0);
    // -20 dBFS for 0.18 s then -30 dBFS for 0.22 s, 25 times -> M = -23.0 +-0.1
    // constant after 1 s.
    std::vector<ToneSegment> seg;
    for (int k = 0; k < 25; ++k) {
        seg.push_back({-20, 0.18});
        seg.push_back({-30, 0.22});
    }
    const auto b = stereoBlocks(toneSequence(seg, 1000, rate), rate);
    const auto m = slidingLoudnessLufs(b, 4, 1, 10, b.size());
    REQUIRE(m.size() >= 80);
    double lo = 0, hi = -200;
    for (double v : m) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    INFO("rate " << rate << " M min " << lo << " max " << hi);
    CHECK(lo >= -23.0 - kTech3341Tol);
    CHECK(hi <= -23.0 + kTech3341Tol);
}

TEST_CASE("EBU 3342 cases 1-4: loudness range", "[dsp][loudness][ebu3342]") {
    const double rate = GENERATE(44100.0, 48000.0);
    struct Case {
        std::vector<ToneSegment> seg;
        double lra;
    };
    const std::vector<Case> cases{
        {{{-20, 20}, {-30, 20}}, 10.0},                                  // case 1
        {{{-20, 20}, {-15, 20}}, 5.0},                                   // case 2
        {{{-40, 20}, {-20, 20}}, 20.0},                                  // case 3
        {{{-50, 20}, {-35, 20}, {-20, 20}, {-35, 20}, {-50, 20}}, 15.0}, // case 4
    };
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const auto b = stereoBlocks(toneSequence(cases[k].seg, 1000, rate), rate);
        const double v = lra(b);
        INFO("rate " << rate << " 3342 case " << k + 1 << " LRA " << v);
        CHECK(v == Approx(cases[k].lra).margin(kTech3342Tol));
    }
}

TEST_CASE("loudness blocks: section ranges are exact sub-ranges", "[dsp][loudness]") {
    const double rate = 44100.0;
    // 10 s at -30 then 10 s at -20: each half measured on its own range.
    const auto b = stereoBlocks(toneSequence({{-30, 10}, {-20, 10}}, 1000, rate), rate);
    const auto [f1, l1] = b.rangeFor(0.0, 10.0);
    const auto [f2, l2] = b.rangeFor(10.0, 20.0);
    CHECK(f1 == 0);
    CHECK(l1 == 100);
    CHECK(f2 == 100);
    CHECK(l2 == 200);
    // 0.05 LU absolute: filter settling at the level step only touches one block.
    CHECK(integratedLoudnessLufs(b, f1, l1) == Approx(-30.0).margin(0.05));
    CHECK(integratedLoudnessLufs(b, f2, l2) == Approx(-20.0).margin(0.05));
    // Out-of-range and inverted ranges are empty.
    CHECK(b.rangeFor(30.0, 40.0).first == b.rangeFor(30.0, 40.0).second);
    CHECK(b.rangeFor(5.0, 4.0).first == b.rangeFor(5.0, 4.0).second);
}

TEST_CASE("loudness blocks: silence, empty, one sample, mono weight", "[dsp][loudness]") {
    const double rate = GENERATE(8000.0, 44100.0, 96000.0);
    std::vector<float> silence(static_cast<std::size_t>(rate * 5), 0.0f);
    const auto b = stereoBlocks(silence, rate);
    CHECK(b.size() == 50);
    CHECK(std::isinf(integrated(b)));
    CHECK(integrated(b) < 0);
    CHECK(lra(b) == 0.0);
    CHECK(std::isinf(maxSlidingLoudnessLufs(b, 4, 0, b.size())));

    const std::vector<float> one{0.5f};
    const auto b1 = stereoBlocks(one, rate);
    CHECK(b1.size() == 0);
    CHECK(std::isinf(integrated(b1)));
    const auto b0 = computeLoudnessBlocks({}, {}, 0, rate);
    CHECK(b0.size() == 0);

    // One channel with weight 2 (dual mono) equals the same signal on two channels.
    const auto x = toneSequence({{-23, 5}}, 1000, rate);
    const std::array<const float*, 1> ch{x.data()};
    const std::array<double, 1> w{2.0};
    const auto mono = computeLoudnessBlocks(ch, w, x.size(), rate);
    CHECK(integrated(mono) == Approx(integrated(stereoBlocks(x, rate))).margin(1e-9));
    if (rate >= 44100.0) {
        CHECK(integrated(mono) == Approx(-23.0).margin(kTech3341Tol));
    }
}
