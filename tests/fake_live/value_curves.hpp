#pragma once
// The emulator's stand-in for Live's parameter display: raw value -> the text
// `/live/device/get/parameter/value_string` returns ("1.00 kHz", "-inf dB",
// "4.00 : 1", "Bell"). Written from the curves in ../shared/ABLETON.md ("Raw
// value <-> unit curves"); it models Live, it is not Live, and it is kept apart
// from the client's own curve model (core/fixes) on purpose so a test that
// passes through both compares two independent implementations.
//
// Number formatting follows Live's three significant digits: "30.0 Hz",
// "200 Hz", "1.01 kHz", "0.00 dB", "-34.4 dB", "10.0 ms". A parameter without a
// known curve prints its raw value with two decimals ("0.71"); quantized
// parameters print their item ("On", "Bell", "RMS") or the integer step.
// Threads: pure functions.

#include <string>
#include <string_view>

namespace styledna::fake_live {

// Curves (raw -> unit). Inputs outside the raw range are clamped.
double eq8FrequencyHz(double raw);         // 10 * 2200^x
double eq8Q(double raw);                   // 0.1 * 180^x
double utilityBassFreqHz(double raw);      // 50 * 10^x
double utilityGainDb(double raw);          // 35 * x over -1..1 (-1 = -inf)
double compressorThresholdDb(double raw);  // -inf at 0; 40x - 34 from 0.4 up
double compressorRatio(double raw);        // 1 / (1 - x), inf at 1
double compressorAttackMs(double raw);     // 0.01 * 10^(5x)
double compressorReleaseMs(double raw);    // table, linear between points
double autoFilter2FrequencyHz(double raw); // 20 * 1000^x
double saturatorDriveDb(double raw);       // 72x - 36

// "30.0", "200", "1.01": three significant digits as Live prints them.
std::string threeDigits(double v);
std::string formatHz(double hz); // "30.0 Hz", "1.00 kHz"
std::string formatDb(double db); // "0.00 dB", "-inf dB"

// The display string of a parameter's raw value.
std::string valueString(std::string_view class_name, std::string_view parameter_name, double value,
                        double min, double max, bool is_quantized);

} // namespace styledna::fake_live
