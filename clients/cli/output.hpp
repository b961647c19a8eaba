#pragma once
// Rendering API messages for people (text) and scripts (--json: stable
// snake_case keys matching the proto field names; int64 as JSON numbers).

#include <string>

#include <nlohmann/json.hpp>

#include "styledna/v1/styledna.pb.h"

namespace styledna::cli {

nlohmann::json toJson(const v1::TrackAnalysis& a);
nlohmann::json toJson(const v1::DaemonStatus& s);
nlohmann::json toJson(const v1::FeatureDescription& f);
nlohmann::json toJson(const v1::SynthesizedTrack& t);
std::string toText(const v1::TrackAnalysis& a);
std::string toText(const v1::DaemonStatus& s);
// {"error": {"code": "NOT_FOUND", "message": "..."}}
nlohmann::json errorJson(const std::string& code, const std::string& message);
std::string grpcCodeName(int code);
// Any response message as JSON with the proto's field names, every field printed.
nlohmann::json protoJson(const google::protobuf::Message& m);
// A number with sensible precision for its size, then the unit ("118 Hz", "-7.25 dB").
std::string formatValue(double v, const std::string& unit);

// Terminal colours: escape codes when stdout is a terminal and NO_COLOR is
// unset, else empty strings (pipes and files get plain text).
struct Palette {
    const char* bold = "";
    const char* dim = "";
    const char* reset = "";
    const char* high = "";
    const char* medium = "";
    const char* low = "";
};
Palette terminalPalette();

} // namespace styledna::cli
