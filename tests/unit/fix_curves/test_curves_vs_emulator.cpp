// The curve model of core/fixes (device_catalog) against the AbletonOSC
// emulator's independent implementation of ABLETON.md's curves
// (tests/fake_live/value_curves): every raw value of a 201-step sweep is
// printed by the emulator as Live's value_string, parsed back with
// parseValueString, and compared with toUnit(raw). Error: relative for Hz, ms
// and ratios, absolute (dB) for levels. Both print three significant digits,
// so the floor is the display rounding: 0.5 % relative (0.05 / 10.0), 0.005 dB
// below 10 dB and 0.05 dB above, 0.005 for Q (two decimals). Prints the
// table; asserts the curves the two implementations share within 1 % / 0.06
// (display rounding plus margin).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>

#include "core/fixes/device_catalog.hpp"
#include "fake_live/value_curves.hpp"

using namespace styledna;
using fixes::Curve;

namespace {

struct Row {
    const char* class_name;
    const char* parameter;
    Curve curve;
    double min, max;
    bool relative;
};

} // namespace

TEST_CASE("curve model agrees with the emulator's value_strings", "[fixes][curves]") {
    const Row rows[] = {
        {"Eq8", "2 Frequency A", Curve::kEqFrequency, 0, 1, true},
        {"Eq8", "2 Q A", Curve::kEqQ, 0, 1, false}, // printed "0.71": 0.005 absolute
        {"Eq8", "2 Gain A", Curve::kLinear, -15, 15, false},
        {"Eq8", "Output", Curve::kLinear, -12, 12, false},
        {"StereoGain", "Bass Freq", Curve::kUtilityBassFreq, 0, 1, true},
        {"StereoGain", "Output", Curve::kUtilityGain, -0.99, 1, false},
        {"StereoGain", "Stereo Width", Curve::kUtilityWidth, 0.01, 2, true},
        {"Compressor2", "Threshold", Curve::kCompThreshold, 0.01, 1, false},
        {"Compressor2", "Ratio", Curve::kCompRatio, 0, 0.99, true},
        {"Compressor2", "Attack", Curve::kCompAttack, 0, 1, true},
        {"Compressor2", "Release", Curve::kCompRelease, 0, 1, true},
        {"AutoFilter2", "Frequency", Curve::kAutoFilterFrequency, 0, 1, true},
        {"Saturator", "Drive", Curve::kSaturatorDrive, 0, 1, false},
    };
    std::printf("%-12s %-14s %-7s %12s %10s %s\n", "device", "parameter", "agreed", "max error",
                "at raw", "(emulator text / model)");
    for (const auto& r : rows) {
        double worst = 0, worst_raw = 0;
        std::string worst_text;
        int parsed = 0;
        for (int i = 0; i <= 200; ++i) {
            const double raw = r.min + (r.max - r.min) * i / 200.0;
            const std::string text =
                fake_live::valueString(r.class_name, r.parameter, raw, r.min, r.max, false);
            const auto unit = fixes::parseValueString(text);
            const double model = fixes::toUnit(r.curve, raw);
            if (!unit || std::isinf(*unit) || std::isinf(model)) {
                continue;
            }
            ++parsed;
            const double err = r.relative ? std::abs(model / *unit - 1.0) : std::abs(model - *unit);
            if (err > worst) {
                worst = err;
                worst_raw = raw;
                worst_text = text + " / " + fixes::formatUnit(r.curve, model);
            }
        }
        std::printf("%-12s %-14s %-7s %11.4f%s %10.3f %s (%d parsed)\n", r.class_name, r.parameter,
                    fixes::curveAgreed(r.curve) ? "yes" : "no", r.relative ? worst * 100 : worst,
                    r.relative               ? "%"
                    : r.curve == Curve::kEqQ ? "  "
                                             : "dB",
                    worst_raw, worst_text.c_str(), parsed);
        CHECK(parsed > 150);
        // Printed, not asserted: threshold below 0.2 (the two implementations
        // extend the table differently: log here, linear there), release
        // between table points (log-ms here, linear there) and attack below
        // 1 ms (printed with two decimals): the curves ABLETON.md leaves open.
        if (r.curve != Curve::kCompRelease && r.curve != Curve::kCompThreshold &&
            r.curve != Curve::kCompAttack) {
            CHECK(worst <= (r.relative ? 0.01 : 0.06));
        }
    }
}
