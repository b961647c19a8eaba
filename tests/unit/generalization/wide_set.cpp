#include "unit/generalization/wide_set.hpp"

#include <map>
#include <tuple>

#include <catch2/catch.hpp>

#include "core/features/extractor.hpp"

namespace styledna::test {

const std::vector<WideTrack>& wideSet(core::SynthVariety variety) {
    return wideDraw(variety, static_cast<std::uint64_t>(9000 + 1000 * static_cast<int>(variety)),
                    kWideSetSize);
}

const std::vector<WideTrack>& wideDraw(core::SynthVariety variety, std::uint64_t first_seed,
                                       int count) {
    using Key = std::tuple<core::SynthVariety, std::uint64_t, int>;
    static std::map<Key, std::vector<WideTrack>> cache;
    const Key key{variety, first_seed, count};
    if (auto it = cache.find(key); it != cache.end()) {
        return it->second;
    }
    std::vector<WideTrack> set;
    for (int i = 0; i < count; ++i) {
        const auto seed = first_seed + static_cast<std::uint64_t>(i);
        const auto params = wideTrackParams(variety, first_seed, i);
        WideTrack t;
        t.name = std::string(core::varietyName(variety)) + "/" +
                 std::string(core::styleName(params.style)) + "/" + std::to_string(seed);
        INFO(t.name);
        auto track = core::renderTrack(params);
        INFO(track.status().toString());
        REQUIRE(track.isOk());
        auto features = core::extractFeatures(track->mix, core::ExtractOptions{2});
        INFO(features.status().toString());
        REQUIRE(features.isOk());
        t.truth = std::move(track->truth);
        t.features = std::move(features).value();
        set.push_back(std::move(t));
    }
    return cache.emplace(key, std::move(set)).first->second;
}

double featureOf(const WideTrack& t, const std::string& name) {
    const auto it = t.features.values.find(name);
    INFO(t.name << ": " << name);
    REQUIRE(it != t.features.values.end());
    return it->second;
}

} // namespace styledna::test
