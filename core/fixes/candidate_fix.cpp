// A candidate at a given amount and strength: its moves and its parameter
// changes (parameter_mapper.hpp), and its EQ shape.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/fixes/parameter_mapper.hpp"
#include "core/gap/gap_causes.hpp"

namespace styledna::fixes {
namespace {

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

} // namespace

CandidateFix withShape(const CandidateFix& c, MoveKind kind, double freq_hz) {
    CandidateFix out = c;
    const double q = kind == MoveKind::kBell ? 0.7 : 0.71;
    for (auto& m : out.moves) {
        if (m.kind == MoveKind::kBell || m.kind == MoveKind::kLowShelf ||
            m.kind == MoveKind::kHighShelf) {
            m.kind = kind;
            m.freq_hz = freq_hz;
            m.q = q;
        }
    }
    const EqFilterType type = kind == MoveKind::kBell       ? EqFilterType::kBell
                              : kind == MoveKind::kLowShelf ? EqFilterType::kLowShelf
                                                            : EqFilterType::kHighShelf;
    for (auto& s : out.changes) {
        if (s.param == Param::kEqBandType) {
            s.fixed_unit = static_cast<int>(type);
        } else if (s.param == Param::kEqBandFrequency) {
            s.fixed_unit = freq_hz;
        } else if (s.param == Param::kEqBandQ) {
            s.fixed_unit = q;
        }
    }
    auto& step = out.fix.manual_step;
    if (const auto at = step.rfind(" at ");
        at != std::string::npos && step.rfind("add EQ", 0) == 0) {
        const std::string shape = kind == MoveKind::kBell       ? "bell"
                                  : kind == MoveKind::kLowShelf ? "low shelf"
                                                                : "high shelf";
        const auto a = step.rfind(" a ", at);
        step =
            step.substr(0, a) + " a " + shape + " at " + formatUnit(Curve::kEqFrequency, freq_hz);
    }
    return out;
}

std::vector<Move> movesAt(const CandidateFix& c, double amount, double strength) {
    std::vector<Move> out;
    for (Move m : c.moves) {
        switch (m.kind) {
        case MoveKind::kBell:
        case MoveKind::kLowShelf:
        case MoveKind::kHighShelf:
        case MoveKind::kGain:
            m.gain_db = (m.gain_db < 0 ? -1.0 : 1.0) * amount * strength;
            break;
        case MoveKind::kDuck:
            m.gain_db = -amount * strength;
            break;
        case MoveKind::kWidth: {
            const double from = std::max(1.0, c.from_width_percent);
            m.width = (from + strength * (amount - from)) / from;
            break;
        }
        case MoveKind::kBassMono:
            m.freq_hz = amount;
            break;
        }
        // Tracks that share a signal (two synth tracks in the "other" stem) get
        // the same move: the stem carries both, so it is applied once.
        const bool repeated = std::any_of(out.begin(), out.end(), [&](const Move& o) {
            return o.kind == m.kind && o.signal == m.signal && o.freq_hz == m.freq_hz &&
                   o.q == m.q && o.gain_db == m.gain_db && o.width == m.width;
        });
        if (!repeated) {
            out.push_back(m);
        }
    }
    return out;
}

std::vector<ParameterChange> changesAt(const CandidateFix& c, double amount, double strength) {
    std::vector<ParameterChange> out;
    for (const auto& s : c.changes) {
        ParameterChange p = s.change;
        p.from_unit_value = toUnit(s.curve, p.from_value);
        double to_unit = 0;
        switch (s.use) {
        case AmountUse::kAdd:
            to_unit = p.from_unit_value + strength * s.factor * amount;
            break;
        case AmountUse::kSet:
            to_unit = p.from_unit_value + strength * (amount - p.from_unit_value);
            break;
        case AmountUse::kPlace:
            to_unit = s.fixed_unit;
            break;
        case AmountUse::kPlaceAmount:
            to_unit = amount;
            break;
        }
        p.to_value = std::clamp(toRaw(s.curve, to_unit), s.min, s.max);
        p.to_unit_value = toUnit(s.curve, p.to_value);
        p.display_from = formatUnit(s.curve, p.from_unit_value);
        p.display_to = formatUnit(s.curve, p.to_unit_value);
        p.gap_feature = c.tune.feature;
        p.confidence = c.fix.confidence * (curveAgreed(s.curve) ? 1.0 : 0.85);
        p.reason = c.fix.title + " (" + gap::featureWords(c.tune.feature) + " " +
                   fmt("%+.2f", c.tune.delta) + " " + c.tune.unit + " vs the references)";
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace styledna::fixes
