#include "core/fixes/plan_selection.hpp"

#include <algorithm>
#include <cmath>

namespace styledna::fixes {
namespace {

// Without a target, a fix that closes its own gap is kept while the score
// loses at most this much (side effects of low severity on other features).
constexpr double kMaxLoss = 5.0;

// A parameter the candidate changes that a chosen fix changes too (two EQ
// moves on one track take the same free band): "" when none.
std::string sharedParameter(const Candidate& c, const std::vector<Candidate*>& chosen) {
    for (const auto& a : c.fix.changes) {
        for (const Candidate* o : chosen) {
            for (const auto& b : o->fix.changes) {
                if (a.change.track_index == b.change.track_index &&
                    a.change.device_index == b.change.device_index &&
                    a.change.parameter_index == b.change.parameter_index) {
                    return "'" + a.change.track_name + "' " + a.change.parameter_name;
                }
            }
        }
    }
    return std::string();
}

// A chosen fix whose EQ move on the same signal goes the other way within
// an octave (a harsh-highs cut and a dull-highs boost): the candidate
// would undo it. "" when none.
std::string undoes(const Candidate& c, const std::vector<Candidate*>& chosen) {
    auto eq = [](const Move& m) {
        return m.kind == MoveKind::kBell || m.kind == MoveKind::kLowShelf ||
               m.kind == MoveKind::kHighShelf;
    };
    for (const auto& a : c.fix.moves) {
        for (const Candidate* o : chosen) {
            for (const auto& b : o->fix.moves) {
                const bool same_signal =
                    a.signal == b.signal || a.signal == "mix" || b.signal == "mix";
                if (eq(a) && eq(b) && same_signal && a.gain_db * b.gain_db < 0 &&
                    std::abs(std::log2(a.freq_hz / b.freq_hz)) <= 1.0) {
                    return o->fix.fix.title;
                }
            }
        }
    }
    return std::string();
}

// The features the chosen fixes (and `next`, when given) answer.
std::set<std::string> ownOf(const std::vector<Candidate*>& chosen, const Candidate* next) {
    std::set<std::string> own;
    for (const Candidate* c : chosen) {
        own.insert(c->answers.begin(), c->answers.end());
    }
    if (next != nullptr) {
        own.insert(next->answers.begin(), next->answers.end());
    }
    return own;
}

// The chosen moves followed by `c`'s at `amount` and `strength`.
std::vector<Move> withMoves(std::vector<Move> moves, const Candidate& c, double amount,
                            double strength) {
    for (const auto& m : movesAt(c.fix, amount, strength)) {
        moves.push_back(m);
    }
    return moves;
}

// 5: joint re-tune. Each fix was tuned alone; the others move its feature
// too (an EQ cut lowers the level a master gain was tuned on). One pass in
// order, at full strength (amounts are full moves; strength scales them
// afterwards): each amount re-tuned with the other chosen moves in place,
// kept when the joint prediction pushes nothing out and the score holds.
void retuneJointly(const SelectionModel& model, const std::vector<Candidate*>& chosen) {
    if (chosen.size() <= 1) {
        return;
    }
    auto jointMoves = [&](std::size_t skip) {
        std::vector<Move> out;
        for (std::size_t k = 0; k < chosen.size(); ++k) {
            if (k != skip) {
                out = withMoves(std::move(out), *chosen[k], chosen[k]->amount, 1.0);
            }
        }
        return out;
    };
    double joint_score = model.evaluate(jointMoves(chosen.size()), 0, ownOf(chosen, nullptr))
                             .report.conformance_score;
    for (std::size_t k = 0; k < chosen.size(); ++k) {
        Candidate& c = *chosen[k];
        const auto others = jointMoves(k);
        const double retuned = model.tune(c.fix, others);
        if (std::abs(retuned - c.amount) < 1e-3) {
            continue;
        }
        const Outcome o =
            model.evaluate(withMoves(others, c, retuned, 1.0), c.severity, ownOf(chosen, nullptr));
        if (o.pushed.empty() && o.report.conformance_score >= joint_score) {
            c.amount = retuned;
            joint_score = o.report.conformance_score;
        }
    }
}

// 4: greedy selection at `strength` over `left` (what is left stays in it),
// then the joint re-tune of the chosen amounts when `retune`.
std::vector<Candidate*> select(const SelectionModel& model, double strength,
                               std::vector<Candidate*>& left, bool retune) {
    std::vector<Candidate*> chosen;
    std::vector<Move> chosen_moves;
    double conformance = model.conformance_before;
    auto reached = [&] {
        return model.target_conformance > 0 && conformance >= model.target_conformance;
    };
    while (!left.empty() && !reached()) {
        double best_gain = 0.05;
        std::size_t best = left.size();
        Outcome best_outcome;
        for (std::size_t i = 0; i < left.size(); ++i) {
            if (const std::string same = sharedParameter(*left[i], chosen); !same.empty()) {
                left[i]->rejection = "would change " + same + ", which a fix before it sets";
                continue;
            }
            if (const std::string undone = undoes(*left[i], chosen); !undone.empty()) {
                left[i]->rejection = "would undo \"" + undone + "\" (an EQ move the other way)";
                continue;
            }
            Outcome o = model.evaluate(withMoves(chosen_moves, *left[i], left[i]->amount, strength),
                                       left[i]->severity, ownOf(chosen, left[i]));
            if (!o.pushed.empty()) {
                left[i]->rejection = "together with the fixes before it, would push " + o.pushed;
                continue;
            }
            const double gain = o.report.conformance_score - conformance;
            left[i]->last_gain = gain;
            if (gain > best_gain) {
                best_gain = gain;
                best = i;
                best_outcome = std::move(o);
            }
        }
        if (best == left.size() && model.target_conformance <= 0) {
            // No target: a fix that does not lower the score still closes its own gap.
            for (std::size_t i = 0; i < left.size() && best == left.size(); ++i) {
                if (!left[i]->rejection.empty()) {
                    continue;
                }
                Outcome o =
                    model.evaluate(withMoves(chosen_moves, *left[i], left[i]->amount, strength),
                                   left[i]->severity, ownOf(chosen, left[i]));
                if (o.pushed.empty() && o.report.conformance_score >= conformance - kMaxLoss) {
                    best = i;
                    best_gain = o.report.conformance_score - conformance;
                    best_outcome = std::move(o);
                }
            }
        }
        if (best == left.size()) {
            break;
        }
        chosen_moves =
            withMoves(std::move(chosen_moves), *left[best], left[best]->amount, strength);
        conformance = best_outcome.report.conformance_score;
        chosen.push_back(left[best]);
        left.erase(left.begin() + static_cast<long>(best));
    }
    if (retune) {
        retuneJointly(model, chosen);
    }
    return chosen;
}

} // namespace

std::vector<Candidate*> rejectUndoing(std::vector<Candidate*>& pool) {
    // Of two candidates that would undo each other, the one answering the more
    // severe gap stays (greedy gain alone may prefer a side gap's move).
    std::stable_sort(pool.begin(), pool.end(), [](const Candidate* a, const Candidate* b) {
        return a->severity > b->severity;
    });
    std::vector<Candidate*> out;
    for (std::size_t i = 0; i < pool.size(); ++i) {
        const std::vector<Candidate*> before(pool.begin(), pool.begin() + static_cast<long>(i));
        if (const std::string undone = undoes(*pool[i], before); !undone.empty()) {
            pool[i]->rejection = "would undo \"" + undone + "\", which answers a more severe gap";
            out.push_back(pool[i]);
            pool.erase(pool.begin() + static_cast<long>(i));
            --i;
        }
    }
    return out;
}

std::vector<Candidate*> selectFixes(const SelectionModel& model, std::vector<Candidate>& candidates,
                                    std::vector<Candidate*>& pool, double strength) {
    if (strength >= 1) {
        return select(model, 1.0, pool, true);
    }
    // Amounts come from the full-strength plan (strength scales them).
    std::vector<std::string> rejections;
    for (auto& c : candidates) {
        rejections.push_back(c.rejection);
    }
    auto full_pool = pool;
    select(model, 1.0, full_pool, true);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        candidates[i].rejection = rejections[i];
    }
    return select(model, strength, pool, false);
}

} // namespace styledna::fixes
