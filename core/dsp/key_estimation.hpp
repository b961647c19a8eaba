#pragma once
// Key estimation from a 12-bin pitch-class profile (C = 0), in two steps.
//  1. Key signature: Pearson correlation of the profile with the 12 rotations
//     of the diatonic (major-scale) template, 1 on the seven scale degrees and
//     0 elsewhere; the best rotation fixes the pair of relative keys (C major /
//     A minor). The template ignores how the degrees are weighted, which is
//     what varies with the progression (i-VI-III-VII weights other degrees than
//     I-V-vi-IV), the bass and the acid line; what it keeps is which five pitch
//     classes stay quiet, and that held on every synthesized set where the
//     24-key profile correlation alone confused fifths and the VI chord.
//  2. Major or minor of that pair: each scores r(profile, key profile) +
//     start_weight * r(tonic triad, phrase-start chroma) + end_weight *
//     r(tonic triad, phrase-end chroma), divided by 1 + the weights in use.
//     Dance phrases open on the tonic chord (i-VI-III-VII, I-V-vi-IV) or close
//     on it (VI-III-VII-i): the relative keys share their chords, only where
//     the tonic chord falls in the phrase tells them apart.
// Key profiles: "edma", derived from a corpus of electronic dance music by
// Faraldo, Gomez, Jorda & Herrera, "Key Estimation in Electronic Dance Music",
// ECIR 2016 (the values Essentia ships as profileType "edma"); they are
// statistics of HPCPs, so they are used as-is (no polyphonic expansion).
// Threads: pure, reentrant.

#include <string>
#include <vector>

namespace styledna::core {

struct KeyEstimate {
    int tonic_pc = 0; // 0 = C .. 11 = B
    bool minor = false;
    double correlation = 0.0; // winner's score (step 2), in [-1, 1]
    double second = 0.0;      // the relative key's score, same scale
    bool valid = false;       // false for a flat (all-equal) profile
};

// Key names use sharps except Eb, Ab, Bb: "C", "C#", "D", "Eb", ...
std::string keyLabel(int tonic_pc, bool minor); // "A minor"

// `phrase_starts`, `phrase_ends` (each 12 values, or empty when there is no
// bar grid): the chroma summed over the first, resp. the last bar of every
// phrase. An empty one drops its term and its weight.
KeyEstimate estimateKey(const std::vector<double>& pitch_classes,
                        const std::vector<double>& phrase_starts = {},
                        const std::vector<double>& phrase_ends = {}, double start_weight = 1.0,
                        double end_weight = 0.5);

} // namespace styledna::core
