#pragma once
// The ground-truth set of the feature layer: synthesized trance tracks with
// their truth and the features the product measures on them.
//
// Every track goes the product's way: randomParams(style, seed, 1.5 min,
// flaws) -> renderTrack -> mix written as a 16-bit WAV -> core::decodeFile ->
// core::extractFeatures(decoded, {2}) (the rhythm family's own grid, never the
// truth grid). The audio is dropped after extraction; only truth and features
// are kept. Rendered once per test process, on first use (not thread-safe:
// Catch runs test cases on one thread).

#include <cstdint>
#include <string>
#include <vector>

#include "core/audio/audio_buffer.hpp"
#include "core/audio/synth/trance_synth.hpp"
#include "core/features/track_features.hpp"

namespace styledna::test {

struct GroundTruthTrack {
    std::string name; // "psy/7301+short_breakdown"
    int style_index = 0;
    std::uint64_t seed = 0;
    std::vector<std::string> flaws;
    core::SynthTruth truth;
    core::TrackFeatures features;
    bool decode_bit_exact = false; // decoded WAV == rendered mix, sample for sample
    bool hasFlaw(const std::string& flaw) const;
};

// Length of every track in the set, minutes: 1.5 min rounds to 48 bars
// (progressive, tech, most uplifting) or 56 bars (psy, uplifting >= 138.7 BPM),
// so every arrangement has intro, breakdown, buildup, drop and outro, and the
// psy breakdowns span 16 bars (short_breakdown can shorten them to 8).
inline constexpr double kGroundTruthMinutes = 1.5;

// The 25 tracks: 4 styles x 6 (seeds 7000 + 100 * style + i) with flaws on
// some, plus the short_breakdown twin of a clean psy track. Renders on first
// call; REQUIREs every step to succeed.
const std::vector<GroundTruthTrack>& groundTruthSet();

// The synth parameters of style `style_index` (0..3 = uplifting, progressive,
// tech, psy) with flaws by synth name.
core::SynthParams groundTruthParams(int style_index, std::uint64_t seed,
                                    const std::vector<std::string>& flaws);

// A shorter track (uplifting seed 7000, 1.0 min: 32-40 bars) rendered at
// `sample_rate_hz` (the synth renders natively at 22.05..192 kHz); cached per
// rate for the life of the process.
const core::RenderedTrack& shortTrack(double sample_rate_hz);

// Writes `mix` as PCM16 WAV to `path`, decodes it like the product does and
// returns the decoded buffer (44.1 kHz). REQUIREs success.
core::AudioBuffer writeAndDecode(const core::AudioBuffer& mix, const std::string& path);

} // namespace styledna::test
