#pragma once
// Signal-to-distortion ratio of a separated stem against its truth.
//
// sdrDb(reference, estimate) = 10 log10((sum |s|^2 + eps) / (sum |s - s_hat|^2 + eps))
// over every sample of every channel (plain SDR: no BSS-eval projection, so a
// gain or a filter applied to the estimate counts as distortion), eps = 1e-9
// so silent references stay finite (silent truth and silent estimate: 0 dB).
// Both buffers must have the same channel count and length; otherwise the
// result is NaN. Units: dB; a perfect estimate gives 10 log10(E / eps).
// Threads: pure function.

#include "core/audio/audio_buffer.hpp"

namespace styledna::core::stems {

inline constexpr double kSdrEps = 1e-9;

double sdrDb(const AudioBuffer& reference, const AudioBuffer& estimate);

} // namespace styledna::core::stems
