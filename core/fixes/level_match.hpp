#pragma once
// Level matching, as an engineer A/Bs a corrective move: an EQ cut, a mono
// bass or a deeper duck also lowers the loudness, and every level feature
// (integrated, short-term and momentary loudness, RMS, energy per section,
// PLR) would then judge the level, not the move. The makeup is the master
// gain that brings the integrated loudness back to where it was; the plan
// ends with it as a fix of its own (gap "level_match"), so what is predicted
// is what is applied. Moves that include a master gain (a quiet- or
// loud-master fix) are not matched: that fix's gain is tuned with the other
// moves in place (the joint re-tune) and sets the level itself.
// Threads: pure functions of their inputs.

#include <cstddef>
#include <utility>
#include <vector>

#include "core/analysis/track_analysis.hpp"
#include "core/fixes/fix_plan.hpp"
#include "core/fixes/move.hpp"
#include "core/fixes/parameter_mapper.hpp"

namespace styledna::fixes {

// Below this, no level match: a tenth of a dB is under what any level
// feature resolves (gap_causes measurementResolution: 0.5 dB/LU).
inline constexpr double kMinMakeupDb = 0.1;

// The master gain in dB that brings `predicted` (the WIP after `moves`) back
// to the WIP's integrated loudness; 0 when there are no moves, either
// integrated loudness is missing or not finite, a move is a master gain, or
// the makeup is under kMinMakeupDb.
double levelMakeupDb(const core::TrackAnalysis& wip, const core::TrackAnalysis& predicted,
                     const std::vector<Move>& moves);

// The plan's closing fix "fix-<number>" (gap "level_match"): makeup_db on the
// master at full strength, its changes numbered and explained, no expected
// improvement of its own (the fixes' predictions include it) and the plan's
// `predicted_conformance`; with its moves.
std::pair<Fix, std::vector<Move>> levelMatchPlanFix(double makeup_db, const MapContext& ctx,
                                                    std::size_t number,
                                                    double predicted_conformance);

} // namespace styledna::fixes
