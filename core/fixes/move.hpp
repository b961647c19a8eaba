#pragma once
// Move: what a planned change does to the audio, as a DSP model the
// simulator (move_simulator.hpp) and the time-domain renderer below share.
//
// Kinds and their models (rate in Hz, frequencies in Hz, gains in dB):
//   kBell / kLowShelf / kHighShelf  RBJ cookbook peaking / shelving biquad
//       (Audio EQ Cookbook, shelf slope S = 1 through `q`), on both channels.
//   kBassMono   side below freq_hz removed: S' = LR4 high-pass(S) at freq_hz
//               (M untouched), i.e. a mid/side crossover.
//   kWidth      S' = width * S (Utility Stereo Width, 1 = 100 %).
//   kGain       both channels * 10^(gain_db / 20).
//   kDuck       an extra duck on the beat grid: at every beat the gain drops
//               by gain_db (< 0) and recovers as gain_db * exp(-t / tau),
//               tau = release_ms / ln 10 (90 % recovered at release_ms), the
//               trance synthesizer's sidechain law.
// `signal` names what the move is applied to: "mix", or a stem ("bass",
// "drums", "other") when the move is on a track the stem carries.
// `amount` scaling (strength): gain_db and (width - 1) scale; freq_hz and q
// are the placement and do not; kBassMono is a switch (any strength > 0).
// Threads: plain data; the render functions are reentrant.

#include <string>
#include <vector>

#include "core/audio/audio_buffer.hpp"
#include "core/dsp/biquad_cascade.hpp"

namespace styledna::fixes {

enum class MoveKind { kBell, kLowShelf, kHighShelf, kBassMono, kWidth, kGain, kDuck };

struct Move {
    MoveKind kind = MoveKind::kGain;
    std::string signal = "mix";
    double freq_hz = 1000;
    double gain_db = 0;
    double q = 0.71;
    double width = 1;
    double release_ms = 150;
};

// The move at `strength` (0..1) of its amount.
Move scaledMove(const Move& move, double strength);

// RBJ designs (a0 normalised to 1).
core::BiquadCoefficients peakingEq(double freq_hz, double gain_db, double q, double rate_hz);
core::BiquadCoefficients lowShelf(double freq_hz, double gain_db, double q, double rate_hz);
core::BiquadCoefficients highShelf(double freq_hz, double gain_db, double q, double rate_hz);

// Power gains |H|^2 of a move at `hz`, on the mid and on the side signal.
// kDuck: the mean power gain over one beat of `beat_s` seconds.
struct PowerGain {
    double mid = 1, side = 1;
};
PowerGain movePowerGain(const Move& move, double hz, double rate_hz, double beat_s);

// Applies the moves in order to `audio` (1 or 2 channels) in the time domain.
// beat_times_s: the beat grid for kDuck (seconds from the buffer's start).
void renderMoves(core::AudioBuffer& audio, const std::vector<Move>& moves,
                 const std::vector<double>& beat_times_s);

} // namespace styledna::fixes
