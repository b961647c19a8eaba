#pragma once
// Acid-line detection of the trance family: a resonant low-pass swept over
// bars on a 16th-note bass/mid line (TB-303 style).
//
// Inputs: the shared 2048/512 mono STFT and runs of bars where the bass
// plays without pads (the family passes the kick bars whose 150 Hz-4 kHz level
// is >= 4 dB under the drops': intros, outros, stripped drop parts; else the
// drops). Supersaw chords mask a bass line above 1 kHz in full drops.
//
// What defines the line musically is a filter whose cutoff moves over the
// bars while the notes repeat: the resonant upper harmonics of the line rise
// and fall over the bars, across the 2-5 kHz presence region. A plain bass
// line changes its top only with the chord, and its steep low-pass leaves
// that change below about 2 kHz; hats and cymbals sit mostly above 4.5 kHz;
// a drum loop changes only in single fill or crash bars.
// Cue:
//   sweep_db   per half-octave band from sweep_lo_hz up to sweep_hi_hz
//              (default 2.25-4.5 kHz: two bands), the per-bar level of each
//              run is smoothed by a 3-bar running median (drops single fill
//              or crash bars, keeps sweeps of 4 bars or longer) and its range
//              (max - min, dB) taken; sweep_db is the mean of the band ranges,
//              the largest over the runs.
//   timbre_db  a dark line whose cutoff (plus envelope) stays under about
//              1.3 kHz moves only bands where a plain bass's chord changes move
//              5-10 dB; but an acid pattern repeats unchanged over the bars
//              whatever the chords, while a plain bass changes its fundamental
//              with its timbre. Per bar, the root bins (root_lo_hz-root_hi_hz,
//              per STFT bin, mono plus side power so that a low end phased
//              between the channels still shows its root) and the timbre bands
//              (half octaves from timbre_lo_hz up to timbre_hi_hz, dB); for
//              each pair of bars of a run whose root bins all lie within
//              root_tol_db, the mean |dB| change of the timbre bands; per bar
//              the largest such change; timbre_db is the median over the bars
//              of a run (a fill bar moves only the bars it pairs with), the
//              largest over the runs.
// Limits: a quiet (-18 dB) line at resonance 0.3 moves neither cue enough and
// is missed (wide-acid seeds 11024, 20033).
// score = max of clamp((sweep_db - sweep_zero_db) / (sweep_full_db - sweep_zero_db))
// and clamp((timbre_db - timbre_zero_db) / (timbre_full_db - timbre_zero_db)),
// in 0..1; present = score >= 0.5. Cost: one pass over the bins of the bands
// in the used bars (mono up to 4.5 kHz, side up to root_hi_hz; the side STFT is
// the one the stereo and supersaw families share) and the pairs of bars of
// each run. Threads: pure function.

#include <utility>
#include <vector>

#include "core/features/analysis_context.hpp"
#include "core/features/trance_arrangement.hpp"

namespace styledna::core {

struct TranceAcidDetectParams {
    double sweep_lo_hz = 2250.0;  // lowest band edge; bands are half an octave wide
    double sweep_hi_hz = 4500.0;  // highest band edge, >= 2 sweep_lo_hz (two bands at least)
    double sweep_zero_db = 0.14;  // sweep_db at which the score is 0
    double sweep_full_db = 0.34;  // sweep_db at which the score is 1 (0.5 at 0.24 dB)
    double timbre_lo_hz = 150.0;  // lowest timbre band edge; half-octave bands
    double timbre_hi_hz = 2000.0; // last band ends at most 5 % above (150-1700 Hz: 7 bands)
    double root_lo_hz = 35.0;     // root bins: the bass fundamentals
    double root_hi_hz = 135.0;
    double root_tol_db = 0.5;    // two bars hold the same root when every root bin is this close
    double timbre_zero_db = 0.5; // timbre_db at which the timbre score is 0
    double timbre_full_db = 1.1; // timbre_db at which it is 1 (0.5 at 0.8 dB)
    int min_bars = 4;
};

struct TranceAcidDetectResult {
    double score = 0.0;
    bool present = false;
    double sweep_db = 0.0;
    double timbre_db = 0.0;
    int bars_used = 0;
};

// runs: [first_bar, end_bar) ranges to analyse (runs under 3 bars are
// skipped); beat_period_s is not used by the cue (kept for the family's call).
// Zero result below min_bars analysed bars.
TranceAcidDetectResult analyseAcid(const AnalysisContext& ctx, const TranceBars& bars,
                                   const std::vector<std::pair<int, int>>& runs,
                                   double beat_period_s, const TranceAcidDetectParams& params);

} // namespace styledna::core
