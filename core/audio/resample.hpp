#pragma once
// Sample-rate conversion with libsoxr (HQ preset: 20-bit precision, passband to
// 0.91 x Nyquist, linear phase), streamed in 8192-frame chunks so the working
// set stays small (see PERF.md: one-shot conversion of a whole track costs page
// faults). Output length is round(frames * out_rate / in_rate) (+/- 1 frame).

#include "core/audio/audio_buffer.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"

namespace styledna::core {

// Returns input unchanged (moved) when the rates already match.
Result<AudioBuffer> resampleTo(AudioBuffer input, double out_rate_hz,
                               const CancellationToken* cancel = nullptr);

} // namespace styledna::core
