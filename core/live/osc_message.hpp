#pragma once
// OscMessage: one OSC message as AbletonOSC sends and expects it, and the
// codec to and from UDP datagrams (oscpack underneath; its exceptions never
// leave this file).
//
// Argument types: i (int32), f (float32), s (string), T / F (booleans without
// payload), N (None). Incoming h (int64) and d (double) are widened into
// kInt / kFloat (as double) so a client tolerates them; blobs and other types
// make decoding fail. A bundle decodes into its messages in order (nested
// bundles flattened). Threads: plain data; the functions are reentrant.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"

namespace styledna::live {

// AbletonOSC keeps replies under ~9 KB; larger datagrams fail in Live.
inline constexpr size_t kMaxDatagramBytes = 9000;

struct OscArg {
    enum class Type { kInt, kFloat, kString, kTrue, kFalse, kNil };
    Type type = Type::kNil;
    int64_t int_value = 0;
    double float_value = 0; // kFloat (float32 on the wire)
    std::string string_value;

    static OscArg integer(int64_t v);
    static OscArg real(double v);
    static OscArg string(std::string v);
    static OscArg boolean(bool v);
    static OscArg nil();

    bool isNumber() const { return type == Type::kInt || type == Type::kFloat; }
    // kInt / kFloat as double; T = 1, F = 0; else 0.
    double asDouble() const;
    // String form for logs and error texts: 3, 0.5, "Bass", T, F, N.
    std::string toString() const;
};

struct OscMessage {
    std::string address;
    std::vector<OscArg> args;

    // "/live/device/get/parameter/value (0, 2, 5, 0.5)" for logs and errors.
    std::string toString() const;
};

// invalidArgument when the message does not fit in max_bytes (it says the size).
core::Result<std::vector<char>> encodeOsc(const OscMessage& message,
                                          size_t max_bytes = kMaxDatagramBytes);
// invalidArgument for malformed datagrams (truncated, bad type tags, blobs).
core::Result<std::vector<OscMessage>> decodeOscPacket(const char* data, size_t size);

} // namespace styledna::live
