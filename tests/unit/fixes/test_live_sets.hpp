#pragma once
// Live sets built in code for the fixes tests: the stock devices with the
// parameter lists and raw ranges of ../shared/ABLETON.md (Live 12.4 names, or
// Live 11's "n Resonance A" / "Output Gain" / Utility "Gain").

#include <cmath>
#include <string>

#include "core/live/live_set.hpp"

namespace styledna::test {

inline live::LiveParameter param(const std::string& name, double value, double min, double max,
                                 bool quantized = false) {
    live::LiveParameter p;
    p.name = name;
    p.value = value;
    p.min = min;
    p.max = max;
    p.is_quantized = quantized;
    return p;
}

inline live::LiveDevice eqEight(bool live11 = false) {
    live::LiveDevice d;
    d.name = "EQ Eight";
    d.class_name = "Eq8";
    d.parameters = {param("Device On", 1, 0, 1, true),
                    param(live11 ? "Output Gain" : "Output", 0, -12, 12), param("Scale", 1, -2, 2),
                    param("Adaptive Q", 1, 0, 1, true)};
    const double freqs[] = {30, 200, 1000, 5000, 100, 10000, 5000, 18000};
    for (int n = 1; n <= 8; ++n) {
        for (const char* set : {"A", "B"}) {
            const std::string b = std::to_string(n) + " ";
            const double x = std::log(freqs[n - 1] / 10.0) / std::log(2200.0);
            d.parameters.push_back(param(b + "Filter On " + set, 0, 0, 1, true));
            d.parameters.push_back(param(b + "Filter Type " + set, 3, 0, 7, true));
            d.parameters.push_back(param(b + "Frequency " + set, x, 0, 1));
            d.parameters.push_back(param(b + "Gain " + set, 0, -15, 15));
            d.parameters.push_back(param(b + (live11 ? "Resonance " : "Q ") + set, 0.3865, 0, 1));
        }
    }
    return d;
}

inline live::LiveDevice utility(bool live11 = false) {
    live::LiveDevice d;
    d.name = "Utility";
    d.class_name = "StereoGain";
    d.parameters = {param("Device On", 1, 0, 1, true), param("Left Inv", 0, 0, 1, true),
                    param("Right Inv", 0, 0, 1, true), param("Channel Mode", 1, 0, 3, true),
                    param("Stereo Width", 1, 0, 2),    param("Mono", 0, 0, 1, true),
                    param("Bass Mono", 0, 0, 1, true), param("Bass Freq", 0.3802, 0, 1),
                    param("Balance", 0, -1, 1),        param(live11 ? "Gain" : "Output", 0, -1, 1),
                    param("DC Filter", 0, 0, 1, true), param("Mute", 0, 0, 1, true)};
    return d;
}

inline live::LiveDevice compressor(bool sidechain_on) {
    live::LiveDevice d;
    d.name = "Compressor";
    d.class_name = "Compressor2";
    const char* names[] = {"Device On",
                           "Threshold",
                           "Ratio",
                           "Expansion Ratio",
                           "Attack",
                           "Release",
                           "Auto Release On/Off",
                           "Output",
                           "Makeup",
                           "Dry/Wet",
                           "Model",
                           "Lookahead",
                           "Knee",
                           "LP On",
                           "LP Freq",
                           "LP Q",
                           "EQ On",
                           "EQ Mode",
                           "EQ Freq",
                           "EQ Gain",
                           "S/C On",
                           "S/C Gain",
                           "S/C Mix"};
    for (int i = 0; i < 23; ++i) {
        d.parameters.push_back(param(names[i], 0, 0, 1));
    }
    d.parameters[0].value = 1;
    d.parameters[1].value = 0.7;  // -6 dB
    d.parameters[2].value = 0.75; // 4:1
    d.parameters[4].value = 0.2;
    d.parameters[5].value = 0.25;
    d.parameters[7] = param("Output", 0, -36, 36);
    d.parameters[12] = param("Knee", 6, 0, 18);
    d.parameters[20].value = sidechain_on ? 1 : 0;
    return d;
}

inline live::LiveTrack track(const std::string& name, std::vector<live::LiveDevice> devices) {
    live::LiveTrack t;
    t.name = name;
    t.devices = std::move(devices);
    return t;
}

// Kick, Bass (EQ, Utility, sidechained Compressor), Supersaw Chords and Lead 1
// (EQ, Utility, sidechained Compressor), Hats, FX Riser, Mix Bus (EQ, Utility).
// with_devices false: the same tracks without any device.
inline live::LiveSet trancePlanSet(bool with_devices = true, bool live11 = false) {
    live::LiveSet set;
    auto dev = [&](std::vector<live::LiveDevice> d) {
        return with_devices ? d : std::vector<live::LiveDevice>{};
    };
    set.tracks = {
        track("Kick", {}),
        track("Bass", dev({eqEight(live11), utility(live11), compressor(true)})),
        track("Supersaw Chords", dev({eqEight(live11), utility(live11), compressor(true)})),
        track("Lead 1", dev({eqEight(live11), utility(live11), compressor(true)})),
        track("Hats", {}),
        track("FX Riser", {}),
        track("Mix Bus", dev({eqEight(live11), utility(live11)}))};
    live::renumber(set);
    return set;
}

} // namespace styledna::test
