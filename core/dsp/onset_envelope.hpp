#pragma once
// Onset strength envelopes from a magnitude spectrogram (log band-energy flux).
//
// Input: a Spectrogram (see stft.hpp; any frame size / hop). Bins are grouped
// into log-spaced bands (`bands_per_octave` per octave between min_hz and
// max_hz; a band holds at least one bin), band power is compressed to dB
// (10 log10(power + floor), floor = -`floor_db` dB re a full-scale sine at a
// bin centre) and the flux of frame i is the sum over the bands of the
// half-wave rectified dB increase from frame i-1 (frame 0 reads 0).
// One pass computes every requested band range at once, so the spectrogram
// (the largest object of an analysis) is streamed through the cache once.
//
// Output: one envelope per BandRange, each num_frames long, in dB per frame
// summed over the bands of the range; the frame rate is spec.frameRateHz().
// Timing: the flux of a percussive onset at time t peaks at the first frame
// whose centre is at or just after t (frames are centred, see stft.hpp).
// Cost: O(frames x bins below max_hz) additions + O(frames x bands) logs.
// Threads: pure function, reentrant.

#include <vector>

#include "core/dsp/stft.hpp"

namespace styledna::core {

struct BandRange {
    double min_hz = 30.0;
    double max_hz = 11000.0;
};

struct OnsetEnvelopeParams {
    double min_hz = 30.0;     // lowest band edge of the band layout
    double max_hz = 11000.0;  // highest band edge
    int bands_per_octave = 4; // band layout resolution
    double floor_db = 80.0;   // power floor below a full-scale sine, dB
};

// Returns ranges.size() envelopes (each spec.num_frames long; empty for an
// empty spectrogram). A band belongs to a range if its centre lies inside it.
std::vector<std::vector<float>> bandFluxEnvelopes(const Spectrogram& spec,
                                                  const std::vector<BandRange>& ranges,
                                                  const OnsetEnvelopeParams& params = {});

// Linear power flux of one band: max(0, P[i] - P[i-1]) with P the summed
// bin power in [min_hz, max_hz], in units of a full-scale bin-centre sine's
// power. Unlike the dB flux it is dominated by the loudest events, so in the
// kick band it follows the kick, not quieter bass notes. num_frames long.
std::vector<float> bandPowerFlux(const Spectrogram& spec, double min_hz, double max_hz);

// Subtracts a centred moving average of `window` frames and half-wave
// rectifies, in place: keeps the local rises, removes slow level changes.
void removeLocalMean(std::vector<float>& envelope, int window);

} // namespace styledna::core
