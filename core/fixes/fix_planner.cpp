#include "core/fixes/fix_planner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include "core/common/logging.hpp"
#include "core/fixes/fix_risk.hpp"
#include "core/fixes/level_match.hpp"
#include "core/fixes/parameter_mapper.hpp"
#include "core/fixes/plan_selection.hpp"
#include "core/gap/gap_analyzer.hpp"
#include "core/gap/gap_causes.hpp"

namespace styledna::fixes {
namespace {

using Key =
    std::tuple<std::string, std::string, std::string, std::string>; // feature, section, stem, basis

Key keyOf(const gap::Comparison& c) {
    return {c.feature, c.section, c.stem, c.basis};
}

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

double valueAt(const core::TrackAnalysis& a, const gap::Comparison& c) {
    const core::TrackFeatures* features = &a.features;
    if (!c.stem.empty()) {
        const auto stem = a.stems.stems.find(c.stem);
        if (stem == a.stems.stems.end()) {
            return c.wip_value;
        }
        features = &stem->second;
    }
    if (c.section.empty()) {
        auto it = features->values.find(c.feature);
        return it != features->values.end() ? it->second : c.wip_value;
    }
    for (const auto& s : features->sections) {
        if (s.label == c.section) {
            auto it = s.values.find(c.feature);
            // First section of the label with a measurement (as the report's
            // headline; NaN: not measurable there, e.g. a near-silent stem).
            if (it != s.values.end() && std::isfinite(it->second)) {
                return it->second;
            }
        }
    }
    return c.wip_value;
}

class Planner {
public:
    explicit Planner(const PlanInputs& in) : m_in(in) {
        m_options.cluster = in.report->cluster;
        for (const auto& c : in.report->comparisons) {
            m_before[keyOf(c)] = c;
        }
    }

    // stems: predict the stems' features too (only the plan's predictions and
    // a stem tuning comparison read them: validation and the score use the mix).
    core::TrackAnalysis predicted(const std::vector<Move>& moves, bool stems = false) const {
        return predict(*m_in.sim, *m_in.wip, moves, stems);
    }

    // The features a gap's evidence names (any section or stem): the moves
    // that answer it may move them anywhere; the score judges the net effect.
    std::set<std::string> gapFeatures(const std::string& gap_id) const {
        std::set<std::string> out;
        for (const auto& g : m_in.report->gaps) {
            if (g.id == gap_id) {
                out.insert(g.feature);
                for (const auto& e : g.evidence) {
                    out.insert(e.feature);
                }
            }
        }
        return out;
    }

    // pushed: a mix comparison in range before that the moves take out of it
    // with a severity of at least max(medium, 0.75 x the severity of the gap
    // being fixed): the move would trade its gap for one about as bad.
    // own: the answered gaps' features (gapFeatures), never "pushed": a
    // bass mono that makes the buildup's low end more mono than the references'
    // is the same cause the move answers, and the conformance score weighs it
    // against the sections it fixes; validation guards the other features.
    // The prediction is level matched (level_match.hpp).
    Outcome evaluate(const std::vector<Move>& moves, double fixing_severity,
                     const std::set<std::string>& own, bool stems = false) const {
        Outcome out;
        core::TrackAnalysis analysis = predicted(moves, stems);
        out.makeup_db = levelMakeupDb(*m_in.wip, analysis, moves);
        applyMixGain(analysis, out.makeup_db); // == predicted(moves + the gain)
        auto r = gap::analyzeGap(analysis, *m_in.profile, m_options);
        if (!r.isOk()) {
            out.pushed = r.status().message();
            return out;
        }
        out.report = std::move(r).value();
        for (const auto& c : out.report.comparisons) {
            auto it = m_before.find(keyOf(c));
            if (!c.stem.empty() || it == m_before.end() || !it->second.in_range ||
                own.count(c.feature) != 0) {
                continue;
            }
            if (!c.in_range &&
                c.severity >= std::max(gap::kMediumSeverity, 0.75 * fixing_severity)) {
                out.pushed = gap::featureWords(c.feature) +
                             (c.section.empty() ? "" : " in " + gap::placeWords(c.section, "")) +
                             " out of range (" + fmt("%.2f", it->second.wip_value) + " -> " +
                             fmt("%.2f", c.wip_value) + " " + c.unit + ", range " +
                             fmt("%.2f", c.range_low) + ".." + fmt("%.2f", c.range_high) + ")";
                break;
            }
        }
        return out;
    }

    // The EQ shape (kind, frequency) that closes most of the gap at a probe
    // amount of 6 dB, preferring shapes that push nothing out of range
    // (answers: the gap's features, gapFeatures).
    CandidateFix chooseShape(CandidateFix c, double severity,
                             const std::set<std::string>& answers) const {
        if (c.shapes.empty()) {
            return c;
        }
        const gap::Comparison& t = c.tune;
        const double sign = t.wip_value > t.target_value ? -1.0 : 1.0;
        const double probe = std::min(6.0, c.amount_max);
        CandidateFix best = c;
        double best_score = -1e300;
        for (const auto& [kind, hz] : c.shapes) {
            CandidateFix shaped = withShape(c, kind, hz);
            const auto moves = movesAt(shaped, probe, 1.0);
            const double gain = sign * (comparedValue(moves, t) - t.wip_value);
            const double score =
                gain - (evaluate(moves, severity, answers).pushed.empty() ? 0.0 : 1e6);
            if (score > best_score) {
                best_score = score;
                best = std::move(shaped);
            }
        }
        return best;
    }

    // The comparison's value (as the gap analyzer compares it: tonal bands
    // relative to the WIP's median band offset) after `moves`.
    double comparedValue(const std::vector<Move>& moves, const gap::Comparison& t) const {
        auto r = gap::analyzeGap(predicted(moves, !t.stem.empty()), *m_in.profile, m_options);
        if (r.isOk()) {
            for (const auto& c : r->comparisons) {
                if (keyOf(c) == keyOf(t)) {
                    return c.wip_value;
                }
            }
        }
        return valueAt(predicted(moves, !t.stem.empty()), t);
    }

    // Amount bringing the tuning comparison to its target (bisection).
    double tune(const CandidateFix& c, const std::vector<Move>& others = {}) const {
        if (c.fixed_amount) {
            return c.amount;
        }
        const double lo0 = c.amount_unit == "%"    ? c.from_width_percent
                           : c.amount_unit == "Hz" ? 50
                                                   : 0;
        const gap::Comparison& t = c.tune;
        auto value = [&](double a) {
            auto moves = others;
            for (const auto& m : movesAt(c, a, 1.0)) {
                moves.push_back(m);
            }
            return comparedValue(moves, t);
        };
        const double sign = t.wip_value > t.target_value ? -1.0 : 1.0; // direction to move
        // Aim at the median (halfway from the near edge did worse on the
        // acceptance set: 11/24 against 12/24 in range).
        const double want = t.target_value;
        double lo = lo0, hi = c.amount_max;
        if (sign * (value(hi) - want) < 0) {
            return hi; // even the largest move does not reach the median
        }
        for (int i = 0; i < 14; ++i) {
            const double mid = 0.5 * (lo + hi);
            (sign * (value(mid) - want) < 0 ? lo : hi) = mid;
        }
        return std::max(hi, lo0 + 1e-6);
    }

    const PlanInputs& m_in;
    gap::GapOptions m_options;
    std::map<Key, gap::Comparison> m_before;
};

// A candidate the plan leaves out, with why, at the plan's strength.
Fix rejectedFix(const Candidate& c, const std::string& why, double strength) {
    Fix f = c.fix.fix;
    f.rejection_reason = why;
    f.changes = changesAt(c.fix, c.amount, strength);
    return f;
}

std::vector<PredictedFeature> predictedFeatures(const gap::Gap& g, const gap::GapReport& after,
                                                const gap::GapReport& before) {
    std::map<Key, const gap::Comparison*> now;
    for (const auto& c : after.comparisons) {
        now[keyOf(c)] = &c;
    }
    std::vector<PredictedFeature> out;
    for (const auto& e : g.evidence) {
        auto it = now.find(keyOf(e));
        if (it == now.end()) {
            continue;
        }
        PredictedFeature p;
        p.feature = e.feature;
        p.section = e.section;
        p.stem = e.stem;
        p.unit = e.unit;
        p.before = e.wip_value;
        p.after = it->second->wip_value;
        p.range_low = e.range_low;
        p.range_high = e.range_high;
        p.in_range_before = e.in_range;
        p.in_range_after = it->second->in_range;
        out.push_back(p);
    }
    (void)before;
    return out;
}

std::string effectWords(const Fix& fix) {
    for (const auto& p : fix.predicted) {
        if (p.feature == fix.gap_feature || (&p == &fix.predicted.front())) {
            return gap::featureWords(p.feature) +
                   (p.section.empty() ? "" : " (" + p.section + ")") + " " + fmt("%.2f", p.before) +
                   " -> " + fmt("%.2f", p.after) + " " + p.unit +
                   (p.in_range_after ? ", in range" : ", still out of range");
        }
    }
    return "";
}

} // namespace

core::Result<std::pair<FixPlan, std::vector<PlannedMoves>>>
planFixesWithMoves(const PlanInputs& in) {
    if (!(in.strength > 0 && in.strength <= 1)) {
        return core::invalidArgument("strength must be in (0, 1], got " + fmt("%g", in.strength));
    }
    if (!(in.target_conformance >= 0 && in.target_conformance <= 100)) {
        return core::invalidArgument("target conformance must be in [0, 100], got " +
                                     fmt("%g", in.target_conformance));
    }
    Planner planner(in);
    std::set<std::tuple<int, int, int>> taken_bands;
    MapContext ctx{in.set, &in.roles, in.master_track, in.wip, in.sim, &taken_bands};
    FixPlan plan;
    plan.wip_hash = in.report->wip_hash;
    plan.wip_path = in.report->wip_path;
    plan.profile = in.report->profile;
    plan.conformance_before = in.report->conformance_score;
    plan.target_conformance = in.target_conformance;
    plan.roles = in.roles;
    plan.set_source = in.set_source;
    plan.strength = in.strength;

    // 1-3: candidates, tuned and validated alone.
    auto settle = [&](const CandidateFix& fix, double severity) {
        const std::set<std::string> answers = planner.gapFeatures(fix.fix.gap_id);
        Candidate cand{planner.chooseShape(fix, severity, answers), 0, "", severity, answers};
        const double tuned = planner.tune(cand.fix);
        for (double share : {1.0, 0.5, 0.25}) {
            cand.amount =
                tuned * share +
                (1 - share) * (cand.fix.amount_unit == "%" ? cand.fix.from_width_percent : 0);
            const Outcome o =
                planner.evaluate(movesAt(cand.fix, cand.amount, 1.0), cand.severity, cand.answers);
            cand.rejection = o.pushed.empty() ? "" : "would push " + o.pushed;
            const double after = valueAt(
                planner.predicted(movesAt(cand.fix, cand.amount, 1.0), !cand.fix.tune.stem.empty()),
                cand.fix.tune);
            if (cand.rejection.empty() &&
                std::abs(after - cand.fix.tune.target_value) >= std::abs(cand.fix.tune.delta)) {
                cand.rejection =
                    "no predicted improvement of " + gap::featureWords(cand.fix.tune.feature);
            }
            if (std::getenv("STYLEDNA_FIX_DEBUG") != nullptr) {
                std::fprintf(stderr, "[plan] %s (%s) tune %s [%s] tuned %.3f share %.2f: %s\n",
                             cand.fix.fix.gap_id.c_str(), cand.fix.fix.title.c_str(),
                             cand.fix.tune.feature.c_str(), cand.fix.tune.section.c_str(), tuned,
                             share, cand.rejection.c_str());
            }
            if (cand.rejection.empty()) {
                break;
            }
        }
        return cand;
    };
    auto lands = [&](const Candidate& c) {
        const gap::Comparison& t = c.fix.tune;
        const double v = planner.comparedValue(movesAt(c.fix, c.amount, 1.0), t);
        return c.rejection.empty() && v >= t.range_low && v <= t.range_high;
    };
    std::vector<Candidate> candidates;
    std::vector<std::string> seen;
    for (const auto& g : in.report->gaps) {
        for (auto& c : mapGap(g, ctx)) {
            const std::string shape = c.fix.title + c.amount_unit;
            if (std::find(seen.begin(), seen.end(), shape) != seen.end()) {
                continue;
            }
            seen.push_back(shape);
            Candidate cand = settle(c, g.severity);
            // Alternatives (parameter_mapper.hpp), taken in order while the
            // candidate does not land its tuning comparison in range: one that
            // does, or one that passes validation where this one did not.
            for (const auto& alt : CandidateFix(cand.fix).fallbacks) {
                if (lands(cand)) {
                    break;
                }
                Candidate other = settle(alt, g.severity);
                if (lands(other) || (!cand.rejection.empty() && other.rejection.empty())) {
                    cand = std::move(other);
                }
            }
            candidates.push_back(std::move(cand));
        }
    }

    // 4-5: greedy joint selection at the requested strength, joint re-tune.
    std::vector<PlannedMoves> planned;
    std::vector<Candidate*> pool;
    for (auto& c : candidates) {
        if (c.rejection.empty()) {
            pool.push_back(&c);
        } else {
            plan.rejected.push_back(rejectedFix(c, c.rejection, in.strength));
        }
    }
    for (const Candidate* c : rejectUndoing(pool)) {
        plan.rejected.push_back(rejectedFix(*c, c->rejection, in.strength));
    }
    SelectionModel model;
    model.evaluate = [&](const std::vector<Move>& moves, double fixing_severity,
                         const std::set<std::string>& own) {
        return planner.evaluate(moves, fixing_severity, own);
    };
    model.tune = [&](const CandidateFix& fix, const std::vector<Move>& others) {
        return planner.tune(fix, others);
    };
    model.conformance_before = plan.conformance_before;
    model.target_conformance = in.target_conformance;
    const std::vector<Candidate*> chosen = selectFixes(model, candidates, pool, in.strength);

    // 6: the plan, each fix's predictions with the fixes before it.
    double conformance = plan.conformance_before;
    gap::GapReport current = *in.report;
    std::vector<Move> chosen_moves;
    double makeup_db = 0;
    for (Candidate* cp : chosen) {
        Candidate& c = *cp;
        const auto moves = movesAt(c.fix, c.amount, in.strength);
        chosen_moves.insert(chosen_moves.end(), moves.begin(), moves.end());
        Outcome best_outcome = planner.evaluate(chosen_moves, c.severity, {}, true);
        makeup_db = best_outcome.makeup_db;
        const double best_gain = best_outcome.report.conformance_score - conformance;
        Fix f = c.fix.fix;
        f.id = "fix-" + std::to_string(plan.fixes.size() + 1);
        f.strength = in.strength;
        f.changes = changesAt(c.fix, c.amount, in.strength);
        for (std::size_t k = 0; k < f.changes.size(); ++k) {
            f.changes[k].change_id = f.id + "." + std::to_string(k + 1);
        }
        for (const auto& g : in.report->gaps) {
            if (g.id == f.gap_id) {
                f.predicted = predictedFeatures(g, best_outcome.report, current);
                const FixRisk risk = fixRisk(g, current, best_outcome.report);
                f.risk = risk.risk;
                if (risk.risk > 0) {
                    core::logger("fixes")->debug("{}: risk {:.2f} from {} {} {}", f.gap_id,
                                                 risk.risk, risk.feature, risk.section, risk.stem);
                }
            }
        }
        const std::string effect = effectWords(f);
        for (auto& ch : f.changes) {
            ch.predicted_effect = effect;
        }
        f.expected_improvement = best_gain;
        conformance = best_outcome.report.conformance_score;
        f.predicted_conformance = conformance;
        current = std::move(best_outcome.report);
        plan.fixes.push_back(std::move(f));
        planned.push_back({plan.fixes.back().id, moves});
    }
    // The level match the predictions above include (level_match.hpp).
    if (makeup_db != 0) {
        auto [f, moves] = levelMatchPlanFix(makeup_db, ctx, plan.fixes.size() + 1, conformance);
        planned.push_back({f.id, std::move(moves)});
        plan.fixes.push_back(std::move(f));
    }
    // What is left is reported (a valid move left out without a word reads as
    // a gap the planner never saw), unless the target was reached without it.
    const bool target_reached = in.target_conformance <= 0 || conformance >= in.target_conformance;
    for (Candidate* c : pool) {
        if (!c->rejection.empty() || in.target_conformance <= 0 || !target_reached) {
            std::string why = "no predicted gain in conformance once the fixes before it are in";
            if (std::isfinite(c->last_gain) && c->last_gain < 0) {
                why = "would lower the predicted conformance by " + fmt("%.1f", -c->last_gain) +
                      " points with the fixes before it (it moves other features away from "
                      "your references)";
            }
            plan.rejected.push_back(
                rejectedFix(*c, c->rejection.empty() ? why : c->rejection, in.strength));
        }
    }
    plan.predicted_conformance = conformance;
    plan.target_reached = target_reached;
    if (in.target_conformance > 0) {
        const bool matched = makeup_db != 0;
        const std::size_t moves_count = plan.fixes.size() - (matched ? 1 : 0);
        plan.target_note = plan.target_reached
                               ? "target " + fmt("%.0f", in.target_conformance) + " reached with " +
                                     std::to_string(moves_count) + " fix(es)" +
                                     (matched ? " and a level match" : "") + ": predicted " +
                                     fmt("%.1f", conformance)
                               : "target " + fmt("%.0f", in.target_conformance) +
                                     " not reachable with mixer moves: best predicted " +
                                     fmt("%.1f", conformance) + " (" +
                                     fmt("%.1f", in.target_conformance - conformance) +
                                     " short; the remaining gaps are style choices or need "
                                     "arrangement or sound-design changes)";
    }
    return std::make_pair(std::move(plan), std::move(planned));
}

core::Result<FixPlan> planFixes(const PlanInputs& in) {
    auto r = planFixesWithMoves(in);
    if (!r.isOk()) {
        return r.status();
    }
    return std::move(r->first);
}

} // namespace styledna::fixes
