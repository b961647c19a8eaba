#include "core/live/set_assembly.hpp"

#include <cmath>

namespace styledna::live {
namespace {

constexpr std::string_view kDevicesPrefix = "/live/track/get/devices/";
constexpr std::string_view kParametersPrefix = "/live/device/get/parameters/";

bool startsWith(const std::string& s, std::string_view prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> strings(const std::vector<OscArg>& values) {
    std::vector<std::string> out;
    out.reserve(values.size());
    for (const auto& v : values) {
        out.push_back(v.type == OscArg::Type::kString ? v.string_value : v.toString());
    }
    return out;
}

core::Result<std::vector<double>> numbers(const std::vector<OscArg>& values, const char* what) {
    std::vector<double> out;
    out.reserve(values.size());
    for (const auto& v : values) {
        if (!v.isNumber() || !std::isfinite(v.asDouble())) {
            return core::invalidArgument(std::string("non-numeric ") + what + " " + v.toString());
        }
        out.push_back(v.asDouble());
    }
    return out;
}

int indexArg(const OscArg& a) {
    return static_cast<int>(std::lround(a.asDouble()));
}

} // namespace

bool SetAssembly::TrackParts::complete() const {
    return names && class_names && types && names->size() == class_names->size() &&
           names->size() == types->size();
}

bool SetAssembly::DeviceParts::complete() const {
    if (!(names && values && mins && maxs && quantized)) {
        return false;
    }
    const size_t n = names->size();
    return values->size() == n && mins->size() == n && maxs->size() == n && quantized->size() == n;
}

std::vector<LiveRequest> SetAssembly::trackDeviceRequests(int track) {
    return {requestDevices(track, DeviceProperty::kName),
            requestDevices(track, DeviceProperty::kClassName),
            requestDevices(track, DeviceProperty::kType)};
}

std::vector<LiveRequest> SetAssembly::deviceParameterRequests(int track, int device) {
    return {requestParameters(track, device, ParameterProperty::kName),
            requestParameters(track, device, ParameterProperty::kValue),
            requestParameters(track, device, ParameterProperty::kMin),
            requestParameters(track, device, ParameterProperty::kMax),
            requestParameters(track, device, ParameterProperty::kIsQuantized)};
}

int SetAssembly::trackCount() const {
    return m_track_names ? static_cast<int>(m_track_names->size()) : 0;
}

bool SetAssembly::devicesKnown(int track) const {
    auto it = m_tracks.find(track);
    return it != m_tracks.end() && it->second.complete();
}

bool SetAssembly::parametersKnown(int track, int device) const {
    auto it = m_devices.find({track, device});
    return it != m_devices.end() && it->second.complete();
}

bool SetAssembly::valueStringKnown(int track, int device, int parameter) const {
    return m_value_strings.count({track, device, parameter}) > 0;
}

std::vector<LiveRequest> SetAssembly::nextFullSnapshotRequests() const {
    if (!m_track_names) {
        return {requestTrackNames()};
    }
    std::vector<LiveRequest> out;
    for (int t = 0; t < trackCount(); ++t) {
        auto it = m_tracks.find(t);
        if (it == m_tracks.end() || !it->second.complete()) {
            auto r = trackDeviceRequests(t);
            out.insert(out.end(), r.begin(), r.end());
            continue;
        }
        for (int d = 0; d < static_cast<int>(it->second.names->size()); ++d) {
            if (!parametersKnown(t, d)) {
                auto r = deviceParameterRequests(t, d);
                out.insert(out.end(), r.begin(), r.end());
            }
        }
    }
    return out;
}

core::Status SetAssembly::accept(const LiveRequest& request, const OscMessage& reply) {
    auto values = replyValues(request, reply);
    if (!values) {
        return values.status();
    }
    const std::string& address = request.message.address;
    const auto& args = request.message.args;
    if (address == kAddressTrackNames) {
        auto names = strings(*values);
        if (m_track_names && *m_track_names != names) {
            // The set changed: parts read under the old names may be wrong.
            m_tracks.clear();
            m_devices.clear();
            m_values.clear();
            m_value_strings.clear();
        }
        m_track_names = std::move(names);
        return core::Status::ok();
    }
    if (startsWith(address, kDevicesPrefix) && args.size() >= 1) {
        return acceptDeviceList(indexArg(args[0]), address.substr(kDevicesPrefix.size()), *values);
    }
    if (startsWith(address, kParametersPrefix) && args.size() >= 2) {
        return acceptParameterList(indexArg(args[0]), indexArg(args[1]),
                                   address.substr(kParametersPrefix.size()), *values);
    }
    if ((address == kAddressParameterValue || address == kAddressParameterValueString) &&
        args.size() >= 3) {
        if (values->empty()) {
            return core::invalidArgument("empty reply " + reply.toString());
        }
        const ParameterKey key{indexArg(args[0]), indexArg(args[1]), indexArg(args[2])};
        const OscArg& v = values->front();
        if (address == kAddressParameterValueString) {
            m_value_strings[key] = v.type == OscArg::Type::kString ? v.string_value : v.toString();
        } else if (v.isNumber() && std::isfinite(v.asDouble())) {
            m_values[key] = v.asDouble();
        } else {
            return core::invalidArgument("non-numeric parameter value in " + reply.toString());
        }
    }
    return core::Status::ok();
}

core::Status SetAssembly::acceptDeviceList(int track, const std::string& property,
                                           const std::vector<OscArg>& values) {
    TrackParts& parts = m_tracks[track];
    if (property == "name") {
        parts.names = strings(values);
    } else if (property == "class_name") {
        parts.class_names = strings(values);
    } else if (property == "type") {
        auto n = numbers(values, "device type");
        if (!n) {
            return n.status();
        }
        std::vector<int> types;
        for (double x : *n) {
            types.push_back(static_cast<int>(std::lround(x)));
        }
        parts.types = std::move(types);
    }
    return core::Status::ok();
}

core::Status SetAssembly::acceptParameterList(int track, int device, const std::string& property,
                                              const std::vector<OscArg>& values) {
    DeviceParts& parts = m_devices[{track, device}];
    if (property == "name") {
        parts.names = strings(values);
        return core::Status::ok();
    }
    if (property == "is_quantized") {
        std::vector<bool> q;
        for (const auto& v : values) {
            q.push_back(v.asDouble() != 0.0);
        }
        parts.quantized = std::move(q);
        return core::Status::ok();
    }
    auto n = numbers(values, property.c_str());
    if (!n) {
        return n.status();
    }
    if (property == "value") {
        parts.values = std::move(*n);
        // A bulk read is the newest value of every parameter of the device.
        for (auto it = m_values.begin(); it != m_values.end();) {
            if (std::get<0>(it->first) == track && std::get<1>(it->first) == device) {
                it = m_values.erase(it);
            } else {
                ++it;
            }
        }
    } else if (property == "min") {
        parts.mins = std::move(*n);
    } else if (property == "max") {
        parts.maxs = std::move(*n);
    }
    return core::Status::ok();
}

LiveSet SetAssembly::set() const {
    LiveSet out;
    if (!m_track_names) {
        return out;
    }
    for (int t = 0; t < trackCount(); ++t) {
        LiveTrack track;
        track.index = t;
        track.name = (*m_track_names)[static_cast<size_t>(t)];
        auto tp = m_tracks.find(t);
        if (tp != m_tracks.end() && tp->second.complete()) {
            const TrackParts& parts = tp->second;
            for (size_t d = 0; d < parts.names->size(); ++d) {
                LiveDevice device;
                device.index = static_cast<int>(d);
                device.name = (*parts.names)[d];
                device.class_name = (*parts.class_names)[d];
                device.type = (*parts.types)[d];
                auto dp = m_devices.find({t, static_cast<int>(d)});
                if (dp != m_devices.end() && dp->second.complete()) {
                    const DeviceParts& p = dp->second;
                    for (size_t i = 0; i < p.names->size(); ++i) {
                        LiveParameter param;
                        param.index = static_cast<int>(i);
                        param.name = (*p.names)[i];
                        param.value = (*p.values)[i];
                        param.min = (*p.mins)[i];
                        param.max = (*p.maxs)[i];
                        param.is_quantized = (*p.quantized)[i];
                        const ParameterKey key{t, static_cast<int>(d), static_cast<int>(i)};
                        if (auto v = m_values.find(key); v != m_values.end()) {
                            param.value = v->second;
                        }
                        if (auto s = m_value_strings.find(key); s != m_value_strings.end()) {
                            param.value_string = s->second;
                        }
                        device.parameters.push_back(std::move(param));
                    }
                }
                track.devices.push_back(std::move(device));
            }
        }
        out.tracks.push_back(std::move(track));
    }
    return out;
}

} // namespace styledna::live
