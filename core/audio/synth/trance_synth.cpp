// renderTrack: arranges drums, bass, chords, lead and FX on the bar grid,
// applies the bus processing and masters to the loudness target.

#include "core/audio/synth/trance_synth.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/audio/synth/drum_voices.hpp"
#include "core/audio/synth/master_bus.hpp"
#include "core/audio/synth/music_theory.hpp"
#include "core/audio/synth/sidechain_law.hpp"
#include "core/audio/synth/synth_dsp.hpp"
#include "core/audio/synth/tonal_voices.hpp"
#include "core/common/logging.hpp"

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace styledna::core {

namespace sd = synth_detail;

namespace {

// Bus levels (linear, full scale 1.0): the pre-master peaks a few dB below
// full scale with the kick as the loudest element.
constexpr float kKickGain = 0.5f;
constexpr float kClapGain = 0.22f;
constexpr float kHatGain = 0.12f;
constexpr float kOpenHatGain = 0.09f;
constexpr float kBassGain = 0.42f;
constexpr float kAcidGain = 0.45f;
constexpr float kLeadGain = 0.16f;
constexpr float kCrashGain = 0.15f;
constexpr float kRiserGain = 0.25f;
constexpr double kOtherHighpassHz = 150.0;

bool hasDrums(SectionLabel label) {
    return label == SectionLabel::kIntro || label == SectionLabel::kDrop ||
           label == SectionLabel::kOutro;
}
bool hasChords(SectionLabel label) {
    return label == SectionLabel::kBreakdown || label == SectionLabel::kBuildup ||
           label == SectionLabel::kDrop;
}

void addShot(std::vector<float>& dst, const std::vector<float>& shot, std::size_t onset,
             float gain) {
    if (onset >= dst.size()) {
        return;
    }
    const std::size_t n = std::min(shot.size(), dst.size() - onset);
    float* d = dst.data() + onset;
    for (std::size_t i = 0; i < n; ++i) {
        d[i] += gain * shot[i];
    }
}

// Flushes denormals to zero while rendering (filters decaying into silence
// would otherwise run ~100x slower) and restores the caller's mode.
class DenormalGuard {
public:
    DenormalGuard() {
#if defined(__SSE__)
        m_saved = _mm_getcsr();
        _mm_setcsr(m_saved | 0x8040u); // FTZ | DAZ
#endif
    }
    ~DenormalGuard() {
#if defined(__SSE__)
        _mm_setcsr(m_saved);
#endif
    }
    DenormalGuard(const DenormalGuard&) = delete;
    DenormalGuard& operator=(const DenormalGuard&) = delete;

private:
    unsigned int m_saved = 0;
};

int wrapPc(int pc) {
    return ((pc % 12) + 12) % 12;
}

// Chord tones root, third, fifth, octave with the root in [low, low + 11].
std::vector<int> chordNotes(const SynthParams& p, int degree, int low) {
    const auto pcs = sd::triadPitchClasses(p.tonic_pc, p.mode, degree);
    const int root = low + wrapPc(pcs[0] - low);
    return {root, root + wrapPc(pcs[1] - pcs[0]), root + wrapPc(pcs[2] - pcs[0]), root + 12};
}

class TrackRenderer {
public:
    TrackRenderer(const SynthParams& params, const CancellationToken* cancel,
                  const ProgressFn& progress)
        : m_p(params), m_cancel(cancel), m_progress(progress), m_rate(params.sample_rate_hz) {
        m_total_bars = m_p.sections.back().start_bar + m_p.sections.back().bars;
        m_total_frames = atBeat(4.0 * m_total_bars);
        m_bar_samples = 240.0 / m_p.tempo_bpm * m_rate;
        for (std::size_t s = 0; s < m_p.sections.size(); ++s) {
            for (int b = 0; b < m_p.sections[s].bars; ++b) {
                m_bar_section.push_back(s);
            }
        }
    }

    Result<RenderedTrack> run();

private:
    std::size_t atBeat(double beats) const {
        return static_cast<std::size_t>(std::llround(beats * 60.0 / m_p.tempo_bpm * m_rate));
    }
    // Sixteenth k of the track, odd sixteenths delayed by swing.
    std::size_t atSixteenth(long k) const {
        return atBeat(0.25 * static_cast<double>(k) + ((k & 1) ? 0.25 * m_p.swing : 0.0));
    }
    const ArrangementSection& sectionOfBar(int bar) const {
        return m_p.sections[m_bar_section[bar]];
    }
    int chordDegree(int bar) const {
        return m_p
            .progression[static_cast<std::size_t>(bar / m_p.chord_bars) % m_p.progression.size()];
    }
    bool cancelled() const { return m_cancel != nullptr && m_cancel->isCancelled(); }

    void renderDrums(RenderedTrack& t);
    void renderBass(std::vector<float>& bass);
    void renderSynths(RenderedTrack& t);
    void applySidechain(RenderedTrack& t);
    void levelAcid(RenderedTrack& t);
    void renderFx(RenderedTrack& t);
    Status master(RenderedTrack& t);
    void fillTruth(RenderedTrack& t) const;

    const SynthParams& m_p;
    const CancellationToken* m_cancel;
    const ProgressFn& m_progress;
    double m_rate;
    int m_total_bars = 0;
    std::size_t m_total_frames = 0;
    double m_bar_samples = 0;
    std::vector<std::size_t> m_bar_section;
    std::vector<std::size_t> m_kick_onsets;
    std::vector<float> m_kick; // mono kick (compressor key / separate from ducked drums)
    bool m_kick_separate = false;
    double m_duck_depth_db = 0;
    double m_duck_release_ms = 0;
    double m_acid_level_db = 0;
    double m_master_gain_db = 0;
    LoudnessMeasurement m_loudness;
};

// Kick and snare/clap positions (beats within the bar) of a drum pattern.
struct BarPattern {
    std::vector<double> kicks;
    std::vector<double> backbeats;
    bool snare = false; // backbeat voice: snare (else clap)
};

BarPattern barPattern(DrumPattern pattern) {
    switch (pattern) {
    case DrumPattern::kHalfTime:
        return {{0.0, 1.5}, {2.0}, true};
    case DrumPattern::kDoubleTime:
        return {{0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5}, {0.5, 1.5, 2.5, 3.5}, false};
    case DrumPattern::kBreakbeat:
        return {{0.0, 2.5}, {1.0, 3.0}, true};
    case DrumPattern::kFourOnFloor:
        break;
    }
    return {{0.0, 1.0, 2.0, 3.0}, {1.0, 3.0}, false};
}

void TrackRenderer::renderDrums(RenderedTrack& t) {
    const auto seed = static_cast<std::uint32_t>(m_p.seed ^ (m_p.seed >> 32));
    const auto kick =
        sd::renderKick(m_p.kick_start_hz, m_p.kick_end_hz, m_p.kick_decay_ms, m_rate, seed + 1);
    const auto clap = sd::renderClap(m_rate, seed + 2);
    const auto hat = sd::renderHat(35.0, m_rate, seed + 3);
    const auto open_hat = sd::renderHat(200.0, m_rate, seed + 4);
    const auto snare = sd::renderSnare(m_rate, seed + 5);
    auto& left = t.drums.channels[0];
    auto& right = t.drums.channels[1];
    const float kick_gain =
        kKickGain * static_cast<float>(sd::dbToGain(m_p.sidechain.kick_level_db));
    // The kick goes to its own buffer when it must stay out of the ducked
    // drums or key a compressor; it joins the drum stem after the sidechain.
    m_kick_separate = m_p.sidechain.bus == DuckBus::kAllButKick;
    if (m_kick_separate || m_p.sidechain.source == DuckSource::kCompressor) {
        m_kick.assign(m_total_frames, 0.0f);
    }
    const BarPattern pattern = barPattern(m_p.drum_pattern);
    const bool legacy = m_p.drum_pattern == DrumPattern::kFourOnFloor;
    for (int bar = 0; bar < m_total_bars; ++bar) {
        const ArrangementSection& sec = sectionOfBar(bar);
        if (hasDrums(sec.label)) {
            if (legacy && !m_kick_separate) {
                for (int beat = 0; beat < 4; ++beat) {
                    const std::size_t onset = atBeat(4.0 * bar + beat);
                    m_kick_onsets.push_back(onset);
                    addShot(left, kick, onset, kick_gain);
                    addShot(right, kick, onset, kick_gain);
                    if (!m_kick.empty()) {
                        addShot(m_kick, kick, onset, kick_gain);
                    }
                    if (beat == 1 || beat == 3) {
                        addShot(left, clap, onset, kClapGain);
                        addShot(right, clap, onset, kClapGain);
                    }
                }
            } else {
                for (double beat : pattern.kicks) {
                    const std::size_t onset = atBeat(4.0 * bar + beat);
                    m_kick_onsets.push_back(onset);
                    if (!m_kick_separate) {
                        addShot(left, kick, onset, kick_gain);
                        addShot(right, kick, onset, kick_gain);
                    }
                    if (!m_kick.empty()) {
                        addShot(m_kick, kick, onset, kick_gain);
                    }
                }
                for (double beat : pattern.backbeats) {
                    const std::size_t onset = atBeat(4.0 * bar + beat);
                    const auto& shot = pattern.snare ? snare : clap;
                    const float gain = pattern.snare ? 0.3f : kClapGain;
                    addShot(left, shot, onset, gain);
                    addShot(right, shot, onset, gain);
                }
            }
            if (m_p.triplet_hats) {
                for (int j = 0; j < 12; ++j) {
                    const float gain = j % 3 == 0 ? 0.6f * kHatGain : kHatGain;
                    const std::size_t onset = atBeat(4.0 * bar + j / 3.0);
                    addShot(left, hat, onset, 0.8f * gain);
                    addShot(right, hat, onset, gain);
                }
                continue;
            }
            const bool double_time = m_p.drum_pattern == DrumPattern::kDoubleTime;
            for (long k = 16L * bar; k < 16L * (bar + 1); ++k) {
                const bool offbeat = double_time ? k % 2 == 1 : k % 4 == 2;
                if (!offbeat && !m_p.sixteenth_hats) {
                    continue;
                }
                if (double_time && !offbeat) {
                    continue; // the sixteenth grid is already the off-eighth pulse
                }
                const float gain = offbeat ? kHatGain : 0.5f * kHatGain;
                addShot(left, hat, atSixteenth(k), 0.8f * gain);
                addShot(right, hat, atSixteenth(k), gain);
                if (offbeat && m_p.open_hats && sec.label != SectionLabel::kIntro &&
                    (!double_time || k % 4 == 2)) {
                    addShot(left, open_hat, atSixteenth(k), kOpenHatGain);
                    addShot(right, open_hat, atSixteenth(k), 0.8f * kOpenHatGain);
                }
            }
        } else if (sec.label == SectionLabel::kBuildup) {
            // Snare roll: quarters, eighths, sixteenths, then 32nds, rising level.
            const double x = static_cast<double>(bar - sec.start_bar) / sec.bars;
            const int per_beat = x < 0.25 ? 1 : x < 0.5 ? 2 : x < 0.75 ? 4 : 8;
            for (int hit = 0; hit < 4 * per_beat; ++hit) {
                const double beats = 4.0 * bar + static_cast<double>(hit) / per_beat;
                const double progress = (beats - 4.0 * sec.start_bar) / (4.0 * sec.bars);
                const auto gain = static_cast<float>(0.06 + 0.2 * progress);
                addShot(left, snare, atBeat(beats), gain);
                addShot(right, snare, atBeat(beats), gain);
            }
        }
    }
}

void TrackRenderer::renderBass(std::vector<float>& bass) {
    const double sixteenth = m_bar_samples / 16.0;
    if (m_p.bass_type != BassType::kAcid) {
        const bool rolling = m_p.bass_type == BassType::kRolling;
        const bool sustained = m_p.bass_type == BassType::kSustained;
        const auto note_frames = static_cast<std::size_t>(
            sustained ? 1.12 * m_bar_samples : (rolling ? 0.9 : 1.7) * sixteenth);
        std::map<int, std::vector<float>> notes;
        for (int bar = 0; bar < m_total_bars; ++bar) {
            if (!hasDrums(sectionOfBar(bar).label)) {
                continue;
            }
            const auto pcs = sd::triadPitchClasses(m_p.tonic_pc, m_p.mode, chordDegree(bar));
            const int midi = 33 + wrapPc(pcs[0] - 9);
            auto it = notes.find(midi);
            if (it == notes.end()) {
                it = notes.emplace(midi, sd::renderBassNote(midi, note_frames, m_rate)).first;
            }
            if (sustained) {
                addShot(bass, it->second, atBeat(4.0 * bar), kBassGain);
                continue;
            }
            for (long k = 16L * bar; k < 16L * (bar + 1); ++k) {
                const long step = k % 4;
                if ((rolling && step != 0) || (!rolling && step == 2)) {
                    addShot(bass, it->second, atSixteenth(k), kBassGain);
                }
            }
        }
        return;
    }
    // Acid: one continuous voice per run of consecutive bars with bass.
    int bar = 0;
    while (bar < m_total_bars) {
        if (!hasDrums(sectionOfBar(bar).label)) {
            ++bar;
            continue;
        }
        int end_bar = bar;
        while (end_bar < m_total_bars && hasDrums(sectionOfBar(end_bar).label)) {
            ++end_bar;
        }
        const std::size_t start = atBeat(4.0 * bar);
        const std::size_t end = atBeat(4.0 * end_bar);
        std::vector<sd::AcidEvent> events;
        bool legato_next = false;
        for (long k = 16L * bar; k < 16L * end_bar; ++k) {
            const AcidStep& step = m_p.acid.pattern[static_cast<std::size_t>(k % 16)];
            const bool last = k + 1 == 16L * end_bar;
            if (step.gate) {
                sd::AcidEvent e;
                e.onset = atSixteenth(k) - start;
                const bool slide = step.slide && !last;
                e.gate_end = slide ? atSixteenth(k + 1) - start + 1
                                   : e.onset + static_cast<std::size_t>(0.55 * sixteenth);
                e.note = m_p.acid.root_midi + step.semitones;
                e.accent = step.accent;
                e.legato = legato_next;
                events.push_back(e);
                legato_next = slide;
            } else {
                legato_next = false;
            }
        }
        std::vector<float> line(end - start, 0.0f);
        sd::addAcidLine(m_p.acid, events, line.data(), line.size(), m_rate, m_bar_samples, bar);
        for (std::size_t i = 0; i < line.size(); ++i) {
            bass[start + i] += kAcidGain * line[i];
        }
        bar = end_bar;
    }
}

void TrackRenderer::renderSynths(RenderedTrack& t) {
    auto& left = t.other.channels[0];
    auto& right = t.other.channels[1];
    const auto segment_frames = static_cast<std::size_t>(std::ceil(m_p.chord_bars * m_bar_samples));
    std::map<int, sd::StereoSegment> chords;
    std::map<int, std::vector<float>> plucks;
    for (int bar = 0; bar < m_total_bars; bar += m_p.chord_bars) {
        const ArrangementSection& sec = sectionOfBar(bar);
        if (!hasChords(sec.label)) {
            continue;
        }
        const int degree = chordDegree(bar);
        auto it = chords.find(degree);
        if (it == chords.end()) {
            it = chords
                     .emplace(degree, sd::renderSupersawChord(
                                          chordNotes(m_p, degree, 53), m_p.supersaw_voices,
                                          m_p.detune_cents, m_p.stereo_spread, segment_frames,
                                          m_rate, m_p.seed * 31 + static_cast<unsigned>(degree)))
                     .first;
        }
        const double x = static_cast<double>(bar - sec.start_bar) / sec.bars;
        const float level = sec.label == SectionLabel::kBuildup
                                ? static_cast<float>(0.30 + 0.08 * x)
                                : (sec.label == SectionLabel::kDrop ? 0.34f : 0.30f);
        const std::size_t onset = atBeat(4.0 * bar);
        addShot(left, it->second.left, onset, level);
        addShot(right, it->second.right, onset, level);
        if (m_p.lead_arp && sec.label == SectionLabel::kDrop) {
            const auto tones = chordNotes(m_p, degree, 65);
            for (long k = 16L * bar; k < 16L * (bar + m_p.chord_bars); ++k) {
                const int midi = tones[static_cast<std::size_t>(k % 4)];
                auto pit = plucks.find(midi);
                if (pit == plucks.end()) {
                    pit = plucks.emplace(midi, sd::renderPluck(midi, m_rate)).first;
                }
                const float side = (k & 1) ? 0.3f : -0.3f;
                addShot(left, pit->second, atSixteenth(k), kLeadGain * (1.0f - side));
                addShot(right, pit->second, atSixteenth(k), kLeadGain * (1.0f + side));
            }
        }
    }
    // Lowpass automation per 64-sample block, then the harsh_highs bell.
    sd::Biquad lp_l, lp_r, harsh_l, harsh_r;
    const bool harsh = m_p.harsh_boost_db > 0.0;
    if (harsh) {
        harsh_l.design(sd::Biquad::Kind::kPeaking, m_p.harsh_freq_hz, 0.8, m_rate,
                       m_p.harsh_boost_db);
        harsh_r = harsh_l;
    }
    constexpr std::size_t kBlock = 64;
    for (std::size_t start = 0; start < m_total_frames; start += kBlock) {
        const int bar = std::min(m_total_bars - 1, static_cast<int>(start / m_bar_samples));
        const ArrangementSection& sec = sectionOfBar(bar);
        const double x = (static_cast<double>(start) / m_bar_samples - sec.start_bar) / sec.bars;
        double cutoff = 14000.0;
        if (sec.label == SectionLabel::kBreakdown) {
            cutoff = 1500.0 * std::pow(4000.0 / 1500.0, x);
        } else if (sec.label == SectionLabel::kBuildup) {
            cutoff = 1500.0 * std::pow(16000.0 / 1500.0, x);
        }
        lp_l.design(sd::Biquad::Kind::kLowpass, std::min(cutoff, 0.45 * m_rate), 0.707, m_rate);
        lp_r.design(sd::Biquad::Kind::kLowpass, std::min(cutoff, 0.45 * m_rate), 0.707, m_rate);
        const std::size_t end = std::min(m_total_frames, start + kBlock);
        for (std::size_t i = start; i < end; ++i) {
            double l = lp_l.process(left[i]);
            double r = lp_r.process(right[i]);
            if (harsh) {
                l = harsh_l.process(l);
                r = harsh_r.process(r);
            }
            left[i] = static_cast<float>(l);
            right[i] = static_cast<float>(r);
        }
    }
}

// Compressor threshold and release time constant that realise the drawn
// depth and onset-to-90 % release on one isolated kick (alternating
// bisections; GR grows as the threshold falls, recovery lengthens with the
// release constant).
struct CompressorSetting {
    double threshold_db = 0;
    double release_ms = 100;
};

CompressorSetting fitCompressor(const std::vector<float>& kick_shot, float kick_gain,
                                const SynthParams& p, double rate) {
    const std::size_t pad = static_cast<std::size_t>(0.6 * rate);
    std::vector<float> key(kick_shot.size() + pad, 0.0f);
    for (std::size_t i = 0; i < kick_shot.size(); ++i) {
        key[i] = kick_gain * kick_shot[i];
    }
    const std::vector<std::size_t> onset{0};
    const SidechainParams& sc = p.sidechain;
    CompressorSetting best;
    best.release_ms = 0.5 * p.sidechain_release_ms;
    for (int round = 0; round < 3; ++round) {
        double lo = -80.0, hi = 0.0;
        for (int it = 0; it < 24; ++it) {
            best.threshold_db = 0.5 * (lo + hi);
            const auto g = sd::compressorGainCurve(key, best.threshold_db, sc.ratio, sc.knee_db,
                                                   sc.attack_ms, best.release_ms, rate);
            const auto m = sd::measureDuck(g, onset, key.size(), rate);
            (m.depth_db > p.sidechain_depth_db ? lo : hi) = best.threshold_db;
        }
        double rlo = 1.0, rhi = 2000.0;
        for (int it = 0; it < 24; ++it) {
            best.release_ms = std::sqrt(rlo * rhi);
            const auto g = sd::compressorGainCurve(key, best.threshold_db, sc.ratio, sc.knee_db,
                                                   sc.attack_ms, best.release_ms, rate);
            const auto m = sd::measureDuck(g, onset, key.size(), rate);
            (m.release_ms > p.sidechain_release_ms ? rhi : rlo) = best.release_ms;
        }
    }
    return best;
}

void TrackRenderer::applySidechain(RenderedTrack& t) {
    const SidechainParams& sc = m_p.sidechain;
    if (!(m_p.sidechain_depth_db > 0.0) || m_kick_onsets.empty()) {
        return;
    }
    std::vector<float> gain(m_total_frames, 1.0f);
    if (sc.source == DuckSource::kCompressor) {
        const auto seed = static_cast<std::uint32_t>(m_p.seed ^ (m_p.seed >> 32));
        const auto kick =
            sd::renderKick(m_p.kick_start_hz, m_p.kick_end_hz, m_p.kick_decay_ms, m_rate, seed + 1);
        const float kick_gain = kKickGain * static_cast<float>(sd::dbToGain(sc.kick_level_db));
        const CompressorSetting setting = fitCompressor(kick, kick_gain, m_p, m_rate);
        gain = sd::compressorGainCurve(m_kick, setting.threshold_db, sc.ratio, sc.knee_db,
                                       sc.attack_ms, setting.release_ms, m_rate);
    } else {
        const bool legacy = sc.shape == DuckShape::kExponential && sc.attack_ms == 0.0;
        const auto curve_frames =
            static_cast<std::size_t>(std::ceil(5.0 * m_p.sidechain_release_ms * 1e-3 * m_rate)) + 1;
        const auto curve =
            legacy ? sidechainCurve(m_p.sidechain_depth_db, m_p.sidechain_release_ms, curve_frames,
                                    m_rate)
                   : sd::duckShapeCurve(sc.shape, m_p.sidechain_depth_db, sc.attack_ms, sc.hold_ms,
                                        m_p.sidechain_release_ms, curve_frames, m_rate);
        for (std::size_t k = 0; k < m_kick_onsets.size(); ++k) {
            const std::size_t start = m_kick_onsets[k];
            const std::size_t next =
                k + 1 < m_kick_onsets.size() ? m_kick_onsets[k + 1] : m_total_frames;
            const std::size_t end = std::min({next, start + curve_frames, m_total_frames});
            std::copy(curve.begin(), curve.begin() + static_cast<std::ptrdiff_t>(end - start),
                      gain.begin() + static_cast<std::ptrdiff_t>(start));
        }
    }
    std::vector<std::vector<float>*> ducked;
    if (sc.bus != DuckBus::kSynthsOnly) {
        ducked.push_back(&t.bass.channels[0]);
    }
    if (sc.bus != DuckBus::kBassOnly) {
        ducked.push_back(&t.other.channels[0]);
        ducked.push_back(&t.other.channels[1]);
    }
    if (sc.bus == DuckBus::kAllButKick) {
        ducked.push_back(&t.drums.channels[0]);
        ducked.push_back(&t.drums.channels[1]);
    }
    for (auto* channel : ducked) {
        for (std::size_t i = 0; i < m_total_frames; ++i) {
            (*channel)[i] *= gain[i];
        }
    }
    const auto measured = sd::measureDuck(gain, m_kick_onsets, m_total_frames, m_rate);
    m_duck_depth_db = measured.depth_db;
    m_duck_release_ms = measured.release_ms;
}

// Scales the acid line (the whole bass bus) so that it sits level_db against
// the pre-master mix over the bars with drums, and records the realised level.
void TrackRenderer::levelAcid(RenderedTrack& t) {
    if (m_p.bass_type != BassType::kAcid) {
        return;
    }
    double p_bass = 0.0, p_rest = 0.0, p_cross = 0.0;
    auto accumulate = [&](double g) {
        double pb = 0.0, pm = 0.0;
        for (int bar = 0; bar < m_total_bars; ++bar) {
            if (!hasDrums(sectionOfBar(bar).label)) {
                continue;
            }
            const std::size_t a = atBeat(4.0 * bar);
            const std::size_t b = std::min(m_total_frames, atBeat(4.0 * (bar + 1)));
            for (std::size_t c = 0; c < 2; ++c) {
                const float* d = t.drums.channels[c].data();
                const float* bs = t.bass.channels[c].data();
                const float* o = t.other.channels[c].data();
                for (std::size_t i = a; i < b; ++i) {
                    const double x = g * bs[i];
                    const double rest = static_cast<double>(d[i]) + o[i];
                    pb += x * x;
                    pm += (x + rest) * (x + rest);
                }
            }
        }
        return std::pair{pb, pm};
    };
    if (m_p.acid.level_db != 0.0) {
        const auto [pb, pm] = accumulate(1.0);
        const auto [pb2, pm2] = accumulate(2.0);
        // pm(g) = g^2 pb + g cross + rest: cross and rest from g = 1 and g = 2.
        p_bass = pb;
        p_cross = pm2 - pm - 3.0 * pb; // 2 * sum(bass * rest)
        p_rest = pm - pb - p_cross;
        const double r = std::pow(10.0, m_p.acid.level_db / 10.0);
        // g^2 pb (1 - r) - r g p_cross - r p_rest = 0
        const double qa = pb * (1.0 - r), qb = -r * p_cross, qc = -r * p_rest;
        const double disc = qb * qb - 4.0 * qa * qc;
        if (p_bass > 0.0 && qa > 0.0 && disc >= 0.0) {
            const auto g = static_cast<float>((-qb + std::sqrt(disc)) / (2.0 * qa));
            for (auto& channel : t.bass.channels) {
                for (auto& v : channel) {
                    v *= g;
                }
            }
        }
    }
    const auto [pb, pm] = accumulate(1.0);
    m_acid_level_db = pb > 0.0 && pm > 0.0 ? 10.0 * std::log10(pb / pm) : 0.0;
}

void TrackRenderer::renderFx(RenderedTrack& t) {
    auto& left = t.other.channels[0];
    auto& right = t.other.channels[1];
    const auto seed = static_cast<std::uint32_t>(m_p.seed * 0x9E3779B1ULL >> 16);
    const auto crash_l = sd::renderCrash(m_rate, seed + 11);
    const auto crash_r = sd::renderCrash(m_rate, seed + 12);
    for (const ArrangementSection& sec : m_p.sections) {
        const std::size_t start = atBeat(4.0 * sec.start_bar);
        const std::size_t end = atBeat(4.0 * (sec.start_bar + sec.bars));
        if (sec.label == SectionLabel::kDrop) {
            addShot(left, crash_l, start, kCrashGain);
            addShot(right, crash_r, start, kCrashGain);
        } else if (sec.label == SectionLabel::kBuildup) {
            sd::addRiser(left.data() + start, end - start, m_rate, kRiserGain,
                         seed + 13 + static_cast<std::uint32_t>(sec.start_bar));
            sd::addRiser(right.data() + start, end - start, m_rate, kRiserGain,
                         seed + 14 + static_cast<std::uint32_t>(sec.start_bar));
        }
    }
    // Keep the low end mono: high-pass the whole chord/lead/FX bus (4th order).
    for (auto* channel : {&left, &right}) {
        sd::Biquad hp1, hp2;
        hp1.design(sd::Biquad::Kind::kHighpass, kOtherHighpassHz, 0.5412, m_rate);
        hp2.design(sd::Biquad::Kind::kHighpass, kOtherHighpassHz, 1.3066, m_rate);
        for (auto& v : *channel) {
            v = static_cast<float>(hp2.process(hp1.process(v)));
        }
    }
}

Status TrackRenderer::master(RenderedTrack& t) {
    auto gain =
        masterToLoudness(t.drums, t.bass, t.other, m_p.loudness_target_lufs, t.mix, m_cancel);
    if (!gain) {
        return gain.status();
    }
    m_master_gain_db = 20.0 * std::log10(static_cast<double>(*gain));
    reportProgress(m_progress, 0.9, "synth");
    auto measured = measureLoudness(t.mix, true);
    if (!measured) {
        return measured.status();
    }
    m_loudness = *measured;
    return Status::ok();
}

void TrackRenderer::fillTruth(RenderedTrack& t) const {
    SynthTruth& truth = t.truth;
    truth.params = m_p;
    truth.total_bars = m_total_bars;
    truth.duration_s = static_cast<double>(m_total_frames) / m_rate;
    truth.first_downbeat_s = 0.0;
    truth.master_gain_db = m_master_gain_db;
    truth.integrated_lufs = m_loudness.integrated_lufs;
    truth.true_peak_dbtp = m_loudness.true_peak_dbtp;
    truth.sidechain_depth_db = m_duck_depth_db;
    truth.sidechain_release_ms = m_duck_release_ms;
    truth.acid_level_db = m_acid_level_db;
    const double bar_s = 240.0 / m_p.tempo_bpm;
    for (const ArrangementSection& s : m_p.sections) {
        truth.sections.push_back({std::string(sectionLabelName(s.label)), s.start_bar * bar_s,
                                  (s.start_bar + s.bars) * bar_s, s.start_bar, s.bars});
    }
}

Result<RenderedTrack> TrackRenderer::run() {
    RenderedTrack t;
    t.mix = AudioBuffer(2, m_total_frames, m_rate);
    t.drums = AudioBuffer(2, m_total_frames, m_rate);
    t.bass = AudioBuffer(2, m_total_frames, m_rate);
    t.other = AudioBuffer(2, m_total_frames, m_rate);
    const auto stop = [] { return cancelledError("synth: cancelled"); };

    reportProgress(m_progress, 0.0, "synth");
    renderDrums(t);
    if (cancelled()) {
        return stop();
    }
    reportProgress(m_progress, 0.15, "synth");
    renderBass(t.bass.channels[0]);
    if (m_p.muddy_boost_db > 0.0) {
        sd::Biquad bell;
        bell.design(sd::Biquad::Kind::kPeaking, m_p.muddy_freq_hz, 1.0, m_rate, m_p.muddy_boost_db);
        for (auto& v : t.bass.channels[0]) {
            v = static_cast<float>(bell.process(v));
        }
    }
    if (cancelled()) {
        return stop();
    }
    reportProgress(m_progress, 0.35, "synth");
    renderSynths(t);
    if (cancelled()) {
        return stop();
    }
    reportProgress(m_progress, 0.55, "synth");
    applySidechain(t);
    if (m_p.low_end_allpass_hz > 0.0) {
        sd::Biquad allpass;
        allpass.design(sd::Biquad::Kind::kAllpass, m_p.low_end_allpass_hz, 0.7, m_rate);
        const auto& l = t.bass.channels[0];
        auto& r = t.bass.channels[1];
        for (std::size_t i = 0; i < m_total_frames; ++i) {
            r[i] = static_cast<float>(allpass.process(l[i]));
        }
    } else {
        t.bass.channels[1] = t.bass.channels[0];
    }
    if (m_kick_separate) {
        for (auto& channel : t.drums.channels) {
            for (std::size_t i = 0; i < m_total_frames; ++i) {
                channel[i] += m_kick[i];
            }
        }
    }
    renderFx(t);
    levelAcid(t);
    if (cancelled()) {
        return stop();
    }
    reportProgress(m_progress, 0.7, "synth");
    if (Status s = master(t); !s.isOk()) {
        return s;
    }
    fillTruth(t);
    reportProgress(m_progress, 1.0, "synth");
    return t;
}

} // namespace

Result<RenderedTrack> renderTrack(const SynthParams& params, const CancellationToken* cancel,
                                  const ProgressFn& progress) {
    if (Status s = validateParams(params); !s.isOk()) {
        return s;
    }
    const DenormalGuard denormal_guard;
    TrackRenderer renderer(params, cancel, progress);
    auto result = renderer.run();
    if (result) {
        logger("synth")->debug("rendered {} {:.2f} BPM, {} bars, {:.2f} LUFS, {:.2f} dBTP",
                               styleName(params.style), params.tempo_bpm, result->truth.total_bars,
                               result->truth.integrated_lufs, result->truth.true_peak_dbtp);
    }
    return result;
}

} // namespace styledna::core
