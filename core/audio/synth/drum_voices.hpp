#pragma once
// One-shot drum and FX renders for the trance synthesizer. Each one-shot is
// rendered once per track and added at every hit (render once, mix many).
//
// Contract: every function is a pure function of its arguments; returned
// buffers are mono float, full scale 1.0, starting with the onset at index 0.
// rate_hz is the track sample rate.

#include <cstdint>
#include <vector>

namespace styledna::core::synth_detail {

// Kick: sine whose pitch sweeps exponentially start_hz -> end_hz (time
// constant 35 ms), amplitude decaying to -60 dB at decay_ms, plus a 1 ms
// noise click and gentle saturation. Peak about 1.0.
std::vector<float> renderKick(double start_hz, double end_hz, double decay_ms, double rate_hz,
                              std::uint32_t noise_seed);
// Clap: three noise bursts 10 ms apart and a 120 ms tail, band-passed at 1.2 kHz.
std::vector<float> renderClap(double rate_hz, std::uint32_t noise_seed);
// Hi-hat: noise high-passed at 7 kHz; decay_ms to -60 dB (closed ~35, open ~200).
std::vector<float> renderHat(double decay_ms, double rate_hz, std::uint32_t noise_seed);
// Snare for rolls: 185 Hz body and band-passed noise, 150 ms.
std::vector<float> renderSnare(double rate_hz, std::uint32_t noise_seed);
// Crash/impact: decaying high-passed noise, 2 s; different noise seeds for
// left and right decorrelate them.
std::vector<float> renderCrash(double rate_hz, std::uint32_t noise_seed);

// Riser over `frames` samples: white noise through a band-pass sweeping
// exponentially from 400 Hz to 9 kHz with gain rising from -30 dB to 0 dB.
// Adds (not assigns) gain * riser into out[0 .. frames).
void addRiser(float* out, std::size_t frames, double rate_hz, float gain, std::uint32_t noise_seed);

} // namespace styledna::core::synth_detail
