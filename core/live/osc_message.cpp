#include "core/live/osc_message.hpp"

#include <cstdio>
#include <cstring>
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

// oscpack 1.1.0 trusts the datagram's layout: a blob length or a type tag it
// does not check walks its pointers out of the buffer (a crash the fuzzer
// found with a few bytes). So the layout is checked here first, with bounds on
// every step, and only then handed to oscpack. Blobs and the other types
// StyleDNA never receives are refused before oscpack sees them.

// Length of the padded OSC string starting at data (terminator within size),
// or 0 when it runs past the end or its padding is not all NUL bytes. The OSC
// spec requires NUL padding, and oscpack finds a string's end by the last
// byte of each 4-byte word alone: "/lie\0\0\0S" ends at byte 4 here but not
// for oscpack, which then reads the type tags from the wrong place (a SEGV
// the fuzzer found).
size_t paddedStringSize(const char* data, size_t size) {
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == '\0') {
            const size_t padded = (i + 4) & ~size_t{3};
            if (padded > size) {
                return 0;
            }
            for (size_t j = i + 1; j < padded; ++j) {
                if (data[j] != '\0') {
                    return 0;
                }
            }
            return padded;
        }
    }
    return 0;
}

core::Status checkMessageLayout(const char* data, size_t size) {
    const size_t address_size = paddedStringSize(data, size);
    if (address_size == 0 || data[0] != '/') {
        return core::invalidArgument("malformed OSC message: bad address");
    }
    size_t at = address_size;
    if (at == size) {
        return core::Status::ok(); // no type tags: no arguments
    }
    const size_t tags_size = paddedStringSize(data + at, size - at);
    if (tags_size == 0 || data[at] != ',') {
        return core::invalidArgument("malformed OSC message: bad type tags");
    }
    const char* tags = data + at + 1;
    at += tags_size;
    for (; *tags != '\0'; ++tags) {
        size_t need = 0;
        switch (*tags) {
        case 'i':
        case 'f':
            need = 4;
            break;
        case 'h':
        case 'd':
            need = 8;
            break;
        case 's':
        case 'S':
            need = paddedStringSize(data + at, size - at);
            if (need == 0) {
                return core::invalidArgument("malformed OSC message: unterminated string");
            }
            break;
        case 'T':
        case 'F':
        case 'N':
            break;
        default:
            return core::invalidArgument(std::string("OSC message: unsupported argument type '") +
                                         *tags + "'");
        }
        if (need > size - at) {
            return core::invalidArgument("malformed OSC message: arguments past the end");
        }
        at += need;
    }
    return core::Status::ok();
}

int32_t readBigEndianInt32(const char* p) {
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    return static_cast<int32_t>((uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) |
                                (uint32_t{u[2]} << 8) | uint32_t{u[3]});
}

core::Status appendPacket(const char* data, size_t size, std::vector<OscMessage>& out, int depth) {
    if (depth > 8) {
        return core::invalidArgument("OSC bundle nested deeper than 8 levels");
    }
    if (size == 0 || size % 4 != 0) {
        return core::invalidArgument("malformed OSC packet: size not a positive multiple of 4");
    }
    static constexpr char kBundleTag[8] = {'#', 'b', 'u', 'n', 'd', 'l', 'e', '\0'};
    if (data[0] == '#') {
        if (size < 16 || std::memcmp(data, kBundleTag, sizeof kBundleTag) != 0) {
            return core::invalidArgument("malformed OSC bundle header");
        }
        size_t at = 16; // tag + time tag
        while (at < size) {
            if (size - at < 4) {
                return core::invalidArgument("malformed OSC bundle: truncated element size");
            }
            const int32_t element_size = readBigEndianInt32(data + at);
            at += 4;
            if (element_size <= 0 || static_cast<size_t>(element_size) > size - at) {
                return core::invalidArgument("malformed OSC bundle: bad element size");
            }
            if (auto status =
                    appendPacket(data + at, static_cast<size_t>(element_size), out, depth + 1);
                !status.isOk()) {
                return status;
            }
            at += static_cast<size_t>(element_size);
        }
        return core::Status::ok();
    }
    if (auto status = checkMessageLayout(data, size); !status.isOk()) {
        return status;
    }
    osc::ReceivedPacket packet(data, static_cast<osc::osc_bundle_element_size_t>(size));
    return appendMessage(osc::ReceivedMessage(packet), out);
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
        if (auto status = appendPacket(data, size, out, 0); !status.isOk()) {
            return status;
        }
    } catch (const std::exception& e) {
        return core::invalidArgument(std::string("malformed OSC datagram: ") + e.what());
    }
    return out;
}

} // namespace styledna::live
