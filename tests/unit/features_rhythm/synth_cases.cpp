#include "unit/features_rhythm/synth_cases.hpp"

#include <catch2/catch.hpp>

#include "core/audio/synth/trance_synth.hpp"

namespace styledna::test {

SynthCase renderSynthCase(int style_index, std::uint64_t seed, double minutes, double swing) {
    using namespace core;
    const TranceStyle styles[] = {TranceStyle::kUplifting, TranceStyle::kProgressive,
                                  TranceStyle::kTech, TranceStyle::kPsy};
    const TranceStyle style = styles[style_index & 3];
    SynthParams params = randomParams(style, seed, minutes, {});
    if (swing >= 0.0) {
        params.swing = swing;
        params.sixteenth_hats = true;
    }
    auto track = renderTrack(params);
    REQUIRE(track.isOk());
    SynthCase c;
    c.name = std::string(styleName(style)) + "/" + std::to_string(seed);
    c.mix = std::move(track->mix);
    c.tempo_bpm = params.tempo_bpm;
    c.swing = params.swing;
    c.tonic_pc = params.tonic_pc;
    c.minor = params.mode == KeyMode::kMinor;
    c.duration_s = track->truth.duration_s;
    return c;
}

} // namespace styledna::test
