// Parameter draws, names, validation and arrangement planning of the trance
// synthesizer. No audio is rendered here.

#include <algorithm>
#include <cmath>
#include <set>

#include <catch2/catch.hpp>

#include "core/audio/synth/music_theory.hpp"
#include "core/audio/synth/trance_synth.hpp"

using namespace styledna::core;

namespace {

const std::vector<TranceStyle> kStyles{TranceStyle::kUplifting, TranceStyle::kProgressive,
                                       TranceStyle::kTech, TranceStyle::kPsy};
const std::vector<SynthFlaw> kFlaws{SynthFlaw::kMuddyBass,     SynthFlaw::kWideLowEnd,
                                    SynthFlaw::kWeakSidechain, SynthFlaw::kNarrowSupersaw,
                                    SynthFlaw::kQuietMaster,   SynthFlaw::kHarshHighs,
                                    SynthFlaw::kShortBreakdown};

int breakdownBars(const std::vector<ArrangementSection>& sections) {
    int bars = 0;
    for (const auto& s : sections) {
        if (s.label == SectionLabel::kBreakdown) {
            bars = std::max(bars, s.bars);
        }
    }
    return bars;
}

} // namespace

TEST_CASE("style and flaw names round-trip", "[synth][params]") {
    for (TranceStyle style : kStyles) {
        auto parsed = parseStyle(styleName(style));
        REQUIRE(parsed.isOk());
        CHECK(*parsed == style);
    }
    for (SynthFlaw flaw : kFlaws) {
        auto parsed = parseFlaw(flawName(flaw));
        REQUIRE(parsed.isOk());
        CHECK(*parsed == flaw);
    }
    CHECK(parseStyle("hardstyle").status().code() == StatusCode::kInvalidArgument);
    CHECK_FALSE(parseStyle("").isOk());
    CHECK_FALSE(parseFlaw("Muddy_Bass").isOk());
}

TEST_CASE("tempo stays in the style range and is often fractional", "[synth][params]") {
    for (TranceStyle style : kStyles) {
        const TempoRange range = styleTempoRange(style);
        int fractional = 0;
        constexpr int kSeeds = 400;
        for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
            const SynthParams p = randomParams(style, seed, 5.0, {});
            REQUIRE(p.tempo_bpm >= range.min_bpm);
            REQUIRE(p.tempo_bpm <= range.max_bpm);
            // Drawn on a quarter-BPM grid (exact in binary floating point).
            REQUIRE(p.tempo_bpm * 4 == std::floor(p.tempo_bpm * 4));
            fractional += p.tempo_bpm != std::floor(p.tempo_bpm) ? 1 : 0;
        }
        // Half the draws fractional: 400 Bernoulli(0.5) draws lie within
        // 0.5 +- 0.1 with probability > 0.9999.
        CHECK(fractional > kSeeds * 0.4);
        CHECK(fractional < kSeeds * 0.6);
    }
}

TEST_CASE("random params are deterministic and valid", "[synth][params]") {
    for (TranceStyle style : kStyles) {
        for (std::uint64_t seed = 0; seed < 50; ++seed) {
            const SynthParams a = randomParams(style, seed, 5.0, kFlaws);
            const SynthParams b = randomParams(style, seed, 5.0, kFlaws);
            REQUIRE(validateParams(a).isOk());
            CHECK(a.tempo_bpm == b.tempo_bpm);
            CHECK(a.detune_cents == b.detune_cents);
            CHECK(a.progression == b.progression);
            CHECK(a.acid.pattern.size() == 16);
            CHECK(randomParams(style, seed, 5.0, {}).tonic_pc ==
                  a.tonic_pc); // flaws change only their own values
        }
    }
    const SynthParams a = randomParams(TranceStyle::kTech, 1, 5.0, {});
    const SynthParams b = randomParams(TranceStyle::kTech, 2, 5.0, {});
    CHECK((a.tempo_bpm != b.tempo_bpm || a.tonic_pc != b.tonic_pc ||
           a.detune_cents != b.detune_cents));
}

TEST_CASE("acid is common in psy and tech, rare in uplifting; trance is mostly minor",
          "[synth][params]") {
    auto acidShare = [](TranceStyle style) {
        int acid = 0;
        for (std::uint64_t seed = 0; seed < 300; ++seed) {
            acid += randomParams(style, seed, 5.0, {}).bass_type == BassType::kAcid ? 1 : 0;
        }
        return acid / 300.0;
    };
    // Expected shares 0.3 / 0.6 / 0.03 (psy's other basses roll); bounds are
    // > 3.5 standard deviations wide.
    CHECK(acidShare(TranceStyle::kPsy) > 0.2);
    CHECK(acidShare(TranceStyle::kTech) > 0.5);
    CHECK(acidShare(TranceStyle::kUplifting) < 0.07);
    int minor = 0;
    for (std::uint64_t seed = 0; seed < 300; ++seed) {
        minor += randomParams(TranceStyle::kUplifting, seed, 5.0, {}).mode == KeyMode::kMinor;
    }
    CHECK(minor > 200);
}

TEST_CASE("each style's preset follows its genre's conventions", "[synth][params]") {
    struct Shares {
        double voices = 0, spread = 0, lufs = 0, lead = 0, hats16 = 0, rolling = 0, held = 0,
               kick_start = 0, kick_decay = 0, duck_db = 0, release = 0;
    };
    constexpr int kSeeds = 300;
    auto shares = [](TranceStyle style) {
        Shares s;
        for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
            const SynthParams p = randomParams(style, seed, 5.0, {});
            s.voices += p.supersaw_voices / double(kSeeds);
            s.spread += p.stereo_spread / kSeeds;
            s.lufs += p.loudness_target_lufs / kSeeds;
            s.lead += (p.lead_arp ? 1.0 : 0.0) / kSeeds;
            s.hats16 += (p.sixteenth_hats ? 1.0 : 0.0) / kSeeds;
            s.rolling += (p.bass_type == BassType::kRolling ? 1.0 : 0.0) / kSeeds;
            s.held += (p.bass_type == BassType::kSustained ? 1.0 : 0.0) / kSeeds;
            s.kick_start += p.kick_start_hz / kSeeds;
            s.kick_decay += p.kick_decay_ms / kSeeds;
            s.duck_db += p.sidechain_depth_db / kSeeds;
            s.release += p.sidechain_release_ms / kSeeds;
        }
        return s;
    };
    const Shares up = shares(TranceStyle::kUplifting), prog = shares(TranceStyle::kProgressive),
                 tech = shares(TranceStyle::kTech), psy = shares(TranceStyle::kPsy);
    // Uplifting: the biggest, widest supersaws, a lead almost always, the deepest duck.
    for (const Shares* other : {&prog, &tech, &psy}) {
        CHECK(up.voices > other->voices + 2.0);
        CHECK(up.spread > other->spread + 0.15);
        CHECK(up.lead > other->lead + 0.3);
        CHECK(up.duck_db > other->duck_db);
    }
    CHECK(up.lead > 0.85);
    // Progressive: the quietest masters, the softest duck with the longest
    // release, held sub basses on part of the tracks.
    for (const Shares* other : {&up, &tech, &psy}) {
        CHECK(prog.lufs < other->lufs - 1.0);
        CHECK(prog.duck_db < other->duck_db);
        CHECK(prog.release > other->release);
    }
    CHECK(prog.held > 0.1);
    CHECK(up.held == 0.0);
    // Tech: the hardest kick (highest start pitch); 16th hats mostly; few leads.
    for (const Shares* other : {&up, &prog, &psy}) {
        CHECK(tech.kick_start > other->kick_start);
    }
    CHECK(tech.hats16 > 0.7);
    CHECK(tech.lead < 0.2);
    // Psy: rolling bass on every non-acid track, the shortest kick, 16th hats,
    // the loudest masters.
    CHECK(psy.rolling > 0.6);
    for (const Shares* other : {&up, &prog, &tech}) {
        CHECK(psy.kick_decay < other->kick_decay);
        CHECK(psy.lufs > other->lufs);
    }
    CHECK(psy.hats16 > 0.8);
}

TEST_CASE("flaws set their parameters", "[synth][params]") {
    for (std::uint64_t seed = 0; seed < 30; ++seed) {
        const SynthParams clean = randomParams(TranceStyle::kUplifting, seed, 5.0, {});
        CHECK(clean.muddy_boost_db == 0.0);
        CHECK(clean.harsh_boost_db == 0.0);
        CHECK(clean.low_end_allpass_hz == 0.0);
        CHECK(clean.sidechain_depth_db >= 4.0);
        CHECK(clean.stereo_spread >= 0.5);
        CHECK(clean.loudness_target_lufs >= -9.0);
        CHECK(clean.loudness_target_lufs <= -7.0);
        const SynthParams bad = randomParams(TranceStyle::kUplifting, seed, 5.0, kFlaws);
        CHECK(bad.muddy_boost_db >= 6.0);
        CHECK(bad.muddy_freq_hz >= 200.0);
        CHECK(bad.muddy_freq_hz <= 400.0);
        CHECK(bad.harsh_boost_db >= 6.0);
        CHECK(bad.harsh_freq_hz >= 3000.0);
        CHECK(bad.harsh_freq_hz <= 8000.0);
        CHECK(bad.low_end_allpass_hz > 0.0);
        CHECK(bad.sidechain_depth_db <= 2.0);
        CHECK(bad.stereo_spread >= 0.05);
        CHECK(bad.stereo_spread <= 0.15);
        CHECK(bad.loudness_target_lufs == -16.0);
        CHECK(bad.flaws.size() == kFlaws.size());
    }
}

TEST_CASE("arrangements tile the track on the 8-bar grid", "[synth][params]") {
    const std::set<SectionLabel> required{SectionLabel::kIntro, SectionLabel::kBreakdown,
                                          SectionLabel::kBuildup, SectionLabel::kDrop};
    for (TranceStyle style : kStyles) {
        for (int total = 32; total <= 400; total += 8) {
            for (bool short_breakdown : {false, true}) {
                const auto sections = planArrangement(style, static_cast<std::uint64_t>(total),
                                                      total, short_breakdown);
                int bar = 0;
                std::set<SectionLabel> labels;
                for (const auto& s : sections) {
                    REQUIRE(s.start_bar == bar);
                    REQUIRE(s.bars % 8 == 0);
                    REQUIRE(s.bars >= 8);
                    bar += s.bars;
                    labels.insert(s.label);
                }
                REQUIRE(bar == total);
                for (SectionLabel label : required) {
                    REQUIRE(labels.count(label) == 1);
                }
                REQUIRE(sections.front().label == SectionLabel::kIntro);
            }
        }
    }
}

TEST_CASE("minutes map to whole 8-bar phrases", "[synth][params]") {
    for (double minutes : {0.5, 1.0, 2.0, 5.0, 7.5}) {
        const SynthParams p = randomParams(TranceStyle::kProgressive, 3, minutes, {});
        const int bars = p.sections.back().start_bar + p.sections.back().bars;
        const double seconds = bars * 240.0 / p.tempo_bpm;
        // Rounded to the nearest phrase: off by at most half a phrase, or
        // padded to the 32-bar minimum.
        CHECK((std::abs(seconds - minutes * 60.0) <= 4 * 240.0 / p.tempo_bpm || bars == 32));
    }
    const SynthParams five = randomParams(TranceStyle::kUplifting, 9, 5.0, {});
    CHECK(five.sections.size() >= 7); // double breakdown/drop at full length
}

TEST_CASE("short_breakdown gives shorter breakdowns than the style norm", "[synth][params]") {
    for (TranceStyle style : kStyles) {
        for (std::uint64_t seed = 0; seed < 20; ++seed) {
            const auto normal = randomParams(style, seed, 3.0, {});
            const auto shorter = randomParams(style, seed, 3.0, {SynthFlaw::kShortBreakdown});
            CHECK(breakdownBars(shorter.sections) == 8);
            CHECK(breakdownBars(normal.sections) >= 16);
        }
    }
}

TEST_CASE("chord tones are in key", "[synth][params][theory]") {
    for (std::uint64_t seed = 0; seed < 100; ++seed) {
        const SynthParams p = randomParams(TranceStyle::kUplifting, seed, 5.0, {});
        const auto& scale = synth_detail::scaleIntervals(p.mode);
        for (int degree : p.progression) {
            for (int pc : synth_detail::triadPitchClasses(p.tonic_pc, p.mode, degree)) {
                const int interval = ((pc - p.tonic_pc) % 12 + 12) % 12;
                CHECK(std::find(scale.begin(), scale.end(), interval) != scale.end());
            }
        }
    }
    CHECK(synth_detail::keyName(9, KeyMode::kMinor) == "A minor");
    CHECK(synth_detail::romanNumeral(KeyMode::kMinor, 5) == "VI");
    CHECK(synth_detail::romanNumeral(KeyMode::kMinor, 0) == "i");
    CHECK(synth_detail::chordName(9, KeyMode::kMinor, 5) == "F");
    CHECK(synth_detail::chordName(9, KeyMode::kMinor, 0) == "Am");
}

TEST_CASE("bad params are rejected", "[synth][params][edge]") {
    const SynthParams good = randomParams(TranceStyle::kPsy, 1, 1.0, {});
    REQUIRE(validateParams(good).isOk());
    auto rejects = [&](auto mutate) {
        SynthParams p = good;
        mutate(p);
        const Status s = validateParams(p);
        CHECK(s.code() == StatusCode::kInvalidArgument);
        CHECK(renderTrack(p).status().code() == StatusCode::kInvalidArgument);
    };
    rejects([](SynthParams& p) { p.tempo_bpm = 59.0; });
    rejects([](SynthParams& p) { p.tempo_bpm = 201.0; });
    rejects([](SynthParams& p) { p.tempo_bpm = std::nan(""); });
    rejects([](SynthParams& p) { p.minutes = 0.1; });
    rejects([](SynthParams& p) { p.minutes = 21.0; });
    rejects([](SynthParams& p) { p.stereo_spread = 1.5; });
    rejects([](SynthParams& p) { p.stereo_spread = -0.1; });
    rejects([](SynthParams& p) { p.supersaw_voices = 0; });
    rejects([](SynthParams& p) { p.tonic_pc = 12; });
    rejects([](SynthParams& p) { p.progression = {}; });
    rejects([](SynthParams& p) { p.progression = {0, 7}; });
    rejects([](SynthParams& p) { p.sidechain_release_ms = 0.0; });
    rejects([](SynthParams& p) { p.sections.clear(); });
    rejects([](SynthParams& p) { p.sections[1].start_bar += 8; });
    rejects([](SynthParams& p) { p.sections[0].bars = 12; });
    rejects([](SynthParams& p) { p.kick_end_hz = p.kick_start_hz + 1; });
    rejects([](SynthParams& p) {
        p.bass_type = BassType::kAcid;
        p.acid.pattern.resize(15);
    });
    rejects([](SynthParams& p) { p.sample_rate_hz = 8000.0; });
    rejects([](SynthParams& p) { p.loudness_target_lufs = 0.0; });
}
