#include "fake_live/live_emulator.hpp"

#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <string_view>

#include "fake_live/value_curves.hpp"

namespace styledna::fake_live {
namespace {

using live::LiveDevice;
using live::LiveParameter;
using live::LiveSet;
using live::LiveTrack;
using live::OscArg;
using live::OscMessage;

// A Python exception inside an AbletonOSC handler; never leaves this file.
struct PyError {
    std::string text;
};

constexpr const char* kIndexError = "list index out of range";

const OscArg& param(const OscMessage& m, size_t i) {
    if (i >= m.args.size()) {
        throw PyError{kIndexError};
    }
    return m.args[i];
}

// Python's int(x) for the argument types OSC carries.
int64_t pyInt(const OscArg& a) {
    switch (a.type) {
    case OscArg::Type::kInt:
        return a.int_value;
    case OscArg::Type::kFloat:
        if (!std::isfinite(a.float_value)) {
            throw PyError{std::isnan(a.float_value) ? "cannot convert float NaN to integer"
                                                    : "cannot convert float infinity to integer"};
        }
        return static_cast<int64_t>(std::trunc(a.float_value));
    case OscArg::Type::kTrue:
        return 1;
    case OscArg::Type::kFalse:
        return 0;
    case OscArg::Type::kString: {
        std::string_view s = a.string_value;
        while (!s.empty() && s.front() == ' ') {
            s.remove_prefix(1);
        }
        while (!s.empty() && s.back() == ' ') {
            s.remove_suffix(1);
        }
        if (!s.empty() && s.front() == '+') {
            s.remove_prefix(1);
        }
        int64_t value = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
            std::string text = "invalid literal for int() with base 10: '";
            text.append(a.string_value).append("'");
            throw PyError{text};
        }
        return value;
    }
    case OscArg::Type::kNil:
        break;
    }
    throw PyError{
        "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"};
}

// Python's float for a parameter value (bool is an int in Python).
double pyValue(const OscArg& a) {
    if (a.isNumber() || a.type == OscArg::Type::kTrue || a.type == OscArg::Type::kFalse) {
        return a.asDouble();
    }
    std::string text = "Python argument types in\n    None.None(DeviceParameter, ";
    text.append(a.type == OscArg::Type::kString ? "str" : "NoneType");
    text.append(")\ndid not match C++ signature:\n    None(class TPyHandle<class "
                "ADeviceParameter>, float)");
    throw PyError{text};
}

template <class T> T& pyAt(std::vector<T>& items, int64_t index) {
    const auto n = static_cast<int64_t>(items.size());
    if (index < -n || index >= n) {
        throw PyError{kIndexError};
    }
    return items[static_cast<size_t>(index < 0 ? index + n : index)];
}

struct Call {
    LiveSet& set;
    const OscMessage& message;
    HandleResult& result;

    void reply(std::vector<OscArg> args) {
        result.reply = OscMessage{message.address, std::move(args)};
    }
};

// ---- song -------------------------------------------------------------------

void songNumTracks(Call& c) {
    c.reply({OscArg::integer(static_cast<int64_t>(c.set.tracks.size()))});
}

void songTrackNames(Call& c) {
    int64_t lo = 0;
    auto hi = static_cast<int64_t>(c.set.tracks.size());
    if (c.message.args.size() == 2) {
        lo = pyInt(c.message.args[0]);
        hi = pyInt(c.message.args[1]);
    }
    std::vector<OscArg> out;
    for (int64_t t = lo; t < hi; ++t) {
        out.push_back(OscArg::string(pyAt(c.set.tracks, t).name));
    }
    c.reply(std::move(out));
}

void songTrackData(Call& c) {
    if (c.message.args.size() < 2) {
        std::string text = "not enough values to unpack (expected at least 2, got ";
        text.append(std::to_string(c.message.args.size())).append(")");
        throw PyError{text};
    }
    const int64_t lo = pyInt(c.message.args[0]);
    int64_t hi = pyInt(c.message.args[1]);
    if (hi == -1) {
        hi = static_cast<int64_t>(c.set.tracks.size());
    }
    std::vector<OscArg> out;
    for (int64_t t = lo; t < hi; ++t) {
        LiveTrack& track = pyAt(c.set.tracks, t);
        for (size_t i = 2; i < c.message.args.size(); ++i) {
            const OscArg& prop = c.message.args[i];
            if (prop.type != OscArg::Type::kString) {
                std::string text = "'";
                text.append(prop.isNumber() ? (prop.type == OscArg::Type::kInt ? "int" : "float")
                                            : "NoneType");
                text.append("' object has no attribute 'split'");
                throw PyError{text};
            }
            const std::string& spec = prop.string_value;
            const auto dot = spec.find('.');
            if (dot == std::string::npos) {
                throw PyError{"not enough values to unpack (expected 2, got 1)"};
            }
            if (spec.find('.', dot + 1) != std::string::npos) {
                throw PyError{"too many values to unpack (expected 2)"};
            }
            const std::string object = spec.substr(0, dot);
            const std::string property = spec.substr(dot + 1);
            if (object == "track") {
                if (property == "name") {
                    out.push_back(OscArg::string(track.name));
                } else if (property == "num_devices") {
                    out.push_back(OscArg::integer(static_cast<int64_t>(track.devices.size())));
                } else {
                    std::string text = "'Track' object has no attribute '";
                    text.append(property).append("'");
                    throw PyError{text};
                }
            } else if (object == "device") {
                for (const auto& device : track.devices) {
                    if (property == "name") {
                        out.push_back(OscArg::string(device.name));
                    } else if (property == "class_name") {
                        out.push_back(OscArg::string(device.class_name));
                    } else if (property == "type") {
                        out.push_back(OscArg::integer(device.type));
                    } else {
                        std::string text = "'Device' object has no attribute '";
                        text.append(property).append("'");
                        throw PyError{text};
                    }
                }
            } else if (object == "clip" || object == "clip_slot") {
                // The emulated set has no clip slots: nothing to list.
            } else {
                std::string text = "Unknown object identifier in get/track_data: ";
                text.append(object);
                c.result.errors.push_back(text); // logged, not raised
            }
        }
    }
    c.reply(std::move(out));
}

// ---- track ------------------------------------------------------------------

// Track getters answer (t, v...). A "*" track index runs on every track and
// answers for track 0 only (ABLETON.md).
template <class F> void trackGetter(Call& c, F values) {
    const OscArg& t_arg = param(c.message, 0);
    if (t_arg.type == OscArg::Type::kString && t_arg.string_value == "*") {
        if (c.set.tracks.empty()) {
            return;
        }
        std::vector<OscArg> out{OscArg::integer(0)};
        for (auto& v : values(c.set.tracks.front())) {
            out.push_back(std::move(v));
        }
        c.reply(std::move(out));
        return;
    }
    const int64_t t = pyInt(t_arg);
    LiveTrack& track = pyAt(c.set.tracks, t);
    std::vector<OscArg> out{OscArg::integer(t)};
    for (auto& v : values(track)) {
        out.push_back(std::move(v));
    }
    c.reply(std::move(out));
}

void trackNumDevices(Call& c) {
    trackGetter(c, [](const LiveTrack& track) {
        return std::vector<OscArg>{OscArg::integer(static_cast<int64_t>(track.devices.size()))};
    });
}

template <class F> void trackDevicesProperty(Call& c, F property) {
    trackGetter(c, [&property](const LiveTrack& track) {
        std::vector<OscArg> out;
        for (const auto& device : track.devices) {
            out.push_back(property(device));
        }
        return out;
    });
}

// ---- device -----------------------------------------------------------------

struct DeviceRef {
    int64_t t = 0, d = 0;
    LiveDevice* device = nullptr;
};

DeviceRef resolveDevice(Call& c) {
    DeviceRef ref;
    ref.t = pyInt(param(c.message, 0));
    ref.d = pyInt(param(c.message, 1));
    ref.device = &pyAt(pyAt(c.set.tracks, ref.t).devices, ref.d);
    return ref;
}

template <class F> void deviceList(Call& c, F property) {
    DeviceRef ref = resolveDevice(c);
    std::vector<OscArg> out{OscArg::integer(ref.t), OscArg::integer(ref.d)};
    for (auto& parameter : ref.device->parameters) {
        out.push_back(property(parameter));
    }
    c.reply(std::move(out));
}

template <class F> void deviceParameter(Call& c, F property) {
    DeviceRef ref = resolveDevice(c);
    const int64_t p = pyInt(param(c.message, 2));
    LiveParameter& parameter = pyAt(ref.device->parameters, p);
    c.reply({OscArg::integer(ref.t), OscArg::integer(ref.d), OscArg::integer(p),
             property(*ref.device, parameter)});
}

void setValue(LiveParameter& parameter, const OscArg& value_arg) {
    double value = pyValue(value_arg);
    if (!(value >= parameter.min && value <= parameter.max)) {
        throw PyError{"Invalid value. Check the parameters range with min/max"};
    }
    if (parameter.is_quantized) {
        value = std::round(value);
    }
    parameter.value = value;
}

void deviceSetParameterValue(Call& c) {
    DeviceRef ref = resolveDevice(c);
    const int64_t p = pyInt(param(c.message, 2));
    const OscArg& value = param(c.message, 3);
    setValue(pyAt(ref.device->parameters, p), value);
    ++c.result.parameters_set;
}

void deviceSetParametersValue(Call& c) {
    DeviceRef ref = resolveDevice(c);
    for (size_t i = 2; i < c.message.args.size(); ++i) {
        setValue(pyAt(ref.device->parameters, static_cast<int64_t>(i - 2)), c.message.args[i]);
        ++c.result.parameters_set;
    }
}

template <class F> void deviceProperty(Call& c, F property) {
    DeviceRef ref = resolveDevice(c);
    c.reply({OscArg::integer(ref.t), OscArg::integer(ref.d), property(*ref.device)});
}

std::string parameterValueString(const LiveDevice& device, const LiveParameter& parameter) {
    return valueString(device.class_name, parameter.name, parameter.value, parameter.min,
                       parameter.max, parameter.is_quantized);
}

using Handler = std::function<void(Call&)>;

const std::map<std::string, Handler, std::less<>>& handlers() {
    static const std::map<std::string, Handler, std::less<>> kHandlers = {
        {"/live/test", [](Call& c) { c.reply({OscArg::string("ok")}); }},
        {"/live/api/reload", [](Call& c) { c.result.reload = true; }},
        {"/live/song/get/num_tracks", songNumTracks},
        {"/live/song/get/track_names", songTrackNames},
        {"/live/song/get/track_data", songTrackData},
        {"/live/track/get/num_devices", trackNumDevices},
        {"/live/track/get/devices/name",
         [](Call& c) {
             trackDevicesProperty(c, [](const LiveDevice& d) { return OscArg::string(d.name); });
         }},
        {"/live/track/get/devices/class_name",
         [](Call& c) {
             trackDevicesProperty(c,
                                  [](const LiveDevice& d) { return OscArg::string(d.class_name); });
         }},
        {"/live/track/get/devices/type",
         [](Call& c) {
             trackDevicesProperty(c, [](const LiveDevice& d) { return OscArg::integer(d.type); });
         }},
        {"/live/device/get/name",
         [](Call& c) {
             deviceProperty(c, [](const LiveDevice& d) { return OscArg::string(d.name); });
         }},
        {"/live/device/get/class_name",
         [](Call& c) {
             deviceProperty(c, [](const LiveDevice& d) { return OscArg::string(d.class_name); });
         }},
        {"/live/device/get/type",
         [](Call& c) {
             deviceProperty(c, [](const LiveDevice& d) { return OscArg::integer(d.type); });
         }},
        {"/live/device/get/num_parameters",
         [](Call& c) {
             DeviceRef ref = resolveDevice(c);
             c.reply({OscArg::integer(ref.t), OscArg::integer(ref.d),
                      OscArg::integer(static_cast<int64_t>(ref.device->parameters.size()))});
         }},
        {"/live/device/get/parameters/name",
         [](Call& c) {
             deviceList(c, [](const LiveParameter& p) { return OscArg::string(p.name); });
         }},
        {"/live/device/get/parameters/value",
         [](Call& c) {
             deviceList(c, [](const LiveParameter& p) { return OscArg::real(p.value); });
         }},
        {"/live/device/get/parameters/min",
         [](Call& c) {
             deviceList(c, [](const LiveParameter& p) { return OscArg::real(p.min); });
         }},
        {"/live/device/get/parameters/max",
         [](Call& c) {
             deviceList(c, [](const LiveParameter& p) { return OscArg::real(p.max); });
         }},
        {"/live/device/get/parameters/is_quantized",
         [](Call& c) {
             deviceList(c, [](const LiveParameter& p) { return OscArg::boolean(p.is_quantized); });
         }},
        {"/live/device/get/parameter/value",
         [](Call& c) {
             deviceParameter(c, [](const LiveDevice&, const LiveParameter& p) {
                 return OscArg::real(p.value);
             });
         }},
        {"/live/device/get/parameter/value_string",
         [](Call& c) {
             deviceParameter(c, [](const LiveDevice& d, const LiveParameter& p) {
                 return OscArg::string(parameterValueString(d, p));
             });
         }},
        {"/live/device/get/parameter/name",
         [](Call& c) {
             deviceParameter(c, [](const LiveDevice&, const LiveParameter& p) {
                 return OscArg::string(p.name);
             });
         }},
        {"/live/device/set/parameter/value", deviceSetParameterValue},
        {"/live/device/set/parameters/value", deviceSetParametersValue},
    };
    return kHandlers;
}

} // namespace

LiveEmulator::LiveEmulator(live::LiveSet set) : m_set(std::move(set)) {
    live::renumber(m_set);
}

void LiveEmulator::replaceSet(live::LiveSet set) {
    m_set = std::move(set);
    live::renumber(m_set);
}

bool LiveEmulator::deleteDevice(const std::string& track_name, const std::string& device_name) {
    for (auto& track : m_set.tracks) {
        if (track.name != track_name) {
            continue;
        }
        for (auto it = track.devices.begin(); it != track.devices.end(); ++it) {
            if (it->name == device_name) {
                track.devices.erase(it);
                live::renumber(m_set);
                return true;
            }
        }
    }
    return false;
}

live::LiveSet LiveEmulator::snapshotWithValueStrings() const {
    live::LiveSet copy = m_set;
    for (auto& track : copy.tracks) {
        for (auto& device : track.devices) {
            for (auto& parameter : device.parameters) {
                parameter.value_string = parameterValueString(device, parameter);
            }
        }
    }
    return copy;
}

HandleResult LiveEmulator::handle(const live::OscMessage& message) {
    HandleResult result;
    auto it = handlers().find(message.address);
    if (it == handlers().end()) {
        std::string text = "Unknown OSC address: ";
        text.append(message.address);
        result.errors.push_back(text);
        return result;
    }
    Call call{m_set, message, result};
    try {
        it->second(call);
    } catch (const PyError& e) {
        result.reply.reset();
        std::string text = "Error handling OSC message: ";
        text.append(e.text);
        result.errors.push_back(text);
        result.aborts_drain = true;
    }
    return result;
}

} // namespace styledna::fake_live
