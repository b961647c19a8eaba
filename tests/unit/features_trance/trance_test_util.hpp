#pragma once
// Helpers shared by the trance-family tests: a constant beat grid from known
// truth, and one call that runs the family on a buffer.

#include <cmath>

#include "core/features/analysis_context.hpp"
#include "core/features/rhythm_features.hpp"
#include "core/features/trance_features.hpp"

namespace styledna::test {

// Constant-tempo 4/4 grid: beats from first_downbeat_s every 60 / bpm s up to
// duration_s; downbeats every fourth beat.
inline core::BeatGrid constantGrid(double bpm, double duration_s, double first_downbeat_s = 0.0) {
    core::BeatGrid grid;
    grid.tempo_bpm = bpm;
    grid.first_downbeat_s = first_downbeat_s;
    grid.beats_per_bar = 4;
    const double period = 60.0 / bpm;
    for (int k = 0;; ++k) {
        const double t = first_downbeat_s + k * period;
        if (t >= duration_s - 1e-9) {
            break;
        }
        grid.beat_times_s.push_back(t);
        if (k % 4 == 0) {
            grid.downbeat_times_s.push_back(t);
        }
    }
    return grid;
}

struct TranceRun {
    core::Status status;
    core::TrackFeatures features;
};

// Runs configure() + process() + processSection() on every detected section,
// like the extractor does. With rhythm_grid, `grid` is ignored and the grid comes
// from the rhythm family run first on the same context and TrackFeatures, as in
// production.
inline TranceRun runTrance(const core::AudioBuffer& audio, const core::BeatGrid& grid,
                           core::TranceFamilyParams params = {}, bool rhythm_grid = false) {
    TranceRun run;
    core::TranceFamily family(params);
    run.status = family.configure();
    if (!run.status.isOk()) {
        return run;
    }
    core::AnalysisContext ctx(audio);
    if (rhythm_grid) {
        auto rhythm = core::makeRhythmFamily();
        run.status = rhythm->configure();
        if (run.status.isOk()) {
            run.status = rhythm->process(ctx, run.features);
        }
        if (!run.status.isOk()) {
            return run;
        }
    } else {
        run.features.grid = grid;
    }
    run.status = family.process(ctx, run.features);
    for (auto& section : run.features.sections) {
        if (!run.status.isOk()) {
            break;
        }
        run.status = family.processSection(ctx, section.start_s, section.end_s, section.values);
    }
    return run;
}

} // namespace styledna::test

namespace styledna::test {

// runTrance with the grid from the rhythm family on the same audio.
inline TranceRun runTranceOnRhythmGrid(const core::AudioBuffer& audio,
                                       core::TranceFamilyParams params = {}) {
    return runTrance(audio, core::BeatGrid{}, std::move(params), true);
}

} // namespace styledna::test
