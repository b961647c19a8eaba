#pragma once
// LiveEmulator: the request/reply logic of AbletonOSC over a LiveSet, without
// sockets or time (FakeLiveServer adds those). One handle() per OSC message,
// behaving as the AbletonOSC remote script does in Live (see
// ../shared/ABLETON.md and ideoforms/AbletonOSC abletonosc/*.py):
//
//  - a reply reuses the request address and echoes the leading indices as the
//    client sent them (after Python's int(): 2.7 -> 2, -1 stays -1);
//  - indices wrap like Python lists (-1 is the last); out of range, a missing
//    argument or a bad type raises: no reply, `aborts_drain`, and the error
//    text "Error handling OSC message: <exception>" for /live/error;
//  - an unknown address: no reply, error "Unknown OSC address: /x", the drain
//    goes on (AbletonOSC only logs it);
//  - setters give no reply; a value outside [min, max] raises "Invalid value.
//    Check the parameters range with min/max" and leaves the value;
//    /live/device/set/parameters/value applies values in order until one fails
//    (not atomic);
//  - booleans reply as T/F, values as float32, counts and types as int32.
//
// Threads: not thread-safe; FakeLiveServer serialises calls.

#include <optional>
#include <string>
#include <vector>

#include "core/live/live_set.hpp"
#include "core/live/osc_message.hpp"

namespace styledna::fake_live {

struct HandleResult {
    std::optional<live::OscMessage> reply; // to the sender's IP on the reply port
    std::vector<std::string> errors;       // texts for /live/error, in order
    bool aborts_drain = false;             // an exception: the tick's drain ends here
    int parameters_set = 0;                // parameter values applied (also before a failure)
    bool reload = false;                   // /live/api/reload: the server sends /live/startup
};

class LiveEmulator {
public:
    explicit LiveEmulator(live::LiveSet set);

    HandleResult handle(const live::OscMessage& message);

    const live::LiveSet& set() const { return m_set; }
    void replaceSet(live::LiveSet set);
    // Removes the first device named device_name from the track named
    // track_name (exact names); later devices shift down. False when absent.
    bool deleteDevice(const std::string& track_name, const std::string& device_name);

    // The set with every parameter's value_string filled in (for dumps).
    live::LiveSet snapshotWithValueStrings() const;

private:
    live::LiveSet m_set;
};

} // namespace styledna::fake_live
