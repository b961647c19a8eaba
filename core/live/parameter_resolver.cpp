#include "core/live/parameter_resolver.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace styledna::live {
namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "3 Q A" -> {"3 ", " A"} when the middle word is `word`.
bool splitBandName(std::string_view name, std::string_view word, std::string& head,
                   std::string& tail) {
    const size_t space = name.find(' ');
    if (space == std::string_view::npos || space == 0) {
        return false;
    }
    for (size_t i = 0; i < space; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(name[i]))) {
            return false;
        }
    }
    std::string_view rest = name.substr(space + 1);
    for (std::string_view side : {" A", " B"}) {
        if (endsWith(rest, side) && rest.substr(0, rest.size() - side.size()) == word) {
            head = std::string(name.substr(0, space + 1));
            tail = std::string(side);
            return true;
        }
    }
    return false;
}

std::string displayDevice(const ParameterTarget& t) {
    return t.device_name.empty() ? t.device_class : t.device_name;
}

const LiveDevice* chooseDevice(const LiveTrack& track, const ParameterTarget& target) {
    std::vector<const LiveDevice*> of_class;
    for (const auto& d : track.devices) {
        if (target.device_class.empty() ? equalsIgnoreCase(d.name, target.device_name)
                                        : d.class_name == target.device_class) {
            of_class.push_back(&d);
        }
    }
    if (of_class.empty()) {
        return nullptr;
    }
    for (const auto* d : of_class) {
        if (d->name == target.device_name) {
            return d;
        }
    }
    for (const auto* d : of_class) {
        if (d->index == target.device_hint) {
            return d;
        }
    }
    return of_class.front();
}

const LiveParameter* chooseParameter(const LiveDevice& device, const ParameterTarget& target) {
    const auto names = parameterNameCandidates(target.parameter_name);
    std::vector<std::string_view> views(names.begin(), names.end());
    return findParameter(device, views);
}

} // namespace

std::vector<std::string> parameterNameCandidates(std::string_view parameter_name) {
    std::vector<std::string> out{std::string(parameter_name)};
    std::string head, tail;
    if (splitBandName(parameter_name, "Q", head, tail)) {
        out.push_back(head + "Resonance" + tail);
    } else if (splitBandName(parameter_name, "Resonance", head, tail)) {
        out.push_back(head + "Q" + tail);
    } else if (parameter_name == "Output") {
        out.insert(out.end(), {"Output Gain", "Gain"});
    } else if (parameter_name == "Output Gain") {
        out.emplace_back("Output");
    } else if (parameter_name == "Gain") {
        out.emplace_back("Output");
    }
    return out;
}

ParameterResolution resolveParameter(const SetAssembly& assembly, const LiveSet& set,
                                     const ParameterTarget& target, bool with_value_string) {
    ParameterResolution r;
    if (!assembly.trackNamesKnown()) {
        r.requests.push_back(requestTrackNames());
        return r;
    }
    const LiveTrack* track = findTrack(set, target.track_name);
    if (track == nullptr) {
        r.state = ParameterResolution::State::kRejected;
        r.reason = "track '" + target.track_name + "' not found in the Live set";
        return r;
    }
    r.track = track->index;
    if (!assembly.devicesKnown(track->index)) {
        r.requests = SetAssembly::trackDeviceRequests(track->index);
        return r;
    }
    const LiveDevice* device = chooseDevice(*track, target);
    if (device == nullptr) {
        r.state = ParameterResolution::State::kRejected;
        r.reason =
            "device '" + displayDevice(target) + "' not found on track '" + track->name + "'";
        return r;
    }
    r.device = device->index;
    if (!assembly.parametersKnown(track->index, device->index)) {
        r.requests = SetAssembly::deviceParameterRequests(track->index, device->index);
        return r;
    }
    const LiveParameter* parameter = chooseParameter(*device, target);
    if (parameter == nullptr) {
        r.state = ParameterResolution::State::kRejected;
        r.reason = "parameter '" + target.parameter_name + "' not found on device '" +
                   device->name + "' on track '" + track->name + "'";
        return r;
    }
    r.parameter = parameter->index;
    if (with_value_string &&
        !assembly.valueStringKnown(track->index, device->index, parameter->index)) {
        r.requests.push_back(
            requestParameterValueString(track->index, device->index, parameter->index));
        return r;
    }
    r.state = ParameterResolution::State::kResolved;
    r.info = *parameter;
    return r;
}

std::vector<LiveRequest> speculativeRequests(const ParameterTarget& target, const LiveSet& known,
                                             bool with_value_string) {
    int t = -1, d = -1, p = -1;
    if (known.tracks.empty()) {
        t = target.track_hint;
        d = target.device_hint;
        p = target.parameter_hint;
    } else if (const LiveTrack* track = findTrack(known, target.track_name)) {
        t = track->index;
        if (const LiveDevice* device = chooseDevice(*track, target)) {
            d = device->index;
            if (const LiveParameter* parameter = chooseParameter(*device, target)) {
                p = parameter->index;
            }
        }
    }
    std::vector<LiveRequest> out;
    if (t < 0) {
        return out;
    }
    out = SetAssembly::trackDeviceRequests(t);
    if (d >= 0) {
        auto params = SetAssembly::deviceParameterRequests(t, d);
        out.insert(out.end(), params.begin(), params.end());
        if (p >= 0 && with_value_string) {
            out.push_back(requestParameterValueString(t, d, p));
        }
    }
    return out;
}

bool sameParameterValue(double a, double b, double min, double max, bool quantized) {
    if (quantized) {
        return std::lround(a) == std::lround(b);
    }
    const double range = std::max(max - min, 1e-12);
    return std::fabs(a - b) <= 1e-4 * range;
}

double clampToParameter(double wanted, double min, double max, bool quantized) {
    double v = std::clamp(wanted, min, max);
    if (quantized) {
        v = std::clamp(std::round(v), std::ceil(min), std::floor(max));
    }
    return v;
}

} // namespace styledna::live
