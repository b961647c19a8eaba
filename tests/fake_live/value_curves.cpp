#include "fake_live/value_curves.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>
#include <vector>

namespace styledna::fake_live {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double clamp01(double x) {
    return std::clamp(x, 0.0, 1.0);
}

std::string printf1(const char* format, double v) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, v);
    return buffer;
}

std::string withUnit(std::string number, const char* unit) {
    number.append(" ").append(unit);
    return number;
}

// "0.0 %", "4.5 %", "20 %", "100 %" (Live drops the decimal from 10 % up).
std::string percent(double fraction) {
    double v = 100.0 * fraction;
    if (std::fabs(v) < 0.05) {
        v = 0.0;
    }
    return withUnit(printf1(std::fabs(v) < 9.95 ? "%.1f" : "%.0f", v), "%");
}

// EQ Eight band parameters: "3 Frequency A", "8 Q B", "1 Resonance A".
bool isEq8Band(std::string_view name, std::string_view what) {
    if (name.size() < what.size() + 4 || name[0] < '1' || name[0] > '8' || name[1] != ' ') {
        return false;
    }
    std::string_view rest = name.substr(2);
    return rest.size() == what.size() + 2 && rest.substr(0, what.size()) == what &&
           rest[what.size()] == ' ' && (rest.back() == 'A' || rest.back() == 'B');
}

struct Items {
    std::string_view class_name;
    std::string_view parameter_name; // "" = a suffix match on the band name
    std::vector<std::string_view> items;
};

const std::vector<Items>& itemTables() {
    static const std::vector<Items> kTables = {
        {"Eq8",
         "Filter Type",
         {"High Pass 48dB", "High Pass 12dB", "Low Shelf", "Bell", "Notch", "High Shelf",
          "Low Pass 12dB", "Low Pass 48dB"}},
        {"Compressor2", "Model", {"Peak", "RMS", "Expand"}},
        {"Compressor2", "Env Mode", {"Lin", "Log"}},
        {"Compressor2", "LookAhead", {"0 ms", "1 ms", "10 ms"}},
        {"StereoGain", "Channel Mode", {"Left", "Stereo", "Right", "Swap"}},
        {"Limiter", "Lookahead", {"1.5 ms", "3 ms", "6 ms"}},
        {"Limiter", "Routing", {"L/R", "M/S"}},
        {"Limiter", "Mode", {"Standard", "Soft Clip", "True Peak"}},
        {"Saturator",
         "Type",
         {"Analog Clip", "Soft Sine", "Bass Shaper", "Medium Curve", "Hard Curve", "Sinoid Fold",
          "Digital Clip", "Waveshaper"}},
        {"Saturator", "Post Clip Mode", {"No Clip", "Soft Clip", "Hard Clip"}},
        {"AutoFilter2",
         "Filter Type",
         {"Low-pass", "High-pass", "Band-pass", "Notch", "Morph", "DJ", "Comb", "Resampling",
          "Notch+LP", "Vowel"}},
        {"AutoFilter2", "Filter Slope", {"12dB", "24dB"}},
        {"AutoFilter2", "Circuit", {"SVF", "DFM", "MS2", "PRD"}},
        {"AutoFilter", "Filter Type", {"Lowpass", "Highpass", "Bandpass", "Notch", "Morph"}},
    };
    return kTables;
}

std::string quantizedString(std::string_view class_name, std::string_view name, double value,
                            double min, double max) {
    const long step = std::lround(value);
    for (const auto& table : itemTables()) {
        bool match = table.class_name == class_name &&
                     (name == table.parameter_name ||
                      (class_name == "Eq8" && isEq8Band(name, table.parameter_name)));
        if (match && step >= 0 && static_cast<size_t>(step) < table.items.size()) {
            return std::string(table.items[static_cast<size_t>(step)]);
        }
    }
    if (min == 0 && max == 1) {
        return step != 0 ? "On" : "Off";
    }
    return std::to_string(step);
}

std::string glueStep(std::string_view name, double value) {
    static const std::array<const char*, 7> kAttack = {"0.01", "0.1", "0.3", "1", "3", "10", "30"};
    static const std::array<const char*, 3> kRatio = {"2", "4", "10"};
    static const std::array<const char*, 7> kRelease = {".1", ".2",  ".4",  ".6",
                                                        ".8", "1.2", "Auto"};
    const long step = std::lround(value);
    auto pick = [step](const auto& table) -> std::string {
        return step >= 0 && static_cast<size_t>(step) < table.size()
                   ? table[static_cast<size_t>(step)]
                   : std::to_string(step);
    };
    if (name == "Attack") {
        return pick(kAttack);
    }
    if (name == "Ratio") {
        return pick(kRatio);
    }
    return pick(kRelease);
}

} // namespace

double eq8FrequencyHz(double raw) {
    return 10.0 * std::pow(2200.0, clamp01(raw));
}

double eq8Q(double raw) {
    return 0.1 * std::pow(180.0, clamp01(raw));
}

double utilityBassFreqHz(double raw) {
    return 50.0 * std::pow(10.0, clamp01(raw));
}

double utilityGainDb(double raw) {
    raw = std::clamp(raw, -1.0, 1.0);
    return raw <= -1.0 ? -kInf : 35.0 * raw;
}

double compressorThresholdDb(double raw) {
    raw = clamp01(raw);
    if (raw <= 0.0) {
        return -kInf;
    }
    if (raw >= 0.4) {
        return 40.0 * raw - 34.0;
    }
    // Steeper below 0.4: through (0.2, -34.4), (0.3, -24.2), (0.4, -18); the
    // 0.2-0.3 slope continues towards 0.
    if (raw >= 0.3) {
        return -24.2 + (raw - 0.3) / 0.1 * 6.2;
    }
    return -34.4 + (raw - 0.2) / 0.1 * 10.2;
}

double compressorRatio(double raw) {
    raw = clamp01(raw);
    return raw >= 1.0 ? kInf : 1.0 / (1.0 - raw);
}

double compressorAttackMs(double raw) {
    return 0.01 * std::pow(10.0, 5.0 * clamp01(raw));
}

double compressorReleaseMs(double raw) {
    static const std::array<std::pair<double, double>, 7> kTable = {{{0.0, 1.0},
                                                                     {0.2, 50.0},
                                                                     {0.32, 148.0},
                                                                     {0.515, 495.0},
                                                                     {0.67, 998.0},
                                                                     {0.865, 2010.0},
                                                                     {1.0, 3000.0}}};
    raw = clamp01(raw);
    for (size_t i = 1; i < kTable.size(); ++i) {
        if (raw <= kTable[i].first) {
            const auto& [x0, y0] = kTable[i - 1];
            const auto& [x1, y1] = kTable[i];
            return y0 + (raw - x0) / (x1 - x0) * (y1 - y0);
        }
    }
    return kTable.back().second;
}

double autoFilter2FrequencyHz(double raw) {
    return 20.0 * std::pow(1000.0, clamp01(raw));
}

double saturatorDriveDb(double raw) {
    return 72.0 * clamp01(raw) - 36.0;
}

std::string threeDigits(double v) {
    if (std::fabs(v) < 0.005) {
        v = 0.0; // no "-0.00"
    }
    const double a = std::fabs(v);
    if (a < 9.995) {
        return printf1("%.2f", v);
    }
    if (a < 99.95) {
        return printf1("%.1f", v);
    }
    return printf1("%.0f", v);
}

std::string formatHz(double hz) {
    if (hz >= 999.5) {
        return withUnit(threeDigits(hz / 1000.0), "kHz");
    }
    return withUnit(threeDigits(hz), "Hz");
}

std::string formatDb(double db) {
    if (std::isinf(db)) {
        return db < 0 ? "-inf dB" : "inf dB";
    }
    return withUnit(threeDigits(db), "dB");
}

std::string valueString(std::string_view class_name, std::string_view name, double value,
                        double min, double max, bool is_quantized) {
    if (is_quantized) {
        return quantizedString(class_name, name, value, min, max);
    }
    if (name == "Dry/Wet") {
        return percent((value - min) / (max - min));
    }
    if (class_name == "Eq8") {
        if (isEq8Band(name, "Frequency")) {
            return formatHz(eq8FrequencyHz(value));
        }
        if (isEq8Band(name, "Gain")) {
            return formatDb(value);
        }
        if (isEq8Band(name, "Q") || isEq8Band(name, "Resonance")) {
            return threeDigits(eq8Q(value));
        }
        if (name == "Output" || name == "Output Gain") {
            return formatDb(value);
        }
        if (name == "Scale") {
            return percent(value);
        }
    } else if (class_name == "StereoGain") {
        if (name == "Bass Freq") {
            return formatHz(utilityBassFreqHz(value));
        }
        if (name == "Output" || name == "Gain") {
            return formatDb(utilityGainDb(value));
        }
        if (name == "Stereo Width") {
            // 0..1 -> 0..100 %, 1..2 -> 100..400 % (the real curve is unknown).
            return percent(value <= 1.0 ? value : 1.0 + 3.0 * (value - 1.0));
        }
        if (name == "Balance") {
            const long pan = std::lround(50.0 * value);
            if (pan == 0) {
                return "C";
            }
            std::string out = std::to_string(std::labs(pan));
            out.append(pan < 0 ? "L" : "R");
            return out;
        }
    } else if (class_name == "Compressor2") {
        if (name == "Threshold") {
            return formatDb(compressorThresholdDb(value));
        }
        if (name == "Ratio") {
            const double ratio = compressorRatio(value);
            if (std::isinf(ratio)) {
                return "inf : 1";
            }
            return threeDigits(ratio).append(" : 1");
        }
        if (name == "Attack") {
            return withUnit(threeDigits(compressorAttackMs(value)), "ms");
        }
        if (name == "Release") {
            return withUnit(threeDigits(compressorReleaseMs(value)), "ms");
        }
        if (name == "Output" || name == "S/C EQ Gain") {
            return formatDb(value);
        }
        if (name == "Knee") {
            return withUnit(printf1("%.1f", value), "dB");
        }
        if (name == "Expansion Ratio") {
            std::string out = "1 : ";
            out.append(threeDigits(value));
            return out;
        }
    } else if (class_name == "GlueCompressor") {
        if (name == "Threshold" || name == "Output" || name == "S/C EQ Gain") {
            return formatDb(value);
        }
        if (name == "Range") {
            return formatDb(value);
        }
        if (name == "Attack" || name == "Ratio" || name == "Release") {
            return glueStep(name, value);
        }
    } else if (class_name == "AutoFilter2") {
        if (name == "Frequency") {
            return formatHz(autoFilter2FrequencyHz(value));
        }
        if (name == "Resonance" || name == "Drive" || name == "LFO Amount") {
            return percent(value);
        }
    } else if (class_name == "Saturator") {
        if (name == "Drive") {
            return withUnit(printf1("%.1f", saturatorDriveDb(value)), "dB");
        }
    }
    return printf1("%.2f", value);
}

} // namespace styledna::fake_live
