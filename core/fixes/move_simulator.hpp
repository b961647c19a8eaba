#pragma once
// MoveSimulator: predicts a WIP's features after a set of moves (move.hpp)
// without re-analysing it, so every fix is validated in milliseconds.
//
// Method: one pass over the audio (summarise()) keeps, per signal (the mix
// and each stem given), the long-term average power spectrum of mid
// M = (L+R)/2 and side S = (L-R)/2 (Hann 4096, hop 8192: 10.8 Hz bins, every
// other frame, which long-term averages need no more of: the acceptance's
// agreement moved 388 -> 387/399 against hop 4096, at half the pass; the
// frames' mean power per bin) over the whole track and over each of the
// analysis' sections. A move multiplies the spectra of its signal bin by bin
// by its power gain (movePowerGain); the mix after the moves is the sum of
// the stems' powers (stems assumed uncorrelated) or, without stems, the mix
// spectrum itself with every move applied to it (a bass-track EQ then also
// reaches the other tracks in that band: predictions overstate such moves).
// From the spectra a model computes the features the moves can change
// (tonal balance bands, centroid, roll-off, tilt, bass centroid, stereo
// widths and correlations, fold-down loss, the supersaw side/mid ratio,
// K-weighted and plain power). Each prediction is the measured value plus
// the model's change, after - before, so the model's own bias cancels:
//   tonal_balance_*, *_centroid_hz, tilt: + model delta
//   spectral_rolloff_hz: x model ratio (after / before; a threshold crossing)
//   stereo_width*, correlations, mono_fold_loss_db: + model delta, clamped
//   low_end_mono_ok: the analyser's rule on the predicted values
//   supersaw_width: the spread whose voice ratio (trance_supersaw.hpp) is the
//       measured one's times the model's S/M ratio change in 1-8 kHz
//   loudness (LUFS), rms_dbfs, mean_energy_db: + K-weighted / plain power dB;
//   peaks: + the broadband mix gain, a raise capped at the -0.09 dBFS
//       clipper ceiling (or the measured peak when above it); filters leave
//       the peaks of a clipped master where they are;
//   crest_factor_db and plr_db from those
//   sidechain_depth_db: + the extra duck depth times the ducked signals'
//       share of the non-drum stems' 40 Hz-6 kHz power (1 without stems)
// Stem features (TrackAnalysis::stems, when the WIP was analysed with stems
// and the input has the stems' spectra): a stem that a move reaches (its own
// signal or "mix") gets the same rules on its own spectra (tonal balance
// relative to the stem, centroids, widths, correlation, supersaw width;
// sidechain_depth_db + the full duck on that stem); the drums'
// kick_bass_overlap_db + the change of 10 log10(sum min(Pd, Pb) / sum Pb) over
// 40-120 Hz of the long-term spectra when the bass changes (EQ and width
// moves; a duck's effect on the overlap is in time, not modelled: left as
// measured). Other stems are left as measured.
// Threads: summarise() is pure (runs a second thread inside); predict() is
// const and reentrant.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/analysis/track_analysis.hpp"
#include "core/audio/audio_buffer.hpp"
#include "core/fixes/move.hpp"

namespace styledna::fixes {

struct SignalSpectra {
    std::vector<double> mid, side;                              // mean power per bin, whole track
    std::vector<std::vector<double>> section_mid, section_side; // per analysis section
};

struct BinWeights; // per-bin filter weights of the model (move_simulator.cpp)

struct SimulationInput {
    double rate_hz = core::kAnalysisRateHz;
    std::size_t fft_size = 4096;
    double beat_s = 0.45;
    SignalSpectra mix;
    std::map<std::string, SignalSpectra> stems; // "bass" | "drums" | "other"; may be empty
    // Computed by summarise(): the model's weights and its values before any
    // move, whole track first, then per section.
    std::shared_ptr<const BinWeights> weights;
    std::vector<std::map<std::string, double>> base_models;
    // The same per stem (stem name -> whole track, then per section).
    std::map<std::string, std::vector<std::map<std::string, double>>> stem_base_models;
};

// One pass: mix (stereo or mono) and optional stems at the same rate and
// length; `features` gives the sections and the beat period. With stems, only
// the stems are read (two threads) and `mix` holds their spectra's sum.
SimulationInput summarise(const core::AudioBuffer& mix,
                          const std::map<std::string, const core::AudioBuffer*>& stems,
                          const core::TrackFeatures& features);

// The WIP's analysis with its mix features (whole track and sections) and,
// with `stems`, its stem features replaced by their predicted values after
// `moves` (without: the stems as measured, a third of the cost when three
// stems are given).
core::TrackAnalysis predict(const SimulationInput& input, const core::TrackAnalysis& wip,
                            const std::vector<Move>& moves, bool stems = true);

// `a` (a predict() result whose moves hold no gain on the mix) as predict()
// would give it with a further broadband gain of `gain_db` on the mix: every
// level feature of the track and its sections moves by the gain (loudness,
// RMS, energy; peaks up to the clip ceiling), crest factor and PLR follow;
// shares, widths, centroids and the stems do not change. Exact for a pure
// gain, and a fraction of predict()'s cost (the planner's level match).
void applyMixGain(core::TrackAnalysis& a, double gain_db);

// Whether predict() changes `feature` on `stem` ("" the mix): the features
// listed above (sidechain_rate_per_beat with the duck's depth).
bool predictsFeature(std::string_view feature, std::string_view stem);

// The model's feature values of a mid/side spectrum pair (exposed for tests).
std::map<std::string, double> spectralModel(const std::vector<double>& mid,
                                            const std::vector<double>& side, double rate_hz,
                                            std::size_t fft_size);

// Supersaw voice ratio <-> spread (trance_supersaw.hpp's seven-voice law).
double supersawRatio(double spread);
double supersawSpread(double ratio);

} // namespace styledna::fixes
