#pragma once
// Resolving a planned parameter BY NAME in the set Live holds now, never by a
// stored index (indices move when the user adds a track or a device, and
// parameter names and order differ between Live versions).
//
// A ParameterTarget names the track, the device (class, and the user-visible
// name as a tie-break between several devices of one class) and the
// parameter. Index hints (from the plan or an older snapshot) only choose what
// to read speculatively in the first round; the answer always comes from the
// names. resolveParameter() on a SetAssembly says: resolved (indices and the
// parameter's fresh value, min, max, is_quantized, value_string), the requests
// still needed to decide, or rejected with a reason a user can act on
// ("device 'EQ Eight' not found on track 'Bass'").
//
// Threads: pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "core/live/able_protocol.hpp"
#include "core/live/live_set.hpp"
#include "core/live/set_assembly.hpp"

namespace styledna::live {

struct ParameterTarget {
    std::string track_name;
    std::string device_class; // "" = match the device by name only
    std::string device_name;
    std::string parameter_name;
    int track_hint = -1, device_hint = -1, parameter_hint = -1;
};

struct ParameterResolution {
    enum class State { kResolved, kNeedsData, kRejected };
    State state = State::kNeedsData;
    int track = -1, device = -1, parameter = -1;
    LiveParameter info;                // kResolved: fresh value, range, display
    std::string reason;                // kRejected
    std::vector<LiveRequest> requests; // kNeedsData: what to read next
};

// The parameter's name first, then the names Live 11 / other Live 12 builds
// use for it ("3 Q A" <-> "3 Resonance A", EQ Eight "Output" <-> "Output
// Gain", Utility "Gain" <-> "Output").
std::vector<std::string> parameterNameCandidates(std::string_view parameter_name);

// with_value_string: also require the parameter's value_string (display).
ParameterResolution resolveParameter(const SetAssembly& assembly, const LiveSet& set,
                                     const ParameterTarget& target, bool with_value_string);

// First-round requests from the hints (track's devices, device's parameters,
// the parameter's value_string), safest first; empty without hints. Indices
// beyond `known` (the last snapshot, may be empty) are not guessed.
std::vector<LiveRequest> speculativeRequests(const ParameterTarget& target, const LiveSet& known,
                                             bool with_value_string);

// True when `a` and `b` are the same parameter value for Live: quantized
// values equal after rounding, others within 1e-4 of the range (float32 on the
// wire keeps ~7 digits; 1e-4 of the range is far below any audible step).
bool sameParameterValue(double a, double b, double min, double max, bool quantized);

// The value Live should be sent for `wanted`: clamped to [min, max], rounded
// to an integer step when quantized.
double clampToParameter(double wanted, double min, double max, bool quantized);

} // namespace styledna::live
