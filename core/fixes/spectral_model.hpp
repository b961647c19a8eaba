#pragma once
// The move simulator's spectral model (move_simulator.hpp), internal to
// core/fixes: long-term mid/side power spectra of a signal over the whole
// track and per analysis section (Hann n, hop kSummaryHopFrames(n) = 2n), and the feature values
// a mid/side spectrum pair implies (modelValues: the names of
// move_simulator.hpp's list plus "supersaw_ratio", "kweighted_db", "power_db").
// Powers are mean power per bin; levels in dB floor at kModelFloorDb.
// Threads: pure functions.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/audio/audio_buffer.hpp"
#include "core/features/track_features.hpp"
#include "core/fixes/move_simulator.hpp"

namespace styledna::fixes {

inline constexpr double kModelFloorDb = -100.0;

// Frames summarised: every other n-point frame (long-term averages).
constexpr std::size_t kSummaryHopFrames(std::size_t n) {
    return 2 * n;
}

// Per-bin power weights of the loudness K-filter and the stereo family's low
// band (Butterworth HP 20 Hz, LR4 LP 120 Hz), computed once per input.
struct BinWeights {
    std::vector<double> kweight, low_band;
};
BinWeights binWeights(std::size_t bins, double rate, std::size_t n);

double powerDb(double power);

struct Band {
    std::size_t k0, k1; // [k0, k1)
};
// The bins of [lo, hi) Hz of an n-point FFT at `rate`.
Band band(double lo, double hi, double rate, std::size_t n);
double bandSum(const std::vector<double>& p, Band b);

// `out` <- the spectra of `audio` (1 or 2 channels), whole track and per section.
void accumulateSpectra(SignalSpectra& out, const core::AudioBuffer& audio,
                       const std::vector<core::Section>& sections, std::size_t n);

std::map<std::string, double> modelValues(const std::vector<double>& mid,
                                          const std::vector<double>& side, double rate,
                                          std::size_t n, const BinWeights& weights);

} // namespace styledna::fixes
