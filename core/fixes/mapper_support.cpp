// Helpers of the parameter mapper (mapper_support.hpp).
#include "core/fixes/mapper_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/fixes/track_roles.hpp"
#include "core/gap/gap_causes.hpp"

namespace styledna::fixes {
namespace {

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

// A sidechain depth of 0 outside the drops is a place without a kick: a
// compressor keyed by the kick cannot deepen it (whole track and drops: a duck
// too weak to read, which the simulator deepens).
bool movable(const gap::Comparison& e) {
    return e.feature != "sidechain_depth_db" || e.wip_value > 0 || e.section.empty() ||
           e.section == "drop";
}

} // namespace

std::string quotedName(const std::string& s) {
    return "'" + s + "'";
}

std::string formatNumber(const char* format, double v) {
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
            missing.append(missing.empty() ? "" : ", ").append(quotedName(t->name));
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
            const std::tuple<int, int, int> key{t->index, eq->index, band};
            if (on != nullptr && on->value < 0.5 &&
                (ctx.taken_bands == nullptr || ctx.taken_bands->insert(key).second)) {
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
                .append(quotedName(t->name) + " (all 8 bands in use)");
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

gap::Comparison tuneComparison(const gap::Gap& g, bool headline, bool stems_simulated) {
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
            if (!e.in_range && movable(e) && predictsFeature(e.feature, e.stem) &&
                (e.stem.empty() || stems_simulated)) {
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

} // namespace styledna::fixes
