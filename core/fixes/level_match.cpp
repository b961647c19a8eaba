#include "core/fixes/level_match.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace styledna::fixes {

double levelMakeupDb(const core::TrackAnalysis& wip, const core::TrackAnalysis& predicted,
                     const std::vector<Move>& moves) {
    const auto& before = wip.features.values;
    const auto b = before.find("loudness_integrated_lufs");
    const auto p = predicted.features.values.find("loudness_integrated_lufs");
    if (moves.empty() || b == before.end() || p == predicted.features.values.end() ||
        !std::isfinite(b->second) || !std::isfinite(p->second)) {
        return 0;
    }
    for (const auto& m : moves) {
        if (m.kind == MoveKind::kGain && m.signal == "mix") {
            return 0; // the plan sets the master level itself (jointly re-tuned)
        }
    }
    const double makeup = b->second - p->second;
    return std::abs(makeup) >= kMinMakeupDb ? makeup : 0.0;
}

std::pair<Fix, std::vector<Move>> levelMatchPlanFix(double makeup_db, const MapContext& ctx,
                                                    std::size_t number,
                                                    double predicted_conformance) {
    const CandidateFix lm = levelMatchFix(makeup_db, ctx);
    Fix f = lm.fix;
    f.id = "fix-" + std::to_string(number);
    f.strength = 1;
    f.changes = changesAt(lm, makeup_db, 1.0);
    char gain[32];
    std::snprintf(gain, sizeof gain, "%+.1f dB", makeup_db);
    std::string effect = "integrated loudness back to where it was before the moves (";
    effect.append(gain).append(" on the master)");
    for (std::size_t j = 0; j < f.changes.size(); ++j) {
        f.changes[j].change_id = f.id + "." + std::to_string(j + 1);
        f.changes[j].predicted_effect = effect;
        f.changes[j].reason = "level match: the fixes above are judged at the loudness "
                              "the track had";
    }
    f.expected_improvement = 0; // already in the fixes' predictions
    f.predicted_conformance = predicted_conformance;
    return {std::move(f), movesAt(lm, makeup_db, 1.0)};
}

} // namespace styledna::fixes
