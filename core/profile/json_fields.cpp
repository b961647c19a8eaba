#include "core/profile/json_fields.hpp"

#include <cmath>
#include <cstring>

namespace styledna::profile {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

const char* typeName(const nlohmann::json& j) {
    return j.type_name();
}

} // namespace

std::string encodeFloats(const std::vector<float>& values) {
    std::vector<unsigned char> bytes;
    bytes.reserve(values.size() * 4);
    for (const float v : values) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        for (int b = 0; b < 4; ++b) {
            bytes.push_back(static_cast<unsigned char>((bits >> (8 * b)) & 0xffu));
        }
    }
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t chunk = std::uint32_t(bytes[i]) << 16;
        chunk |= n > 1 ? std::uint32_t(bytes[i + 1]) << 8 : 0u;
        chunk |= n > 2 ? std::uint32_t(bytes[i + 2]) : 0u;
        out += kAlphabet[(chunk >> 18) & 63u];
        out += kAlphabet[(chunk >> 12) & 63u];
        out += n > 1 ? kAlphabet[(chunk >> 6) & 63u] : '=';
        out += n > 2 ? kAlphabet[chunk & 63u] : '=';
    }
    return out;
}

std::optional<std::vector<float>> decodeFloats(const std::string& text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::vector<unsigned char> bytes;
    bytes.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
        if (pad == 1 && text[i + 2] == '=') {
            return std::nullopt; // "x=" followed by a sextet
        }
        std::uint32_t chunk = 0;
        for (int c = 0; c < 4; ++c) {
            const int v = c >= 4 - pad ? 0 : sextet(text[i + static_cast<std::size_t>(c)]);
            if (v < 0) {
                return std::nullopt;
            }
            chunk = (chunk << 6) | static_cast<std::uint32_t>(v);
        }
        bytes.push_back(static_cast<unsigned char>(chunk >> 16));
        if (pad < 2) {
            bytes.push_back(static_cast<unsigned char>((chunk >> 8) & 0xffu));
        }
        if (pad < 1) {
            bytes.push_back(static_cast<unsigned char>(chunk & 0xffu));
        }
    }
    if (bytes.size() % 4 != 0) {
        return std::nullopt;
    }
    std::vector<float> out(bytes.size() / 4);
    for (std::size_t i = 0; i < out.size(); ++i) {
        std::uint32_t bits = 0;
        for (int b = 0; b < 4; ++b) {
            bits |= std::uint32_t(bytes[4 * i + static_cast<std::size_t>(b)]) << (8 * b);
        }
        std::memcpy(&out[i], &bits, sizeof bits);
    }
    return out;
}

std::string fieldPath(const std::string& where, const char* key) {
    return where.empty() ? std::string(key) : where + "." + key;
}

std::string indexPath(const std::string& where, std::size_t index) {
    return where + "[" + std::to_string(index) + "]";
}

void JsonReader::fail(const std::string& where, const std::string& problem) {
    if (m_error.empty()) {
        m_error = (where.empty() ? std::string("document") : where) + ": " + problem;
    }
}

const JsonReader::json* JsonReader::member(const json& obj, const std::string& where,
                                           const char* key) {
    if (!ok()) {
        return nullptr;
    }
    if (!obj.is_object()) {
        fail(where, std::string("must be an object, not ") + typeName(obj));
        return nullptr;
    }
    const auto it = obj.find(key);
    if (it == obj.end()) {
        fail(fieldPath(where, key), "missing field");
        return nullptr;
    }
    return &*it;
}

const JsonReader::json* JsonReader::object(const json& obj, const std::string& where,
                                           const char* key) {
    const json* j = member(obj, where, key);
    if (j && !j->is_object()) {
        fail(fieldPath(where, key), std::string("must be an object, not ") + typeName(*j));
        return nullptr;
    }
    return j;
}

const JsonReader::json* JsonReader::array(const json& obj, const std::string& where,
                                          const char* key) {
    const json* j = member(obj, where, key);
    if (j && !j->is_array()) {
        fail(fieldPath(where, key), std::string("must be an array, not ") + typeName(*j));
        return nullptr;
    }
    return j;
}

std::string JsonReader::string(const json& obj, const std::string& where, const char* key) {
    const json* j = member(obj, where, key);
    if (!j) {
        return {};
    }
    if (!j->is_string()) {
        fail(fieldPath(where, key), std::string("must be a string, not ") + typeName(*j));
        return {};
    }
    return j->get<std::string>();
}

double JsonReader::number(const json& obj, const std::string& where, const char* key) {
    const json* j = member(obj, where, key);
    if (!j) {
        return 0.0;
    }
    if (!j->is_number()) {
        fail(fieldPath(where, key), std::string("must be a number, not ") + typeName(*j));
        return 0.0;
    }
    const double v = j->get<double>();
    if (!std::isfinite(v)) {
        fail(fieldPath(where, key), "must be finite (NaN or infinity found)");
        return 0.0;
    }
    return v;
}

std::int64_t JsonReader::integer(const json& obj, const std::string& where, const char* key) {
    const json* j = member(obj, where, key);
    if (!j) {
        return 0;
    }
    if (j->is_number_unsigned() && j->get<std::uint64_t>() > std::uint64_t(INT64_MAX)) {
        fail(fieldPath(where, key), "integer out of range");
        return 0;
    }
    if (!j->is_number_integer()) {
        fail(fieldPath(where, key), std::string("must be an integer, not ") + typeName(*j));
        return 0;
    }
    return j->get<std::int64_t>();
}

std::uint64_t JsonReader::unsignedInteger(const json& obj, const std::string& where,
                                          const char* key) {
    const json* j = member(obj, where, key);
    if (!j) {
        return 0;
    }
    if (!j->is_number_unsigned()) {
        fail(fieldPath(where, key), "must be a non-negative integer");
        return 0;
    }
    return j->get<std::uint64_t>();
}

bool JsonReader::boolean(const json& obj, const std::string& where, const char* key) {
    const json* j = member(obj, where, key);
    if (!j) {
        return false;
    }
    if (!j->is_boolean()) {
        fail(fieldPath(where, key), std::string("must be true or false, not ") + typeName(*j));
        return false;
    }
    return j->get<bool>();
}

std::vector<float> JsonReader::floats(const json& obj, const std::string& where, const char* key,
                                      std::size_t count) {
    const std::string text = string(obj, where, key);
    if (!ok()) {
        return {};
    }
    auto values = decodeFloats(text);
    if (!values) {
        fail(fieldPath(where, key), "not a base64 float32 array");
        return {};
    }
    if (values->size() != count) {
        fail(fieldPath(where, key),
             std::to_string(values->size()) + " floats, expected " + std::to_string(count));
        return {};
    }
    for (std::size_t i = 0; i < values->size(); ++i) {
        if (!std::isfinite((*values)[i])) {
            fail(fieldPath(where, key),
                 "value " + std::to_string(i) + " is not finite (NaN or infinity)");
            return {};
        }
    }
    return std::move(*values);
}

} // namespace styledna::profile
