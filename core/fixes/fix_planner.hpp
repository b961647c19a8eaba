#pragma once
// Fix planner: GapReport + Live set + simulation input -> FixPlan.
//
// 1. Candidates: parameter_mapper.hpp's move for every gap that is a mix
//    property (style choices and arrangement have no mixer move); one
//    candidate per distinct set of moves (kick_bass_clash and weak_sidechain
//    share the duck: the more severe one keeps it).
// 2. Amount: bisection on the simulator (move_simulator.hpp) for the amount
//    that brings the gap's tuning comparison (the gap's headline when the
//    simulator predicts it, else parameter_mapper.hpp principalFeatures) to
//    the reference median, within the devices' limits.
// 3. Validation, alone: analyzeGap on the predicted features; a candidate
//    that pushes a mix comparison that was in range out of it far enough to
//    be a gap of medium severity or more and at least 0.75 x the severity of
//    the gap it fixes (it would trade its gap for one about as bad; values at
//    the edge of a narrow range that step just outside do not count) is
//    retried at half
//    and a quarter of its amount, then rejected with the reason; one whose
//    own feature does not improve is rejected too.
// 4. Selection: greedy by marginal predicted conformance (a candidate that
//    would change a parameter a chosen fix sets, e.g. two EQ moves on one
//    track that took the same free band, is rejected), each step
//    re-simulated jointly with the fixes already chosen (at `strength`), until
//    the conformance reaches target_conformance (> 0), or while any candidate
//    still adds (target 0: then also every fix that closes its own gap
//    without lowering the score by more than 5 points: the score weighs
//    every feature, a fix's small side effects can outweigh its own gap). target_note says how
//    close the plan gets when the target is out of reach.
// 5. Joint re-tune: each chosen amount re-tuned (bisection, full strength)
//    with the other chosen moves in place, kept when nothing is pushed out
//    and the score holds; then each fix's predictions with the fixes before it.
// A candidate with alternatives (parameter_mapper.hpp CandidateFix::fallbacks)
// is settled (2-3) with each in turn until one lands its tuning comparison in
// range.
// strength (0..1) scales each move in its parameter's own unit (kAdd / kSet
// changes and the moves' amounts; placements and switches are not scaled) and
// the predictions are re-simulated at that strength.
// Files: fix_planner.cpp settles the candidates (1-3) and writes the plan;
// plan_selection.cpp selects and re-tunes (4-5); level_match.cpp closes the
// plan with the master gain that restores the WIP's loudness.
// Threads: pure function of its inputs.

#include <string>
#include <vector>

#include "core/analysis/track_analysis.hpp"
#include "core/common/status.hpp"
#include "core/fixes/fix_plan.hpp"
#include "core/fixes/move_simulator.hpp"
#include "core/gap/gap_report.hpp"
#include "core/live/live_set.hpp"
#include "core/profile/profile.hpp"

namespace styledna::fixes {

struct PlanInputs {
    const core::TrackAnalysis* wip = nullptr;
    const profile::Profile* profile = nullptr;
    const gap::GapReport* report = nullptr;
    const live::LiveSet* set = nullptr;
    std::vector<TrackRole> roles;
    std::string master_track;
    const SimulationInput* sim = nullptr;
    double target_conformance = 0; // 0..100; 0: every fix that helps
    double strength = 1;           // 0..1
    std::string set_source;        // "file:<path>", "request", "live"
};

// invalidArgument for strength outside (0, 1] or a target outside [0, 100].
core::Result<FixPlan> planFixes(const PlanInputs& in);

// The moves of a plan's fixes (the acceptance test renders them in the time
// domain with renderMoves). Same order as plan.fixes; manual steps included.
struct PlannedMoves {
    std::string fix_id;
    std::vector<Move> moves;
};
core::Result<std::pair<FixPlan, std::vector<PlannedMoves>>>
planFixesWithMoves(const PlanInputs& in);

} // namespace styledna::fixes
