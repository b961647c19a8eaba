#include "core/features/trance_features.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "core/common/logging.hpp"

namespace styledna::core {
namespace {

// A mix section's sidechain may read deeper than the whole track's by at most
// this much before it counts as beat-gated content rather than a duck.
constexpr double kMaxSectionExcessDb = 12.0;

const std::vector<FeatureInfo>& tranceInfos() {
    static const std::vector<FeatureInfo> infos{
        {"sidechain_depth_db", "dB", "trance",
         "Peak gain reduction of the non-kick content after each kick: fit of the "
         "beat-synchronous (1 ms) band envelope of the side (else mono) signal, 200 Hz-6 kHz or "
         "1-6 kHz (whichever fits better), clip-gated, on the drops, with a family of duck laws "
         "(exponential, linear, cosine, hold-then-release; attack 0-10 ms). Per section: the "
         "track's law fitted on the section's beats; 0 when that reads over 12 dB deeper than "
         "the track (beat-gated content, not a duck). No measurement (NaN) where the band is "
         "over 30 dB under the mix's mean power or silent.",
         "Sidechain compressor on pads/bass: more ratio or lower threshold deepens it.",
         FeatureKind::kScalar, true},
        {"sidechain_release_ms", "ms", "trance",
         "Time after the kick onset at which 90 % of the duck (in dB) has recovered, from the "
         "same fit (the synthesizer's truth definition for every duck shape); NaN where the "
         "depth is not measurable.",
         "Sidechain compressor release (or LFO-tool curve length).", FeatureKind::kScalar, true},
        {"sidechain_rate_per_beat", "1/beat", "trance",
         "Ducks per beat: 1 for kick-triggered four-on-the-floor pumping, 2 or 4 for 8th/16th "
         "gating, 0 without a measurable duck (< 0.5 dB), NaN where the depth is not measurable.",
         "Sidechain trigger pattern / LFO-tool rate.", FeatureKind::kScalar, false},
        {"acid_score", "", "trance",
         "0..1 evidence of a resonant filter swept over bars on a bass line: where the bass plays "
         "without pads (intro/outro, else drops), the range over bars (3-bar running median) of "
         "the 2.25-3.2 and 3.2-4.5 kHz band levels, mean of the two (0 at 0.14 dB, 1 at "
         "0.34 dB); or, for dark lines, the median over bars of the largest mean change of the "
         "150 Hz-1.7 kHz half-octave band levels against a bar whose 35-135 Hz bins (mono plus "
         "side) lie within 0.5 dB, i.e. on the same root (0 at 0.5 dB, 1 at 1.1 dB); the larger.",
         "Acid line (TB-303 style) with cutoff automation and resonance.", FeatureKind::kScalar,
         false},
        {"acid_present", "", "trance", "1 when acid_score >= 0.5, else 0.",
         "Add or remove an acid line.", FeatureKind::kScalar, false},
        {"supersaw_width", "", "trance",
         "Stereo spread 0..1 of the chords: side/mid energy 1-8 kHz on the breakdowns (else "
         "drops) mapped to the spread of uniformly panned voices (0 mono, 1 fully wide).",
         "Supersaw unison width / stereo spread, stereo imager on the chord bus.",
         FeatureKind::kScalar, true},
        {"supersaw_detune_cents", "cents", "trance",
         "Detune of the outermost supersaw voice, from the frequency spread of partial clusters "
         "in 1.5 s FFTs of chord sections (median std in cents / 0.67). Valid up to ~45 cents.",
         "Supersaw detune knob.", FeatureKind::kScalar, false},
        {"breakdown_bars", "bars", "trance", "Length of the longest breakdown.",
         "Arrangement: breakdown length.", FeatureKind::kScalar, false},
        {"buildup_bars", "bars", "trance", "Length of the longest buildup.",
         "Arrangement: buildup length.", FeatureKind::kScalar, false},
        {"drop_gain_db", "dB", "trance",
         "Mean power of the drop bars minus that of the breakdown bars (0 if either is missing).",
         "Breakdown level vs drop level (pad/FX levels in the breakdown).", FeatureKind::kScalar,
         false},
        {"intro_bars", "bars", "trance", "Length of the intro (0 if none).",
         "Arrangement: intro length.", FeatureKind::kScalar, false},
        {"outro_bars", "bars", "trance", "Length of the outro (0 if none).",
         "Arrangement: outro length.", FeatureKind::kScalar, false},
        {"length_bars", "bars", "trance", "Number of bars of the beat grid in the track.",
         "Arrangement length.", FeatureKind::kScalar, false},
        {"phrase_alignment", "", "trance",
         "Fraction of section boundaries on a multiple of 8 bars from the first downbeat "
         "(1 when there is no internal boundary).",
         "Move section changes onto 8-bar phrases.", FeatureKind::kScalar, false},
        {"mean_energy_db", "dBFS", "trance",
         "Mean power of the mono signal over the track (per section: over the section).",
         "Section level: arrangement density, bus levels.", FeatureKind::kScalar, true},
        {"energy_per_bar_db", "dBFS", "trance",
         "Series, one value per bar of the grid: mean power of the mono signal in the bar.",
         "Arrangement energy curve.", FeatureKind::kSeries, false},
    };
    return infos;
}

double meanPowerDb(const std::vector<float>& x, double rate, double a_s, double e_s) {
    const auto i0 = static_cast<std::size_t>(std::clamp(a_s * rate, 0.0, double(x.size())));
    const auto i1 = static_cast<std::size_t>(std::clamp(e_s * rate, 0.0, double(x.size())));
    if (i1 <= i0) {
        return -120.0;
    }
    double acc = 0.0;
    for (std::size_t i = i0; i < i1; ++i) {
        acc += static_cast<double>(x[i]) * x[i];
    }
    const double p = acc / double(i1 - i0);
    return p > 0 ? std::max(-120.0, 10.0 * std::log10(p)) : -120.0;
}

void writeDefaults(TrackFeatures& out) {
    for (const auto& info : tranceInfos()) {
        if (info.kind == FeatureKind::kScalar) {
            out.values[info.name] = 0.0;
        }
    }
}

} // namespace

TranceFamily::TranceFamily(Params params) : m_params(std::move(params)) {}

const std::vector<FeatureInfo>& TranceFamily::describe() const {
    return tranceInfos();
}

Status TranceFamily::configure() {
    const auto& sc = m_params.sidechain;
    if (!(sc.band_lo_hz > 0) || !(sc.band_hi_hz > sc.band_lo_hz) || sc.pre_ms < 0 ||
        sc.max_shift_ms < 0 || sc.min_beats < 1) {
        return invalidArgument("trance: sidechain band must satisfy 0 < lo < hi, pre/shift >= 0");
    }
    const auto& ss = m_params.supersaw;
    if (!(ss.lo_hz > 0) || !(ss.hi_hz > ss.lo_hz) || ss.fft_size < 1024 ||
        (ss.fft_size & (ss.fft_size - 1)) != 0 || !(ss.cluster_cents > 0)) {
        return invalidArgument(
            "trance: supersaw band 0 < lo < hi, fft_size a power of two >= 1024");
    }
    const auto& ar = m_params.arrangement;
    if (ar.phrase_bars < 1 || ar.min_run_bars < 1 || ar.snap_bars < 0) {
        return invalidArgument("trance: phrase_bars and min_run_bars >= 1, snap_bars >= 0");
    }
    if (!(m_params.acid.sweep_full_db > m_params.acid.sweep_zero_db) ||
        !(m_params.acid.sweep_lo_hz > 0) ||
        !(m_params.acid.sweep_hi_hz >= 2.0 * m_params.acid.sweep_lo_hz) ||
        !(m_params.acid.timbre_full_db > m_params.acid.timbre_zero_db) ||
        !(m_params.acid.timbre_lo_hz > 0) ||
        !(m_params.acid.timbre_hi_hz >= std::sqrt(2.0) * m_params.acid.timbre_lo_hz) ||
        !(m_params.acid.root_lo_hz > 0) || !(m_params.acid.root_hi_hz > m_params.acid.root_lo_hz) ||
        !(m_params.acid.root_tol_db > 0)) {
        return invalidArgument(
            "trance: acid sweep_full_db > sweep_zero_db, 0 < 2 sweep_lo_hz <= sweep_hi_hz, "
            "timbre_full_db > timbre_zero_db, 0 < 1.41 timbre_lo_hz <= timbre_hi_hz, "
            "0 < root_lo_hz < root_hi_hz, root_tol_db > 0");
    }
    return Status::ok();
}

Status TranceFamily::process(const AnalysisContext& ctx, TrackFeatures& out) {
    m_last = Analysis{};
    writeDefaults(out);
    const AudioBuffer& audio = ctx.audio();
    if (audio.empty()) {
        out.series["energy_per_bar_db"] = {};
        return Status::ok();
    }
    const double duration = audio.durationS();
    const double rate = ctx.sampleRateHz();
    m_last.audio = &audio;
    out.values["mean_energy_db"] = meanPowerDb(ctx.mono(), rate, 0.0, duration);
    m_last.bars = barsFromGrid(out.grid, duration);
    const TranceBars& bars = m_last.bars;

    if (bars.size() == 0) {
        logger("features")->warn("trance: no valid beat grid; grid-based features set to 0");
        out.series["energy_per_bar_db"] = {};
        out.sections = {Section{"drop", 0.0, duration, 0, 0, {}}};
        std::vector<double> starts;
        for (double t = 0.0; t + 1.6 < duration && starts.size() < 8; t += 1.6) {
            starts.push_back(t);
        }
        const auto ss = analyseSupersaw(ctx, {{0.0, duration}}, starts, m_params.supersaw);
        out.values["supersaw_width"] = ss.width;
        out.values["supersaw_detune_cents"] = ss.detune_cents;
        return Status::ok();
    }
    if (ctx.cancel().isCancelled()) {
        return cancelledError("analysis cancelled");
    }

    // Arrangement.
    const TranceBarCues cues = computeBarCues(ctx, bars, m_params.arrangement);
    out.series["energy_per_bar_db"] = cues.energy_db;
    out.sections = segmentArrangement(cues, bars, m_params.arrangement);
    const int nb = static_cast<int>(bars.size());
    m_last.kick_bar.resize(bars.size());
    for (std::size_t b = 0; b < bars.size(); ++b) {
        m_last.kick_bar[b] = cues.kick[b] >= m_params.arrangement.kick_bar_min;
    }
    m_last.beat_period_s = out.grid.beatPeriodS();

    std::vector<std::string> bar_label(bars.size());
    int longest_breakdown = 0, longest_buildup = 0, intro = 0, outro = 0, aligned = 0, internal = 0;
    for (std::size_t s = 0; s < out.sections.size(); ++s) {
        const Section& sec = out.sections[s];
        for (int b = sec.start_bar; b < sec.start_bar + sec.bars && b < nb; ++b) {
            bar_label[static_cast<std::size_t>(b)] = sec.label;
        }
        if (sec.label == "breakdown") {
            longest_breakdown = std::max(longest_breakdown, sec.bars);
        } else if (sec.label == "buildup") {
            longest_buildup = std::max(longest_buildup, sec.bars);
        } else if (sec.label == "intro") {
            intro += sec.bars;
        } else if (sec.label == "outro") {
            outro += sec.bars;
        }
        if (s > 0) {
            ++internal;
            aligned += sec.start_bar % m_params.arrangement.phrase_bars == 0 ? 1 : 0;
        }
    }
    auto meanDbOf = [&](const char* label) {
        double acc = 0.0;
        int n = 0;
        for (std::size_t b = 0; b < bars.size(); ++b) {
            if (bar_label[b] == label) {
                acc += std::pow(10.0, cues.energy_db[b] / 10.0);
                ++n;
            }
        }
        return n > 0 ? std::optional<double>(10.0 * std::log10(std::max(1e-12, acc / n)))
                     : std::nullopt;
    };
    const auto drop_db = meanDbOf("drop");
    const auto breakdown_db = meanDbOf("breakdown");
    out.values["breakdown_bars"] = longest_breakdown;
    out.values["buildup_bars"] = longest_buildup;
    out.values["intro_bars"] = intro;
    out.values["outro_bars"] = outro;
    out.values["length_bars"] = nb;
    out.values["drop_gain_db"] = drop_db && breakdown_db ? *drop_db - *breakdown_db : 0.0;
    out.values["phrase_alignment"] = internal > 0 ? double(aligned) / internal : 1.0;

    // Sidechain on the drops (bars with a kick, first bar of each drop skipped).
    m_last.envelope = computeSidechainEnvelope(ctx, m_params.sidechain);
    if (ctx.cancel().isCancelled()) {
        return cancelledError("analysis cancelled");
    }
    std::vector<bool> drop_bar(bars.size(), false);
    std::vector<double> beats;
    for (const Section& sec : out.sections) {
        if (sec.label != "drop") {
            continue;
        }
        for (int b = sec.start_bar; b < sec.start_bar + sec.bars && b < nb; ++b) {
            const auto bi = static_cast<std::size_t>(b);
            drop_bar[bi] = m_last.kick_bar[bi];
            if (b > sec.start_bar && m_last.kick_bar[bi]) {
                beats.insert(beats.end(), bars.beats_s[bi].begin(), bars.beats_s[bi].end());
            }
        }
    }
    if (static_cast<int>(beats.size()) < m_params.sidechain.min_beats) {
        beats.clear();
        for (std::size_t b = 0; b < bars.size(); ++b) {
            if (m_last.kick_bar[b]) {
                beats.insert(beats.end(), bars.beats_s[b].begin(), bars.beats_s[b].end());
            }
        }
    }
    // Thin kick bars: 150 Hz-4 kHz level >= 4 dB under the drops' median
    // (kick, hats and bass without the chords and leads: intro, outro). The
    // bass is exposed there (sidechain low band) and so is an acid line.
    std::vector<double> drop_mid;
    for (std::size_t b = 0; b < bars.size(); ++b) {
        if (drop_bar[b]) {
            drop_mid.push_back(cues.mid_db[b]);
        }
    }
    // The element at share num/den of v's order (the median at 1/2).
    auto quantile = [](std::vector<double> v, std::size_t num, std::size_t den) {
        const auto q = v.begin() + static_cast<std::ptrdiff_t>(num * v.size() / den);
        std::nth_element(v.begin(), q, v.end());
        return *q;
    };
    // The bars whose kick share (a TranceBarCues kick cue) makes them kick
    // bars and whose 150 Hz-4 kHz level is under `below`.
    auto thinBars = [&](const std::vector<double>& kick_share, double below) {
        std::vector<std::size_t> which;
        for (std::size_t b = 0; b < bars.size(); ++b) {
            if (kick_share[b] >= m_params.arrangement.kick_bar_min && cues.mid_db[b] < below) {
                which.push_back(b);
            }
        }
        return which;
    };
    const double thin = drop_mid.empty() ? -std::numeric_limits<double>::infinity()
                                         : quantile(drop_mid, 1, 2) - 4.0;
    // Where the bass is exposed: the thin kick bars; else kick bars outside
    // the drops (the segmentation's intro and outro, which may hold chord
    // bars), else every kick bar.
    auto beatsIn = [&](const std::vector<std::size_t>& which) {
        std::size_t n = 0;
        for (std::size_t b : which) {
            n += bars.beats_s[b].size();
        }
        return static_cast<int>(n);
    };
    const std::vector<std::size_t> thin_bars = thinBars(cues.kick, thin);
    std::vector<std::size_t> exposed_bars = thin_bars;
    // Too few thin kick bars for a steady fold: a quiet kick under a loud bass
    // that the segmentation's kick threshold (set by a buildup's kick-alone
    // beats) misses in most bars, or in every other bar of the drops, which
    // then have no drop section. The thin bars are taken again with the kick
    // threshold over the loud beats (TranceBarCues::kick_loud), 4 dB under the
    // drops' median level or, with no drop section, under the upper quartile
    // of those kick bars' levels, when that finds more.
    if (beatsIn(exposed_bars) < m_params.low_stable_exposed_beats) {
        double thin_loud = thin;
        if (drop_mid.empty()) {
            std::vector<double> loud_mid;
            for (std::size_t b = 0; b < bars.size(); ++b) {
                if (cues.kick_loud[b] >= m_params.arrangement.kick_bar_min) {
                    loud_mid.push_back(cues.mid_db[b]);
                }
            }
            if (!loud_mid.empty()) {
                thin_loud = quantile(loud_mid, 3, 4) - 4.0;
            }
        }
        auto loud_bars = thinBars(cues.kick_loud, thin_loud);
        if (beatsIn(loud_bars) > beatsIn(exposed_bars)) {
            exposed_bars = std::move(loud_bars);
        }
    }
    if (beatsIn(exposed_bars) < m_params.sidechain.min_beats) {
        exposed_bars.clear();
        for (const Section& sec : out.sections) {
            if (sec.label == "drop") {
                continue;
            }
            for (int b = sec.start_bar; b < sec.start_bar + sec.bars && b < nb; ++b) {
                const auto bi = static_cast<std::size_t>(b);
                if (m_last.kick_bar[bi]) {
                    exposed_bars.push_back(bi);
                }
            }
        }
    }
    if (beatsIn(exposed_bars) < m_params.sidechain.min_beats) {
        exposed_bars.clear();
        for (std::size_t b = 0; b < bars.size(); ++b) {
            if (m_last.kick_bar[b]) {
                exposed_bars.push_back(b);
            }
        }
    }
    // The low band folds the beats after each bar's first: a bass note struck
    // on the downbeat (a held note per bar) opens its filter under the kick,
    // and that attack fills the duck on one beat in four.
    auto beatsOf = [&](const std::vector<std::size_t>& which, bool downbeats) {
        std::vector<double> out_beats;
        for (std::size_t b : which) {
            const auto& bb = bars.beats_s[b];
            out_beats.insert(out_beats.end(), bb.begin() + (downbeats || bb.empty() ? 0 : 1),
                             bb.end());
        }
        return out_beats;
    };
    // (Fewer than min_beats beats left: the downbeats stay in.)
    bool low_downbeats = false;
    std::vector<double> exposed_low = beatsOf(exposed_bars, low_downbeats);
    if (static_cast<int>(exposed_low.size()) < m_params.sidechain.min_beats) {
        low_downbeats = true;
        exposed_low = beatsOf(exposed_bars, low_downbeats);
    }
    // The side (or mono) bands first, then the low band with the kick removed
    // (trance_sidechain.hpp) on the exposed beats. Where the first read no duck
    // or a shallow one (under min_significant_db: the unducked chords over a
    // duck on the bass alone) the low band is taken when it reads deeper; over a
    // significant reading, when it reads low_band_override_ratio times as deep;
    // where the two agree on the depth (low_band_agree_db) the release is their
    // geometric mean. Where the low band is taken, it is also laid on every
    // kick beat for the sections.
    const auto& scp = m_params.sidechain;
    auto sc =
        analyseSidechain(m_last.envelope, beats, m_last.beat_period_s, scp, nullptr, &exposed_low);
    {
        const bool shallow = !(sc.depth_db >= scp.min_significant_db);
        addKickCancelledLowBand(m_last.envelope, ctx.mono(), ctx.sampleRateHz(), exposed_low,
                                exposed_low, m_last.beat_period_s, scp);
        const auto low = analyseLowBand(m_last.envelope, m_last.beat_period_s, scp, exposed_low);
        if (low.depth_db > 0.0) {
            const double take_over =
                shallow ? sc.depth_db : scp.low_band_override_ratio * sc.depth_db;
            if (!(low.depth_db <= take_over)) {
                sc = low;
            } else if (!shallow && std::abs(low.depth_db - sc.depth_db) <= scp.low_band_agree_db &&
                       low.release_ms > 0.0 && sc.release_ms > 0.0) {
                sc.release_ms = std::sqrt(sc.release_ms * low.release_ms);
                sc.law.release_ms = sc.release_ms;
            }
        }
        if (sc.band == 2) {
            std::vector<std::size_t> kick_bars;
            for (std::size_t b = 0; b < bars.size(); ++b) {
                if (m_last.kick_bar[b]) {
                    kick_bars.push_back(b);
                }
            }
            const auto kick_beats = beatsOf(kick_bars, low_downbeats);
            addKickCancelledLowBand(m_last.envelope, ctx.mono(), ctx.sampleRateHz(), exposed_low,
                                    kick_beats, m_last.beat_period_s, m_params.sidechain);
        }
    }
    m_last.sidechain = sc;
    out.values["sidechain_depth_db"] = sc.depth_db;
    out.values["sidechain_release_ms"] = sc.release_ms;
    out.values["sidechain_rate_per_beat"] = sc.rate_per_beat;

    // Acid where the bass plays without pads: the thin kick bars (intro,
    // outro); else the drops.
    std::vector<std::pair<int, int>> acid_runs;
    int acid_bars = 0;
    for (const std::size_t bu : thin_bars) {
        const int b = static_cast<int>(bu);
        if (!acid_runs.empty() && acid_runs.back().second == b) {
            ++acid_runs.back().second;
        } else {
            acid_runs.emplace_back(b, b + 1);
        }
        ++acid_bars;
    }
    if (acid_bars < m_params.acid.min_bars) {
        acid_runs.clear();
        for (const Section& sec : out.sections) {
            if (sec.label == "drop") {
                acid_runs.emplace_back(sec.start_bar, sec.start_bar + sec.bars);
            }
        }
    }
    const auto acid = analyseAcid(ctx, bars, acid_runs, m_last.beat_period_s, m_params.acid);
    logger("features")
        ->debug("trance: acid sweep {:.2f} dB, held-root timbre {:.2f} dB over {} bars",
                acid.sweep_db, acid.timbre_db, acid.bars_used);
    out.values["acid_score"] = acid.score;
    out.values["acid_present"] = acid.present ? 1.0 : 0.0;

    // Supersaw on the breakdowns (>= 4 bars), else drops, else the whole track.
    std::vector<std::pair<double, double>> ranges;
    std::vector<double> starts;
    for (const char* label : {"breakdown", "drop"}) {
        int covered = 0;
        for (const Section& sec : out.sections) {
            if (sec.label == label) {
                ranges.emplace_back(sec.start_s, sec.end_s);
                covered += sec.bars;
                for (int b = sec.start_bar; b < sec.start_bar + sec.bars && b < nb; ++b) {
                    starts.push_back(bars.start_s[static_cast<std::size_t>(b)]);
                }
            }
        }
        if (covered >= 4) {
            break;
        }
        ranges.clear();
        starts.clear();
    }
    if (ranges.empty()) {
        ranges.emplace_back(0.0, duration);
        starts = bars.start_s;
    }
    // Spread the detune windows over the chord sections.
    std::vector<double> picked;
    const std::size_t want =
        static_cast<std::size_t>(std::max(1, m_params.supersaw.max_windows)) * 2;
    for (std::size_t i = 0; i < want && !starts.empty(); ++i) {
        picked.push_back(
            starts[std::min(starts.size() - 1, (2 * i + 1) * starts.size() / (2 * want))]);
    }
    picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
    const auto ss = analyseSupersaw(ctx, ranges, picked, m_params.supersaw);
    out.values["supersaw_width"] = ss.width;
    out.values["supersaw_detune_cents"] = ss.detune_cents;
    return Status::ok();
}

Status TranceFamily::processSection(const AnalysisContext& ctx, double start_s, double end_s,
                                    std::map<std::string, double>& out) {
    if (m_last.audio != &ctx.audio() || !(end_s > start_s)) {
        return Status::ok();
    }
    out["mean_energy_db"] = meanPowerDb(ctx.mono(), ctx.sampleRateHz(), start_s, end_s);
    out["supersaw_width"] =
        spreadFromWidthRatio(supersawWidthRatio(ctx, {{start_s, end_s}}, m_params.supersaw));
    std::vector<double> beats;
    for (std::size_t b = 0; b < m_last.bars.size(); ++b) {
        if (!m_last.kick_bar[b]) {
            continue;
        }
        for (double t : m_last.bars.beats_s[b]) {
            if (t >= start_s && t < end_s) {
                beats.push_back(t);
            }
        }
    }
    auto sc = analyseSidechain(m_last.envelope, beats, m_last.beat_period_s, m_params.sidechain,
                               &m_last.sidechain);
    if (sc.depth_db > m_last.sidechain.depth_db + kMaxSectionExcessDb) {
        // Far deeper than the mix's own duck: the section's content is gated
        // on the beat (a rolling bass resting on the kick, alone in the side
        // band of an intro), which is not a duck to report.
        sc = TranceSidechainResult{};
    }
    out["sidechain_depth_db"] = sc.depth_db;
    out["sidechain_release_ms"] = sc.release_ms;
    return Status::ok();
}

std::unique_ptr<FeatureFamily> makeTranceFamily(TranceFamilyParams params) {
    return std::make_unique<TranceFamily>(std::move(params));
}

} // namespace styledna::core
