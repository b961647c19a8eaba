#pragma once
// Track roles: which track of a Live set is the kick, the bass, a lead, a pad,
// drums, FX, a bus, or something else, so a gap's move lands on the track
// that causes it.
//
// Name patterns (case-insensitive; whole words for the short ones, marked *):
//   bus:   Bus*, Group*, Mix*, Master*, Sum*       (checked first: "Drum Bus" is a bus)
//   kick:  Kick, BD*
//   bass:  Bass, Sub*, 808*
//   lead:  Lead, Pluck, Arp*, Acid*, Synth*
//   pad:   Pad*, Supersaw, Chord, Strings, Stab*
//   drums: Drum, Perc, Hat, Clap, Snare, Ride, Crash, Top*, Loop*
//   fx:    FX*, Riser, Sweep, Impact, Noise, Uplifter, Downlifter
//   else:  other
// A user map ("Bass=bass,Lead 1=lead": comma-separated TRACK=ROLE, track names
// matched exactly then case-insensitively, spaces around names trimmed)
// overrides the patterns; unknown tracks and roles are errors naming them.
// A set's map is remembered under setKey(): the first 16 hex digits of the
// SHA-256 of the sorted track names joined by '\n' (the same tracks in another
// order are the same set). Threads: pure functions.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "core/fixes/fix_plan.hpp"
#include "core/live/live_set.hpp"

namespace styledna::fixes {

inline constexpr const char* kRoleKick = "kick";
inline constexpr const char* kRoleBass = "bass";
inline constexpr const char* kRoleLead = "lead";
inline constexpr const char* kRolePad = "pad";
inline constexpr const char* kRoleDrums = "drums";
inline constexpr const char* kRoleFx = "fx";
inline constexpr const char* kRoleBus = "bus";
inline constexpr const char* kRoleOther = "other";
const std::vector<std::string>& knownRoles();

// The role the name patterns give (kRoleOther when none matches).
std::string roleFromName(std::string_view track_name);

// Track name -> role, in the order written.
using RoleMap = std::vector<std::pair<std::string, std::string>>;
// Syntax only: "name=role" items; invalidArgument for an empty name, a missing
// '=', or an unknown role ("--map: unknown role 'bas' for 'Bass'; roles: kick,
// bass, ...").
core::Result<RoleMap> parseRoleMap(std::string_view text);
std::string roleMapToText(const RoleMap& map);

// Roles of every track: the map's entries (from_user) over the patterns.
// invalidArgument naming a mapped track the set lacks (and the set's tracks).
core::Result<std::vector<TrackRole>> assignRoles(const live::LiveSet& set, const RoleMap& map);

std::string setKey(const live::LiveSet& set);

// Tracks of a role, in set order.
std::vector<const TrackRole*> tracksWithRole(const std::vector<TrackRole>& roles,
                                             std::string_view role);

} // namespace styledna::fixes
