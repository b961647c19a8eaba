#pragma once
// The AbletonOSC request/reply protocol, without sockets (see
// ../shared/ABLETON.md): request builders, the reply correlation rule and the
// parsers of bulk replies.
//
// A LiveRequest is one datagram to Live. Reads (`expects_reply`) are answered
// on the same address with the request's first `echo_count` arguments echoed
// in front of the values: `/live/device/get/parameters/value (t, d)` ->
// `(t, d, v0, v1, ...)`. There are no request ids, so a reply belongs to the
// in-flight request with the same address and the same echoed leading
// arguments (correlationKey / replyMatches); a client keeps at most one request
// per key in flight. Setters get no reply: they are verified by reading back.
//
// Index arguments are sent as int32 (AbletonOSC casts them, but Live's Python
// wraps negative indices, so callers validate indices against the set first).
// Values are sent as float32. Replies may carry ints or floats for indices and
// T/F for booleans; matching compares numbers by value.
// Threads: pure functions on plain data.

#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "core/live/osc_message.hpp"

namespace styledna::live {

inline constexpr const char* kAddressTest = "/live/test";
inline constexpr const char* kAddressError = "/live/error";
inline constexpr const char* kAddressStartup = "/live/startup";
inline constexpr const char* kAddressNumTracks = "/live/song/get/num_tracks";
inline constexpr const char* kAddressTrackNames = "/live/song/get/track_names";
inline constexpr const char* kAddressParameterValue = "/live/device/get/parameter/value";
inline constexpr const char* kAddressParameterValueString =
    "/live/device/get/parameter/value_string";
inline constexpr const char* kAddressParameterName = "/live/device/get/parameter/name";
inline constexpr const char* kAddressSetParameterValue = "/live/device/set/parameter/value";

struct LiveRequest {
    OscMessage message;
    int echo_count = 0; // leading request arguments echoed in the reply
    bool expects_reply = true;
};

// Device lists of one track: "name" | "class_name" | "type".
enum class DeviceProperty { kName, kClassName, kType };
// Parameter lists of one device.
enum class ParameterProperty { kName, kValue, kMin, kMax, kIsQuantized };

LiveRequest requestTest();
LiveRequest requestNumTracks();
LiveRequest requestTrackNames();
// /live/track/get/devices/<property> (t) -> (t, v...)
LiveRequest requestDevices(int track, DeviceProperty property);
// /live/device/get/parameters/<property> (t, d) -> (t, d, v...)
LiveRequest requestParameters(int track, int device, ParameterProperty property);
// /live/device/get/parameter/value (t, d, p) -> (t, d, p, value)
LiveRequest requestParameterValue(int track, int device, int parameter);
// /live/device/get/parameter/value_string (t, d, p) -> (t, d, p, "2500 Hz")
LiveRequest requestParameterValueString(int track, int device, int parameter);
// /live/device/get/parameter/name (t, d, p) -> (t, d, p, "3 Gain A")
LiveRequest requestParameterName(int track, int device, int parameter);
// /live/device/set/parameter/value (t, d, p, value): no reply.
LiveRequest setParameterValue(int track, int device, int parameter, double value);

// "address|a0|a1" over the first echo_count arguments (numbers by value, so
// int 3 and float 3.0 give the same key).
std::string correlationKey(const LiveRequest& request);
// True when `reply` answers `request`: same address, the request's first
// echo_count arguments repeated at the reply's start.
bool replyMatches(const LiveRequest& request, const OscMessage& reply);

// The values after the echoed arguments; invalidArgument when the reply is
// shorter than the echo.
core::Result<std::vector<OscArg>> replyValues(const LiveRequest& request, const OscMessage& reply);

// `/live/error` texts: the address named by "Unknown OSC address: /live/..."
// ("" for other errors, which name no request).
std::string unknownAddressInError(std::string_view error_text);

} // namespace styledna::live
