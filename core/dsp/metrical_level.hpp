#pragma once
// Metrical-level choice for a tempo estimate: which of the tempo's simple
// relatives is the beat.
//
// An autocorrelation tempogram finds a period of the music, but a period of
// three eighths (2/3 of the tempo) or three sixteenths (4/3) is as periodic as
// the beat in a loop. Relatives fall into three octave classes,
// {1, 3/2, 4/3} x 2^k; octaves are left to the tempogram and its prior, the
// class is decided here from where the onsets fall in the beat:
//   metricalFit(onsets, L): onsets (peak-picked flux, sub-frame positions,
//   strength-weighted) folded onto a beat of L frames at the best of 480
//   phases, each onset scored by the template weight of the nearest position
//   of a binary/ternary metre: beat 1, eighth 0.6, sixteenths 0.3, triplets
//   0.15, elsewhere 0 (Gaussian tolerance of max(0.03 L, 0.7) frames), divided
//   by the total strength. Kick and snare onsets of the true metre fall on
//   beats and eighths; on the grid of a 3:2 or 4:3 relative most of them fall
//   on its triplets, sixteenths or between them.
// A candidate's confidence is class_score^8 x octave_score normalised over the
// candidates: a 10 % better fit outweighs a factor 2 in the tempogram.
// Cost: O(onsets + 480^2) per class, ~1 ms for 6000 onsets.
// Units: frames of the onset envelope (fractional). Threads: pure, reentrant.

#include <functional>
#include <vector>

#include "core/dsp/peak_picking.hpp"

namespace styledna::core {

struct MetricalFit {
    double score = 0.0;        // 0..1, strength-weighted mean template weight
    double phase_frames = 0.0; // beat 0 of the best phase, in [0, period)
};

MetricalFit metricalFit(const std::vector<PickedPeak>& onsets, double period_frames);

struct TempoLevel {
    double period_frames = 0.0;
    double ratio = 1.0;        // tempo of this level / the tempogram's tempo
    double class_score = 0.0;  // metricalFit evidence of its octave class
    double octave_score = 0.0; // tempogram score at this tempo (prior weighted)
    double confidence = 0.0;   // share of the total evidence, candidates sum to 1
};

struct MetricalLevelParams {
    double min_bpm = 40.0; // candidates outside [min_bpm, max_bpm] are dropped
    double max_bpm = 260.0;
};

// Ranks the relatives {1/2, 2/3, 3/4, 1, 4/3, 3/2, 2} of `period_frames`
// (tempo = 60 frame_rate / period). `accents` are weighted onsets: the class
// score of a relative is metricalFit at its class representative nearest in
// log tempo to the original (1, 4/3 or 3/4); `tempogram(bpm)` gives the
// octave score. Best first; [0] is the chosen level.
std::vector<TempoLevel> rankTempoLevels(const std::vector<PickedPeak>& accents,
                                        double period_frames, double frame_rate_hz,
                                        const std::function<double(double)>& tempogram,
                                        const MetricalLevelParams& params = {});

} // namespace styledna::core
