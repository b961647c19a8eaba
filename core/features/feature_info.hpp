#pragma once
// FeatureInfo: the one declaration of a feature. The registry, `styledna
// features`, the docs and (later) the gap analyzer and fix mapper all read it.

#include <string>

namespace styledna::core {

enum class FeatureKind { kScalar, kLabel, kSeries };

struct FeatureInfo {
    std::string name;        // registry key, unit in the name: "spectral_centroid_hz"
    std::string unit;        // "Hz", "dB", "LUFS", "LU", "dBTP", "BPM", "ms", "s", "" ...
    std::string category;    // rhythm | tonal | loudness | spectral | stereo | trance | format
    std::string description; // what it measures, how (one or two sentences)
    std::string mixer_move;  // which mixer move changes it, and which way
    FeatureKind kind = FeatureKind::kScalar;
    bool per_section = false; // also reported per detected section
};

} // namespace styledna::core
