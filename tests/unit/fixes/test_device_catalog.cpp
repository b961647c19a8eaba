// Device catalog: curve round trips and the known points of ABLETON.md,
// value_string formatting and parsing, parameter names across Live 11 / 12.
// Tolerances: 1e-9 on closed-form round trips (double arithmetic); 5e-4 raw
// on ABLETON.md's published points (printed with 3-4 digits there).
#include <catch2/catch.hpp>

#include <cmath>

#include "core/fixes/device_catalog.hpp"
#include "unit/fixes/test_live_sets.hpp"

using namespace styledna;
using namespace styledna::fixes;

TEST_CASE("curves: known points and round trips", "[fixes][curves]") {
    CHECK(toRaw(Curve::kEqFrequency, 200) == Approx(0.389).margin(5e-4));
    CHECK(toRaw(Curve::kEqFrequency, 1000) == Approx(0.598).margin(5e-4));
    CHECK(toRaw(Curve::kEqFrequency, 5000) == Approx(0.808).margin(6e-4)); // 0.8075, printed 0.808
    CHECK(toRaw(Curve::kUtilityBassFreq, 120) == Approx(0.3802).margin(5e-4));
    CHECK(toUnit(Curve::kCompThreshold, 0.85) == Approx(0.0).margin(1e-9));
    CHECK(toUnit(Curve::kCompThreshold, 0.3) == Approx(-24.2).margin(1e-9));
    CHECK(std::isinf(toUnit(Curve::kCompThreshold, 0.0)));
    CHECK(toUnit(Curve::kCompRatio, 0.75) == Approx(4.0));
    CHECK(toUnit(Curve::kCompAttack, 0.4) == Approx(1.0));
    CHECK(toUnit(Curve::kCompRelease, 0.515) == Approx(495.0));
    CHECK(toUnit(Curve::kGlueRatio, 1) == 4.0);
    CHECK(toUnit(Curve::kUtilityWidth, 1.0) == Approx(100.0));
    for (Curve c :
         {Curve::kEqFrequency, Curve::kEqQ, Curve::kUtilityBassFreq, Curve::kUtilityWidth,
          Curve::kUtilityGain, Curve::kCompThreshold, Curve::kCompRatio, Curve::kCompAttack,
          Curve::kCompRelease, Curve::kSaturatorDrive, Curve::kAutoFilterFrequency}) {
        for (double raw : {0.05, 0.25, 0.5, 0.75, 0.95}) {
            CHECK(toRaw(c, toUnit(c, raw)) == Approx(raw).margin(1e-9));
        }
    }
    CHECK(toRaw(Curve::kAutoFilterLegacyFrequency, toUnit(Curve::kAutoFilterLegacyFrequency, 90)) ==
          Approx(90));
}

TEST_CASE("value strings: Live's format and parsing back", "[fixes][curves]") {
    CHECK(formatUnit(Curve::kEqFrequency, 30) == "30.0 Hz");
    CHECK(formatUnit(Curve::kEqFrequency, 200) == "200 Hz");
    CHECK(formatUnit(Curve::kEqFrequency, 1010) == "1.01 kHz");
    CHECK(formatUnit(Curve::kEqFrequency, 2500) == "2.50 kHz");
    CHECK(formatUnit(Curve::kEqFrequency, 12000) == "12.0 kHz");
    CHECK(formatUnit(Curve::kLinear, -3.5) == "-3.50 dB");
    CHECK(formatUnit(Curve::kLinear, -14.2) == "-14.2 dB");
    CHECK(formatUnit(Curve::kCompThreshold, -INFINITY) == "-inf dB");
    CHECK(formatUnit(Curve::kCompRatio, 4) == "4.00 : 1");
    CHECK(formatUnit(Curve::kUtilityWidth, 100) == "100 %");
    CHECK(formatUnit(Curve::kCompAttack, 10) == "10.0 ms");
    CHECK(formatUnit(Curve::kEqFilterType, 3) == "Bell");
    CHECK(formatUnit(Curve::kSwitch, 1) == "On");
    CHECK(*parseValueString("1.01 kHz") == Approx(1010));
    CHECK(*parseValueString("-3.5 dB") == Approx(-3.5));
    CHECK(std::isinf(*parseValueString("-inf dB")));
    CHECK(*parseValueString("100 %") == Approx(100));
    CHECK(*parseValueString("4.00 : 1") == Approx(4));
    CHECK(*parseValueString("1.20 s") == Approx(1200));
    CHECK(*parseValueString("0.71") == Approx(0.71));
    CHECK(*parseValueString("High Shelf") == 5);
    CHECK(*parseValueString("Off") == 0);
    CHECK_FALSE(parseValueString("loud").has_value());
    CHECK_FALSE(parseValueString("3 parsecs").has_value());
    // Every formatted value parses back within its display precision (3 digits).
    for (double hz : {31.7, 245.0, 1234.0, 15678.0}) {
        CHECK(*parseValueString(formatUnit(Curve::kEqFrequency, hz)) == Approx(hz).epsilon(0.005));
    }
}

TEST_CASE("parameters resolve by name in Live 12 and Live 11 sets", "[fixes][catalog]") {
    for (bool live11 : {false, true}) {
        const auto set = test::trancePlanSet(true, live11);
        const auto& bass = set.tracks[1];
        const auto* eq = findDevice(bass, DeviceKind::kEqEight);
        REQUIRE(eq != nullptr);
        const auto* q = findParameter(*eq, Param::kEqBandQ, 3);
        REQUIRE(q != nullptr);
        CHECK(q->name == (live11 ? "3 Resonance A" : "3 Q A"));
        CHECK(q->index == 4 + 2 * 10 + 4);
        REQUIRE(findParameter(*eq, Param::kEqOutput) != nullptr);
        const auto* u = findDevice(bass, DeviceKind::kUtility);
        REQUIRE(u != nullptr);
        const auto* gain = findParameter(*u, Param::kUtilityGain);
        REQUIRE(gain != nullptr);
        CHECK(gain->name == (live11 ? "Gain" : "Output"));
        CHECK(findDevice(bass, DeviceKind::kLimiter) == nullptr);
    }
}

TEST_CASE("read-back check of the curve model against Live's value_string", "[fixes][catalog]") {
    using fixes::curveReadBackNote;
    // Agreement within Live's display rounding.
    CHECK(curveReadBackNote("Hz", 2500.0, "2.50 kHz").empty());
    CHECK(curveReadBackNote("Hz", 1006.0, "1.01 kHz").empty());
    CHECK(curveReadBackNote("dB", -3.5, "-3.50 dB").empty());
    CHECK(curveReadBackNote("%", 136.0, "136 %").empty());
    // A model 5 % off in frequency and 0.5 dB off in gain is named.
    const std::string hz = curveReadBackNote("Hz", 2500.0, "2.63 kHz");
    CHECK_THAT(hz, Catch::Matchers::Contains("2.63 kHz"));
    CHECK_THAT(hz, Catch::Matchers::Contains("+5.2 %"));
    CHECK_THAT(curveReadBackNote("dB", -3.0, "-3.50 dB"), Catch::Matchers::Contains("-0.50 dB"));
    // Nothing to check: raw/enum units, no text, text that is not a value.
    CHECK(curveReadBackNote("", 0.5, "0.71").empty());
    CHECK(curveReadBackNote("Hz", 2500.0, "").empty());
    CHECK(curveReadBackNote("Hz", 2500.0, "n/a").empty());
}
