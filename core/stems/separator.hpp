#pragma once
// Stem separation: a mix -> drums, bass, other.
//
// Contract of every Separator:
//   * Stems have the mix's channel count (stereo in, stereo out; a mono mix
//     gives mono stems), its sample rate and exactly its number of frames;
//     sample i of every stem is aligned with sample i of the mix (no latency).
//   * drums + bass + other == mix up to float rounding: implementations
//     compute `other` as mix - drums - bass, so the per-sample error is a few
//     ulp of the mix (|error| <= 1e-6 for a full-scale mix; tested).
//   * Empty input gives three empty stems with the mix's layout.
//   * separate() is const and reentrant: several threads may separate
//     different mixes with one Separator at once.
//   * Long work checks `cancel` about every 50 ms and returns cancelledError();
//     progress goes 0 -> 1 with stage "separating".
// name() carries the method and a version ("dsp-hpss/1"); it changes whenever
// any output sample would change, so cached stems and stem analyses are keyed
// by (content hash, name()).
//
// Memory: three stems of the mix's size (a 5-minute stereo 44.1 kHz mix:
// 3 x 106 MB); stem channels come from the large-buffer pool
// (core/common/large_buffers.hpp) and can go back with recycleStems().

#include <memory>
#include <string>
#include <string_view>

#include "core/audio/audio_buffer.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "core/dsp/stft.hpp"
#include "core/features/track_features.hpp"

namespace styledna::core::stems {

struct Stems {
    AudioBuffer drums; // kick, claps, snares, hats, cymbals
    AudioBuffer bass;  // bass line (sub and its harmonics), acid lines
    AudioBuffer other; // chords, leads, pads, FX, vocals: mix - drums - bass
};

// What a caller may already know about the mix. Everything is optional; a
// separator computes what it needs and is not given.
struct SeparationHints {
    const BeatGrid* grid = nullptr; // the mix's beat grid (e.g. from the analysis)
    // The mix's magnitude STFTs as AnalysisContext computes them (core/dsp/stft.hpp:
    // Hann, centred frames, at the mix's rate): mono (L + R) / 2 and, for a
    // stereo mix, side (L - R) / 2 (nullptr for a mono mix). They must be of
    // `mix` itself. A separator whose own analysis frames coincide with them
    // may read them instead of transforming the mix again; the others ignore them.
    const Spectrogram* mono_spectrum = nullptr;
    const Spectrogram* side_spectrum = nullptr;
};

class Separator {
public:
    virtual ~Separator() = default;
    virtual std::string name() const = 0;
    virtual Result<Stems> separate(const AudioBuffer& mix, const SeparationHints& hints,
                                   const CancellationToken& cancel,
                                   const ProgressFn& progress) const = 0;
    Result<Stems> separate(const AudioBuffer& mix, const CancellationToken& cancel = {},
                           const ProgressFn& progress = {}) const {
        return separate(mix, SeparationHints{}, cancel, progress);
    }
};

// "dsp" (default, no weights): DspSeparator with default parameters.
// "learned": unimplemented until the LibTorch separator exists (models/).
// Anything else: invalidArgument naming the choices.
Result<std::unique_ptr<Separator>> makeSeparator(std::string_view name = "dsp");

// Hands the stems' channels to the large-buffer pool (the stems are left empty).
void recycleStems(Stems& stems);

// Largest |drums + bass + other - mix| over all samples (a check of the
// sum-back contract; 0 for empty input). Channel counts or lengths that
// disagree give +infinity.
double maxSumBackError(const Stems& stems, const AudioBuffer& mix);

} // namespace styledna::core::stems
