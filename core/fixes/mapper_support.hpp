#pragma once
// The parameter mapper's helpers (parameter_mapper.hpp), internal to
// core/fixes: tracks by role, the stem a track plays on, parameter changes,
// EQ moves on tracks, the simulator's value of a comparison, and the
// comparison a gap's amount is tuned on.
// Threads: pure functions over their inputs.

#include <initializer_list>
#include <string>
#include <vector>

#include "core/fixes/parameter_mapper.hpp"

namespace styledna::fixes {

std::string quotedName(const std::string& s); // 'name'
std::string formatNumber(const char* format, double v);

// Tracks of the first role that has any, in set order.
std::vector<const live::LiveTrack*> tracksFor(const MapContext& ctx,
                                              std::initializer_list<const char*> roles);
const live::LiveTrack* masterTrack(const MapContext& ctx); // nullptr without one
// The stem a track plays on ("bass", "drums", "other"), "mix" for a bus / none.
std::string signalFor(const MapContext& ctx, const live::LiveTrack* track);

// Adds the change when the device has the parameter; false otherwise.
bool addChange(CandidateFix& c, const live::LiveTrack& t, const live::LiveDevice& d, Param param,
               int band, AmountUse use, double factor_or_fixed);

// The power-weighted log-frequency centre of the signal's spectrum in [lo, hi] Hz.
double centreHz(const MapContext& ctx, const std::string& signal, double lo, double hi);

// Clears c.shapes unless every EQ band of the candidate is a fresh one (an
// existing band is adjusted where it is).
void keepShapesWhereFresh(CandidateFix& c);

// The comparison's raw value (not balance-matched) after `moves`; its
// measured value when the simulator has no value for it.
double predictedValue(const MapContext& ctx, const std::vector<Move>& moves,
                      const gap::Comparison& c);

// EQ move on each track: a band (existing bell near freq for kBell, else the
// first band that is off) set to kind / freq / q with its gain as the amount
// (sign: -1 cut, +1 boost); a track without EQ Eight or a free band becomes a
// manual step.
void eqMove(CandidateFix& c, const MapContext& ctx,
            const std::vector<const live::LiveTrack*>& tracks, MoveKind kind, double freq_hz,
            double q, double sign);

// The comparison a gap's amount is tuned on: the headline when the simulator
// predicts it (ducks per beat: the duck's depth), else principalFeatures'
// preference. headline false: skip the headline. stems_simulated false: the
// simulator has no stem spectra (the report's stems came from a separator the
// plan did not get), so a stem headline cannot be predicted and the mix's
// comparison is tuned on instead.
gap::Comparison tuneComparison(const gap::Gap& g, bool headline = true,
                               bool stems_simulated = true);

} // namespace styledna::fixes
