#pragma once
// Bar-level arrangement analysis of the trance family: the bars of the beat
// grid, per-bar cues, and the segmentation into intro / breakdown / buildup /
// drop / outro.
//
// Bars: bar 0 starts at the first downbeat of the grid; bar b spans
// [start_s[b], end_s[b]). Downbeats come from grid.downbeat_times_s, else every
// beats_per_bar-th beat from first_downbeat_s, and are extended by the bar
// period to the end of the track. Audio before the first downbeat belongs to
// bar 0's section (sections always start at 0 s and end at the track end).
//
// Cues per bar (all from the shared 2048/512 mono STFT except energy):
//   energy_db   10 log10 of the mean square of the mono signal over the bar
//               (dBFS, full-scale sine = -3 dB); -120 floor.
//   kick        fraction of the bar's beats with a low-band (30-150 Hz) onset:
//               level in [beat, beat + 35 ms] minus the minimum over the half
//               beat before > max(kick_min_flux_db, kick_rel * p90 of all beats),
//               and that level within kick_level_db of the loud beats' (p90);
//               1 = four-on-the-floor, 0 = no kick.
//   low_db / mid_db / high_db  mean band power per frame in dB (30-150 Hz,
//               150-4000 Hz, 4-16 kHz; relative to the STFT's unnormalised
//               magnitude, so only differences are meaningful).
//   onset_db    mean positive log-magnitude flux 1.5-8 kHz per frame, in dB
//               (snare rolls and hats: dense in buildups, sparse in breakdowns).
//
// Segmentation: bars are split into kick / no-kick runs (runs shorter than
// min_run_bars are merged into their neighbours), run boundaries snap to the
// 8-bar phrase grid from bar 0 when within snap_bars of it. No-kick runs
// between drops are breakdowns whose last part is the buildup: the split where
// two lines fit the high-band level best (slow filter opening, then a steep
// riser/snare-roll rise), kept when the later part is buildup_rise_db louder (a
// one-phrase run is a buildup when its high band rises by 2 * buildup_rise_db); the first kick run
// is the intro if a breakdown follows it, the last run is an outro when it is a no-kick run or
// clearly quieter (split_db, in the mean of energy_db and
// mid_db) than the drop before it. Everything else with a
// kick is a drop. Threads: pure functions.

#include <string>
#include <vector>

#include "core/features/analysis_context.hpp"
#include "core/features/track_features.hpp"

namespace styledna::core {

struct TranceBars {
    std::vector<double> start_s;
    std::vector<double> end_s;
    std::vector<std::vector<double>> beats_s; // beat onsets inside each bar
    double duration_s = 0.0;
    double beat_period_s = 0.0;
    std::size_t size() const { return start_s.size(); }
};

// Empty when the grid is invalid or the track is shorter than one bar.
TranceBars barsFromGrid(const BeatGrid& grid, double duration_s);

struct TranceBarCues {
    std::vector<double> energy_db;
    std::vector<double> kick;
    // The same share with the rise threshold taken over the beats loud enough
    // to count (kick_level_db): where a buildup's kick-alone beats rise 28-40 dB
    // the threshold above sits at 10-14 dB, over a quiet kick's 2-13 dB under a
    // loud bass. Not used by the segmentation (its sections and phrase marks
    // are tuned on `kick`); the sidechain's low band falls back on it when the
    // thin kick bars hold too few beats (trance_features.cpp).
    std::vector<double> kick_loud;
    std::vector<double> low_db;
    std::vector<double> mid_db;
    std::vector<double> high_db;
    std::vector<double> onset_db;
};

struct TranceArrangementParams {
    double kick_min_flux_db = 6.0; // absolute floor of a kick's low-band rise over the valley
    double kick_rel = 0.35;        // relative to the 90th percentile beat flux
    double kick_level_db = 15.0;   // a kick's low-band level within this of the loud beats
    double kick_bar_min = 0.5;     // a bar "has a kick" at this fraction of beats
    int min_run_bars = 2;          // shorter kick / no-kick runs are merged away
    int phrase_bars = 8;           // phrase grid for snapping
    int snap_bars = 2;             // snap a boundary when this close to the phrase grid
    double split_db = 2.5;         // energy step that separates intro/outro from drops
    double buildup_rise_db = 6.0;  // high-band step (dB) that marks a buildup
};

TranceBarCues computeBarCues(const AnalysisContext& ctx, const TranceBars& bars,
                             const TranceArrangementParams& params);

// Contiguous sections covering [0, bars.duration_s); empty when bars is empty.
std::vector<Section> segmentArrangement(const TranceBarCues& cues, const TranceBars& bars,
                                        const TranceArrangementParams& params);

} // namespace styledna::core
