#pragma once
// Widened ground-truth sets: synthesized tracks whose one axis (sidechain,
// acid or tempo) is drawn from the ranges real producers use
// (core::SynthVariety), not from our style presets. Each track goes
// randomParams(style, seed, 1.5 min, {}, variety) -> renderTrack ->
// extractFeatures on the mastered mix (already on the 16-bit grid, so equal to
// the decoded WAV; the analysis suite checks that decode is bit exact). Only
// truth and features are kept. Rendered once per process on first use.

#include <cstdint>
#include <string>
#include <vector>

#include "core/audio/synth/trance_synth.hpp"
#include "core/features/track_features.hpp"

namespace styledna::test {

struct WideTrack {
    std::string name; // "wide_sidechain/psy/9003"
    core::SynthTruth truth;
    core::TrackFeatures features;
};

// Tracks per set (styles cycle uplifting, progressive, tech, psy; seeds
// 9000 + 1000 * variety + i).
inline constexpr int kWideSetSize = 40;

// The parameters of track `index` of the draw starting at first_seed: seed
// first_seed + index, styles cycling with the index, `minutes` long (the sets:
// 1.5). (Draws start at multiples
// of 1000, so seed S is track S % 1000 of the draw at S - S % 1000.)
inline core::SynthParams wideTrackParams(core::SynthVariety variety, std::uint64_t first_seed,
                                         int index, double minutes = 1.5) {
    constexpr core::TranceStyle kStyles[] = {core::TranceStyle::kUplifting,
                                             core::TranceStyle::kProgressive,
                                             core::TranceStyle::kTech, core::TranceStyle::kPsy};
    return core::randomParams(kStyles[index % 4], first_seed + static_cast<std::uint64_t>(index),
                              minutes, {}, variety);
}

const std::vector<WideTrack>& wideSet(core::SynthVariety variety);

// Another draw of the same variety (seeds first_seed .. first_seed + count - 1),
// for held-out checks of what was tuned on wideSet().
const std::vector<WideTrack>& wideDraw(core::SynthVariety variety, std::uint64_t first_seed,
                                       int count);

double featureOf(const WideTrack& t, const std::string& name);

} // namespace styledna::test
