// The SVG plotting helper and the formatting it relies on: analytic mappings
// of data to viewBox coordinates, clamping, non-finite data, escaping.
#include <cmath>
#include <limits>

#include <catch2/catch.hpp>

#include "core/gap/gap_text.hpp"
#include "core/gap/html_format.hpp"
#include "core/gap/svg_plot.hpp"
#include "unit/gap_report/svg_inspect.hpp"

using namespace styledna;
using namespace styledna::gap;
using styledna::test::attributeValues;
using styledna::test::geometryNumbers;
using styledna::test::pathPoints;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
} // namespace

TEST_CASE("escapeHtml replaces markup characters and control bytes", "[gap][report][format]") {
    CHECK(escapeHtml("<script>alert('x' & \"y\")</script>") ==
          "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;");
    CHECK(escapeHtml("Solar Flare (WIP 7).wav") == "Solar Flare (WIP 7).wav");
    CHECK(escapeHtml(std::string("a\0b", 3)) == "a\xef\xbf\xbd"
                                                "b");
    CHECK(escapeHtml("tab\tnew\nline") == "tab\tnew\nline");
    CHECK(escapeHtml("caf\xc3\xa9") == "caf\xc3\xa9"); // UTF-8 passes through
}

TEST_CASE("numbers for SVG and for producers", "[gap][report][format]") {
    CHECK(svgNumber(1.0) == "1");
    CHECK(svgNumber(12.346) == "12.35");
    CHECK(svgNumber(3.10) == "3.1");
    CHECK(svgNumber(-0.001) == "0");
    CHECK(svgNumber(-2.5) == "-2.5");
    CHECK(svgNumber(kNaN) == "0");
    CHECK(svgNumber(kInf) == "0");
    CHECK(formatValue(-12.34, "dB") == "-12.3 dB");
    CHECK(formatValue(180.4, "Hz") == "180 Hz");
    CHECK(formatValue(0.14, "") == "0.14");
    CHECK(formatValue(0.037, "") == "0.037");
    CHECK(formatValue(-11.8, "LUFS") == "-11.8 LUFS");
    CHECK(formatValue(8, "bars") == "8 bars");
    CHECK(formatValue(kNaN, "dB") == "n/a");
    CHECK(formatFixed(-0.04, 1) == "0.0");
}

TEST_CASE("SvgPlot maps data linearly into the plot area", "[gap][report][svg]") {
    // Default options: viewBox 960 x 340, plot area x 68..936, y 44..282.
    SvgPlot plot("t", "test");
    plot.setXRange(0, 10, "x");
    plot.setYRange(0, 100, "y");
    const SvgStyle style{"#000", "#fff", 1, 1, ""};
    plot.addMarker({5, 50}, 3, style, "centre");
    plot.addMarker({0, 0}, 3, style, "origin");
    plot.addMarker({10, 1e9}, 3, style, "clamped to the top right corner");
    const std::string svg = plot.render();
    const auto cx = attributeValues(svg, "circle", "cx");
    const auto cy = attributeValues(svg, "circle", "cy");
    REQUIRE(cx.size() >= 3);
    CHECK(cx[0] == "502"); // 68 + 0.5 * 868
    CHECK(cy[0] == "163"); // 282 - 0.5 * 238
    CHECK(cx[1] == "68");
    CHECK(cy[1] == "282");
    CHECK(cx[2] == "936");
    CHECK(cy[2] == "44");
    CHECK(plot.drawnCount() == 3);
    CHECK(svg.find("data-plot=\"t\"") != std::string::npos);
}

TEST_CASE("SvgPlot drops non-finite data and splits lines around it", "[gap][report][svg]") {
    SvgPlot plot("t", "test");
    plot.setXRange(0, 4, "x");
    plot.setYRange(-10, 10, "y", "dB");
    const SvgStyle line{"#e00", "none", 2, 1, ""};
    plot.addLine({{0, 1}, {1, 2}, {2, kNaN}, {3, 4}, {kInf, 1}, {4, -3}}, line, "wip");
    plot.addBand({0, 1, 2, 3}, {-1, kNaN, -1, -1}, {1, 1, 1, 1}, {"none", "#00f", 0, 0.2, ""});
    plot.addMarker({kNaN, 1}, 3, line, "dropped");
    plot.addRect(0, 1, kNaN, 1, line);
    plot.addXSpan(kNaN, 1, "#eee", "dropped", "dropped");
    const std::string svg = plot.render();
    // Line: {0,1},{1,2} | {3,4} | {4,-3} -> three segments; band: {0} | {2,3} -> two.
    CHECK(plot.drawnCount() == 5);
    for (const double v : geometryNumbers(svg)) {
        REQUIRE(std::isfinite(v));
    }
    const std::string lower = styledna::test::lowerCase(svg);
    CHECK(lower.find("nan") == std::string::npos);
    CHECK(lower.find("inf") == std::string::npos);
    const auto paths = attributeValues(svg, "path", "d");
    REQUIRE(paths.size() == 5);
    CHECK(pathPoints(paths.back()).size() == 2); // a lone point: M p L p (round cap shows it)
}

TEST_CASE("SvgPlot repairs empty and inverted ranges", "[gap][report][svg]") {
    SvgPlot plot("t", "test");
    plot.setXRange(5, 5, "x");
    plot.setYRange(kNaN, 3, "y");
    plot.addMarker({5, 0.5}, 3, {"#000", "#fff", 1, 1, ""}, "");
    const std::string svg = plot.render();
    for (const double v : geometryNumbers(svg)) {
        REQUIRE(std::isfinite(v));
    }
    CHECK(attributeValues(svg, "circle", "cx").front() == "502"); // x range became [4, 6]
}

TEST_CASE("SvgPlot escapes every text it writes", "[gap][report][svg]") {
    SvgPlot plot("t\"><script>", "<b>title</b>");
    plot.setXCategories({"<script>alert(1)</script>\nsecond line", "ok"}, "x & y");
    plot.setYRange(0, 1, "<i>y</i>", "<u>");
    const SvgStyle style{"#000\" onload=\"x", "#fff", 1, 1, ""};
    plot.addMarker({0.5, 0.5}, 3, style, "</title><script>", "<value>", "<legend>");
    plot.addXSpan(0, 2, "#eee", "<span label>", "<tip>");
    const std::string svg = plot.render();
    CHECK(svg.find("<script") == std::string::npos);
    CHECK(svg.find("<b>") == std::string::npos);
    CHECK(svg.find("<i>") == std::string::npos);
    CHECK(svg.find("<value>") == std::string::npos);
    CHECK(svg.find("<legend>") == std::string::npos);
    CHECK(svg.find("onload=\"") == std::string::npos);
    CHECK(svg.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(svg.find("second line") != std::string::npos); // '\n' splits a category label
}

TEST_CASE("SvgPlot cuts category labels wider than their category", "[gap][report][svg]") {
    SvgPlot::Options options;
    options.width = 300; // plot area 208 units: 52 per category, room for 6 characters
    SvgPlot plot("t", "test", options);
    plot.setXCategories(
        {"whole mix\ntonal_balance_low_mid_db", "intro", "d\xc3\xa9j\xc3\xa0 vu!", "x"}, "");
    plot.setYRange(0, 1, "y");
    const std::string svg = plot.render();
    CHECK(svg.find(">whole\xe2\x80\xa6</text>") != std::string::npos);
    CHECK(svg.find(">tonal\xe2\x80\xa6</text>") != std::string::npos);
    CHECK(svg.find(">intro</text>") != std::string::npos);
    CHECK(svg.find(">d\xc3\xa9j\xc3\xa0 \xe2\x80\xa6</text>") !=
          std::string::npos); // cut between code points
}
