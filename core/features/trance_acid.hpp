#pragma once
// Acid-line detection of the trance family: a resonant low-pass sweep on a
// 16th-note bass/mid line (TB-303 style).
//
// Inputs: the shared 2048/512 mono STFT and runs of bars where the bass
// plays without pads (the family passes the kick bars whose 150 Hz-4 kHz level
// is >= 4 dB under the drops': intros, outros, stripped drop parts; else the
// drops). Supersaw chords mask a bass line above 1 kHz in full drops.
// Cues:
//   sweep_db        the largest range (max - min over the bars of one run) of
//                   the per-bar level of an octave band from sweep_lo_hz to
//                   8 kHz: a resonant low-pass swept over bars moves the level
//                   of its upper harmonics by many dB, a fixed-filter bass or
//                   drums by well under 1 dB.
//   step_db         median bar-to-bar level step over those bands (reported
//                   for diagnosis only).
//   periodicity16   normalised autocorrelation at one 16th-note lag of the
//                   300 Hz-4 kHz positive log flux in those bars (0..1).
// score = clamp((sweep_db - sweep_zero_db) / (sweep_full_db - sweep_zero_db))
//         * clamp(periodicity16 / periodicity_full), in 0..1;
// present = score >= 0.5. Threads: pure function.

#include <utility>
#include <vector>

#include "core/features/analysis_context.hpp"
#include "core/features/trance_arrangement.hpp"

namespace styledna::core {

struct TranceAcidDetectParams {
    double sweep_lo_hz = 1000.0;
    double sweep_zero_db = 2.0; // sweep_db at which the score is 0
    double sweep_full_db = 4.0; // sweep_db at which the sweep factor is 1
    double periodicity_full = 0.15;
    int min_bars = 4;
};

struct TranceAcidDetectResult {
    double score = 0.0;
    bool present = false;
    double sweep_db = 0.0;
    double step_db = 0.0;
    double periodicity16 = 0.0;
    int bars_used = 0;
};

// runs: [first_bar, end_bar) ranges to analyse (runs under 3 bars are
// skipped); beat_period_s > 0. Zero result below min_bars analysed bars.
TranceAcidDetectResult analyseAcid(const AnalysisContext& ctx, const TranceBars& bars,
                                   const std::vector<std::pair<int, int>>& runs,
                                   double beat_period_s, const TranceAcidDetectParams& params);

} // namespace styledna::core
