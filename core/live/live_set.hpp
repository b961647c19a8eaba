#pragma once
// LiveSet: a snapshot of the parts of an Ableton Live set that AbletonOSC can
// reach (song.tracks: audio, MIDI and group tracks; not the master, returns or
// devices inside racks). Built by the OSC worker from bulk replies, loaded from
// JSON for `styledna fix --set SET.json` and by styledna-fake-live.
//
// Values are Live's raw parameter values, within [min, max] of that parameter
// (not 0..1 in general; see ../shared/ABLETON.md). Indices are positions as
// Live reports them at snapshot time: resolve by name (findTrack, findDevice,
// findParameter) and re-resolve before every apply, never keep indices across
// a `/live/startup`.
//
// JSON (names as in the proto's LiveSet):
//   {"tracks":[{"name":"Bass","devices":[{"name":"EQ Eight","class_name":"Eq8",
//     "type":2,"parameters":[{"name":"Device On","value":1,"min":0,"max":1,
//     "is_quantized":true,"value_string":"On"}, ...]}]}]}
// `index` keys are optional on input (position is the index) and written on
// output. Threads: plain data.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"

namespace styledna::live {

inline constexpr int kDeviceTypeInstrument = 1;
inline constexpr int kDeviceTypeAudioEffect = 2;
inline constexpr int kDeviceTypeMidiEffect = 4;

struct LiveParameter {
    int index = 0;
    std::string name;
    double value = 0, min = 0, max = 1;
    bool is_quantized = false;
    std::string value_string; // "" when not read
};

struct LiveDevice {
    int index = 0;
    std::string name;       // user-visible name (may be renamed by the user)
    std::string class_name; // "Eq8", "StereoGain", "Compressor2", ...
    int type = kDeviceTypeAudioEffect;
    std::vector<LiveParameter> parameters;
};

struct LiveTrack {
    int index = 0;
    std::string name;
    std::vector<LiveDevice> devices;
};

struct LiveSet {
    std::vector<LiveTrack> tracks;
};

// Track by exact name, then case-insensitive; nullptr when absent.
const LiveTrack* findTrack(const LiveSet& set, std::string_view name);
// First device of that class on the track; nullptr when absent.
const LiveDevice* findDeviceByClass(const LiveTrack& track, std::string_view class_name);
// First parameter whose name equals one of the candidates (in candidate order:
// the first candidate that matches wins), case-insensitive; nullptr when none.
const LiveParameter* findParameter(const LiveDevice& device,
                                   const std::vector<std::string_view>& candidate_names);

// Renumbers index fields to positions (after edits or JSON without indices).
void renumber(LiveSet& set);

// JSON (see the header comment). invalidArgument naming the path into the
// document ("tracks[2].devices[0].parameters[5]: value 1.3 outside [0, 1]")
// for malformed input: missing names, min > max, value outside [min, max],
// non-finite numbers.
core::Result<LiveSet> liveSetFromJson(std::string_view json_text);
std::string liveSetToJson(const LiveSet& set, int indent = 2);
core::Result<LiveSet> readLiveSetFile(const std::string& path);

} // namespace styledna::live
