#pragma once
// SetAssembly: a LiveSet put together from AbletonOSC's bulk replies, in any
// order, over several pipelined rounds (see able_protocol.hpp):
//
//   round 1  /live/song/get/track_names ()                 -> track names
//   round 2  /live/track/get/devices/{name,class_name,type} (t) for every track
//   round 3  /live/device/get/parameters/{name,value,min,max,is_quantized} (t,d)
//   extra    /live/device/get/parameter/value (t,d,p), .../value_string (t,d,p)
//
// A track's devices are known once its three device lists arrived with equal
// lengths; a device's parameters once its five parameter lists did. Lists of
// unequal length (the set changed between two replies) are dropped and asked
// again. Every reply stays small (one track's or one device's lists), under
// AbletonOSC's ~9 KB datagram limit, unlike one /live/song/get/track_data for
// a whole set.
//
// Callers may request parts speculatively (indices from an older snapshot, in
// the same round as the track names): parts of indices the track names rule
// out are ignored. Threads: plain data, one thread at a time.

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/common/status.hpp"
#include "core/live/able_protocol.hpp"
#include "core/live/live_set.hpp"

namespace styledna::live {

class SetAssembly {
public:
    // The three device-list requests of track t, the five parameter-list
    // requests of device (t, d).
    static std::vector<LiveRequest> trackDeviceRequests(int track);
    static std::vector<LiveRequest> deviceParameterRequests(int track, int device);

    // What the next round of a full snapshot asks for; empty once complete.
    std::vector<LiveRequest> nextFullSnapshotRequests() const;

    // Feeds one reply of `request`. Replies of addresses this class does not
    // assemble are ignored (ok). invalidArgument for a malformed reply.
    core::Status accept(const LiveRequest& request, const OscMessage& reply);

    bool trackNamesKnown() const { return m_track_names.has_value(); }
    int trackCount() const;
    bool devicesKnown(int track) const;
    bool parametersKnown(int track, int device) const;
    bool valueStringKnown(int track, int device, int parameter) const;

    // Everything known so far: tracks by name; devices of tracks whose lists
    // arrived (others have none); parameters of devices whose lists arrived.
    LiveSet set() const;

private:
    struct TrackParts {
        std::optional<std::vector<std::string>> names, class_names;
        std::optional<std::vector<int>> types;
        bool complete() const;
    };
    struct DeviceParts {
        std::optional<std::vector<std::string>> names;
        std::optional<std::vector<double>> values, mins, maxs;
        std::optional<std::vector<bool>> quantized;
        bool complete() const;
    };
    using ParameterKey = std::tuple<int, int, int>;

    core::Status acceptDeviceList(int track, const std::string& property,
                                  const std::vector<OscArg>& values);
    core::Status acceptParameterList(int track, int device, const std::string& property,
                                     const std::vector<OscArg>& values);

    std::optional<std::vector<std::string>> m_track_names;
    std::map<int, TrackParts> m_tracks;
    std::map<std::pair<int, int>, DeviceParts> m_devices;
    std::map<ParameterKey, double> m_values; // single-value reads, newer than the lists
    std::map<ParameterKey, std::string> m_value_strings;
};

} // namespace styledna::live
