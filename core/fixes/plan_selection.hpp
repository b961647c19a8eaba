#pragma once
// Fix planner steps 4 and 5 (fix_planner.hpp): the greedy joint selection
// over the candidates settled alone, and the joint re-tune of the chosen
// amounts. fix_planner.cpp settles the candidates (1-3), runs the selection
// with its simulation (SelectionModel) and writes the plan.
// Threads: pure functions of their inputs.

#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/fixes/move.hpp"
#include "core/fixes/parameter_mapper.hpp"
#include "core/gap/gap_report.hpp"

namespace styledna::fixes {

struct Candidate {
    CandidateFix fix;
    double amount = 0;
    std::string rejection;
    double severity = 0; // of the gap it answers
    // The features of the gap it answers (its evidence's, any section or
    // stem): never "pushed" when it is tried.
    std::set<std::string> answers;
    // Conformance change with the fixes chosen before it, at its last try in
    // the greedy selection (NaN: never tried there).
    double last_gain = std::nan("");
};

struct Outcome {
    gap::GapReport report;
    std::string pushed;   // "" or the first comparison pushed out of range
    double makeup_db = 0; // the level match the report includes (level_match.hpp)
};

// What the selection asks of the planner's simulation.
struct SelectionModel {
    // The WIP after `moves`, judged by the gap analyzer: Outcome::pushed
    // names a mix comparison in range before that the moves push out far
    // enough to trade the gap being fixed (of `fixing_severity`) for one
    // about as bad; features in `own` never count.
    std::function<Outcome(const std::vector<Move>& moves, double fixing_severity,
                          const std::set<std::string>& own)>
        evaluate;
    // The amount of `fix` that brings its tuning comparison to its target
    // with `others` in place.
    std::function<double(const CandidateFix& fix, const std::vector<Move>& others)> tune;
    double conformance_before = 0;
    double target_conformance = 0; // 0..100; 0: every fix that helps
};

// Sorts `pool` by severity (most severe first) and takes out each candidate
// whose EQ move on the same signal goes the other way within an octave of a
// more severe one's (it would undo it), with its rejection set; returns them.
std::vector<Candidate*> rejectUndoing(std::vector<Candidate*>& pool);

// Steps 4-5 at `strength` over `pool` (from rejectUndoing): the chosen
// candidates in order, their amounts re-tuned jointly; what is not chosen
// stays in `pool`, with its rejection when it has one. Below full strength
// the amounts come from the full-strength selection (its rejections
// forgotten) and the selection at `strength` keeps them.
std::vector<Candidate*> selectFixes(const SelectionModel& model, std::vector<Candidate>& candidates,
                                    std::vector<Candidate*>& pool, double strength);

} // namespace styledna::fixes
