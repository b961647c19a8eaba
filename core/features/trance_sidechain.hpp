#pragma once
// Sidechain pumping analysis of the trance family.
//
// Envelope: the band-limited power (band_lo_hz..band_hi_hz, 2nd-order
// high-pass, 2nd-order low-pass) at 1 ms blocks of the side signal (L - R) / 2
// when it carries enough of that band (kick and bass are mono in trance, so
// the side band holds only the ducked pads and leads), else of the mono signal
// (4th-order high-pass to keep the kick out).
//
// Clip gate (side signal only): a loud master runs into a clipper/limiter on
// every kick, and a memoryless clipper scales the side by its slope at the mid
// (L, R = f(M +- S) gives side ~ f'(M) S), which adds several dB of
// kick-synchronous "ducking" that no sidechain made (measured on the synth:
// +1.5..3.7 dB on the weak_sidechain tracks). So the block power is the mean of
// the squared band signal over the samples where |mid| is more than
// clip_margin_db under the track's mid peak (below any clipper knee); the
// count of kept samples travels with each block. The gate is on the mid, not
// on the measured side, so it does not select on the side's own level. Not
// applied on the mono path (it would gate the measured signal itself).
//
// Fold: for every selected beat t_k, the blocks nearest to t_k + u for u in
// [-pre_ms, beat_period - pre_ms) on a 1 ms lattice, pooled over beats as
// sum(kept * power) / sum(kept): a gain common to all beats (the duck) passes
// exactly, blocks the gate emptied count less, lattice points with under
// min_coverage of the fullest point's kept samples (the kick's loudest ms on a
// hot master) are left out of the fit, which then rests on the recovery. The
// first guard_ms after each onset are left out too (kick click, pad
// retriggers on the bar line).
//
// Model (the synthesizer's definition, trance_synth.hpp): after a kick at t0
// the gain in dB is -depth * exp(-u / tau), tau = release_ms / ln(10), so
// release_ms is the time after the onset at which 90 % of the depth (in dB)
// has recovered; each kick restarts the curve. The fold (in dB) is fitted with
// y(u) = C - depth * exp(-u' / tau), u' = time since the latest onset (wrapping
// over the beat period), by least squares over a grid of onset shifts
// (+-max_shift_ms, 1 ms) and releases (log grid 10..1000 ms, 4.7 % steps),
// two passes with Huber weights. depth < 0 fits are reported as 0.
//
// Candidates (side path only): the fold is fitted on two bands of the side,
// band_lo_hz..band_hi_hz and alt_band_lo_hz..band_hi_hz, and the result of the
// one with the smaller Huber-weighted RMS residual (dB) is kept; a candidate
// whose release sits on the grid's lower edge (a click or clipper residue, not
// a duck law) is not taken. The upper band drops the region where a widened
// low end (bass harmonics through an allpass on one channel) puts the rolling
// bass's own 16th-note envelope into the side, and its pads/leads recover
// with less beat-locked texture on weak ducks.
// Accuracy on the 25 synthesized tracks of the ground-truth test (1.5 min,
// rhythm grid): depth within 1.5 dB on 24/25, release within 30 % on 23/25
// (the misses: a nearly empty side on narrow_supersaw reads depth 1.5 dB
// short; weak (< 1 dB) ducks read the release 30-45 % short).
//
// rate_per_beat: 1 + the number of beat quarters (1/4, 2/4, 3/4) where the fold
// drops by more than max(1 dB, depth / 2) within 2..8 ms, 0 when depth < 0.5 dB.
// Threads: pure functions.

#include <cstdint>
#include <vector>

#include "core/features/analysis_context.hpp"

namespace styledna::core {

struct TranceSidechainParams {
    double band_lo_hz = 200.0;
    double band_hi_hz = 6000.0;
    double alt_band_lo_hz = 1000.0; // second side candidate: alt_band_lo_hz..band_hi_hz
    double side_min_rel_db = -50.0; // use the side signal when its band power is above this re mono
    double pre_ms = 30.0;
    double max_shift_ms = 4.0;
    double guard_ms = 8.0; // excluded after the onset (kick click, chord retriggers)
    int min_beats = 8;
    double clip_margin_db = 6.0; // side samples where |mid| is within this of its peak are left out
    double clip_dilate_ms = 0.0; // ... and this long around them (filter ring)
    double min_coverage =
        0.02; // fold points with fewer kept samples (re the fullest) are not fitted
};

struct TranceSidechainEnvelope {
    std::vector<float> power;        // linear band power per block, mean over kept samples
    std::vector<float> power_alt;    // same, alt_band_lo_hz..band_hi_hz (side only; else empty)
    std::vector<std::uint16_t> kept; // samples kept per block (empty: all)
    double block_s = 0.0;
    bool from_side = false;
};

TranceSidechainEnvelope computeSidechainEnvelope(const AnalysisContext& ctx,
                                                 const TranceSidechainParams& params);

struct TranceSidechainResult {
    double depth_db = 0.0;
    double release_ms = 0.0;
    double rate_per_beat = 0.0;
    double onset_offset_ms = 0.0; // fitted onset relative to the grid beats
    int beats_used = 0;
    std::vector<double> fold_db; // 1 ms lattice from -pre_ms
};

// beats: selected beat onsets (s); beat_period_s > 0. Zero result when fewer
// than min_beats beats fall inside the envelope.
TranceSidechainResult analyseSidechain(const TranceSidechainEnvelope& env,
                                       const std::vector<double>& beats, double beat_period_s,
                                       const TranceSidechainParams& params);

} // namespace styledna::core
