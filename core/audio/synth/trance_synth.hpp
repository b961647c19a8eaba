#pragma once
// Deterministic trance synthesizer: renders full arrangements whose every
// parameter is known, as ground truth for feature-extractor accuracy tests,
// benchmarks and the demo.
//
// Determinism: renderTrack(p) is a pure function of p. randomParams(style,
// seed, ...) is a pure function of its arguments; it draws from a private
// xoshiro256** generator seeded with splitmix64, never from std:: distributions,
// so the same seed gives bit-identical audio on any libstdc++ (same compiler
// flags and libm assumed).
//
// Conventions the truth relies on (also written into the truth JSON):
//  * Time grid: 4/4, the track starts on a downbeat at t = 0 s. Beat k starts
//    at k * 60 / tempo_bpm seconds, bar b at 4 * b beats; an event at time t
//    starts at sample llround(t * sample_rate_hz). Kicks are exactly on beats.
//  * Sidechain: at every kick onset the ducked buses (by default bass,
//    supersaw chords, lead; see DuckBus) follow the gain law of DuckShape:
//    with the original kExponential and no attack they drop instantly to
//    -sidechain_depth_db and the attenuation *in dB* decays exponentially,
//    gain_db(t) = -depth_db * exp(-t / tau), tau = sidechain_release_ms /
//    ln(10), so sidechain_release_ms is the time after the kick onset at
//    which 90 % of the depth (in dB) has recovered (attenuation = depth /
//    10). Every shape keeps that definition of release. Each kick restarts
//    the curve. No kick, no ducking (breakdown, buildup). With a compressor
//    (DuckSource::kCompressor) the truth's sidechain_depth_db and
//    sidechain_release_ms are the realised values measured on the applied
//    gain curve; the params hold the draw's target.
//  * Supersaw width: stereo_spread in [0, 1]. The N voices of every chord
//    note are detuned evenly over [-detune_cents, +detune_cents] and panned
//    evenly over [-spread, +spread] (-1 = hard left) with the constant-power
//    law, voice i of N at pan (2 i / (N - 1) - 1) * spread. 0 = mono.
//  * Low end: kick and bass are strictly mono (L == R bit for bit) and the
//    chord/lead/FX bus is high-passed at 150 Hz, unless the wide_low_end
//    flaw puts the bass right channel through an allpass (low_end_allpass_hz).
//  * Stems: drums + bass + other == pre-master mix, sample for sample in
//    float (the renderer computes the pre-master as exactly that sum, in that
//    order). mix = quantisePcm16(softClip(master_gain * pre_master)), see
//    master_bus.hpp. Stems are kept at pre-master level.
//  * Loudness: integrated_lufs and true_peak_dbtp in the truth are measured
//    with libebur128 (EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK) on exactly the
//    mix samples that are written: the mix is quantised to the 16-bit grid
//    (k / 32768) in memory and written as PCM16, so the file holds the same
//    values. Stems are written as float32 WAV, unquantised. (The true peak is
//    libebur128's, fed only the blocks that can hold it; a test checks it
//    equals feeding the whole mix.)
//  * Content per section: intro, drop and outro carry the kick (every beat),
//    clap (beats 2 and 4), closed hats (offbeat eighths, or all sixteenths)
//    and the bass; drop and outro add open hats on the offbeats. Breakdown:
//    chords only, lowpass opening 1.5 -> 4 kHz. Buildup: chords with the
//    lowpass opening 1.5 -> 16 kHz, a snare roll of quarters, eighths,
//    sixteenths, then 32nds (one quarter of the section each) and a noise
//    riser. Drop: chords, the lead arp when lead_arp, a crash at its start.
//    The chord of bar b is progression[(b / chord_bars) % size]; rolling bass
//    plays sixteenths 2-4 of every beat, offbeat bass the offbeat eighth,
//    both on the chord root (MIDI 33..44); the acid line repeats its 16 steps
//    every bar from acid.root_midi.
//
// Threads: every function here is reentrant; no shared state. renderTrack
// sets flush-to-zero/denormals-are-zero on the calling thread while it runs
// (restored on return; results are computed in that mode on every call).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/audio/audio_buffer.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"

namespace styledna::core {

enum class TranceStyle { kUplifting, kProgressive, kTech, kPsy };
enum class SynthFlaw {
    kMuddyBass,      // +muddy_boost_db bell at muddy_freq_hz (200-400 Hz) on the bass bus
    kWideLowEnd,     // bass right channel through an allpass: stereo content below 120 Hz
    kWeakSidechain,  // sidechain depth <= 2 dB
    kNarrowSupersaw, // stereo_spread 0.05-0.15
    kQuietMaster,    // loudness target -16 LUFS
    kHarshHighs,     // +6..9 dB bell at 3-8 kHz on the chord/lead bus
    kShortBreakdown, // every breakdown 8 bars
};
// kSustained: one held saw+sub note per bar on the chord root (the
// sidechained sub of progressive styles): progressive draws it on part of its
// offbeat basses, and the widened sidechain on others.
enum class BassType { kRolling, kOffbeat, kAcid, kSustained };

// Widened draws (randomParams' `variety`): each widens one axis beyond what
// the four styles do, so a test set proves what real producers vary, not what
// our own style presets vary. kStyle is the original per-style draw.
enum class SynthVariety {
    kStyle,         // per-style ranges (the original draws)
    kWideSidechain, // duck shape, attack, depth 0.5-14 dB, release 40-400 ms, bus, source, kick
                    // level
    kWideAcid,  // acid on half the tracks: resonance, cutoff, env, accents, slides, drive, level
    kWideTempo, // 70-200 BPM, half-time / double-time / breakbeat drums, triplet hats
};

// Sidechain gain law. In every shape the gain reduction (GR, dB >= 0) rises
// linearly from 0 to the depth over attack_ms after the kick onset, then
// recovers; sidechain_release_ms is always the time after the kick onset at
// which GR has fallen to 10 % of the depth (90 % recovered, in dB).
//   kExponential: GR = D exp(-(t - A) / tau), tau = (R - A) / ln 10 (the original law)
//   kLinear:      GR falls linearly in dB, reaching 0 at A + (R - A) / 0.9
//   kCosine:      GR = D (1 + cos(pi x)) / 2 over x in [0, 1], x = (t - A) / L
//   kHoldRelease: GR = D for hold_ms, then D (1 - x^2) (quadratic release)
enum class DuckShape { kExponential, kLinear, kCosine, kHoldRelease };
// kVolumeShaper draws the law above at every kick; kCompressor runs a
// feed-forward compressor keyed by the kick (peak detector, soft knee, attack
// and release ballistics); its realised GR curve is measured into the truth.
enum class DuckSource { kVolumeShaper, kCompressor };
// Which buses the sidechain ducks. kBassAndSynths is the original: bass and
// the chord/lead/FX bus; kAllButKick adds clap, hats and snare.
enum class DuckBus { kBassAndSynths, kSynthsOnly, kBassOnly, kAllButKick };
// Drum patterns per bar (kick / snare or clap):
//   kFourOnFloor: kick every beat, clap on 2 and 4 (the original)
//   kHalfTime:    kick on 1 and the "and" of 2, snare on 3: feels half tempo
//   kDoubleTime:  the four-on-the-floor bar played twice per bar (kick every
//                 eighth, clap on the off-eighths of beats): feels double
//   kBreakbeat:   two-step: kick on 1 and the "and" of 3, snare on 2 and 4
enum class DrumPattern { kFourOnFloor, kHalfTime, kDoubleTime, kBreakbeat };
enum class KeyMode { kMinor, kMajor };
enum class SectionLabel { kIntro, kBreakdown, kBuildup, kDrop, kOutro };

// Names are lower-case snake_case ("uplifting", "muddy_bass", "rolling",
// "minor", "buildup"); parse* accept exactly these names.
Result<TranceStyle> parseStyle(std::string_view name);
std::string_view styleName(TranceStyle style);
Result<SynthFlaw> parseFlaw(std::string_view name);
std::string_view flawName(SynthFlaw flaw);
std::string_view bassTypeName(BassType type);
std::string_view sectionLabelName(SectionLabel label);
std::string_view keyModeName(KeyMode mode);

// Tempo range of a style in BPM, inclusive: uplifting 136-140, progressive
// 126-132, tech 134-140, psy 140-148.
struct TempoRange {
    double min_bpm;
    double max_bpm;
};
TempoRange styleTempoRange(TranceStyle style);

struct ArrangementSection {
    SectionLabel label = SectionLabel::kDrop;
    int start_bar = 0; // multiple of 8
    int bars = 8;      // multiple of 8, >= 8
};

// One step of the 16-step (one bar of sixteenths) acid pattern.
struct AcidStep {
    int semitones = 0;   // offset from acid root note, in key
    bool gate = true;    // false = rest
    bool accent = false; // louder, brighter, shorter decay
    bool slide = false;  // glide (acid slide_ms) from this note into the next, legato
};

struct AcidParams {
    bool square_wave = false;    // saw otherwise
    int root_midi = 45;          // MIDI note of the pattern root (tonic, 36..47)
    double cutoff_min_hz = 250;  // cutoff sweep bottom (LFO), 50..5000
    double cutoff_max_hz = 2000; // cutoff sweep top, > cutoff_min_hz, <= 12000
    int sweep_bars = 8;          // period of the cosine cutoff sweep, bars, >= 1
    double resonance = 0.7;      // ladder feedback, 0..0.95 (1 would self-oscillate)
    double env_mod_octaves = 2;  // filter envelope depth, octaves above the swept cutoff
    double decay_ms = 180;       // filter and amp envelope decay time constant
    double slide_ms = 60;        // glide time constant for slides
    bool three_pole = false;     // 18 dB/oct (TB-303-like) ladder instead of 24 dB/oct
    double drive_db = 0;         // pre-gain into a soft saturator after the filter, 0..24
    // Level of the acid stem against the whole pre-master mix over the bars
    // it plays (10 log10(P_acid / P_mix), dB); 0 = the original fixed gain.
    double level_db = 0;
    std::vector<AcidStep> pattern; // exactly 16 steps when bass_type == kAcid
};

struct SidechainParams {
    DuckShape shape = DuckShape::kExponential;
    DuckSource source = DuckSource::kVolumeShaper;
    DuckBus bus = DuckBus::kBassAndSynths;
    double attack_ms = 0;     // 0..20, linear ramp into the duck
    double hold_ms = 0;       // kHoldRelease only, < release - attack
    double knee_db = 6;       // kCompressor: soft knee width
    double ratio = 8;         // kCompressor: ratio (>= 1)
    double kick_level_db = 0; // kick fader relative to the original level, -12..12
};

struct SynthParams {
    TranceStyle style = TranceStyle::kUplifting;
    std::uint64_t seed = 0;
    double minutes = 5.0;            // requested length (0.25..20); sections decide the real one
    double sample_rate_hz = 44100.0; // 22050..192000
    double tempo_bpm = 138.0;        // 60..200

    int tonic_pc = 9; // 0 = C .. 11 = B
    KeyMode mode = KeyMode::kMinor;
    std::vector<int> progression{0, 5, 2, 6}; // scale degrees 0..6 of diatonic triads
    int chord_bars = 2;                       // bars per chord, 1 or 2

    BassType bass_type = BassType::kRolling;
    AcidParams acid;

    int supersaw_voices = 7;    // per chord note, 1..16
    double detune_cents = 25.0; // 0..100, outermost voice offset
    double stereo_spread = 0.8; // 0..1, see the width convention above
    bool lead_arp = true;       // pluck arpeggio over the chords in drops

    DrumPattern drum_pattern = DrumPattern::kFourOnFloor;
    bool triplet_hats = false;   // closed hats on eighth-note triplets (overrides the two below)
    bool sixteenth_hats = false; // closed hats on all sixteenths (else offbeat eighths)
    bool open_hats = true;       // open hats on offbeats in drops and outro
    double swing = 0.0;          // 0..0.5: odd sixteenths late by swing * sixteenth

    double kick_start_hz = 150.0; // kick pitch sweep start, 60..400
    double kick_end_hz = 45.0;    // sweep end, 30..100, < kick_start_hz
    double kick_decay_ms = 260.0; // amplitude decay to -60 dB, 80..800

    double sidechain_depth_db = 6.0;     // 0..30
    double sidechain_release_ms = 200.0; // 10..1000, 90 % recovery time (see above)
    SidechainParams sidechain;           // shape, source, bus (defaults: the original law)

    double muddy_boost_db = 0.0;     // 0 = off; bell on the bass bus, 0..18
    double muddy_freq_hz = 300.0;    // 150..500
    double harsh_boost_db = 0.0;     // 0 = off; bell on the chord/lead bus, 0..18
    double harsh_freq_hz = 5000.0;   // 2000..10000
    double low_end_allpass_hz = 0.0; // 0 = mono bass; else allpass centre for bass R, 40..200

    double loudness_target_lufs = -8.0;       // -30..-4
    std::vector<SynthFlaw> flaws;             // the labels; the numbers above carry the effect
    std::vector<ArrangementSection> sections; // must tile [0, total bars) in order, 8-bar grid
};

// Draws a complete parameter set. Tempo within styleTempoRange (about half
// the draws fractional, in steps of 0.25 BPM), key, progression, bass type
// (acid likely in psy/tech, rare in uplifting), supersaw and sidechain per
// style, flaws applied. The arrangement fits `minutes` rounded to whole
// 8-bar phrases (at least 32 bars: intro, breakdown, buildup, drop of 8).
// `minutes` is stored as given; renderTrack rejects it outside 0.25..20.
// With a `variety` other than kStyle the named axis is drawn from the widened
// ranges (see SynthVariety); everything else keeps the style's draw.
SynthParams randomParams(TranceStyle style, std::uint64_t seed, double minutes,
                         const std::vector<SynthFlaw>& flaws,
                         SynthVariety variety = SynthVariety::kStyle);
Result<SynthVariety> parseVariety(std::string_view name); // "style", "wide_sidechain", ...
std::string_view varietyName(SynthVariety variety);
std::string_view duckShapeName(DuckShape shape);
std::string_view duckSourceName(DuckSource source);
std::string_view duckBusName(DuckBus bus);
std::string_view drumPatternName(DrumPattern pattern);

// Arrangement for `total_bars` (multiple of 8, >= 32) bars; the breakdown
// lengths honour short_breakdown. Deterministic in (style, seed).
std::vector<ArrangementSection> planArrangement(TranceStyle style, std::uint64_t seed,
                                                int total_bars, bool short_breakdown);

// OK or invalidArgument naming the first bad field.
Status validateParams(const SynthParams& params);

struct SectionTruth {
    std::string label;
    double start_s = 0;
    double end_s = 0;
    int start_bar = 0;
    int bars = 0;
};

struct SynthTruth {
    SynthParams params;
    int total_bars = 0;
    double duration_s = 0;
    double first_downbeat_s = 0.0;
    double master_gain_db = 0;  // mix = softClip(10^(g/20) * pre_master), quantised
    double integrated_lufs = 0; // measured on the written (quantised) mix
    double true_peak_dbtp = 0;  // ditto, max over channels
    // Realised sidechain, measured on the gain curve actually applied to the
    // ducked buses (median over kicks): peak gain reduction (dB) and time from
    // the kick onset to 90 % recovery in dB (ms). 0 when nothing is ducked.
    double sidechain_depth_db = 0;
    double sidechain_release_ms = 0;
    double acid_level_db = 0; // realised, see AcidParams::level_db; 0 without acid
    std::vector<SectionTruth> sections;

    // Every field, flat where the issue names it (style, seed, tempo_bpm, key,
    // tonic_pc, mode, progression, bass_type, acid_present, acid, supersaw_voices,
    // detune_cents, stereo_spread, sidechain_depth_db, sidechain_release_ms,
    // swing, flaws, sections, total_bars, sample_rate_hz, duration_s,
    // master_gain_db, integrated_lufs, true_peak_dbtp, first_downbeat_s, ...)
    // plus "conventions" strings.
    nlohmann::json toJson() const;
};

struct RenderedTrack {
    AudioBuffer mix;   // mastered, on the 16-bit grid, stereo
    AudioBuffer drums; // pre-master stems, stereo, drums + bass + other == pre-master
    AudioBuffer bass;
    AudioBuffer other; // chords + lead + FX (riser, crash)
    SynthTruth truth;
};

// Renders the whole track. Checks `cancel` about every bar of work and returns
// cancelledError(); progress goes 0 -> 1 with stage "synth". Memory: four
// stereo float buffers of the track length (about 420 MB for 5 minutes).
Result<RenderedTrack> renderTrack(const SynthParams& params,
                                  const CancellationToken* cancel = nullptr,
                                  const ProgressFn& progress = {});

// Writes DIR/NAME.wav (mix, PCM16), DIR/NAME/{drums,bass,other}.wav (float32)
// and DIR/NAME.truth.json. Creates DIR and DIR/NAME as needed.
Status writeRenderedTrack(const RenderedTrack& track, const std::string& dir,
                          const std::string& name);

} // namespace styledna::core
