#include "core/gap/html_format.hpp"

#include <cmath>
#include <cstdio>

namespace styledna::gap {

std::string escapeHtml(const std::string& text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
                c == 0x7f) {
                out += "\xef\xbf\xbd"; // U+FFFD
            } else {
                out += c;
            }
        }
    }
    return out;
}

std::string formatFixed(double value, int decimals) {
    if (!std::isfinite(value)) {
        return "n/a";
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    std::string s = buf;
    if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') {
        s.erase(0, 1); // "-0.0" -> "0.0"
    }
    return s;
}

std::string svgNumber(double value) {
    if (!std::isfinite(value)) {
        return "0";
    }
    std::string s = formatFixed(value, 2);
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') {
            s.pop_back();
        }
        if (s.back() == '.') {
            s.pop_back();
        }
    }
    return s == "-0" ? "0" : s;
}

int decimalsForUnit(const std::string& unit, double magnitude) {
    if (unit == "dB" || unit == "dBFS" || unit == "dBTP" || unit == "LU" || unit == "LUFS" ||
        unit == "bpm" || unit == "s" || unit == "dB/oct") {
        return 1;
    }
    if (unit == "Hz" || unit == "bars" || unit == "ms") {
        return 0;
    }
    return std::fabs(magnitude) < 0.1 ? 3 : 2;
}

} // namespace styledna::gap
