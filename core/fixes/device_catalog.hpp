#pragma once
// Device catalog: the stock Live devices the mapper writes to, their class
// names, the candidate names of each parameter across Live 11 and 12 builds,
// and the raw <-> unit curve of each parameter with Live-style display text.
//
// Raw values are Live's (the parameter's own [min, max], see
// ../shared/ABLETON.md); unit values are Hz, dB, %, ms, ":1" ratio or the raw
// value itself. Curves and their sources (error = the largest difference of
// the model from the values its source lists):
//   agreed by independent sources (parameter sweeps read back by two or more
//   projects):
//     kEqFrequency   Hz = 10 * 2200^x, x in [0, 1] (10 Hz - 22 kHz); exact at the
//                    listed points (200 Hz <-> 0.389, 1 kHz <-> 0.598).
//     kLinear        EQ Eight gain / output, Compressor and Glue output: raw = dB.
//     enums          EQ Eight filter types 0..7, switches 0/1.
//   one source or derived (check by read-back before trusting):
//     kEqQ           Q = 0.1 * 180^x (0.1 - 18).
//     kUtilityBassFreq Hz = 50 * 10^x (50 - 500 Hz; 120 Hz <-> 0.3802, the default).
//     kUtilityWidth  raw 0..1 -> 0..100 % (1 = 100 % agreed), 1..2 -> 100..400 %
//                    piecewise linear (ABLETON.md: a 0-400 % display, curve unknown;
//                    "0..2 = 0..200 %" is the other reading: read back before trusting).
//     kUtilityGain   dB = 35 * raw (raw -1..1; -1 reads -inf in Live): a guess
//                    from the +-35 dB span, the mapper prefers dB-linear outputs.
//     kCompThreshold 0 = -inf; x >= 0.4: dB = 40 x - 34; 0.2..0.4 piecewise
//                    linear through (0.2, -34.4) (0.3, -24.2) (0.4, -18); below
//                    0.2: -34.4 + 25.16 ln(x / 0.2) (log extension of the first
//                    segment's slope, unverified).
//     kCompRatio     ratio = 1 / (1 - x) (x = 1: inf).
//     kCompAttack    ms = 0.01 * 10^(5x) (0.01 - 1000 ms).
//     kCompRelease   table (0 -> 1, 0.2 -> 50, 0.32 -> 148, 0.515 -> 495,
//                    0.67 -> 998, 0.865 -> 2010, 1 -> 3000 ms), log-ms interpolation:
//                    exact at the points, unknown between them.
//     kGlueAttack    steps 0..6 = 0.01, 0.1, 0.3, 1, 3, 10, 30 ms.
//     kGlueRatio     steps 0..2 = 2, 4, 10.
//     kGlueRelease   steps 0..6 = 100, 200, 400, 600, 800, 1200 ms, auto (-1): from
//                    Live's manual, not from a sweep.
//     kSaturatorDrive dB = -36 + 72 x.
//     kAutoFilterFrequency Hz = 20 * 1000^x (AutoFilter2, log 20 Hz - 20 kHz).
//     kAutoFilterLegacyFrequency Hz = 440 * 2^((raw - 69) / 12) (raw 20..135 read as
//                    a MIDI note: 26 Hz - 19.9 kHz; derived, unverified).
//     kUnknown       Limiter gains: no model; the mapper never writes them.
// Threads: immutable tables and pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/live/live_set.hpp"

namespace styledna::fixes {

enum class DeviceKind {
    kEqEight,
    kUtility,
    kCompressor,
    kGlueCompressor,
    kAutoFilter,       // AutoFilter2 (Live 12)
    kAutoFilterLegacy, // AutoFilter
    kSaturator,
    kLimiter,
};

enum class Curve {
    kLinear, // unit value = raw value (dB-linear outputs, gains)
    kSwitch, // 0 / 1: "Off" / "On"
    kEqFilterType,
    kEqFrequency,
    kEqQ,
    kUtilityBassFreq,
    kUtilityWidth,
    kUtilityGain,
    kCompThreshold,
    kCompRatio,
    kCompAttack,
    kCompRelease,
    kGlueAttack,
    kGlueRatio,
    kGlueRelease,
    kSaturatorDrive,
    kAutoFilterFrequency,
    kAutoFilterLegacyFrequency,
    kUnknown,
};

// Parameters the mapper writes. EQ band parameters take a band 1..8.
enum class Param {
    kEqOutput,
    kEqBandOn,
    kEqBandType,
    kEqBandFrequency,
    kEqBandGain,
    kEqBandQ,
    kUtilityWidth,
    kUtilityBassMono,
    kUtilityBassFreq,
    kUtilityGain,
    kCompThreshold,
    kCompRatio,
    kCompAttack,
    kCompRelease,
    kCompOutput,
    kCompSidechainOn,
    kGlueThreshold,
    kGlueRatio,
    kGlueAttack,
    kGlueRelease,
    kGlueOutput,
    kAutoFilterFrequency,
    kAutoFilterLegacyFrequency,
    kSaturatorDrive,
    kSaturatorOutput,
    kLimiterGain,
    kLimiterCeiling,
};

// EQ Eight filter types (raw values of "n Filter Type A").
enum class EqFilterType {
    kLowCut48 = 0,
    kLowCut12 = 1,
    kLowShelf = 2,
    kBell = 3,
    kNotch = 4,
    kHighShelf = 5,
    kHighCut12 = 6,
    kHighCut48 = 7
};
inline constexpr int kEqBands = 8;

struct DeviceInfo {
    DeviceKind kind;
    const char* display_name;         // "EQ Eight"
    std::vector<std::string> classes; // class_name values, first = Live 12's
};
const DeviceInfo& deviceInfo(DeviceKind kind);

struct ParameterModel {
    std::vector<std::string> names; // candidates, Live 12 name first
    Curve curve = Curve::kLinear;
    std::string unit; // "Hz", "dB", "%", "ms", ":1", "" (raw / enum)
};
// band: 1..8 for kEqBand*, ignored otherwise.
ParameterModel parameterModel(Param param, int band = 0);
DeviceKind deviceOf(Param param);

// First device of that kind on the track (any of its class names); nullptr when absent.
const live::LiveDevice* findDevice(const live::LiveTrack& track, DeviceKind kind);
// The parameter by its candidate names; nullptr when the device lacks it.
const live::LiveParameter* findParameter(const live::LiveDevice& device, Param param, int band = 0);

// Curves. toUnit(curve, raw) in the curve's unit; toRaw the inverse (clamped
// to the curve's domain; the caller clamps to the parameter's [min, max]).
// Stepped curves round to the nearest step. kUnknown: identity.
double toUnit(Curve curve, double raw);
double toRaw(Curve curve, double unit_value);
bool curveAgreed(Curve curve); // true: agreed by independent sources

// Display text as Live's value_string prints it: "30.0 Hz", "200 Hz", "1.01 kHz",
// "2.50 kHz", "-3.50 dB", "-inf dB", "100 %", "4.00 : 1", "10.0 ms", "0.71",
// "Bell", "On".
std::string formatUnit(Curve curve, double unit_value);
inline std::string formatRaw(Curve curve, double raw) {
    return formatUnit(curve, toUnit(curve, raw));
}

// Parses a value_string back to a unit value: "1.01 kHz" -> 1010 (Hz),
// "-3.5 dB" -> -3.5, "-inf dB" -> -inf, "100 %" -> 100, "4.00 : 1" -> 4,
// "10.0 ms" -> 10, "1.20 s" -> 1200 (ms), "0.71" -> 0.71, "On"/"Off" -> 1/0,
// EQ type names -> their raw value. nullopt when it is not one of these forms.
std::optional<double> parseValueString(std::string_view text);

// The curve model checked against Live: "" when the value_string Live printed
// after a set agrees with the unit value the model predicted for that raw
// value, else a note naming both ("Live shows 2.61 kHz where the curve model
// predicts 2.50 kHz (+4.4 %)"). Agreement: within 0.3 dB for "dB", within 3 %
// for Hz, ms, % and ratios (Live prints 3 significant digits: ~0.5 %), exact
// for enums and unitless raw values (not checked). Unparseable text: "".
std::string curveReadBackNote(const std::string& unit, double expected_unit_value,
                              std::string_view value_string);

} // namespace styledna::fixes
