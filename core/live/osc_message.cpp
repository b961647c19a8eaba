#include "core/live/osc_message.hpp"

#include <cstdio>
#include <exception>

#include <oscpack/osc/OscOutboundPacketStream.h>
#include <oscpack/osc/OscReceivedElements.h>

namespace styledna::live {
namespace {

core::Status appendMessage(const osc::ReceivedMessage& in, std::vector<OscMessage>& out) {
    OscMessage message;
    message.address = in.AddressPattern();
    for (auto it = in.ArgumentsBegin(); it != in.ArgumentsEnd(); ++it) {
        const osc::ReceivedMessageArgument& arg = *it;
        if (arg.IsInt32()) {
            message.args.push_back(OscArg::integer(arg.AsInt32()));
        } else if (arg.IsInt64()) {
            message.args.push_back(OscArg::integer(static_cast<int64_t>(arg.AsInt64())));
        } else if (arg.IsFloat()) {
            message.args.push_back(OscArg::real(arg.AsFloat()));
        } else if (arg.IsDouble()) {
            message.args.push_back(OscArg::real(arg.AsDouble()));
        } else if (arg.IsString()) {
            message.args.push_back(OscArg::string(arg.AsString()));
        } else if (arg.IsSymbol()) {
            message.args.push_back(OscArg::string(arg.AsSymbol()));
        } else if (arg.IsBool()) {
            message.args.push_back(OscArg::boolean(arg.AsBool()));
        } else if (arg.IsNil()) {
            message.args.push_back(OscArg::nil());
        } else {
            return core::invalidArgument("OSC message " + message.address +
                                         ": unsupported argument type '" +
                                         std::string(1, arg.TypeTag()) + "'");
        }
    }
    out.push_back(std::move(message));
    return core::Status::ok();
}

core::Status appendPacket(const osc::ReceivedPacket& packet, std::vector<OscMessage>& out,
                          int depth) {
    if (depth > 8) {
        return core::invalidArgument("OSC bundle nested deeper than 8 levels");
    }
    if (packet.IsMessage()) {
        return appendMessage(osc::ReceivedMessage(packet), out);
    }
    osc::ReceivedBundle bundle(packet);
    for (auto it = bundle.ElementsBegin(); it != bundle.ElementsEnd(); ++it) {
        osc::ReceivedPacket element(it->Contents(), it->Size());
        if (auto status = appendPacket(element, out, depth + 1); !status.isOk()) {
            return status;
        }
    }
    return core::Status::ok();
}

} // namespace

OscArg OscArg::integer(int64_t v) {
    OscArg a;
    a.type = Type::kInt;
    a.int_value = v;
    return a;
}

OscArg OscArg::real(double v) {
    OscArg a;
    a.type = Type::kFloat;
    a.float_value = v;
    return a;
}

OscArg OscArg::string(std::string v) {
    OscArg a;
    a.type = Type::kString;
    a.string_value = std::move(v);
    return a;
}

OscArg OscArg::boolean(bool v) {
    OscArg a;
    a.type = v ? Type::kTrue : Type::kFalse;
    return a;
}

OscArg OscArg::nil() {
    return OscArg{};
}

double OscArg::asDouble() const {
    switch (type) {
    case Type::kInt:
        return static_cast<double>(int_value);
    case Type::kFloat:
        return float_value;
    case Type::kTrue:
        return 1.0;
    default:
        return 0.0;
    }
}

std::string OscArg::toString() const {
    switch (type) {
    case Type::kInt:
        return std::to_string(int_value);
    case Type::kFloat: {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.6g", float_value);
        return buffer;
    }
    case Type::kString:
        return "\"" + string_value + "\"";
    case Type::kTrue:
        return "T";
    case Type::kFalse:
        return "F";
    case Type::kNil:
        return "N";
    }
    return "?";
}

std::string OscMessage::toString() const {
    std::string out = address;
    out.append(" (");
    for (size_t i = 0; i < args.size(); ++i) {
        if (i > 0) {
            out.append(", ");
        }
        out.append(args[i].toString());
    }
    out.append(")");
    return out;
}

core::Result<std::vector<char>> encodeOsc(const OscMessage& message, size_t max_bytes) {
    if (message.address.empty() || message.address.front() != '/') {
        return core::invalidArgument("OSC address must start with '/': \"" + message.address +
                                     "\"");
    }
    std::vector<char> buffer(max_bytes);
    try {
        osc::OutboundPacketStream stream(buffer.data(), buffer.size());
        stream << osc::BeginMessage(message.address.c_str());
        for (const auto& arg : message.args) {
            switch (arg.type) {
            case OscArg::Type::kInt:
                stream << static_cast<osc::int32>(arg.int_value);
                break;
            case OscArg::Type::kFloat:
                stream << static_cast<float>(arg.float_value);
                break;
            case OscArg::Type::kString:
                stream << arg.string_value.c_str();
                break;
            case OscArg::Type::kTrue:
                stream << true;
                break;
            case OscArg::Type::kFalse:
                stream << false;
                break;
            case OscArg::Type::kNil:
                stream << osc::OscNil;
                break;
            }
        }
        stream << osc::EndMessage;
        buffer.resize(stream.Size());
        return buffer;
    } catch (const osc::OutOfBufferMemoryException&) {
        return core::invalidArgument(
            "OSC message " + message.address + " with " + std::to_string(message.args.size()) +
            " arguments does not fit in " + std::to_string(max_bytes) + " bytes");
    } catch (const std::exception& e) {
        return core::invalidArgument("OSC message " + message.address + ": " + e.what());
    }
}

core::Result<std::vector<OscMessage>> decodeOscPacket(const char* data, size_t size) {
    if (data == nullptr || size == 0) {
        return core::invalidArgument("empty OSC datagram");
    }
    // oscpack requires 4-byte multiples and reads in place.
    if (size % 4 != 0) {
        return core::invalidArgument("OSC datagram of " + std::to_string(size) +
                                     " bytes is not a multiple of 4");
    }
    std::vector<OscMessage> out;
    try {
        osc::ReceivedPacket packet(data, static_cast<osc::osc_bundle_element_size_t>(size));
        if (auto status = appendPacket(packet, out, 0); !status.isOk()) {
            return status;
        }
    } catch (const std::exception& e) {
        return core::invalidArgument(std::string("malformed OSC datagram: ") + e.what());
    }
    return out;
}

} // namespace styledna::live
