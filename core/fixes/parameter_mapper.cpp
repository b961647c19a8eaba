#include "core/fixes/parameter_mapper.hpp"

#include <algorithm>
#include <cmath>

#include "core/fixes/track_roles.hpp"
#include "core/gap/gap_causes.hpp"

namespace styledna::fixes {
namespace {

std::string quoted(const std::string& s) {
    return "'" + s + "'";
}

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

// Tracks of the first role that has any, in set order.
std::vector<const live::LiveTrack*> tracksFor(const MapContext& ctx,
                                              std::initializer_list<const char*> roles) {
    std::vector<const live::LiveTrack*> out;
    for (const char* role : roles) {
        for (const TrackRole* r : tracksWithRole(*ctx.roles, role)) {
            if (const auto* t = live::findTrack(*ctx.set, r->track_name)) {
                out.push_back(t);
            }
        }
        if (!out.empty()) {
            break;
        }
    }
    return out;
}

const live::LiveTrack* masterTrack(const MapContext& ctx) {
    return ctx.master_track.empty() ? nullptr : live::findTrack(*ctx.set, ctx.master_track);
}

std::string signalFor(const MapContext& ctx, const live::LiveTrack* track) {
    if (track == nullptr) {
        return "mix";
    }
    for (const auto& r : *ctx.roles) {
        if (r.track_index == track->index) {
            if (r.role == kRoleBass) {
                return "bass";
            }
            if (r.role == kRoleKick || r.role == kRoleDrums) {
                return "drums";
            }
            if (r.role == kRoleLead || r.role == kRolePad || r.role == kRoleFx) {
                return "other";
            }
        }
    }
    return "mix";
}

ChangeSpec spec(const live::LiveTrack& t, const live::LiveDevice& d, const live::LiveParameter& p,
                Param param, int band, AmountUse use, double factor_or_fixed) {
    ChangeSpec s;
    const ParameterModel model = parameterModel(param, band);
    s.change.track_index = t.index;
    s.change.track_name = t.name;
    s.change.device_index = d.index;
    s.change.device_name = d.name;
    s.change.device_class = d.class_name;
    s.change.parameter_index = p.index;
    s.change.parameter_name = p.name;
    s.change.from_value = p.value;
    s.change.unit = model.unit;
    s.curve = model.curve;
    s.min = p.min;
    s.max = p.max;
    s.use = use;
    s.param = param;
    if (use == AmountUse::kPlace) {
        s.fixed_unit = factor_or_fixed;
    } else {
        s.factor = factor_or_fixed;
    }
    return s;
}

// Adds the change when the device has the parameter; false otherwise.
bool addChange(CandidateFix& c, const live::LiveTrack& t, const live::LiveDevice& d, Param param,
               int band, AmountUse use, double factor_or_fixed) {
    const live::LiveParameter* p = findParameter(d, param, band);
    if (p == nullptr) {
        return false;
    }
    c.changes.push_back(spec(t, d, *p, param, band, use, factor_or_fixed));
    return true;
}

// The power-weighted log-frequency centre of the signal's spectrum in [lo, hi] Hz:
// where a broad excess sits.
double centreHz(const MapContext& ctx, const std::string& signal, double lo, double hi) {
    const auto it = ctx.sim->stems.find(signal);
    const SignalSpectra& s = it != ctx.sim->stems.end() ? it->second : ctx.sim->mix;
    const double bin = ctx.sim->rate_hz / static_cast<double>(ctx.sim->fft_size);
    double weighted = 0, total = 0;
    for (std::size_t k = 1; k < s.mid.size(); ++k) {
        const double hz = static_cast<double>(k) * bin;
        if (hz >= lo && hz <= hi) {
            weighted += s.mid[k] * std::log2(hz);
            total += s.mid[k];
        }
    }
    return total > 0 ? std::exp2(weighted / total) : std::sqrt(lo * hi);
}

// Shapes are chosen only where every band is a fresh one: an existing band
// is adjusted where it is.
void keepShapesWhereFresh(CandidateFix& c) {
    int fresh = 0, gains = 0;
    for (const auto& ch : c.changes) {
        fresh += ch.param == Param::kEqBandFrequency ? 1 : 0;
        gains += ch.param == Param::kEqBandGain ? 1 : 0;
    }
    if (fresh != gains) {
        c.shapes.clear();
    }
}

// The comparison's raw value (not balance-matched) after `moves`.
double predictedValue(const MapContext& ctx, const std::vector<Move>& moves,
                      const gap::Comparison& c) {
    if (ctx.sim == nullptr || ctx.wip == nullptr) {
        return c.wip_value;
    }
    const core::TrackAnalysis after = predict(*ctx.sim, *ctx.wip, moves, !c.stem.empty());
    const core::TrackFeatures* features = &after.features;
    if (!c.stem.empty()) {
        const auto stem = after.stems.stems.find(c.stem);
        if (stem == after.stems.stems.end()) {
            return c.wip_value;
        }
        features = &stem->second;
    }
    const std::map<std::string, double>* values = nullptr;
    if (c.section.empty()) {
        values = &features->values;
    }
    for (const auto& s : features->sections) {
        if (values == nullptr && s.label == c.section) {
            values = &s.values;
        }
    }
    if (values == nullptr) {
        return c.wip_value;
    }
    const auto it = values->find(c.feature);
    return it != values->end() ? it->second : c.wip_value;
}

// EQ move on each track: a band (existing bell near freq for kBell, else the
// first band that is off) set to type/freq/q with its gain as the amount.
void eqMove(CandidateFix& c, const MapContext& ctx,
            const std::vector<const live::LiveTrack*>& tracks, MoveKind kind, double freq_hz,
            double q, double sign) {
    const EqFilterType type = kind == MoveKind::kBell       ? EqFilterType::kBell
                              : kind == MoveKind::kLowShelf ? EqFilterType::kLowShelf
                                                            : EqFilterType::kHighShelf;
    std::string missing;
    for (const auto* t : tracks) {
        const live::LiveDevice* eq = findDevice(*t, DeviceKind::kEqEight);
        Move m{kind, signalFor(ctx, t), freq_hz, sign, q, 1, 150};
        if (eq == nullptr) {
            missing.append(missing.empty() ? "" : ", ").append(quoted(t->name));
            c.moves.push_back(m);
            continue;
        }
        int chosen = 0;
        for (int band = 1; band <= kEqBands && chosen == 0; ++band) {
            const auto* on = findParameter(*eq, Param::kEqBandOn, band);
            const auto* ty = findParameter(*eq, Param::kEqBandType, band);
            const auto* fr = findParameter(*eq, Param::kEqBandFrequency, band);
            if (on && ty && fr && on->value >= 0.5 && std::lround(ty->value) == int(type) &&
                std::abs(std::log2(toUnit(Curve::kEqFrequency, fr->value) / freq_hz)) < 0.5) {
                chosen = band; // an existing band of this type near the frequency: adjust it
                const auto* qp = findParameter(*eq, Param::kEqBandQ, band);
                m.freq_hz = toUnit(Curve::kEqFrequency, fr->value);
                m.q = qp ? toUnit(Curve::kEqQ, qp->value) : q;
                addChange(c, *t, *eq, Param::kEqBandGain, band, AmountUse::kAdd, sign);
            }
        }
        for (int band = 1; band <= kEqBands && chosen == 0; ++band) {
            const auto* on = findParameter(*eq, Param::kEqBandOn, band);
            if (on != nullptr && on->value < 0.5) {
                chosen = band;
                addChange(c, *t, *eq, Param::kEqBandOn, band, AmountUse::kPlace, 1);
                addChange(c, *t, *eq, Param::kEqBandType, band, AmountUse::kPlace, int(type));
                addChange(c, *t, *eq, Param::kEqBandFrequency, band, AmountUse::kPlace, freq_hz);
                addChange(c, *t, *eq, Param::kEqBandQ, band, AmountUse::kPlace, q);
                addChange(c, *t, *eq, Param::kEqBandGain, band, AmountUse::kAdd, sign);
            }
        }
        if (chosen == 0) {
            missing.append(missing.empty() ? "" : ", ")
                .append(quoted(t->name) + " (all 8 bands in use)");
        }
        c.moves.push_back(m);
    }
    if (!missing.empty()) {
        c.fix.manual_step = "add EQ Eight to " + missing + " and set a " +
                            (type == EqFilterType::kBell       ? "bell"
                             : type == EqFilterType::kLowShelf ? "low shelf"
                                                               : "high shelf") +
                            " at " + formatUnit(Curve::kEqFrequency, freq_hz);
    }
}

// A sidechain depth of 0 outside the drops is a place without a kick: a
// compressor keyed by the kick cannot deepen it (whole track and drops: a duck
// too weak to read, which the simulator deepens).
bool movable(const gap::Comparison& e) {
    return e.feature != "sidechain_depth_db" || e.wip_value > 0 || e.section.empty() ||
           e.section == "drop";
}

gap::Comparison tuneComparison(const gap::Gap& g, bool headline = true) {
    // The headline, what the report told the producer, when the simulator
    // predicts it; ducks per beat follow the duck's depth, tuned on that.
    for (const auto& e : g.evidence) {
        if (!headline) {
            break;
        }
        if (e.feature == g.feature && e.section == g.section && e.stem == g.stem &&
            e.wip_value == g.wip_value && e.target_value == g.target_value) {
            if (e.feature == "sidechain_rate_per_beat") {
                for (const auto& d : g.evidence) {
                    if (d.feature == "sidechain_depth_db" && d.section == e.section &&
                        d.stem == e.stem && !d.in_range) {
                        return d;
                    }
                }
            }
            if (!e.in_range && movable(e) && predictsFeature(e.feature, e.stem)) {
                return e;
            }
            break;
        }
    }
    for (const auto& feature : principalFeatures(g.id)) {
        for (bool whole : {true, false}) {
            for (const auto& e : g.evidence) {
                if (e.stem.empty() && !e.in_range && e.feature == feature &&
                    e.section.empty() == whole && movable(e)) {
                    return e;
                }
            }
        }
    }
    for (const auto& e : g.evidence) {
        if (e.stem.empty() && !e.in_range) {
            return e;
        }
    }
    for (const auto& e : g.evidence) {
        if (e.stem.empty()) {
            return e;
        }
    }
    gap::Comparison c;
    c.feature = g.feature;
    c.section = g.section;
    c.stem = g.stem;
    c.wip_value = g.wip_value;
    c.target_value = g.target_value;
    c.range_low = g.range_low;
    c.range_high = g.range_high;
    c.delta = g.delta;
    return c;
}

} // namespace

std::vector<std::string> principalFeatures(std::string_view gap_id) {
    if (gap_id == "low_mid_buildup") {
        return {"tonal_balance_low_mid_db", "bass_spectral_centroid_hz"};
    }
    if (gap_id == "boomy_low_end" || gap_id == "thin_low_end") {
        return {"tonal_balance_low_db", "tonal_balance_sub_db"};
    }
    if (gap_id == "harsh_highs" || gap_id == "dull_highs") {
        return {"tonal_balance_high_mid_db", "tonal_balance_high_db", "spectral_centroid_hz"};
    }
    if (gap_id == "wide_low_end") {
        return {"stereo_width_low", "low_end_correlation", "low_end_mono_ok"};
    }
    if (gap_id == "weak_sidechain" || gap_id == "kick_bass_clash") {
        return {"sidechain_depth_db"};
    }
    if (gap_id == "narrow_stereo") {
        return {"supersaw_width", "stereo_width_high", "stereo_width_mid", "stereo_width"};
    }
    if (gap_id == "quiet_master") {
        return {"loudness_integrated_lufs", "rms_dbfs", "loudness_short_term_max_lufs"};
    }
    return {};
}

std::vector<CandidateFix> mapGap(const gap::Gap& g, const MapContext& ctx) {
    CandidateFix c;
    c.fix.gap_id = g.id;
    c.fix.gap_feature = g.feature;
    c.fix.category = g.category;
    c.tune = tuneComparison(g);
    const double excess = std::abs(c.tune.delta);
    double directness = 0.9;
    const std::string& id = g.id;
    if (g.style_choice) {
        return {};
    }
    if (id == "low_mid_buildup" || id == "boomy_low_end" || id == "thin_low_end") {
        auto tracks = tracksFor(ctx, {kRoleBass});
        if (tracks.empty()) {
            c.fix.manual_step = "no bass track found: name it 'Bass' or map it with --map";
            return {};
        }
        if (id == "low_mid_buildup") {
            const double hz = centreHz(ctx, signalFor(ctx, tracks[0]), 150, 450);
            eqMove(c, ctx, tracks, MoveKind::kBell, hz, 0.7, -1);
            for (double f :
                 {160.0, 180.0, 200.0, 225.0, 250.0, 280.0, 315.0, 355.0, 400.0, 450.0}) {
                c.shapes.emplace_back(MoveKind::kBell, f);
            }
            c.fix.title = "Cut the low mids on " + quoted(tracks[0]->name);
            c.amount = c.tune.unit == "Hz" ? 3.0 : std::max(1.0, excess);
        } else {
            eqMove(c, ctx, tracks, MoveKind::kLowShelf, 100, 0.71, id == "boomy_low_end" ? -1 : 1);
            c.fix.title =
                (id == "boomy_low_end" ? "Tame the low end on " : "Lift the low end on ") +
                quoted(tracks[0]->name);
            c.amount = std::max(1.0, excess);
        }
        c.amount_max = 15;
        c.amount_unit = "dB";
    } else if (id == "harsh_highs" || id == "dull_highs") {
        std::vector<const live::LiveTrack*> tracks;
        if (const auto* m = masterTrack(ctx)) {
            tracks.push_back(m);
        } else {
            tracks = tracksFor(ctx, {kRoleBus});
            tracks.resize(std::min<std::size_t>(tracks.size(), 1));
        }
        if (tracks.empty()) {
            tracks = tracksFor(ctx, {kRolePad});
            for (const auto* t : tracksFor(ctx, {kRoleLead})) {
                tracks.push_back(t);
            }
        }
        if (tracks.empty()) {
            return {};
        }
        const double hz = c.tune.feature == "tonal_balance_high_db" ? 5000
                          : id == "harsh_highs"                     ? 2500
                                                                    : 5000;
        eqMove(c, ctx, tracks, MoveKind::kHighShelf, hz, 0.71, id == "harsh_highs" ? -1 : 1);
        if (id == "harsh_highs") {
            c.shapes = {{MoveKind::kHighShelf, 2500}, {MoveKind::kHighShelf, 5000}};
            for (double f : {2500.0, 3150.0, 4000.0, 5000.0, 6300.0, 8000.0}) {
                c.shapes.emplace_back(MoveKind::kBell, f);
            }
        }
        c.fix.title = (id == "harsh_highs" ? "Soften the highs on " : "Brighten the highs on ") +
                      quoted(tracks[0]->name) + (tracks.size() > 1 ? " and others" : "");
        c.amount = std::max(1.0, c.tune.unit == "dB" ? excess : 2.0);
        c.amount_max = 15;
        c.amount_unit = "dB";
    } else if (id == "wide_low_end") {
        auto tracks = tracksFor(ctx, {kRoleBass});
        if (tracks.empty()) {
            if (const auto* m = masterTrack(ctx)) {
                tracks.push_back(m);
            } else {
                tracks = tracksFor(ctx, {kRoleBus});
            }
        }
        if (tracks.empty()) {
            return {};
        }
        const auto* t = tracks[0];
        c.moves.push_back({MoveKind::kBassMono, signalFor(ctx, t), 120, 0, 0.71, 1, 150});
        const live::LiveDevice* u = findDevice(*t, DeviceKind::kUtility);
        c.fix.title = "Mono the low end of " + quoted(t->name);
        c.amount = 120;
        c.amount_max = 500;
        c.amount_unit = "Hz";
        // Bass Mono's crossover leaves some side under it; where the
        // references' low end is strictly mono (a range ending at
        // correlation 1 / width 0) and even 500 Hz misses it, the bass
        // track itself goes mono (Utility Stereo Width 0 %), as trance
        // basses are.
        const double at_max = predictedValue(ctx, movesAt(c, c.amount_max, 1.0), c.tune);
        const bool mono_track =
            signalFor(ctx, t) != "mix" && (at_max < c.tune.range_low || at_max > c.tune.range_high);
        if (mono_track) {
            c.moves = {{MoveKind::kWidth, signalFor(ctx, t), 0, 0, 0.71, 1, 150}};
            c.fix.title = "Make " + quoted(t->name) + " mono";
            c.amount = 0;
            c.amount_max = 0;
            c.amount_unit = "%";
            c.fixed_amount = true;
            if (u == nullptr ||
                !addChange(c, *t, *u, Param::kUtilityWidth, 0, AmountUse::kSet, 1)) {
                c.changes.clear();
                c.fix.manual_step =
                    "add Utility to " + quoted(t->name) + " and set Stereo Width to 0 %";
            } else {
                c.from_width_percent =
                    toUnit(Curve::kUtilityWidth, c.changes.back().change.from_value);
            }
        } else if (u == nullptr ||
                   !addChange(c, *t, *u, Param::kUtilityBassMono, 0, AmountUse::kPlace, 1) ||
                   !addChange(c, *t, *u, Param::kUtilityBassFreq, 0, AmountUse::kPlaceAmount, 1)) {
            c.changes.clear();
            c.fix.manual_step = "add Utility to " + quoted(t->name) + " and turn Bass Mono on";
        }
    } else if (id == "weak_sidechain" || id == "kick_bass_clash") {
        std::string missing;
        for (const char* role : {kRoleBass, kRolePad, kRoleLead}) {
            for (const auto* t : tracksFor(ctx, {role})) {
                const live::LiveDevice* comp = findDevice(*t, DeviceKind::kCompressor);
                const live::LiveParameter* sc =
                    comp ? findParameter(*comp, Param::kCompSidechainOn) : nullptr;
                const live::LiveParameter* ratio =
                    comp ? findParameter(*comp, Param::kCompRatio) : nullptr;
                if (sc == nullptr || sc->value < 0.5 || ratio == nullptr) {
                    if (std::string(role) == kRoleBass) {
                        missing.append(missing.empty() ? "" : ", ").append(quoted(t->name));
                        c.moves.push_back(
                            {MoveKind::kDuck, signalFor(ctx, t), 0, -1, 0.71, 1, 150});
                    }
                    continue;
                }
                const double r = std::max(1.5, toUnit(Curve::kCompRatio, ratio->value));
                addChange(c, *t, *comp, Param::kCompThreshold, 0, AmountUse::kAdd,
                          -1.0 / (1.0 - 1.0 / r));
                c.moves.push_back({MoveKind::kDuck, signalFor(ctx, t), 0, -1, 0.71, 1, 150});
            }
        }
        if (c.moves.empty()) {
            return {};
        }
        if (!missing.empty()) {
            c.fix.manual_step =
                "add a Compressor to " + missing +
                " with its sidechain from the kick (S/C On; the source is not reachable over OSC)";
        }
        const double release = ctx.wip->features.values.count("sidechain_release_ms")
                                   ? ctx.wip->features.values.at("sidechain_release_ms")
                                   : 150.0;
        for (auto& m : c.moves) {
            m.release_ms = release > 0 ? release : 150.0;
        }
        c.fix.title = "Deepen the sidechain duck";
        c.amount = std::max(1.0, c.tune.unit == "dB" ? excess : 3.0);
        c.amount_max = 18;
        c.amount_unit = "dB";
        directness = 0.7; // a threshold move deepens the duck only while the key exceeds it
    } else if (id == "narrow_stereo") {
        // The supersaw pads (leads only without pads): widening a mono lead
        // widens the mids the references keep narrow.
        auto tracks = tracksFor(ctx, {kRolePad, kRoleLead});
        if (tracks.empty()) {
            return {};
        }
        std::string missing;
        for (const auto* t : tracks) {
            const live::LiveDevice* u = findDevice(*t, DeviceKind::kUtility);
            if (u == nullptr ||
                !addChange(c, *t, *u, Param::kUtilityWidth, 0, AmountUse::kSet, 1)) {
                missing.append(missing.empty() ? "" : ", ").append(quoted(t->name));
            } else {
                c.from_width_percent =
                    toUnit(Curve::kUtilityWidth, c.changes.back().change.from_value);
            }
            c.moves.push_back({MoveKind::kWidth, signalFor(ctx, t), 0, 0, 0.71, 1, 150});
        }
        if (!missing.empty()) {
            c.fix.manual_step = "add Utility to " + missing + " and raise Stereo Width";
        }
        c.fix.title = "Widen the pads and leads";
        c.amount = std::min(400.0, c.from_width_percent * 1.5);
        c.amount_max = 400;
        c.amount_unit = "%";
        directness = 0.6; // width scales the side that is there; a mono source stays mono
        // A supersaw whose own voices barely spread has little side to scale:
        // when even 400 % leaves a supersaw width of the gap out of range, the
        // spread has to come from the synth (not reachable over OSC).
        const auto at_max = movesAt(c, c.amount_max, 1.0);
        for (const auto& e : g.evidence) {
            if (e.feature == "supersaw_width" && e.stem.empty() && !e.in_range &&
                c.fix.manual_step.find("unison") == std::string::npos) {
                const double v = predictedValue(ctx, at_max, e);
                if (v < e.range_low || v > e.range_high) {
                    c.fix.manual_step.append(c.fix.manual_step.empty() ? "" : "; ")
                        .append("Utility width cannot spread the supersaw" +
                                std::string(e.section.empty() ? "" : " in the " + e.section) +
                                " into range (" + fmt("%.2f", e.wip_value) + " -> at most " +
                                fmt("%.2f", v) + ", references " + fmt("%.2f", e.range_low) + ".." +
                                fmt("%.2f", e.range_high) +
                                "): raise the unison voices / detune of the Wavetable on " +
                                quoted(tracks[0]->name));
                }
            }
        }
    } else if (id == "quiet_master") {
        c.moves.push_back({MoveKind::kGain, "mix", 0, 1, 0.71, 1, 150});
        c.amount = std::max(0.5, c.tune.unit == "LUFS" || c.tune.unit == "dB" ? excess : 3.0);
        c.amount_max = 12;
        c.amount_unit = "dB";
        c.fix.title = "Raise the master level";
        const live::LiveTrack* m = masterTrack(ctx);
        bool placed = false;
        if (m != nullptr) {
            if (const auto* eq = findDevice(*m, DeviceKind::kEqEight)) {
                placed = addChange(c, *m, *eq, Param::kEqOutput, 0, AmountUse::kAdd, 1);
            }
            if (!placed) {
                if (const auto* u = findDevice(*m, DeviceKind::kUtility)) {
                    placed = addChange(c, *m, *u, Param::kUtilityGain, 0, AmountUse::kAdd, 1);
                    directness = 0.7; // Utility's gain curve is derived, read it back
                }
            }
        }
        if (!placed) {
            c.fix.manual_step =
                m == nullptr ? "AbletonOSC cannot reach the master track: raise the Limiter/gain "
                               "on the master by " +
                                   fmt("%.1f dB", c.amount) + " (or name a bus with --master-track)"
                             : "add EQ Eight or Utility to " + quoted(m->name) +
                                   " and raise its output by " + fmt("%.1f dB", c.amount);
        }
    } else {
        return {};
    }
    keepShapesWhereFresh(c);
    if (!c.fix.manual_step.empty()) {
        directness *= c.changes.empty() ? 0.6 : 0.8;
    }
    c.fix.confidence = std::clamp(directness * (0.5 + 0.5 * g.severity), 0.0, 1.0);
    c.amount = std::min(c.amount, c.amount_max);
    // A stem headline the move does not reach (the pads' low mids under a
    // bass cut) is not what the amount can be tuned on.
    if (!c.tune.stem.empty() && std::none_of(c.moves.begin(), c.moves.end(), [&](const Move& m) {
            return m.signal == "mix" || m.signal == c.tune.stem;
        })) {
        c.tune = tuneComparison(g, false);
    }
    if (id == "low_mid_buildup" && !c.moves.empty()) {
        // The pads share the band: the same bell on them too, for the planner
        // to take when the bass alone cannot bring the comparison into range.
        const auto pads = tracksFor(ctx, {kRolePad});
        if (!pads.empty()) {
            CandidateFix wider = c;
            const Move& bell = c.moves.front();
            eqMove(wider, ctx, pads, bell.kind, bell.freq_hz, bell.q, -1);
            keepShapesWhereFresh(wider);
            wider.fix.title += " and " + quoted(pads[0]->name);
            c.fallbacks.push_back(std::move(wider));
        }
    }
    if ((id == "harsh_highs" || id == "dull_highs") && !c.moves.empty() &&
        c.moves.front().signal == "mix") {
        // On the master the shelf also takes the hats' air; the synths that
        // carry the excess are the alternative (pads, then leads).
        auto synths = tracksFor(ctx, {kRolePad});
        for (const auto* t : tracksFor(ctx, {kRoleLead})) {
            synths.push_back(t);
        }
        if (!synths.empty()) {
            CandidateFix closer = c;
            closer.moves.clear();
            closer.changes.clear();
            closer.fix.manual_step.clear();
            const Move& eq = c.moves.front();
            eqMove(closer, ctx, synths, eq.kind, eq.freq_hz, eq.q, id == "harsh_highs" ? -1 : 1);
            keepShapesWhereFresh(closer);
            closer.fix.title =
                (id == "harsh_highs" ? "Soften the highs on " : "Brighten the highs on ") +
                quoted(synths[0]->name) + (synths.size() > 1 ? " and others" : "");
            c.fallbacks.push_back(std::move(closer));
        }
    }
    return {c};
}

} // namespace styledna::fixes
