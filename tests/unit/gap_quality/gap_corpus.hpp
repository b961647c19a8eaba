#pragma once
// Synthesized material for the gap-analysis quality test and bench/gap:
// clean references and WIPs with injected flaws, rendered by the trance
// synthesizer and analysed exactly as the daemon analyses a decoded file
// (analyzeDecoded: features + descriptor-backbone embedding), two tracks at a
// time on two threads (one analysis thread each).
//
// Draws: a Draw names the seed bases; the quality test asserts on kTestDraw,
// the method's constants were tuned on kTuningDraw (different seeds, same
// recipe), so the test checks them on material they were not fitted to.
// kConfirmDraw (a third set of seeds) confirms a change tuned on kTuningDraw
// on material neither was fitted to before it is reported on kTestDraw.
// Environment (developers only): STYLEDNA_GAP_DRAW=tuning / confirm selects
// that draw; STYLEDNA_GAP_CACHE=DIR keeps analyses as JSON in DIR between runs;
// STYLEDNA_GAP_STEMS=1 makes the quality test separate stems too.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/track_analysis.hpp"
#include "core/audio/synth/trance_synth.hpp"
#include "core/profile/profile.hpp"

namespace styledna::test {

struct Draw {
    std::string name;
    std::uint64_t reference_seed = 0; // reference i of style s: + 100 s + i
    std::uint64_t wip_seed = 0;       // WIPs: + 1000 (flaw + 1) + 100 s + i
};
inline const Draw kTestDraw{"test", 71000, 81000};
inline const Draw kTuningDraw{"tuning", 91000, 96000};
inline const Draw kConfirmDraw{"confirm", 131000, 141000};
// kTestDraw unless STYLEDNA_GAP_DRAW=tuning or confirm; an unknown name throws
// std::invalid_argument.
Draw drawFromEnvironment();

// 1.75 minutes: 56 bars at 128-145 BPM, so every style's arrangement holds a
// 16-bar breakdown (the short_breakdown flaw makes it 8).
inline constexpr double kCorpusMinutes = 1.75;

inline const std::vector<core::TranceStyle> kCorpusStyles{
    core::TranceStyle::kUplifting, core::TranceStyle::kProgressive, core::TranceStyle::kTech,
    core::TranceStyle::kPsy};

struct TrackSpec {
    std::string name; // unique, used as content hash and cache key
    core::SynthParams params;
};

// Renders and analyses every spec (2 workers); results in spec order.
// with_stems: AnalyzeOptions::stems (DSP separator, per-stem features in
// TrackAnalysis::stems); off, the mix and its sections only.
// separator: used for the stems when set (else the DSP one).
std::vector<core::TrackAnalysis>
analyseTracks(const std::vector<TrackSpec>& specs, bool with_stems = false,
              const std::shared_ptr<const core::stems::Separator>& separator = nullptr);

TrackSpec referenceSpec(const Draw& draw, core::TranceStyle style, int index);
// flaw: nullopt for a clean WIP.
TrackSpec wipSpec(const Draw& draw, core::TranceStyle style, int index,
                  std::optional<core::SynthFlaw> flaw);

// A profile of the references (no trainer: backbone embeddings), seed 1.
profile::Profile buildCorpusProfile(const std::vector<core::TrackAnalysis>& references);

// The Gap ids that count as finding each flaw.
std::vector<std::string> flawFamily(core::SynthFlaw flaw);

} // namespace styledna::test
