#include <cmath>

#include <catch2/catch.hpp>

#include "fake_live/value_curves.hpp"

using namespace styledna::fake_live;

TEST_CASE("fake-live curves reproduce ABLETON.md's anchor points", "[live][fake_live][curves]") {
    // Relative 5e-3: ABLETON.md prints the raw anchors with 3 digits (0.808 is
    // 5.02 kHz: 1e-3 of raw is 0.8 % of Hz on this curve).
    CHECK(eq8FrequencyHz(0.389) == Approx(200.0).epsilon(5e-3));
    CHECK(eq8FrequencyHz(0.808) == Approx(5000.0).epsilon(5e-3));
    CHECK(eq8FrequencyHz(0.0) == Approx(10.0));
    CHECK(eq8FrequencyHz(1.0) == Approx(22000.0));
    CHECK(utilityBassFreqHz(0.3802) == Approx(120.0).epsilon(1e-3));
    CHECK(compressorThresholdDb(0.85) == Approx(0.0).margin(1e-9));
    CHECK(compressorThresholdDb(0.3) == Approx(-24.2));
    CHECK(compressorThresholdDb(0.2) == Approx(-34.4));
    CHECK(std::isinf(compressorThresholdDb(0.0)));
    CHECK(compressorRatio(0.75) == Approx(4.0));
    CHECK(compressorAttackMs(0.2) == Approx(0.1));
    CHECK(compressorReleaseMs(0.67) == Approx(998.0));
}

TEST_CASE("fake-live value strings look like Live's", "[live][fake_live][curves]") {
    const double one_khz = std::log(100.0) / std::log(2200.0); // ~0.598
    CHECK(valueString("Eq8", "3 Frequency A", one_khz, 0, 1, false) == "1.00 kHz");
    CHECK(valueString("Eq8", "1 Frequency A", std::log(3.0) / std::log(2200.0), 0, 1, false) ==
          "30.0 Hz");
    CHECK(valueString("Eq8", "2 Frequency B", std::log(20.0) / std::log(2200.0), 0, 1, false) ==
          "200 Hz");
    CHECK(valueString("Eq8", "3 Frequency A", std::log(101.0) / std::log(2200.0), 0, 1, false) ==
          "1.01 kHz");
    CHECK(valueString("Eq8", "3 Gain A", 0.0, -15, 15, false) == "0.00 dB");
    CHECK(valueString("Eq8", "3 Gain A", -2.5, -15, 15, false) == "-2.50 dB");
    CHECK(valueString("Eq8", "3 Q A", std::log(7.1) / std::log(180.0), 0, 1, false) == "0.71");
    CHECK(valueString("Eq8", "3 Resonance A", std::log(7.1) / std::log(180.0), 0, 1, false) ==
          "0.71");
    CHECK(valueString("Eq8", "1 Filter Type A", 3, 0, 7, true) == "Bell");
    CHECK(valueString("Eq8", "Device On", 1, 0, 1, true) == "On");
    CHECK(valueString("Compressor2", "Ratio", 0.75, 0, 1, false) == "4.00 : 1");
    CHECK(valueString("Compressor2", "Ratio", 1.0, 0, 1, false) == "inf : 1");
    CHECK(valueString("Compressor2", "Threshold", 0.0, 0, 1, false) == "-inf dB");
    CHECK(valueString("Compressor2", "Threshold", 0.4, 0, 1, false) == "-18.0 dB");
    CHECK(valueString("Compressor2", "Attack", 0.6, 0, 1, false) == "10.0 ms");
    CHECK(valueString("Compressor2", "Model", 1, 0, 2, true) == "RMS");
    CHECK(valueString("StereoGain", "Stereo Width", 1.0, 0, 2, false) == "100 %");
    CHECK(valueString("StereoGain", "Output", 0.0, -1, 1, false) == "0.00 dB");
    CHECK(valueString("StereoGain", "Gain", -1.0, -1, 1, false) == "-inf dB");
    CHECK(valueString("StereoGain", "Balance", 0.0, -1, 1, false) == "C");
    CHECK(valueString("Limiter", "Ceiling", 0.71, 0, 1, false) == "0.71"); // no known curve
    CHECK(valueString("Saturator", "Dry/Wet", 1.0, 0, 1, false) == "100 %");
    CHECK(valueString("Saturator", "Dry/Wet", 0.5, 0, 1, false) == "50 %");
    CHECK(valueString("AutoFilter2", "Resonance", 0.0, 0, 1, false) == "0.0 %");
    CHECK(valueString("GlueCompressor", "Ratio", 1, 0, 2, false) == "4");
}
