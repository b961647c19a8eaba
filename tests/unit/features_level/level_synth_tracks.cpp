#include "unit/features_level/level_synth_tracks.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <tuple>

#include "core/audio/synth/trance_synth.hpp"

namespace styledna::test {

const LevelSynthTrack& levelSynthTrack(const std::string& style, std::uint64_t seed,
                                       const std::vector<std::string>& flaws) {
    static std::map<std::tuple<std::string, std::uint64_t, std::vector<std::string>>,
                    LevelSynthTrack>
        cache;
    const auto key = std::make_tuple(style, seed, flaws);
    auto it = cache.find(key);
    if (it != cache.end()) {
        return it->second;
    }
    const auto parsed_style = core::parseStyle(style);
    REQUIRE(parsed_style.isOk());
    std::vector<core::SynthFlaw> parsed_flaws;
    for (const auto& f : flaws) {
        const auto flaw = core::parseFlaw(f);
        REQUIRE(flaw.isOk());
        parsed_flaws.push_back(*flaw);
    }
    auto result = core::renderTrack(core::randomParams(*parsed_style, seed, 0.5, parsed_flaws));
    REQUIRE(result.isOk());
    LevelSynthTrack track;
    track.mix = std::move(result->mix);
    track.integrated_lufs = result->truth.integrated_lufs;
    track.true_peak_dbtp = result->truth.true_peak_dbtp;
    track.low_end_allpass_hz = result->truth.params.low_end_allpass_hz;
    return cache.emplace(key, std::move(track)).first->second;
}

} // namespace styledna::test
