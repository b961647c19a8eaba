#pragma once
// Key estimation by correlating a 12-bin pitch-class profile (C = 0) with the
// 24 rotated major/minor key profiles (Krumhansl-Schmuckler scheme).
// Default profiles: "edma", derived from a corpus of electronic dance music
// by Faraldo, Gomez, Jorda & Herrera, "Key Estimation in Electronic Dance
// Music", ECIR 2016 (the values Essentia ships as profileType "edma"); they
// are statistics of HPCPs, so they are used as-is (no polyphonic expansion).
// Threads: pure, reentrant.

#include <string>
#include <vector>

namespace styledna::core {

struct KeyEstimate {
    int tonic_pc = 0; // 0 = C .. 11 = B
    bool minor = false;
    double correlation = 0.0; // winner's score: profile r (+ weighted triad r), / (1 + weight)
    double second = 0.0;      // best score among the other 23 keys, same scale
    bool valid = false;       // false for a flat (all-equal) profile
};

// Key names use sharps except Eb, Ab, Bb: "C", "C#", "D", "Eb", ...
std::string keyLabel(int tonic_pc, bool minor); // "A minor"

// `cadence_chromas` (optional, each 12 values): the pitch classes heard where
// the tonic chord is expected, i.e. at phrase starts and phrase ends. Dance
// music (and most pop) opens or closes its phrases on the tonic chord, which
// separates keys that share a scale (A minor / C major) or nearly so
// (E minor / D major): each key then scores
// r(profile, pitch_classes) + tonic_weight * max_c r(tonic triad, chroma c).
KeyEstimate estimateKey(const std::vector<double>& pitch_classes,
                        const std::vector<std::vector<double>>& cadence_chromas = {},
                        double tonic_weight = 1.0);

} // namespace styledna::core
