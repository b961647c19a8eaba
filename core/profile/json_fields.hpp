#pragma once
// Helpers of the profile's JSON form (profile_json.hpp): float arrays as
// base64 text, and a reader that checks every field it reads.
//
// Float arrays: the IEEE-754 float32 values, little-endian, 4 bytes each,
// concatenated, base64 (RFC 4648 alphabet, '=' padding, no line breaks). Exact:
// decode(encode(v)) has the same bits as v, NaN payloads included.
//
// JsonReader: each accessor reads one field of an object and checks its type
// (numbers also finite, floats' count and finiteness). The first failure is
// kept as "<where>.<key>: <problem>" and every later read returns a default,
// so a parser reads straight through and checks ok() once at the end.
// Threads: JsonReader is single-threaded; the functions are pure.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace styledna::profile {

std::string encodeFloats(const std::vector<float>& values);
// nullopt on a character outside the alphabet, bad padding or a byte count
// that is not a multiple of 4.
std::optional<std::vector<float>> decodeFloats(const std::string& text);

class JsonReader {
public:
    using json = nlohmann::json;

    bool ok() const { return m_error.empty(); }
    const std::string& error() const { return m_error; }
    // Records "<where>: <problem>" unless a failure is already recorded.
    void fail(const std::string& where, const std::string& problem);

    // The member `key` of `obj` (which must be an object), or nullptr (recorded).
    const json* member(const json& obj, const std::string& where, const char* key);
    const json* object(const json& obj, const std::string& where, const char* key);
    const json* array(const json& obj, const std::string& where, const char* key);
    std::string string(const json& obj, const std::string& where, const char* key);
    double number(const json& obj, const std::string& where, const char* key);
    std::int64_t integer(const json& obj, const std::string& where, const char* key);
    std::uint64_t unsignedInteger(const json& obj, const std::string& where, const char* key);
    bool boolean(const json& obj, const std::string& where, const char* key);
    // Base64 float32 array of exactly `count` finite values.
    std::vector<float> floats(const json& obj, const std::string& where, const char* key,
                              std::size_t count);

private:
    std::string m_error;
};

// "a.b" (or "b" when where is empty); "a[3]".
std::string fieldPath(const std::string& where, const char* key);
std::string indexPath(const std::string& where, std::size_t index);

} // namespace styledna::profile
