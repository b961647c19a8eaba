#pragma once
// Parameter mapper: one gap of a GapReport -> a candidate fix on the
// producer's Live set: which tracks (by role), which device and parameters,
// and the DSP model of the move (move.hpp). The size of the move is an
// `amount` in the move's own unit, derived from the gap's numbers (its delta
// against the reference median, in the feature's unit) and tuned by the
// planner with the simulator until the gap's feature lands on the target.
//
// Gap -> move (track roles from track_roles.hpp):
//   low_mid_buildup     EQ Eight bell cut (dB) on the bass at the power-weighted
//                       log-frequency centre of 150-450 Hz of the bass (stem,
//                       else mix), Q 0.7 (a broad excess), with a fallback that
//                       puts the same bell on the pads too (they share the band;
//                       the planner takes it when the bass alone falls short): an
//                       existing bell within half an octave that is on, else
//                       the first band that is off (Filter On, Type Bell,
//                       Frequency, Gain, Q)
//   boomy_low_end       EQ Eight low shelf cut at 100 Hz on the bass
//   thin_low_end        EQ Eight low shelf boost at 100 Hz on the bass
//   harsh_highs         EQ Eight high shelf cut (2.5 kHz for high mids, 5 kHz
//                       above) on the master track / a bus, else lead and pads;
//                       a bell (Q 0.7, at the power-weighted log centre of
//                       2-9 kHz) instead while the air (10-20 kHz) is in range,
//                       so the cut does not take the air out of range; the
//                       pads and leads as the alternative to a master / bus
//   dull_highs          EQ Eight high shelf boost at 5 kHz, same tracks
//   wide_low_end        Utility Bass Mono on + Bass Freq (amount: Hz) on the
//                       bass, else a bus; when the simulator says even 500 Hz
//                       leaves the tuning comparison out of range (references
//                       whose low end is strictly mono), Utility Stereo Width
//                       0 % on the bass track instead (fixed_amount)
//   weak_sidechain,     deeper duck (amount: extra gain reduction, dB) on every
//   kick_bass_clash     track of bass / lead / pad role whose Compressor has
//                       S/C On: threshold lower by amount / (1 - 1/ratio)
//   narrow_stereo       Utility Stereo Width up (amount: %) on the pads (the
//                       leads when there are no pads); when the simulator says
//                       even 400 % leaves a supersaw_width of the gap out of
//                       range, a manual step too: raise the synth's unison
//                       voices / detune (width only scales the side there is)
//   quiet_master        gain (amount: dB) on the master track the user names
//                       (EQ Eight Output, else Utility Gain); AbletonOSC cannot
//                       reach Live's master: without a master track, a manual step
// A missing track or device makes the fix a manual step ("add EQ Eight to
// 'Bass'") whose move is still simulated. Amount semantics per change:
//   kAdd: to = from + strength * factor * amount   (gains, thresholds)
//   kSet: to = from + strength * (amount - from)   (width %)
//   kPlace: to = amount or a fixed value, strength ignored (frequency, Q,
//           type, switches, bass-mono frequency)
// Threads: pure functions over their inputs.

#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/analysis/track_analysis.hpp"
#include "core/fixes/device_catalog.hpp"
#include "core/fixes/fix_plan.hpp"
#include "core/fixes/move.hpp"
#include "core/fixes/move_simulator.hpp"
#include "core/gap/gap_report.hpp"
#include "core/live/live_set.hpp"

namespace styledna::fixes {

enum class AmountUse { kAdd, kSet, kPlace, kPlaceAmount };

struct ChangeSpec {
    ParameterChange change; // track/device/parameter identity, from_value, unit
    Param param = Param::kEqBandGain;
    Curve curve = Curve::kLinear;
    double min = 0, max = 1;
    AmountUse use = AmountUse::kPlace;
    double factor = 1;     // kAdd
    double fixed_unit = 0; // kPlace: the unit value to set
};

struct CandidateFix {
    Fix fix;                 // gap fields, title, manual_step, confidence; no changes yet
    std::vector<Move> moves; // at amount 1 unit (see moveAt)
    std::vector<ChangeSpec> changes;
    double amount = 0;       // the initial amount, from the gap's numbers
    double amount_max = 0;   // the largest amount the devices allow
    std::string amount_unit; // "dB", "%", "Hz"
    // The comparison the amount is tuned on (mix, whole track or a section).
    gap::Comparison tune;
    double from_width_percent = 100; // narrow_stereo, mono bass: the current width
    bool fixed_amount = false;       // not tuned: `amount` is the move (a mono bass)
    // Alternatives the planner tries, in order, while this candidate (tuned
    // and validated) does not land its tuning comparison in range; it takes
    // one that does, or one that passes validation where this did not.
    // low_mid_buildup: the bell on the pads too (they share the band);
    // harsh_highs / dull_highs on a master or bus: the same EQ on the pads and
    // leads instead (the master's shelf also moves the hats' air).
    std::vector<CandidateFix> fallbacks;
    // EQ shapes the planner chooses from by simulation (kind, frequency Hz):
    // where the excess is, found by the move that best closes the gap.
    // Empty: the shape is fixed (an existing band is adjusted).
    std::vector<std::pair<MoveKind, double>> shapes;
};

// The candidate with its EQ moves and the band's type / frequency changes set
// to `kind` at `freq_hz`.
CandidateFix withShape(const CandidateFix& c, MoveKind kind, double freq_hz);

struct MapContext {
    const live::LiveSet* set = nullptr;
    const std::vector<TrackRole>* roles = nullptr;
    std::string master_track; // "" when the user named none
    const core::TrackAnalysis* wip = nullptr;
    const SimulationInput* sim = nullptr;
    // Free EQ bands already given to a candidate of this plan, (track index,
    // device index, band): the next candidate on that EQ takes another band.
    // nullptr: not tracked.
    std::set<std::tuple<int, int, int>>* taken_bands = nullptr;
};

// A gain of c.amount dB on the master: the designated master track's EQ Eight
// Output, else its Utility Gain (c.changes), else a manual step naming `verb`
// ("raise" / "lower"). False when the placement is Utility's derived curve.
bool placeMasterGain(CandidateFix& c, const MapContext& ctx, const std::string& verb);

// The level match a plan ends with (fix_planner.hpp): `makeup_db` of gain on
// the master so the moves are judged, and heard, at the loudness they started
// from. gap_id "level_match".
CandidateFix levelMatchFix(double makeup_db, const MapContext& ctx);

// The features a gap's move is tuned on, in order of preference (the first
// out-of-range mix comparison among them, whole track before sections; else
// the gap's first out-of-range mix comparison): the features the simulator
// models directly.
std::vector<std::string> principalFeatures(std::string_view gap_id);

// Candidate fixes for a gap; empty when the gap has no mixer move (style
// choices, arrangement).
std::vector<CandidateFix> mapGap(const gap::Gap& gap, const MapContext& ctx);

// The moves of a candidate at `amount` and `strength` (0..1); identical moves
// of tracks that share a signal (a stem) appear once.
std::vector<Move> movesAt(const CandidateFix& c, double amount, double strength);
// The parameter changes at `amount` and `strength`, raw values clamped to
// [min, max], display strings, confidence and words filled in.
std::vector<ParameterChange> changesAt(const CandidateFix& c, double amount, double strength);

} // namespace styledna::fixes
