// Names, per-style parameter draws, arrangement planning and validation.

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "core/audio/synth/music_theory.hpp"
#include "core/audio/synth/synth_random.hpp"
#include "core/audio/synth/trance_synth.hpp"

namespace styledna::core {

using synth_detail::Rng;

namespace {

constexpr std::array<std::string_view, 4> kStyleNames{"uplifting", "progressive", "tech", "psy"};
constexpr std::array<std::string_view, 7> kFlawNames{
    "muddy_bass",   "wide_low_end", "weak_sidechain", "narrow_supersaw",
    "quiet_master", "harsh_highs",  "short_breakdown"};

// Per-style draw ranges; see randomParams(). Each style follows its genre's
// production conventions (ranges, not constants: tracks of one style still
// differ), so the four presets sound like what a producer would call them.
// Supersaw voices: tech 2-4 and progressive 3-5 are what the genres use (the
// detune estimate fits the voice count, trance_supersaw.hpp). The hard tech
// kick (175-215 Hz start, 160-220 ms) cost the learned separator trained on
// the earlier presets 2.5 dB of drum SDR on tech; the shipped weights are
// trained on these presets (models/weights/README.md).
//   uplifting   big wide supersaws (9-12 voices, 25-40 cents, spread 0.8-1),
//               a lead arp almost always, long emotional breakdowns, offbeat or
//               rolling bass, deep pumping sidechain, mostly minor, rarely acid;
//   progressive restrained: few narrow voices (3-5, 8-18 cents, 0.4-0.65),
//               rarely a lead, offbeat or held sidechained sub bass, softer
//               duck with a long release, quieter masters, open hats, long
//               builds, rarely acid;
//   tech        dark and percussive: acid often, else mostly an offbeat bass,
//               16th hats, little supersaw (2-4 voices, spread 0.3-0.5),
//               rarely a lead, a hard kick (highest start pitch, short decay),
//               short breakdowns, loud;
//   psy         fastest; the rolling K-B-B-B bass nearly always (acid on the
//               rest: the synth's acid line replaces the bass and itself plays
//               the sixteenths), the shortest, tightest kick, 16th hats,
//               always minor, wider atmospheric pads (5-7 voices), a lead on
//               half the tracks, the loudest masters, the fastest duck
//               recovery.
struct StyleProfile {
    double minor_probability;
    double acid_probability;
    double rolling_probability; // of the non-acid basses; the rest is offbeat
    int voices_min, voices_max;
    double detune_min, detune_max;
    double spread_min, spread_max;
    double sidechain_min_db, sidechain_max_db;
    double release_min_ms, release_max_ms;
    double lufs_min, lufs_max;
    double lead_probability;
    double sixteenth_hat_probability;
    double long_breakdown_probability; // 32 bars instead of 16
    double open_hat_probability;
    double kick_start_min_hz, kick_start_max_hz;
    double kick_decay_min_ms, kick_decay_max_ms;
    double sustained_probability;  // of the offbeat basses: a held sub note per bar instead
    double long_build_probability; // 16-bar buildup wanted instead of 8
};

const StyleProfile& profile(TranceStyle style) {
    // clang-format off
    static const std::array<StyleProfile, 4> kProfiles{{
        // minor acid  roll  voices  detune    spread      duck dB   release    LUFS
        //   lead  16th  longbd open  kick start  kick decay  held  longbuild
        {0.85, 0.03, 0.5,  9, 12, 25, 40, 0.8,  1.0,  7.0, 10.0, 150, 250, -8.5, -7.5,
         0.95, 0.25, 0.85, 0.8, 140, 165, 220, 320, 0.0, 0.5},   // uplifting
        {0.7,  0.05, 0.2,  3, 5,  8,  18, 0.4,  0.65, 3.5, 6.0,  260, 400, -10.5, -9.0,
         0.15, 0.15, 0.35, 0.95, 120, 145, 250, 380, 0.4, 0.85}, // progressive
        {0.95, 0.6,  0.15, 2, 4,  10, 20, 0.3,  0.5,  5.0, 8.0,  130, 220, -7.5, -6.5,
         0.1,  0.85, 0.1,  0.5, 175, 215, 160, 220, 0.0, 0.3},   // tech
        {1.0,  0.3,  1.0,  5, 7,  12, 25, 0.55, 0.8,  6.0, 9.0,  80,  150, -7.0, -6.0,
         0.5,  0.9,  0.15, 0.6, 145, 170, 110, 160, 0.0, 0.3},   // psy
    }};
    // clang-format on
    return kProfiles[static_cast<std::size_t>(style)];
}

bool hasFlaw(const std::vector<SynthFlaw>& flaws, SynthFlaw flaw) {
    return std::find(flaws.begin(), flaws.end(), flaw) != flaws.end();
}

double drawTempo(Rng& rng, TempoRange range) {
    const int quarters = static_cast<int>(std::lround((range.max_bpm - range.min_bpm) * 4));
    if (rng.chance(0.5)) {
        const int whole = quarters / 4;
        return range.min_bpm + static_cast<double>(rng.index(static_cast<std::size_t>(whole + 1)));
    }
    // Fractional: a quarter-BPM step that is not a whole number.
    std::vector<int> steps;
    for (int q = 1; q < quarters; ++q) {
        if (q % 4 != 0) {
            steps.push_back(q);
        }
    }
    return range.min_bpm + steps[rng.index(steps.size())] * 0.25;
}

std::vector<AcidStep> drawAcidPattern(Rng& rng, KeyMode mode, double gate_density = 0.8,
                                      double accent_density = 0.3, double slide_density = 0.2) {
    const auto& s = synth_detail::scaleIntervals(mode);
    const std::array<int, 12> choices{0, 0, 0, 0, 12, 12, 7, s[2], s[6], s[1], s[3], s[5]};
    std::vector<AcidStep> pattern(16);
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        pattern[i].gate = i == 0 || rng.chance(gate_density);
        pattern[i].semitones = choices[rng.index(choices.size())];
        pattern[i].accent = rng.chance(accent_density);
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        pattern[i].slide =
            pattern[i].gate && pattern[(i + 1) % 16].gate && rng.chance(slide_density);
    }
    return pattern;
}

// Widened sidechain: any duck shape, attack, depth 0.5-14 dB (none on 15 %
// of the tracks), release 40-400 ms (at most 0.85 of the beat), bus, source
// (compressor on 30 %, with its knee and ratio), kick fader +-6 dB.
void widenSidechain(Rng& rng, SynthParams& p) {
    SidechainParams& sc = p.sidechain;
    sc.shape = static_cast<DuckShape>(rng.index(4));
    sc.source = rng.chance(0.3) ? DuckSource::kCompressor : DuckSource::kVolumeShaper;
    constexpr std::array<DuckBus, 4> kBuses{DuckBus::kBassAndSynths, DuckBus::kSynthsOnly,
                                            DuckBus::kBassOnly, DuckBus::kAllButKick};
    sc.bus = kBuses[rng.index(kBuses.size())];
    sc.attack_ms = rng.uniform(0.0, 10.0);
    sc.kick_level_db = rng.uniform(-6.0, 6.0);
    sc.knee_db = rng.uniform(0.0, 12.0);
    sc.ratio = rng.uniform(4.0, 20.0);
    const double beat_ms = 60000.0 / p.tempo_bpm;
    p.sidechain_release_ms = rng.uniform(40.0, std::min(400.0, 0.85 * beat_ms));
    p.sidechain_release_ms = std::max(p.sidechain_release_ms, sc.attack_ms + 30.0);
    sc.hold_ms = sc.shape == DuckShape::kHoldRelease
                     ? rng.uniform(0.1, 0.4) * (p.sidechain_release_ms - sc.attack_ms)
                     : 0.0;
    p.sidechain_depth_db = rng.chance(0.15) ? 0.0 : rng.uniform(0.5, 14.0);
    // A bass-only duck is audible (and measurable) on a held bass; rolling and
    // offbeat basses are silent at the kick. Elsewhere a third of the basses hold.
    if (sc.bus == DuckBus::kBassOnly || (p.bass_type != BassType::kAcid && rng.chance(0.3))) {
        p.bass_type = BassType::kSustained;
    }
}

// Widened acid: on half of the tracks, any style; every voice parameter over
// the range real 303 lines use; level -18..-4 dB against the mix.
void widenAcid(Rng& rng, SynthParams& p) {
    if (!rng.chance(0.5)) {
        if (p.bass_type == BassType::kAcid) {
            p.bass_type = BassType::kRolling;
        }
        return;
    }
    p.bass_type = BassType::kAcid;
    AcidParams& a = p.acid;
    a.square_wave = rng.chance(0.4);
    a.three_pole = rng.chance(0.5);
    a.root_midi = 36 + p.tonic_pc + (rng.chance(0.3) ? -12 : 0);
    a.cutoff_min_hz = 80.0 * std::pow(10.0, rng.uniform(0.0, 1.0)); // 80..800 Hz
    a.cutoff_max_hz = std::min(8000.0, a.cutoff_min_hz * std::pow(2.0, rng.uniform(1.0, 4.0)));
    a.sweep_bars = std::array<int, 4>{4, 8, 16, 32}[rng.index(4)];
    a.resonance = rng.uniform(0.3, 0.95);
    a.env_mod_octaves = rng.uniform(0.0, 4.0);
    a.decay_ms = rng.uniform(60.0, 500.0);
    a.slide_ms = rng.uniform(20.0, 120.0);
    a.drive_db = rng.chance(0.5) ? rng.uniform(3.0, 18.0) : 0.0;
    a.level_db = rng.uniform(-18.0, -4.0);
    a.pattern = drawAcidPattern(rng, p.mode, rng.uniform(0.55, 0.95), rng.uniform(0.0, 0.5),
                                rng.uniform(0.0, 0.4));
}

// Widened tempo: 70-200 BPM (half the draws fractional), drum patterns whose
// pulse is half, double or broken against the notated beat, triplet hats.
void widenTempo(Rng& rng, SynthParams& p) {
    p.tempo_bpm = drawTempo(rng, {70.0, 200.0});
    const double u = rng.uniform(0.0, 1.0);
    p.drum_pattern = u < 0.4    ? DrumPattern::kFourOnFloor
                     : u < 0.6  ? DrumPattern::kHalfTime
                     : u < 0.75 ? DrumPattern::kDoubleTime
                                : DrumPattern::kBreakbeat;
    p.triplet_hats = rng.chance(0.25);
    // Keep the duck inside the shortest kick spacing.
    const double spacing_ms =
        (p.drum_pattern == DrumPattern::kDoubleTime ? 0.5 : 1.0) * 60000.0 / p.tempo_bpm;
    p.sidechain_release_ms = std::min(p.sidechain_release_ms, 0.8 * spacing_ms);
}

} // namespace

std::string_view styleName(TranceStyle style) {
    return kStyleNames[static_cast<std::size_t>(style)];
}

Result<TranceStyle> parseStyle(std::string_view name) {
    for (std::size_t i = 0; i < kStyleNames.size(); ++i) {
        if (kStyleNames[i] == name) {
            return static_cast<TranceStyle>(i);
        }
    }
    return invalidArgument("unknown trance style '" + std::string(name) +
                           "' (expected uplifting, progressive, tech or psy)");
}

std::string_view flawName(SynthFlaw flaw) {
    return kFlawNames[static_cast<std::size_t>(flaw)];
}

Result<SynthFlaw> parseFlaw(std::string_view name) {
    for (std::size_t i = 0; i < kFlawNames.size(); ++i) {
        if (kFlawNames[i] == name) {
            return static_cast<SynthFlaw>(i);
        }
    }
    return invalidArgument("unknown synth flaw '" + std::string(name) + "'");
}

std::string_view bassTypeName(BassType type) {
    switch (type) {
    case BassType::kRolling:
        return "rolling";
    case BassType::kOffbeat:
        return "offbeat";
    case BassType::kAcid:
        return "acid";
    case BassType::kSustained:
        return "sustained";
    }
    return "rolling";
}

std::string_view sectionLabelName(SectionLabel label) {
    constexpr std::array<std::string_view, 5> kNames{"intro", "breakdown", "buildup", "drop",
                                                     "outro"};
    return kNames[static_cast<std::size_t>(label)];
}

std::string_view keyModeName(KeyMode mode) {
    return mode == KeyMode::kMinor ? "minor" : "major";
}

std::string_view varietyName(SynthVariety variety) {
    constexpr std::array<std::string_view, 4> kNames{"style", "wide_sidechain", "wide_acid",
                                                     "wide_tempo"};
    return kNames[static_cast<std::size_t>(variety)];
}

Result<SynthVariety> parseVariety(std::string_view name) {
    for (int i = 0; i < 4; ++i) {
        if (varietyName(static_cast<SynthVariety>(i)) == name) {
            return static_cast<SynthVariety>(i);
        }
    }
    return invalidArgument("unknown synth variety '" + std::string(name) +
                           "' (expected style, wide_sidechain, wide_acid or wide_tempo)");
}

std::string_view duckShapeName(DuckShape shape) {
    constexpr std::array<std::string_view, 4> kNames{"exponential", "linear", "cosine",
                                                     "hold_release"};
    return kNames[static_cast<std::size_t>(shape)];
}

std::string_view duckSourceName(DuckSource source) {
    return source == DuckSource::kCompressor ? "compressor" : "volume_shaper";
}

std::string_view duckBusName(DuckBus bus) {
    constexpr std::array<std::string_view, 4> kNames{"bass_and_synths", "synths_only", "bass_only",
                                                     "all_but_kick"};
    return kNames[static_cast<std::size_t>(bus)];
}

std::string_view drumPatternName(DrumPattern pattern) {
    constexpr std::array<std::string_view, 4> kNames{"four_on_floor", "half_time", "double_time",
                                                     "breakbeat"};
    return kNames[static_cast<std::size_t>(pattern)];
}

TempoRange styleTempoRange(TranceStyle style) {
    switch (style) {
    case TranceStyle::kUplifting:
        return {136, 140};
    case TranceStyle::kProgressive:
        return {126, 132};
    case TranceStyle::kTech:
        return {134, 140}; // overlaps uplifting, as the real genres do
    case TranceStyle::kPsy:
        return {140, 148};
    }
    return {136, 140};
}

std::vector<ArrangementSection> planArrangement(TranceStyle style, std::uint64_t seed,
                                                int total_bars, bool short_breakdown) {
    // Work in 8-bar units. Start from the minimal labelled layout and grow
    // sections towards per-track desired lengths in a fixed priority order.
    Rng rng(seed ^ 0xA5A5F00DULL);
    const int units = std::max(4, total_bars / 8);
    const int breakdown_want =
        short_breakdown ? 1 : (rng.chance(profile(style).long_breakdown_probability) ? 4 : 2);
    const int intro_want = rng.chance(0.5) ? 4 : 2;
    const int buildup_want = rng.chance(profile(style).long_build_probability) ? 2 : 1;
    const int outro_want = rng.chance(0.5) ? 4 : 2;
    const int drop_want = 4;

    struct Part {
        SectionLabel label;
        int units;
        int want;
    };
    std::vector<Part> parts{{SectionLabel::kIntro, 1, intro_want},
                            {SectionLabel::kBreakdown, 1, breakdown_want},
                            {SectionLabel::kBuildup, 1, buildup_want},
                            {SectionLabel::kDrop, 1, drop_want}};
    int used = 4;
    if (units >= 5) {
        parts[3].units = 2;
        ++used;
    }
    if (units >= 6) {
        parts.push_back({SectionLabel::kOutro, 1, outro_want});
        ++used;
    }
    bool doubled = false;
    const std::array<SectionLabel, 5> priority{SectionLabel::kBreakdown, SectionLabel::kDrop,
                                               SectionLabel::kIntro, SectionLabel::kOutro,
                                               SectionLabel::kBuildup};
    while (used < units) {
        bool grew = false;
        for (SectionLabel label : priority) {
            for (auto& part : parts) {
                if (used < units && part.label == label && part.units < part.want) {
                    ++part.units;
                    ++used;
                    grew = true;
                }
            }
        }
        if (grew) {
            continue;
        }
        if (!doubled && units - used >= 4 && parts.back().label == SectionLabel::kOutro) {
            doubled = true;
            const auto outro_it = parts.end() - 1;
            parts.insert(outro_it, {{SectionLabel::kBreakdown, 1, breakdown_want},
                                    {SectionLabel::kBuildup, 1, buildup_want},
                                    {SectionLabel::kDrop, 2, drop_want}});
            used += 4;
            continue;
        }
        // Everything at its wanted length: extra phrases go to the drops.
        for (auto& part : parts) {
            if (used < units && part.label == SectionLabel::kDrop) {
                ++part.units;
                ++used;
            }
        }
    }
    std::vector<ArrangementSection> sections;
    int bar = 0;
    for (const auto& part : parts) {
        sections.push_back({part.label, bar, part.units * 8});
        bar += part.units * 8;
    }
    return sections;
}

SynthParams randomParams(TranceStyle style, std::uint64_t seed, double minutes,
                         const std::vector<SynthFlaw>& flaws, SynthVariety variety) {
    const StyleProfile& prof = profile(style);
    // The style salts the stream so seed k of two styles are unrelated tracks.
    Rng rng(seed ^ (0x51A7E5ULL * (static_cast<std::uint64_t>(style) + 1)));
    Rng acid_rng = rng.fork(1);
    SynthParams p;
    p.style = style;
    p.seed = seed;
    p.minutes = minutes;
    p.flaws = flaws;
    p.tempo_bpm = drawTempo(rng, styleTempoRange(style));

    p.tonic_pc = static_cast<int>(rng.index(12));
    p.mode = rng.chance(prof.minor_probability) ? KeyMode::kMinor : KeyMode::kMajor;
    const auto& table = synth_detail::progressionTable(p.mode);
    p.progression = table[rng.index(table.size())];
    p.chord_bars = rng.chance(0.6) ? 2 : 1;

    if (rng.chance(prof.acid_probability)) {
        p.bass_type = BassType::kAcid;
    } else {
        p.bass_type =
            rng.chance(prof.rolling_probability) ? BassType::kRolling : BassType::kOffbeat;
    }
    AcidParams& a = p.acid;
    a.square_wave = acid_rng.chance(0.3);
    a.root_midi = 36 + p.tonic_pc;
    a.cutoff_min_hz = acid_rng.uniform(200, 450);
    a.cutoff_max_hz = acid_rng.uniform(1500, 4000);
    a.sweep_bars = std::array<int, 3>{4, 8, 16}[acid_rng.index(3)];
    a.resonance = acid_rng.uniform(0.55, 0.85);
    a.env_mod_octaves = acid_rng.uniform(1.5, 3.0);
    a.decay_ms = acid_rng.uniform(120, 300);
    a.slide_ms = acid_rng.uniform(40, 80);
    a.pattern = drawAcidPattern(acid_rng, p.mode);

    p.supersaw_voices = prof.voices_min + static_cast<int>(rng.index(static_cast<std::size_t>(
                                              prof.voices_max - prof.voices_min + 1)));
    p.detune_cents = rng.uniform(prof.detune_min, prof.detune_max);
    p.stereo_spread = rng.uniform(prof.spread_min, prof.spread_max);
    p.lead_arp = rng.chance(prof.lead_probability);
    p.sixteenth_hats = rng.chance(prof.sixteenth_hat_probability);
    p.open_hats = rng.chance(prof.open_hat_probability);
    p.swing = 0.0;

    p.kick_start_hz = rng.uniform(prof.kick_start_min_hz, prof.kick_start_max_hz);
    p.kick_end_hz = rng.uniform(42, 52);
    p.kick_decay_ms = rng.uniform(prof.kick_decay_min_ms, prof.kick_decay_max_ms);
    p.sidechain_depth_db = rng.uniform(prof.sidechain_min_db, prof.sidechain_max_db);
    p.sidechain_release_ms = rng.uniform(prof.release_min_ms, prof.release_max_ms);
    p.loudness_target_lufs = rng.uniform(prof.lufs_min, prof.lufs_max);

    // Flaw values come from their own stream so a flaw changes nothing else.
    Rng flaw_rng = rng.fork(2);
    const double muddy_db = flaw_rng.uniform(7, 9);
    const double muddy_hz = flaw_rng.uniform(200, 400);
    const double weak_db = flaw_rng.uniform(0.8, 2.0);
    const double narrow = flaw_rng.uniform(0.05, 0.15);
    const double harsh_db = flaw_rng.uniform(6, 9);
    const double harsh_hz = flaw_rng.uniform(3000, 8000);
    const double allpass_hz = flaw_rng.uniform(60, 110);
    if (hasFlaw(flaws, SynthFlaw::kMuddyBass)) {
        p.muddy_boost_db = muddy_db;
        p.muddy_freq_hz = muddy_hz;
    }
    if (hasFlaw(flaws, SynthFlaw::kWideLowEnd)) {
        p.low_end_allpass_hz = allpass_hz;
    }
    if (hasFlaw(flaws, SynthFlaw::kWeakSidechain)) {
        p.sidechain_depth_db = weak_db;
    }
    if (hasFlaw(flaws, SynthFlaw::kNarrowSupersaw)) {
        p.stereo_spread = narrow;
    }
    if (hasFlaw(flaws, SynthFlaw::kQuietMaster)) {
        p.loudness_target_lufs = -16.0;
    }
    if (hasFlaw(flaws, SynthFlaw::kHarshHighs)) {
        p.harsh_boost_db = harsh_db;
        p.harsh_freq_hz = harsh_hz;
    }

    // Widened axes draw from their own stream: the style draw above is the
    // same track as with kStyle, with only the named axis replaced.
    Rng wide_rng = rng.fork(3);
    // Style draws added after the original ones take their own stream, so
    // every draw above (and the widened and flaw streams) stays as it was.
    Rng style_rng = rng.fork(4);
    if (p.bass_type == BassType::kOffbeat && style_rng.chance(prof.sustained_probability)) {
        p.bass_type = BassType::kSustained;
    }
    switch (variety) {
    case SynthVariety::kWideSidechain:
        widenSidechain(wide_rng, p);
        break;
    case SynthVariety::kWideAcid:
        widenAcid(wide_rng, p);
        break;
    case SynthVariety::kWideTempo:
        widenTempo(wide_rng, p);
        break;
    case SynthVariety::kStyle:
        break;
    }
    if (variety != SynthVariety::kStyle && hasFlaw(flaws, SynthFlaw::kWeakSidechain)) {
        p.sidechain_depth_db = weak_db;
    }

    const double bar_s = 240.0 / p.tempo_bpm;
    const double clamped_minutes = std::isfinite(minutes) ? std::clamp(minutes, 0.25, 20.0) : 5.0;
    const int phrases = static_cast<int>(std::lround(clamped_minutes * 60.0 / bar_s / 8.0));
    const int total_bars = std::max(32, phrases * 8);
    p.sections =
        planArrangement(style, seed, total_bars, hasFlaw(flaws, SynthFlaw::kShortBreakdown));
    return p;
}

Status validateParams(const SynthParams& p) {
    auto bad = [](const std::string& what) { return invalidArgument("synth params: " + what); };
    auto in = [](double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; };
    if (!in(p.minutes, 0.25, 20.0)) {
        return bad("minutes must be in [0.25, 20]");
    }
    if (!in(p.sample_rate_hz, 22050, 192000)) {
        return bad("sample_rate_hz must be in [22050, 192000]");
    }
    if (!in(p.tempo_bpm, 60, 200)) {
        return bad("tempo_bpm must be in [60, 200]");
    }
    if (p.tonic_pc < 0 || p.tonic_pc > 11) {
        return bad("tonic_pc must be in [0, 11]");
    }
    if (p.progression.empty() || p.progression.size() > 8) {
        return bad("progression must have 1..8 chords");
    }
    for (int degree : p.progression) {
        if (degree < 0 || degree > 6 || synth_detail::isDiminished(p.mode, degree)) {
            return bad("progression degrees must be 0..6 and not diminished");
        }
    }
    if (p.chord_bars != 1 && p.chord_bars != 2) {
        return bad("chord_bars must be 1 or 2");
    }
    if (p.supersaw_voices < 1 || p.supersaw_voices > 16) {
        return bad("supersaw_voices must be in [1, 16]");
    }
    if (!in(p.detune_cents, 0, 100) || !in(p.stereo_spread, 0, 1) || !in(p.swing, 0, 0.5)) {
        return bad("detune_cents [0, 100], stereo_spread [0, 1], swing [0, 0.5]");
    }
    if (!in(p.kick_start_hz, 60, 400) || !in(p.kick_end_hz, 30, 100) ||
        p.kick_end_hz >= p.kick_start_hz || !in(p.kick_decay_ms, 80, 800)) {
        return bad("kick: start 60..400 Hz, end 30..100 Hz below start, decay 80..800 ms");
    }
    if (!in(p.sidechain_depth_db, 0, 30) || !in(p.sidechain_release_ms, 10, 1000)) {
        return bad("sidechain_depth_db [0, 30], sidechain_release_ms [10, 1000]");
    }
    const SidechainParams& sc = p.sidechain;
    if (!in(sc.attack_ms, 0, 20) || !in(sc.hold_ms, 0, 1000) || !in(sc.knee_db, 0, 24) ||
        !in(sc.ratio, 1, 100) || !in(sc.kick_level_db, -12, 12)) {
        return bad("sidechain: attack 0..20 ms, hold 0..1000 ms, knee 0..24 dB, ratio 1..100, "
                   "kick level -12..12 dB");
    }
    if (p.sidechain_depth_db > 0 && p.sidechain_release_ms < sc.attack_ms + sc.hold_ms + 1.0) {
        return bad("sidechain_release_ms must exceed attack_ms + hold_ms by 1 ms");
    }
    if (!in(p.muddy_boost_db, 0, 18) || !in(p.muddy_freq_hz, 150, 500) ||
        !in(p.harsh_boost_db, 0, 18) || !in(p.harsh_freq_hz, 2000, 10000)) {
        return bad("muddy/harsh boost 0..18 dB, muddy 150..500 Hz, harsh 2..10 kHz");
    }
    if (p.low_end_allpass_hz != 0.0 && !in(p.low_end_allpass_hz, 40, 200)) {
        return bad("low_end_allpass_hz must be 0 or in [40, 200]");
    }
    if (!in(p.loudness_target_lufs, -30, -4)) {
        return bad("loudness_target_lufs must be in [-30, -4]");
    }
    if (p.bass_type == BassType::kAcid) {
        const AcidParams& a = p.acid;
        if (a.pattern.size() != 16 || a.root_midi < 24 || a.root_midi > 72 ||
            !in(a.cutoff_min_hz, 50, 5000) || !in(a.cutoff_max_hz, a.cutoff_min_hz, 12000) ||
            a.sweep_bars < 1 || !in(a.resonance, 0, 0.95) || !in(a.env_mod_octaves, 0, 6) ||
            !in(a.decay_ms, 10, 2000) || !in(a.slide_ms, 1, 500) || !in(a.drive_db, 0, 24) ||
            !(a.level_db == 0.0 || in(a.level_db, -30, -1))) {
            return bad("acid: 16 steps, root 24..72, cutoff 50..12000 Hz (min <= max), "
                       "resonance 0..0.95, env 0..6 oct, decay 10..2000 ms, slide 1..500 ms, "
                       "drive 0..24 dB, level 0 or -30..-1 dB");
        }
        for (const auto& step : a.pattern) {
            if (step.semitones < -24 || step.semitones > 24) {
                return bad("acid step semitones must be in [-24, 24]");
            }
        }
    }
    if (p.sections.empty()) {
        return bad("sections must not be empty");
    }
    int bar = 0;
    for (const auto& s : p.sections) {
        if (s.start_bar != bar || s.bars < 8 || s.bars % 8 != 0) {
            return bad("sections must tile the track in order on the 8-bar grid");
        }
        bar += s.bars;
    }
    if (bar * 240.0 / p.tempo_bpm > 40 * 60.0) {
        return bad("arrangement longer than 40 minutes");
    }
    return Status::ok();
}

} // namespace styledna::core
