#include "core/audio/synth/music_theory.hpp"

namespace styledna::core::synth_detail {

namespace {

constexpr std::array<int, 7> kMinor{0, 2, 3, 5, 7, 8, 10};
constexpr std::array<int, 7> kMajor{0, 2, 4, 5, 7, 9, 11};
constexpr std::array<const char*, 12> kNames{"C",  "C#", "D",  "D#", "E",  "F",
                                             "F#", "G",  "G#", "A",  "A#", "B"};
constexpr std::array<const char*, 7> kRoman{"I", "II", "III", "IV", "V", "VI", "VII"};

int wrapPc(int pc) {
    return ((pc % 12) + 12) % 12;
}

// Interval (semitones) from triad root to third and to fifth.
std::array<int, 2> triadShape(KeyMode mode, int degree) {
    const auto& s = scaleIntervals(mode);
    const int root = s[static_cast<std::size_t>(degree)];
    const int third = s[static_cast<std::size_t>((degree + 2) % 7)] + ((degree + 2) >= 7 ? 12 : 0);
    const int fifth = s[static_cast<std::size_t>((degree + 4) % 7)] + ((degree + 4) >= 7 ? 12 : 0);
    return {third - root, fifth - root};
}

} // namespace

const std::array<int, 7>& scaleIntervals(KeyMode mode) {
    return mode == KeyMode::kMinor ? kMinor : kMajor;
}

std::string pitchClassName(int pc) {
    return kNames[static_cast<std::size_t>(wrapPc(pc))];
}

std::string keyName(int tonic_pc, KeyMode mode) {
    return pitchClassName(tonic_pc) + " " + std::string(keyModeName(mode));
}

std::array<int, 3> triadPitchClasses(int tonic_pc, KeyMode mode, int degree) {
    const int root = wrapPc(tonic_pc + scaleIntervals(mode)[static_cast<std::size_t>(degree)]);
    const auto shape = triadShape(mode, degree);
    return {root, wrapPc(root + shape[0]), wrapPc(root + shape[1])};
}

bool isDiminished(KeyMode mode, int degree) {
    return triadShape(mode, degree)[1] == 6;
}

std::string romanNumeral(KeyMode mode, int degree) {
    const auto shape = triadShape(mode, degree);
    std::string numeral = kRoman[static_cast<std::size_t>(degree)];
    if (shape[0] == 3) {
        for (auto& c : numeral) {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    if (shape[1] == 6) {
        numeral += "\xC2\xB0"; // degree sign, UTF-8
    }
    return numeral;
}

std::string chordName(int tonic_pc, KeyMode mode, int degree) {
    const auto pcs = triadPitchClasses(tonic_pc, mode, degree);
    const auto shape = triadShape(mode, degree);
    std::string name = pitchClassName(pcs[0]);
    if (shape[1] == 6) {
        name += "dim";
    } else if (shape[0] == 3) {
        name += "m";
    }
    return name;
}

const std::vector<std::vector<int>>& progressionTable(KeyMode mode) {
    static const std::vector<std::vector<int>> kMinorTable{
        {0, 5, 2, 6}, // i-VI-III-VII
        {0, 6, 5, 6}, // i-VII-VI-VII
        {0, 3, 5, 6}, // i-iv-VI-VII
        {0, 5, 3, 6}, // i-VI-iv-VII
        {5, 2, 6, 0}, // VI-III-VII-i
        {0, 2, 6, 5}, // i-III-VII-VI
        {0, 5, 6, 4}, // i-VI-VII-v
    };
    static const std::vector<std::vector<int>> kMajorTable{
        {0, 4, 5, 3}, // I-V-vi-IV
        {0, 5, 3, 4}, // I-vi-IV-V
        {0, 3, 4, 3}, // I-IV-V-IV
        // No progression starting on vi or IV: vi-IV-I-V is, chord for chord, the
        // relative minor's i-VI-III-VII, so its key is not defined by the audio.
    };
    return mode == KeyMode::kMinor ? kMinorTable : kMajorTable;
}

} // namespace styledna::core::synth_detail
