#include "unit/features_trance/trance_synth_cases.hpp"

#include <map>
#include <memory>
#include <tuple>

#include <catch2/catch.hpp>

#include "core/audio/synth/trance_synth.hpp"

namespace styledna::test {

const TranceCase& tranceCase(int style_index, std::uint64_t seed, double minutes,
                             const std::vector<std::string>& flaws) {
    using namespace core;
    using Key = std::tuple<int, std::uint64_t, double, std::vector<std::string>>;
    static std::map<Key, std::unique_ptr<TranceCase>> cache;
    const Key key{style_index, seed, minutes, flaws};
    if (auto it = cache.find(key); it != cache.end()) {
        return *it->second;
    }
    const TranceStyle styles[] = {TranceStyle::kUplifting, TranceStyle::kProgressive,
                                  TranceStyle::kTech, TranceStyle::kPsy};
    const TranceStyle style = styles[style_index & 3];
    std::vector<SynthFlaw> parsed;
    std::string name = std::string(styleName(style)) + "/" + std::to_string(seed);
    for (const auto& f : flaws) {
        auto flaw = parseFlaw(f);
        REQUIRE(flaw.isOk());
        parsed.push_back(*flaw);
        name += "+" + f;
    }
    const SynthParams params = randomParams(style, seed, minutes, parsed);
    auto track = renderTrack(params);
    REQUIRE(track.isOk());
    auto c = std::make_unique<TranceCase>();
    c->name = name;
    c->mix = std::move(track->mix);
    c->tempo_bpm = params.tempo_bpm;
    c->duration_s = track->truth.duration_s;
    c->total_bars = track->truth.total_bars;
    c->sidechain_depth_db = params.sidechain_depth_db;
    c->sidechain_release_ms = params.sidechain_release_ms;
    c->stereo_spread = params.stereo_spread;
    c->detune_cents = params.detune_cents;
    c->supersaw_voices = params.supersaw_voices;
    c->acid = params.bass_type == BassType::kAcid;
    c->lead_arp = params.lead_arp;
    for (const auto& s : track->truth.sections) {
        c->sections.push_back({s.label, s.start_bar, s.bars});
    }
    return *cache.emplace(key, std::move(c)).first->second;
}

} // namespace styledna::test
