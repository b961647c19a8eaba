#include "core/live/able_protocol.hpp"

#include <cmath>
#include <cstdio>

namespace styledna::live {
namespace {

LiveRequest read(std::string address, std::vector<int> indices) {
    LiveRequest r;
    r.message.address = std::move(address);
    for (int i : indices) {
        r.message.args.push_back(OscArg::integer(i));
    }
    r.echo_count = static_cast<int>(indices.size());
    return r;
}

const char* deviceProperty(DeviceProperty p) {
    switch (p) {
    case DeviceProperty::kName:
        return "name";
    case DeviceProperty::kClassName:
        return "class_name";
    case DeviceProperty::kType:
        return "type";
    }
    return "name";
}

const char* parameterProperty(ParameterProperty p) {
    switch (p) {
    case ParameterProperty::kName:
        return "name";
    case ParameterProperty::kValue:
        return "value";
    case ParameterProperty::kMin:
        return "min";
    case ParameterProperty::kMax:
        return "max";
    case ParameterProperty::kIsQuantized:
        return "is_quantized";
    }
    return "name";
}

// Numbers compare by value (echoed indices may come back as float); others by text.
bool sameArg(const OscArg& a, const OscArg& b) {
    if (a.isNumber() && b.isNumber()) {
        return a.asDouble() == b.asDouble();
    }
    return a.type == b.type && a.string_value == b.string_value;
}

std::string keyPart(const OscArg& a) {
    if (a.isNumber()) {
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "%.17g", a.asDouble());
        return buffer;
    }
    return a.toString();
}

} // namespace

LiveRequest requestTest() {
    return read(kAddressTest, {});
}

LiveRequest requestNumTracks() {
    return read(kAddressNumTracks, {});
}

LiveRequest requestTrackNames() {
    return read(kAddressTrackNames, {});
}

LiveRequest requestDevices(int track, DeviceProperty property) {
    std::string address = "/live/track/get/devices/";
    address.append(deviceProperty(property));
    return read(std::move(address), {track});
}

LiveRequest requestParameters(int track, int device, ParameterProperty property) {
    std::string address = "/live/device/get/parameters/";
    address.append(parameterProperty(property));
    return read(std::move(address), {track, device});
}

LiveRequest requestParameterValue(int track, int device, int parameter) {
    return read(kAddressParameterValue, {track, device, parameter});
}

LiveRequest requestParameterValueString(int track, int device, int parameter) {
    return read(kAddressParameterValueString, {track, device, parameter});
}

LiveRequest requestParameterName(int track, int device, int parameter) {
    return read(kAddressParameterName, {track, device, parameter});
}

LiveRequest setParameterValue(int track, int device, int parameter, double value) {
    LiveRequest r = read(kAddressSetParameterValue, {track, device, parameter});
    r.message.args.push_back(OscArg::real(value));
    r.echo_count = 0;
    r.expects_reply = false;
    return r;
}

std::string correlationKey(const LiveRequest& request) {
    std::string key = request.message.address;
    const size_t n = std::min(request.message.args.size(), static_cast<size_t>(request.echo_count));
    for (size_t i = 0; i < n; ++i) {
        key.append("|").append(keyPart(request.message.args[i]));
    }
    return key;
}

bool replyMatches(const LiveRequest& request, const OscMessage& reply) {
    if (reply.address != request.message.address) {
        return false;
    }
    const size_t n = std::min(request.message.args.size(), static_cast<size_t>(request.echo_count));
    if (reply.args.size() < n) {
        return false;
    }
    for (size_t i = 0; i < n; ++i) {
        if (!sameArg(reply.args[i], request.message.args[i])) {
            return false;
        }
    }
    return true;
}

core::Result<std::vector<OscArg>> replyValues(const LiveRequest& request, const OscMessage& reply) {
    const size_t n = static_cast<size_t>(std::max(0, request.echo_count));
    if (reply.args.size() < n) {
        return core::invalidArgument("reply " + reply.toString() + " is shorter than the echo of " +
                                     request.message.toString());
    }
    return std::vector<OscArg>(reply.args.begin() + static_cast<std::ptrdiff_t>(n),
                               reply.args.end());
}

std::string unknownAddressInError(std::string_view error_text) {
    constexpr std::string_view kPrefix = "Unknown OSC address: ";
    const size_t at = error_text.find(kPrefix);
    if (at == std::string_view::npos) {
        return "";
    }
    std::string_view rest = error_text.substr(at + kPrefix.size());
    const size_t end = rest.find_first_of(" \t\r\n");
    return std::string(rest.substr(0, end));
}

} // namespace styledna::live
