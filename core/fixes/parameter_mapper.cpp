#include "core/fixes/parameter_mapper.hpp"

#include <algorithm>
#include <cmath>

#include "core/fixes/mapper_support.hpp"
#include "core/fixes/track_roles.hpp"
#include "core/gap/gap_causes.hpp"

namespace styledna::fixes {

bool placeMasterGain(CandidateFix& c, const MapContext& ctx, const std::string& verb) {
    const live::LiveTrack* m = masterTrack(ctx);
    if (m != nullptr) {
        if (const auto* eq = findDevice(*m, DeviceKind::kEqEight)) {
            if (addChange(c, *m, *eq, Param::kEqOutput, 0, AmountUse::kAdd, 1)) {
                return true;
            }
        }
        if (const auto* u = findDevice(*m, DeviceKind::kUtility)) {
            if (addChange(c, *m, *u, Param::kUtilityGain, 0, AmountUse::kAdd, 1)) {
                return false; // Utility's gain curve is derived: read it back
            }
        }
    }
    const std::string by = formatNumber("%.1f dB", std::abs(c.amount));
    c.fix.manual_step = m == nullptr ? "AbletonOSC cannot reach the master track: " + verb +
                                           " the Limiter/gain on the master by " + by +
                                           " (or name a bus with --master-track)"
                                     : "add EQ Eight or Utility to " + quotedName(m->name) +
                                           " and " + verb + " its output by " + by;
    return true;
}

CandidateFix levelMatchFix(double makeup_db, const MapContext& ctx) {
    CandidateFix c;
    c.fix.gap_id = "level_match";
    c.fix.gap_feature = "loudness_integrated_lufs";
    c.fix.category = gap::kCategoryLoudness;
    c.fix.title = makeup_db > 0 ? "Make up the level the moves take away"
                                : "Pull back the level the moves add";
    c.moves.push_back({MoveKind::kGain, "mix", 0, 1, 0.71, 1, 150});
    c.amount = makeup_db;
    c.amount_max = 12;
    c.amount_unit = "dB";
    c.fixed_amount = true;
    placeMasterGain(c, ctx, makeup_db > 0 ? "raise" : "lower");
    c.fix.confidence = c.fix.manual_step.empty() ? 0.9 : 0.6;
    return c;
}

std::vector<CandidateFix> mapGap(const gap::Gap& g, const MapContext& ctx) {
    CandidateFix c;
    c.fix.gap_id = g.id;
    c.fix.gap_feature = g.feature;
    c.fix.category = g.category;
    const bool stems_simulated = ctx.sim != nullptr && !ctx.sim->stems.empty();
    c.tune = tuneComparison(g, true, stems_simulated);
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
            c.fix.title = "Cut the low mids on " + quotedName(tracks[0]->name);
            c.amount = c.tune.unit == "Hz" ? 3.0 : std::max(1.0, excess);
        } else {
            eqMove(c, ctx, tracks, MoveKind::kLowShelf, 100, 0.71, id == "boomy_low_end" ? -1 : 1);
            c.fix.title =
                (id == "boomy_low_end" ? "Tame the low end on " : "Lift the low end on ") +
                quotedName(tracks[0]->name);
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
                      quotedName(tracks[0]->name) + (tracks.size() > 1 ? " and others" : "");
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
        c.fix.title = "Mono the low end of " + quotedName(t->name);
        c.amount = 120;
        c.amount_max = 500;
        c.amount_unit = "Hz";
        // Bass Mono's crossover leaves some side under it; where the
        // references' low end is strictly mono (a range ending at
        // correlation 1 / width 0) and even 500 Hz misses it, the bass
        // track itself going mono (Utility Stereo Width 0 %), as trance
        // basses are, is the alternative.
        const double at_max = predictedValue(ctx, movesAt(c, c.amount_max, 1.0), c.tune);
        const bool mono_track =
            signalFor(ctx, t) != "mix" && (at_max < c.tune.range_low || at_max > c.tune.range_high);
        if (mono_track) {
            // The alternative the planner takes when Bass Mono does not land
            // the comparison in range and this does (validation may cut a
            // full mono back; then Bass Mono stays).
            CandidateFix mono = c;
            mono.moves = {{MoveKind::kWidth, signalFor(ctx, t), 0, 0, 0.71, 1, 150}};
            mono.fix.title = "Make " + quotedName(t->name) + " mono";
            mono.amount = 0;
            mono.amount_max = 0;
            mono.amount_unit = "%";
            mono.fixed_amount = true;
            if (u == nullptr ||
                !addChange(mono, *t, *u, Param::kUtilityWidth, 0, AmountUse::kSet, 1)) {
                mono.changes.clear();
                mono.fix.manual_step =
                    "add Utility to " + quotedName(t->name) + " and set Stereo Width to 0 %";
            } else {
                mono.from_width_percent =
                    toUnit(Curve::kUtilityWidth, mono.changes.back().change.from_value);
            }
            c.fallbacks.push_back(std::move(mono));
        }
        if (u == nullptr ||
            !addChange(c, *t, *u, Param::kUtilityBassMono, 0, AmountUse::kPlace, 1) ||
            !addChange(c, *t, *u, Param::kUtilityBassFreq, 0, AmountUse::kPlaceAmount, 1)) {
            c.changes.clear();
            c.fix.manual_step = "add Utility to " + quotedName(t->name) + " and turn Bass Mono on";
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
                        missing.append(missing.empty() ? "" : ", ").append(quotedName(t->name));
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
                missing.append(missing.empty() ? "" : ", ").append(quotedName(t->name));
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
                                " into range (" + formatNumber("%.2f", e.wip_value) +
                                " -> at most " + formatNumber("%.2f", v) + ", references " +
                                formatNumber("%.2f", e.range_low) + ".." +
                                formatNumber("%.2f", e.range_high) +
                                "): raise the unison voices / detune of the Wavetable on " +
                                quotedName(tracks[0]->name));
                }
            }
        }
    } else if (id == "quiet_master") {
        c.moves.push_back({MoveKind::kGain, "mix", 0, 1, 0.71, 1, 150});
        c.amount = std::max(0.5, c.tune.unit == "LUFS" || c.tune.unit == "dB" ? excess : 3.0);
        c.amount_max = 12;
        c.amount_unit = "dB";
        c.fix.title = "Raise the master level";
        if (!placeMasterGain(c, ctx, "raise")) {
            directness = 0.7;
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
        c.tune = tuneComparison(g, false, stems_simulated);
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
            wider.fix.title += " and " + quotedName(pads[0]->name);
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
                quotedName(synths[0]->name) + (synths.size() > 1 ? " and others" : "");
            c.fallbacks.push_back(std::move(closer));
        }
    }
    return {c};
}

} // namespace styledna::fixes
