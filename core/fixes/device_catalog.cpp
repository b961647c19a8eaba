#include "core/fixes/device_catalog.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

namespace styledna::fixes {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

const std::array<const char*, 8> kEqTypeNames{"Low Cut 48",  "Low Cut 12", "Low Shelf",
                                              "Bell",        "Notch",      "High Shelf",
                                              "High Cut 12", "High Cut 48"};

struct Point {
    double raw, unit;
};
// Compressor release (ms) and threshold (dB) tables from ABLETON.md.
constexpr std::array kReleaseTable{Point{0.0, 1.0},     Point{0.2, 50.0},   Point{0.32, 148.0},
                                   Point{0.515, 495.0}, Point{0.67, 998.0}, Point{0.865, 2010.0},
                                   Point{1.0, 3000.0}};
constexpr std::array kThresholdTable{Point{0.2, -34.4}, Point{0.3, -24.2}, Point{0.4, -18.0}};
constexpr double kThresholdLogSlope = 25.16; // dB per ln unit below 0.2 (first segment's)
constexpr std::array kGlueAttackMs{0.01, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0};
constexpr std::array kGlueRatios{2.0, 4.0, 10.0};
constexpr std::array kGlueReleaseMs{100.0, 200.0, 400.0, 600.0, 800.0, 1200.0, -1.0};

template <size_t N> double interpolate(const std::array<Point, N>& t, double raw, bool log_unit) {
    raw = std::clamp(raw, t.front().raw, t.back().raw);
    for (size_t i = 1; i < N; ++i) {
        if (raw <= t[i].raw) {
            const double f = (raw - t[i - 1].raw) / (t[i].raw - t[i - 1].raw);
            if (log_unit) {
                return std::exp(std::log(t[i - 1].unit) +
                                f * (std::log(t[i].unit) - std::log(t[i - 1].unit)));
            }
            return t[i - 1].unit + f * (t[i].unit - t[i - 1].unit);
        }
    }
    return t.back().unit;
}

template <size_t N> double invert(const std::array<Point, N>& t, double unit, bool log_unit) {
    unit = std::clamp(unit, t.front().unit, t.back().unit);
    for (size_t i = 1; i < N; ++i) {
        if (unit <= t[i].unit) {
            const double f = log_unit ? (std::log(unit) - std::log(t[i - 1].unit)) /
                                            (std::log(t[i].unit) - std::log(t[i - 1].unit))
                                      : (unit - t[i - 1].unit) / (t[i].unit - t[i - 1].unit);
            return t[i - 1].raw + f * (t[i].raw - t[i - 1].raw);
        }
    }
    return t.back().raw;
}

template <size_t N> double stepValue(const std::array<double, N>& steps, double raw) {
    const auto i = static_cast<size_t>(std::clamp(std::lround(raw), 0L, long(N) - 1));
    return steps[i];
}

template <size_t N> double nearestStep(const std::array<double, N>& steps, double unit) {
    size_t best = 0;
    for (size_t i = 1; i < N; ++i) {
        if (std::abs(steps[i] - unit) < std::abs(steps[best] - unit)) {
            best = i;
        }
    }
    return static_cast<double>(best);
}

std::string bandName(int band, const char* field) {
    std::string out = std::to_string(band);
    out.append(" ").append(field);
    return out;
}

std::string printf1(const char* format, double value) {
    char buf[48];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

const DeviceInfo& deviceInfo(DeviceKind kind) {
    static const std::array<DeviceInfo, 8> kDevices{
        DeviceInfo{DeviceKind::kEqEight, "EQ Eight", {"Eq8"}},
        DeviceInfo{DeviceKind::kUtility, "Utility", {"StereoGain"}},
        DeviceInfo{DeviceKind::kCompressor, "Compressor", {"Compressor2"}},
        DeviceInfo{DeviceKind::kGlueCompressor, "Glue Compressor", {"GlueCompressor"}},
        DeviceInfo{DeviceKind::kAutoFilter, "Auto Filter", {"AutoFilter2"}},
        DeviceInfo{DeviceKind::kAutoFilterLegacy, "Auto Filter (legacy)", {"AutoFilter"}},
        DeviceInfo{DeviceKind::kSaturator, "Saturator", {"Saturator"}},
        DeviceInfo{DeviceKind::kLimiter, "Limiter", {"Limiter"}},
    };
    return kDevices[static_cast<size_t>(kind)];
}

DeviceKind deviceOf(Param param) {
    switch (param) {
    case Param::kEqOutput:
    case Param::kEqBandOn:
    case Param::kEqBandType:
    case Param::kEqBandFrequency:
    case Param::kEqBandGain:
    case Param::kEqBandQ:
        return DeviceKind::kEqEight;
    case Param::kUtilityWidth:
    case Param::kUtilityBassMono:
    case Param::kUtilityBassFreq:
    case Param::kUtilityGain:
        return DeviceKind::kUtility;
    case Param::kCompThreshold:
    case Param::kCompRatio:
    case Param::kCompAttack:
    case Param::kCompRelease:
    case Param::kCompOutput:
    case Param::kCompSidechainOn:
        return DeviceKind::kCompressor;
    case Param::kGlueThreshold:
    case Param::kGlueRatio:
    case Param::kGlueAttack:
    case Param::kGlueRelease:
    case Param::kGlueOutput:
        return DeviceKind::kGlueCompressor;
    case Param::kAutoFilterFrequency:
        return DeviceKind::kAutoFilter;
    case Param::kAutoFilterLegacyFrequency:
        return DeviceKind::kAutoFilterLegacy;
    case Param::kSaturatorDrive:
    case Param::kSaturatorOutput:
        return DeviceKind::kSaturator;
    case Param::kLimiterGain:
    case Param::kLimiterCeiling:
        return DeviceKind::kLimiter;
    }
    return DeviceKind::kEqEight;
}

ParameterModel parameterModel(Param param, int band) {
    switch (param) {
    case Param::kEqOutput:
        return {{"Output", "Output Gain"}, Curve::kLinear, "dB"};
    case Param::kEqBandOn:
        return {{bandName(band, "Filter On A")}, Curve::kSwitch, ""};
    case Param::kEqBandType:
        return {{bandName(band, "Filter Type A")}, Curve::kEqFilterType, ""};
    case Param::kEqBandFrequency:
        return {{bandName(band, "Frequency A")}, Curve::kEqFrequency, "Hz"};
    case Param::kEqBandGain:
        return {{bandName(band, "Gain A")}, Curve::kLinear, "dB"};
    case Param::kEqBandQ:
        return {{bandName(band, "Q A"), bandName(band, "Resonance A")}, Curve::kEqQ, ""};
    case Param::kUtilityWidth:
        return {{"Stereo Width", "Width"}, Curve::kUtilityWidth, "%"};
    case Param::kUtilityBassMono:
        return {{"Bass Mono"}, Curve::kSwitch, ""};
    case Param::kUtilityBassFreq:
        return {{"Bass Freq", "Bass Mono Frequency"}, Curve::kUtilityBassFreq, "Hz"};
    case Param::kUtilityGain:
        return {{"Output", "Gain"}, Curve::kUtilityGain, "dB"};
    case Param::kCompThreshold:
        return {{"Threshold"}, Curve::kCompThreshold, "dB"};
    case Param::kCompRatio:
        return {{"Ratio"}, Curve::kCompRatio, ":1"};
    case Param::kCompAttack:
        return {{"Attack"}, Curve::kCompAttack, "ms"};
    case Param::kCompRelease:
        return {{"Release"}, Curve::kCompRelease, "ms"};
    case Param::kCompOutput:
        return {{"Output", "Output Gain"}, Curve::kLinear, "dB"};
    case Param::kCompSidechainOn:
        return {{"S/C On", "Sidechain On"}, Curve::kSwitch, ""};
    case Param::kGlueThreshold:
        return {{"Threshold"}, Curve::kLinear, "dB"};
    case Param::kGlueRatio:
        return {{"Ratio"}, Curve::kGlueRatio, ":1"};
    case Param::kGlueAttack:
        return {{"Attack"}, Curve::kGlueAttack, "ms"};
    case Param::kGlueRelease:
        return {{"Release"}, Curve::kGlueRelease, "ms"};
    case Param::kGlueOutput:
        return {{"Makeup", "Output"}, Curve::kLinear, "dB"};
    case Param::kAutoFilterFrequency:
        return {{"Frequency"}, Curve::kAutoFilterFrequency, "Hz"};
    case Param::kAutoFilterLegacyFrequency:
        return {{"Frequency"}, Curve::kAutoFilterLegacyFrequency, "Hz"};
    case Param::kSaturatorDrive:
        return {{"Drive"}, Curve::kSaturatorDrive, "dB"};
    case Param::kSaturatorOutput:
        return {{"Output"}, Curve::kLinear, "dB"};
    case Param::kLimiterGain:
        return {{"Input Gain", "Gain"}, Curve::kUnknown, ""};
    case Param::kLimiterCeiling:
        return {{"Ceiling"}, Curve::kUnknown, ""};
    }
    return {};
}

const live::LiveDevice* findDevice(const live::LiveTrack& track, DeviceKind kind) {
    for (const auto& cls : deviceInfo(kind).classes) {
        if (const auto* d = live::findDeviceByClass(track, cls)) {
            return d;
        }
    }
    return nullptr;
}

const live::LiveParameter* findParameter(const live::LiveDevice& device, Param param, int band) {
    const ParameterModel model = parameterModel(param, band);
    std::vector<std::string_view> names(model.names.begin(), model.names.end());
    return live::findParameter(device, names);
}

double toUnit(Curve curve, double raw) {
    switch (curve) {
    case Curve::kEqFrequency:
        return 10.0 * std::pow(2200.0, raw);
    case Curve::kEqQ:
        return 0.1 * std::pow(180.0, raw);
    case Curve::kUtilityBassFreq:
        return 50.0 * std::pow(10.0, raw);
    case Curve::kUtilityWidth:
        return raw <= 1.0 ? 100.0 * raw : 100.0 + 300.0 * (raw - 1.0);
    case Curve::kUtilityGain:
        return raw <= -1.0 ? -kInf : 35.0 * raw;
    case Curve::kCompThreshold:
        if (raw <= 0.0) {
            return -kInf;
        }
        if (raw >= 0.4) {
            return 40.0 * raw - 34.0;
        }
        if (raw >= 0.2) {
            return interpolate(kThresholdTable, raw, false);
        }
        return kThresholdTable.front().unit + kThresholdLogSlope * std::log(raw / 0.2);
    case Curve::kCompRatio:
        return raw >= 1.0 ? kInf : 1.0 / (1.0 - raw);
    case Curve::kCompAttack:
        return 0.01 * std::pow(10.0, 5.0 * raw);
    case Curve::kCompRelease:
        return interpolate(kReleaseTable, raw, true);
    case Curve::kGlueAttack:
        return stepValue(kGlueAttackMs, raw);
    case Curve::kGlueRatio:
        return stepValue(kGlueRatios, raw);
    case Curve::kGlueRelease:
        return stepValue(kGlueReleaseMs, raw);
    case Curve::kSaturatorDrive:
        return -36.0 + 72.0 * raw;
    case Curve::kAutoFilterFrequency:
        return 20.0 * std::pow(1000.0, raw);
    case Curve::kAutoFilterLegacyFrequency:
        return 440.0 * std::pow(2.0, (raw - 69.0) / 12.0);
    case Curve::kSwitch:
    case Curve::kEqFilterType:
        return std::round(raw);
    case Curve::kLinear:
    case Curve::kUnknown:
        return raw;
    }
    return raw;
}

double toRaw(Curve curve, double unit) {
    switch (curve) {
    case Curve::kEqFrequency:
        return std::clamp(std::log(std::max(unit, 1e-9) / 10.0) / std::log(2200.0), 0.0, 1.0);
    case Curve::kEqQ:
        return std::clamp(std::log(std::max(unit, 1e-9) / 0.1) / std::log(180.0), 0.0, 1.0);
    case Curve::kUtilityBassFreq:
        return std::clamp(std::log10(std::max(unit, 1e-9) / 50.0), 0.0, 1.0);
    case Curve::kUtilityWidth:
        return unit <= 100.0 ? std::max(0.0, unit / 100.0)
                             : std::min(2.0, 1.0 + (unit - 100.0) / 300.0);
    case Curve::kUtilityGain:
        return std::clamp(unit / 35.0, -1.0, 1.0);
    case Curve::kCompThreshold:
        if (unit >= -18.0) {
            return std::clamp((unit + 34.0) / 40.0, 0.4, 1.0);
        }
        if (unit >= kThresholdTable.front().unit) {
            return invert(kThresholdTable, unit, false);
        }
        return std::isinf(unit)
                   ? 0.0
                   : 0.2 * std::exp((unit - kThresholdTable.front().unit) / kThresholdLogSlope);
    case Curve::kCompRatio:
        return std::isinf(unit) ? 1.0 : std::clamp(1.0 - 1.0 / std::max(unit, 1.0), 0.0, 1.0);
    case Curve::kCompAttack:
        return std::clamp(std::log10(std::max(unit, 1e-9) / 0.01) / 5.0, 0.0, 1.0);
    case Curve::kCompRelease:
        return invert(kReleaseTable, unit, true);
    case Curve::kGlueAttack:
        return nearestStep(kGlueAttackMs, unit);
    case Curve::kGlueRatio:
        return nearestStep(kGlueRatios, unit);
    case Curve::kGlueRelease:
        return nearestStep(kGlueReleaseMs, unit);
    case Curve::kSaturatorDrive:
        return std::clamp((unit + 36.0) / 72.0, 0.0, 1.0);
    case Curve::kAutoFilterFrequency:
        return std::clamp(std::log(std::max(unit, 1e-9) / 20.0) / std::log(1000.0), 0.0, 1.0);
    case Curve::kAutoFilterLegacyFrequency:
        return std::clamp(69.0 + 12.0 * std::log2(std::max(unit, 1e-9) / 440.0), 20.0, 135.0);
    case Curve::kSwitch:
    case Curve::kEqFilterType:
        return std::round(unit);
    case Curve::kLinear:
    case Curve::kUnknown:
        return unit;
    }
    return unit;
}

bool curveAgreed(Curve curve) {
    return curve == Curve::kLinear || curve == Curve::kSwitch || curve == Curve::kEqFilterType ||
           curve == Curve::kEqFrequency;
}

std::string formatUnit(Curve curve, double v) {
    switch (curve) {
    case Curve::kSwitch:
        return v >= 0.5 ? "On" : "Off";
    case Curve::kEqFilterType:
        return kEqTypeNames[static_cast<size_t>(std::clamp(std::lround(v), 0L, 7L))];
    case Curve::kEqFrequency:
    case Curve::kUtilityBassFreq:
    case Curve::kAutoFilterFrequency:
    case Curve::kAutoFilterLegacyFrequency:
        if (v < 100.0) {
            return printf1("%.1f Hz", v);
        }
        if (v < 999.5) {
            return printf1("%.0f Hz", v);
        }
        return printf1(v < 9995.0 ? "%.2f kHz" : "%.1f kHz", v / 1000.0);
    case Curve::kEqQ:
        return printf1("%.2f", v);
    case Curve::kUtilityWidth:
        return printf1("%.0f %%", v);
    case Curve::kCompRatio:
        return std::isinf(v) ? "inf : 1" : printf1("%.2f : 1", v);
    case Curve::kCompAttack:
    case Curve::kCompRelease:
    case Curve::kGlueAttack:
    case Curve::kGlueRelease:
        if (v < 0) {
            return "Auto";
        }
        if (v >= 1000.0) {
            return printf1("%.2f s", v / 1000.0);
        }
        return printf1(v < 10.0 ? "%.2f ms" : v < 100.0 ? "%.1f ms" : "%.0f ms", v);
    case Curve::kGlueRatio:
        return printf1("%.0f : 1", v);
    case Curve::kLinear:
    case Curve::kUtilityGain:
    case Curve::kCompThreshold:
    case Curve::kSaturatorDrive:
        if (std::isinf(v)) {
            return v < 0 ? "-inf dB" : "inf dB";
        }
        return printf1(std::abs(v) < 9.995 ? "%.2f dB" : "%.1f dB", v);
    case Curve::kUnknown:
        return printf1("%.2f", v);
    }
    return printf1("%.2f", v);
}

std::optional<double> parseValueString(std::string_view text) {
    auto trim = [](std::string_view s) {
        while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
            s.remove_prefix(1);
        }
        while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
            s.remove_suffix(1);
        }
        return s;
    };
    text = trim(text);
    if (equalsIgnoreCase(text, "on")) {
        return 1.0;
    }
    if (equalsIgnoreCase(text, "off")) {
        return 0.0;
    }
    for (size_t i = 0; i < kEqTypeNames.size(); ++i) {
        if (equalsIgnoreCase(text, kEqTypeNames[i])) {
            return static_cast<double>(i);
        }
    }
    const std::string s(text);
    double value = 0;
    int used = 0;
    if (s.rfind("-inf", 0) == 0) {
        value = -kInf;
        used = 4;
    } else if (s.rfind("inf", 0) == 0) {
        value = kInf;
        used = 3;
    } else if (std::sscanf(s.c_str(), "%lf%n", &value, &used) != 1) {
        return std::nullopt;
    }
    std::string_view unit = trim(text.substr(static_cast<size_t>(used)));
    if (unit.empty() || unit == "Hz" || unit == "dB" || unit == "%" || unit == "ms" ||
        unit == ": 1" || unit == ":1") {
        return value;
    }
    if (unit == "kHz") {
        return value * 1000.0;
    }
    if (unit == "s") {
        return value * 1000.0;
    }
    return std::nullopt;
}

std::string curveReadBackNote(const std::string& unit, double expected_unit_value,
                              std::string_view value_string) {
    if (unit.empty() || value_string.empty() || !std::isfinite(expected_unit_value)) {
        return "";
    }
    const auto shown = parseValueString(value_string);
    if (!shown || !std::isfinite(*shown)) {
        return "";
    }
    char text[160];
    if (unit == "dB") {
        const double off = *shown - expected_unit_value;
        if (std::abs(off) <= 0.3) {
            return "";
        }
        std::snprintf(
            text, sizeof text, "Live shows %.*s where the curve model predicts %.2f dB (%+.2f dB)",
            static_cast<int>(value_string.size()), value_string.data(), expected_unit_value, off);
        return text;
    }
    const double scale = std::max(std::abs(expected_unit_value), 1e-9);
    const double off = (*shown - expected_unit_value) / scale;
    if (std::abs(off) <= 0.03) {
        return "";
    }
    std::snprintf(text, sizeof text,
                  "Live shows %.*s where the curve model predicts %.4g %s (%+.1f %%)",
                  static_cast<int>(value_string.size()), value_string.data(), expected_unit_value,
                  unit.c_str(), 100.0 * off);
    return text;
}

} // namespace styledna::fixes
