#pragma once
// Reading back what the HTML report wrote (tests only): one <svg> element by
// its data-plot name, the numbers of its geometry attributes, the points of a
// path, and the elements of a tag. String scanning, no HTML parser: enough for
// markup our own code writes.

#include <string>
#include <vector>

namespace styledna::test {

// The <svg ... data-plot="name" ...>...</svg> element, or "" when absent.
std::string svgElement(const std::string& html, const std::string& plot_name);

// Every number in the geometry attributes of an SVG fragment (d, x, y, x1, x2,
// y1, y2, cx, cy, r, width, height), parsed with strtod; a token that does not
// parse becomes NaN so a finiteness check catches it.
std::vector<double> geometryNumbers(const std::string& svg);

// The value of attribute `name` of each element `<tag ...>` in order
// (elements without it are skipped).
std::vector<std::string> attributeValues(const std::string& svg, const std::string& tag,
                                         const std::string& name);

// (x, y) pairs of an SVG path's "M x y L x y ..." data.
struct PathPoint {
    double x = 0, y = 0;
};
std::vector<PathPoint> pathPoints(const std::string& d);

// Occurrences of `needle` in `text`.
std::size_t countOf(const std::string& text, const std::string& needle);

std::string lowerCase(std::string text);

} // namespace styledna::test
