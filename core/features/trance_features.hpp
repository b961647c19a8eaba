#pragma once
// Trance family: sidechain pumping, acid lines, supersaw width/detune, energy
// per bar and the arrangement (intro / breakdown / buildup / drop / outro).
// Runs last: reads out.grid (the rhythm family's BeatGrid).
//
// Outputs (registry names; definitions in describe() and the headers of
// trance_sidechain / trance_acid / trance_supersaw / trance_arrangement):
//   sidechain_depth_db, sidechain_release_ms, sidechain_rate_per_beat
//   acid_score, acid_present
//   supersaw_width, supersaw_detune_cents
//   breakdown_bars, buildup_bars, drop_gain_db, intro_bars, outro_bars,
//   length_bars, phrase_alignment, mean_energy_db
//   series["energy_per_bar_db"], out.sections
// Sidechain is measured on the drops (bars with a kick after the first bar of
// each drop, whose crash would disturb the fold), a bass-only duck on the thin
// kick bars (150 Hz-4 kHz level 4 dB or more under the drops' median: kick,
// hats and bass without chords; else the kick bars outside the drops; see
// trance_sidechain.hpp); acid on the same thin kick bars, where the bass plays
// without pads, else the drops (see trance_acid.hpp); supersaw width and
// detune on the breakdowns (chords alone) when they span >= 4 bars, else the
// drops.
//
// Invalid grid (tempo 0 or no beats, e.g. silence or a beatless track): every
// grid-based scalar is 0 (depth, release, rate, acid, bar counts, drop gain),
// phrase_alignment 0, the series is empty and out.sections holds one "drop"
// section spanning the whole track (bars 0); supersaw and mean_energy_db are
// still measured over the whole track. Empty audio: everything 0, no sections.
//
// processSection(): sidechain_depth_db, sidechain_release_ms, supersaw_width
// and mean_energy_db over [start_s, end_s), reusing the envelope and grid of
// the last process() on the same audio (no values otherwise).
// Threads: one thread at a time per instance (caches the last run).

#include <memory>
#include <vector>

#include "core/features/feature_family.hpp"
#include "core/features/trance_acid.hpp"
#include "core/features/trance_arrangement.hpp"
#include "core/features/trance_sidechain.hpp"
#include "core/features/trance_supersaw.hpp"

namespace styledna::core {

struct TranceFamilyParams {
    TranceArrangementParams arrangement;
    TranceSidechainParams sidechain;
    TranceSupersawParams supersaw;
    TranceAcidDetectParams acid;
    // Fewer thin kick bars' beats than this: they are looked for again with
    // the kick threshold over the loud beats (trance_features.cpp).
    int low_stable_exposed_beats = 16;
};

class TranceFamily : public FeatureFamily {
public:
    using Params = TranceFamilyParams;

    explicit TranceFamily(Params params = {});

    std::string_view name() const override { return "trance"; }
    const std::vector<FeatureInfo>& describe() const override;
    Status configure() override;
    Status process(const AnalysisContext& ctx, TrackFeatures& out) override;
    Status processSection(const AnalysisContext& ctx, double start_s, double end_s,
                          std::map<std::string, double>& out) override;

private:
    struct Analysis {
        const AudioBuffer* audio = nullptr; // identity of the analysed input
        TranceBars bars;
        std::vector<bool> kick_bar;
        double beat_period_s = 0.0;
        TranceSidechainEnvelope envelope;
        TranceSidechainResult sidechain; // whole-track fit, the law sections reuse
    };

    // immutable after configure()
    Params m_params;
    // owned by the calling thread
    Analysis m_last;
};

std::unique_ptr<FeatureFamily> makeTranceFamily(TranceFamilyParams params = {});

} // namespace styledna::core
