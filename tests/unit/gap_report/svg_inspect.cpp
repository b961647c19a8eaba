#include "unit/gap_report/svg_inspect.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace styledna::test {
namespace {

const char* const kGeometryAttributes[] = {"d",  "x",  "y",  "x1", "x2",    "y1",
                                           "y2", "cx", "cy", "r",  "width", "height"};

// Values of ` name="..."` anywhere in the fragment.
std::vector<std::string> allValues(const std::string& svg, const std::string& name) {
    std::vector<std::string> out;
    const std::string key = " " + name + "=\"";
    for (std::size_t at = svg.find(key); at != std::string::npos; at = svg.find(key, at + 1)) {
        const std::size_t start = at + key.size();
        const std::size_t end = svg.find('"', start);
        if (end == std::string::npos) {
            break;
        }
        out.push_back(svg.substr(start, end - start));
    }
    return out;
}

} // namespace

std::string svgElement(const std::string& html, const std::string& plot_name) {
    const std::size_t attr = html.find("data-plot=\"" + plot_name + "\"");
    if (attr == std::string::npos) {
        return {};
    }
    const std::size_t start = html.rfind("<svg", attr);
    const std::size_t end = html.find("</svg>", attr);
    if (start == std::string::npos || end == std::string::npos) {
        return {};
    }
    return html.substr(start, end + 6 - start);
}

std::vector<double> geometryNumbers(const std::string& svg) {
    std::vector<double> numbers;
    for (const char* name : kGeometryAttributes) {
        for (const auto& value : allValues(svg, name)) {
            std::size_t i = 0;
            while (i < value.size()) {
                const char c = value[i];
                if (c == ' ' || c == ',' || c == 'M' || c == 'L' || c == 'Z') {
                    ++i;
                    continue;
                }
                const std::size_t end = value.find_first_of(" ,MLZ", i);
                const std::string token =
                    value.substr(i, end == std::string::npos ? std::string::npos : end - i);
                char* stop = nullptr;
                const double v = std::strtod(token.c_str(), &stop);
                const bool whole = stop != nullptr && *stop == '\0' && !token.empty();
                numbers.push_back(whole ? v : std::numeric_limits<double>::quiet_NaN());
                i = end == std::string::npos ? value.size() : end;
            }
        }
    }
    return numbers;
}

std::vector<std::string> attributeValues(const std::string& svg, const std::string& tag,
                                         const std::string& name) {
    std::vector<std::string> out;
    const std::string open = "<" + tag + " ";
    for (std::size_t at = svg.find(open); at != std::string::npos; at = svg.find(open, at + 1)) {
        const std::size_t end = svg.find('>', at);
        const std::string element = svg.substr(at, end - at);
        const auto values = allValues(element, name);
        if (!values.empty()) {
            out.push_back(values.front());
        }
    }
    return out;
}

std::vector<PathPoint> pathPoints(const std::string& d) {
    std::vector<PathPoint> points;
    std::vector<double> numbers;
    for (const auto v : geometryNumbers(" d=\"" + d + "\"")) {
        numbers.push_back(v);
    }
    for (std::size_t i = 0; i + 1 < numbers.size(); i += 2) {
        points.push_back({numbers[i], numbers[i + 1]});
    }
    return points;
}

std::size_t countOf(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + needle.size())) {
        ++n;
    }
    return n;
}

std::string lowerCase(std::string text) {
    for (auto& c : text) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return text;
}

} // namespace styledna::test
