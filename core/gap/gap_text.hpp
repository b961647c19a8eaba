#pragma once
// Plain sentences for gaps: one per Gap, with numbers and units, written from
// its headline comparison and the places its evidence shows in.
//   mix:        "Low mids (150-400 Hz) in the intro are 5.8 dB above your
//                references: -9.1 dB vs -14.9 dB, acceptable -16.2 to -13.5 dB
//                — shows in the intro, the outro and the whole mix."
//   style:      "Breakdown is 8 bars; your references (sub-style \"psy\") 16 to
//                32 bars." (+ "; outside every sub-style of the profile")
//   energy:     "Energy per bar departs from your references' envelope at 40 %
//                of the track: ..."
// Numbers: Hz >= 100 and bars without decimals; dB-like units one decimal;
// unitless values two; differences of dBFS / dBTP in dB, of LUFS in LU; a
// reference range of one value reads "all 8 bars". Threads: pure functions.

#include <string>

#include "core/gap/gap_report.hpp"

namespace styledna::gap {

// A value in its unit: "180 Hz", "-9.1 dB", "0.42"; "n/a" when non-finite.
std::string formatValue(double value, const std::string& unit);
// A difference: "+5.8 dB", "-0.31", "-2.0 LU" (for LUFS).
std::string formatDelta(double delta, const std::string& unit);

// The sentence for a mix gap (its headline and evidence filled).
std::string explainMixGap(const Gap& gap);
// The sentence for a style gap; basis_name: "sub-style \"<label>\"" or
// "the whole profile".
std::string explainStyleGap(const Gap& gap, const std::string& basis_name);
// key / mode: "Key is F# major; your references (sub-style "x") use A minor
// (4 of 6), F minor (2 of 6)."
std::string explainCategorical(const std::string& feature, const std::string& wip_value,
                               const std::string& basis_name, const std::string& distribution);

} // namespace styledna::gap
