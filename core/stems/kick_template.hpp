#pragma once
// Beat-synchronous kick estimate: the first stage of the DSP separator.
//
// Why: in trance the kick (a pitched sine sweep ~150 -> 45 Hz) and the bass
// share 40-150 Hz, and both are short events, so spectral HPSS cannot tell
// them apart. But the kick is one sample replayed on the beat grid, while the
// bass changes note with the chords, so the median over many beats of the
// beat-aligned waveform is the kick alone (REPET-style repetition, in the
// time domain so phase is exact).
//
// Method, on the mono low band y of (L + R) / 2: a 2nd-order Butterworth
// low-pass at band_hz run forward and backward (zero phase, 4th-order magnitude):
//  1. Candidate onsets: the grid's beats (or every `beat_period` from the
//     first beat). Kick beats: energy of y over [-10, +60] ms of the beat
//     at least -presence_db under the 90th percentile over beats.
//  2. Template: elementwise median over up to max_template_beats kick beats of
//     y on [-pre_ms, length) around each beat; each beat is then re-aligned
//     to the template by cross-correlation (+-search_ms, on y decimated by 8,
//     then +-8 samples at full rate over the first align_ms) and the median
//     is taken again on the aligned beats (two rounds).
//  3. Length: the template is kept up to tail_fraction of the beat period
//     (rolling and offbeat basses are silent in the first sixteenth, so the
//     median there is uncontaminated) and faded out over fade_ms with a
//     raised cosine; after it, the kick's tail (about -18..-25 dB of its
//     energy) is left to the spectral stage.
//     A template whose first decay_check_ms (from the onset) is not
//     min_decay_db above its last decay_check_ms is no kick (a steady tone
//     repeats on the beat too): no kick is subtracted.
//  4. Per beat: gain g = <y_b, T> / <T, T> on the aligned segment; a beat
//     is kept when g > 0 and the normalised correlation is >= min_correlation
//     (breakdowns and beats without a kick get nothing).
// Output: the kick estimate (mono, full rate, sum of g_b T at the aligned
// onsets). The caller subtracts it from L and R alike: trance kicks are mono
// (a stereo kick leaves its side in the residual, which the spectral stage
// then sorts).
// Threads: pure function. Cost: two biquad passes over the track plus
// O(beats x template) work (~20-40 ms for a 5-minute track).

#include <cstddef>
#include <vector>

#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"

namespace styledna::core::stems {

struct KickTemplateParams {
    double band_hz = 250.0;              // zero-phase low-pass of the estimation band
    double pre_ms = 8.0;                 // template starts this long before the beat
    double tail_fraction = 0.24;         // template length as a fraction of the beat period
    double max_length_ms = 160.0;        // ... and at most this long
    double fade_ms = 20.0;               // raised-cosine fade-out at the template's end
    double search_ms = 15.0;             // per-beat alignment range around the grid beat
    double align_ms = 40.0;              // fine alignment span (from the template start)
    double presence_db = 12.0;           // kick beats: energy within this of the 90th percentile
    double min_correlation = 0.6;        // per-beat normalised correlation to accept a kick
    std::size_t max_template_beats = 96; // beats in the median (spread over the track)
    double decay_check_ms = 25.0;        // a kick template must decay: energy of its first
    double min_decay_db = 6.0;           // ... decay_check_ms over its last, at least this
};

struct KickEstimate {
    std::vector<float> kick;         // mono, same length as the input; empty: no kick found
    std::vector<std::size_t> onsets; // aligned template starts of the accepted beats
    std::size_t template_length = 0;
};

// mono: (L + R) / 2 at rate_hz; beats_s: beat onsets in seconds (ascending).
// An empty or too short beat list (fewer than 8 beats) gives no kick.
Result<KickEstimate> estimateKick(const std::vector<float>& mono, double rate_hz,
                                  const std::vector<double>& beats_s, double beat_period_s,
                                  const KickTemplateParams& params,
                                  const CancellationToken& cancel);

} // namespace styledna::core::stems
