#include "core/live/live_set.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace styledna::live {
namespace {

using nlohmann::json;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// Errors carry the JSON path so a hand-written set file can be fixed.
struct ParseError {
    std::string message;
};

const json& member(const json& object, const char* key, const std::string& where) {
    auto it = object.find(key);
    if (it == object.end()) {
        throw ParseError{where + ": missing \"" + key + "\""};
    }
    return *it;
}

std::string stringMember(const json& object, const char* key, const std::string& where) {
    const json& value = member(object, key, where);
    if (!value.is_string()) {
        throw ParseError{where + "." + key + ": expected a string"};
    }
    return value.get<std::string>();
}

double numberMember(const json& object, const char* key, const std::string& where,
                    std::optional<double> fallback = std::nullopt) {
    auto it = object.find(key);
    if (it == object.end() && fallback) {
        return *fallback;
    }
    const json& value = member(object, key, where);
    if (!value.is_number()) {
        throw ParseError{where + "." + key + ": expected a number"};
    }
    double number = value.get<double>();
    if (!std::isfinite(number)) {
        throw ParseError{where + "." + key + ": not a finite number"};
    }
    return number;
}

const json& arrayMember(const json& object, const char* key, const std::string& where) {
    static const json kEmpty = json::array();
    auto it = object.find(key);
    if (it == object.end()) {
        return kEmpty;
    }
    if (!it->is_array()) {
        throw ParseError{where + "." + key + ": expected an array"};
    }
    return *it;
}

std::string indexed(const std::string& where, const char* key, size_t i) {
    std::string out = where;
    out.append(where.empty() ? "" : ".").append(key).append("[");
    out.append(std::to_string(i)).append("]");
    return out;
}

LiveParameter parseParameter(const json& j, const std::string& where) {
    if (!j.is_object()) {
        throw ParseError{where + ": expected an object"};
    }
    LiveParameter p;
    p.name = stringMember(j, "name", where);
    p.min = numberMember(j, "min", where, 0.0);
    p.max = numberMember(j, "max", where, 1.0);
    p.value = numberMember(j, "value", where, p.min);
    if (p.min > p.max) {
        throw ParseError{where + " (" + p.name + "): min > max"};
    }
    if (p.value < p.min || p.value > p.max) {
        std::ostringstream os;
        os << where << " (" << p.name << "): value " << p.value << " outside [" << p.min << ", "
           << p.max << "]";
        throw ParseError{os.str()};
    }
    if (auto it = j.find("is_quantized"); it != j.end()) {
        if (!it->is_boolean()) {
            throw ParseError{where + ".is_quantized: expected true or false"};
        }
        p.is_quantized = it->get<bool>();
    }
    if (auto it = j.find("value_string"); it != j.end() && it->is_string()) {
        p.value_string = it->get<std::string>();
    }
    return p;
}

LiveDevice parseDevice(const json& j, const std::string& where) {
    if (!j.is_object()) {
        throw ParseError{where + ": expected an object"};
    }
    LiveDevice d;
    d.name = stringMember(j, "name", where);
    d.class_name = j.contains("class_name") ? stringMember(j, "class_name", where) : d.name;
    d.type = static_cast<int>(numberMember(j, "type", where, kDeviceTypeAudioEffect));
    const json& params = arrayMember(j, "parameters", where);
    for (size_t i = 0; i < params.size(); ++i) {
        d.parameters.push_back(parseParameter(params[i], indexed(where, "parameters", i)));
    }
    return d;
}

json parameterJson(const LiveParameter& p) {
    json j{{"index", p.index}, {"name", p.name}, {"value", p.value},
           {"min", p.min},     {"max", p.max},   {"is_quantized", p.is_quantized}};
    if (!p.value_string.empty()) {
        j["value_string"] = p.value_string;
    }
    return j;
}

} // namespace

const LiveTrack* findTrack(const LiveSet& set, std::string_view name) {
    for (const auto& track : set.tracks) {
        if (track.name == name) {
            return &track;
        }
    }
    for (const auto& track : set.tracks) {
        if (equalsIgnoreCase(track.name, name)) {
            return &track;
        }
    }
    return nullptr;
}

const LiveDevice* findDeviceByClass(const LiveTrack& track, std::string_view class_name) {
    for (const auto& device : track.devices) {
        if (device.class_name == class_name) {
            return &device;
        }
    }
    return nullptr;
}

const LiveParameter* findParameter(const LiveDevice& device,
                                   const std::vector<std::string_view>& candidate_names) {
    for (std::string_view candidate : candidate_names) {
        for (const auto& parameter : device.parameters) {
            if (equalsIgnoreCase(parameter.name, candidate)) {
                return &parameter;
            }
        }
    }
    return nullptr;
}

void renumber(LiveSet& set) {
    for (size_t t = 0; t < set.tracks.size(); ++t) {
        set.tracks[t].index = static_cast<int>(t);
        auto& devices = set.tracks[t].devices;
        for (size_t d = 0; d < devices.size(); ++d) {
            devices[d].index = static_cast<int>(d);
            for (size_t p = 0; p < devices[d].parameters.size(); ++p) {
                devices[d].parameters[p].index = static_cast<int>(p);
            }
        }
    }
}

core::Result<LiveSet> liveSetFromJson(std::string_view json_text) {
    json doc = json::parse(json_text.begin(), json_text.end(), nullptr, false);
    if (doc.is_discarded()) {
        return core::invalidArgument("Live set JSON: not valid JSON");
    }
    if (!doc.is_object()) {
        return core::invalidArgument("Live set JSON: expected an object with \"tracks\"");
    }
    try {
        LiveSet set;
        const json& tracks = member(doc, "tracks", "Live set");
        if (!tracks.is_array()) {
            return core::invalidArgument("Live set JSON: \"tracks\" must be an array");
        }
        for (size_t t = 0; t < tracks.size(); ++t) {
            std::string where = indexed("", "tracks", t);
            const json& jt = tracks[t];
            if (!jt.is_object()) {
                throw ParseError{where + ": expected an object"};
            }
            LiveTrack track;
            track.name = stringMember(jt, "name", where);
            const json& devices = arrayMember(jt, "devices", where);
            for (size_t d = 0; d < devices.size(); ++d) {
                track.devices.push_back(parseDevice(devices[d], indexed(where, "devices", d)));
            }
            set.tracks.push_back(std::move(track));
        }
        renumber(set);
        return set;
    } catch (const ParseError& e) {
        return core::invalidArgument("Live set JSON: " + e.message);
    } catch (const json::exception& e) {
        return core::invalidArgument(std::string("Live set JSON: ") + e.what());
    }
}

std::string liveSetToJson(const LiveSet& set, int indent) {
    json tracks = json::array();
    for (const auto& track : set.tracks) {
        json devices = json::array();
        for (const auto& device : track.devices) {
            json params = json::array();
            for (const auto& p : device.parameters) {
                params.push_back(parameterJson(p));
            }
            devices.push_back({{"index", device.index},
                               {"name", device.name},
                               {"class_name", device.class_name},
                               {"type", device.type},
                               {"parameters", std::move(params)}});
        }
        tracks.push_back(
            {{"index", track.index}, {"name", track.name}, {"devices", std::move(devices)}});
    }
    return json{{"tracks", std::move(tracks)}}.dump(indent);
}

core::Result<LiveSet> readLiveSetFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return core::notFound("Live set file " + path + ": cannot open");
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto set = liveSetFromJson(text.str());
    if (!set) {
        return core::invalidArgument(path + ": " + set.status().message());
    }
    return set;
}

} // namespace styledna::live
