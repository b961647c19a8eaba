// renderHtmlReport(): the three plots with finite, in-view geometry; the
// tables; escaping of hostile names; no remote resources; fallbacks for
// missing data; byte-identical output for identical input.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <catch2/catch.hpp>

#include "core/gap/html_report.hpp"
#include "unit/gap_report/report_fixture.hpp"
#include "unit/gap_report/svg_inspect.hpp"

using namespace styledna;
using namespace styledna::test;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const char* const kPlots[] = {"tonal_balance", "energy_per_bar", "stereo_width"};

std::string render(const ReportFixture& f) {
    return gap::renderHtmlReport(f.report, f.wip, f.profile);
}

// The viewBox's width and height.
std::pair<double, double> viewBox(const std::string& svg) {
    const std::size_t at = svg.find("viewBox=\"0 0 ");
    REQUIRE(at != std::string::npos);
    double w = 0, h = 0;
    REQUIRE(std::sscanf(svg.c_str() + at + 13, "%lf %lf", &w, &h) == 2);
    return {w, h};
}

// Every geometry number finite and every shape inside the viewBox (text may
// sit in the margins, shapes may not leave the element).
void requireSaneGeometry(const std::string& svg) {
    const auto [w, h] = viewBox(svg);
    const auto numbers = geometryNumbers(svg);
    REQUIRE(!numbers.empty());
    for (const double v : numbers) {
        REQUIRE(std::isfinite(v));
        REQUIRE(v >= -1e-9);
        REQUIRE(v <= std::max(w, h) + 1e-9);
    }
    const std::string lower = lowerCase(svg);
    CHECK(lower.find("nan") == std::string::npos);
    CHECK(lower.find("infinity") == std::string::npos);
}

// The WIP's line (stroke of the WIP colour) in a plot's SVG.
std::vector<PathPoint> wipLine(const std::string& svg) {
    std::vector<PathPoint> points;
    for (std::size_t at = svg.find("<path "); at != std::string::npos;
         at = svg.find("<path ", at + 1)) {
        const std::string element = svg.substr(at, svg.find('>', at) - at);
        if (element.find("stroke=\"#e8590c\"") != std::string::npos) {
            const auto d = attributeValues(element + ">", "path", "d");
            for (const auto& p : pathPoints(d.front())) {
                if (points.empty() || p.x != points.back().x || p.y != points.back().y) {
                    points.push_back(p);
                }
            }
        }
    }
    return points;
}

} // namespace

TEST_CASE("the report holds the three plots with drawn, finite geometry", "[gap][report]") {
    const auto f = reportFixture();
    const std::string html = render(f);
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("</html>") != std::string::npos);
    for (const char* name : kPlots) {
        INFO(name);
        const std::string svg = svgElement(html, name);
        REQUIRE(!svg.empty());
        CHECK(countOf(svg, "<path ") >= 2); // the WIP and the references at least
        requireSaneGeometry(svg);
    }
    // Evidence plots of the top issues with more than one place.
    CHECK(countOf(html, "data-plot=\"gap_evidence\"") == 2);
    for (std::size_t at = html.find("data-plot=\"gap_evidence\""); at != std::string::npos;
         at = html.find("data-plot=\"gap_evidence\"", at + 1)) {
        requireSaneGeometry(svgElement(html.substr(html.rfind("<svg", at)), "gap_evidence"));
    }
}

TEST_CASE("tonal balance: one WIP point per band, louder bands drawn higher", "[gap][report]") {
    const auto f = reportFixture();
    const auto points = wipLine(svgElement(render(f), "tonal_balance"));
    const char* const bands[] = {"sub", "low", "low_mid", "mid", "high_mid", "high", "air"};
    REQUIRE(points.size() == 7);
    for (std::size_t i = 1; i < 7; ++i) {
        CHECK(points[i].x > points[i - 1].x);
        const double a =
            f.wip.features.values.at(std::string("tonal_balance_") + bands[i - 1] + "_db");
        const double b = f.wip.features.values.at(std::string("tonal_balance_") + bands[i] + "_db");
        CHECK((a > b) == (points[i - 1].y < points[i].y)); // SVG y grows downwards
    }
    // Both bands: the profile's and the compared cluster's (dashed outline).
    const std::string svg = svgElement(render(f), "tonal_balance");
    CHECK(svg.find("cluster 1 (uplifting) p10-p90") != std::string::npos);
    CHECK(svg.find("references p10-p90") != std::string::npos);
}

TEST_CASE("energy per bar: one point per bar and a labelled span per section", "[gap][report]") {
    const auto f = reportFixture();
    const std::string svg = svgElement(render(f), "energy_per_bar");
    const auto& series = f.wip.features.series.at("energy_per_bar_db");
    const auto points = wipLine(svg);
    REQUIRE(points.size() == series.size());
    const std::string spans = svg.substr(0, svg.find("<g class=\"axes\">"));
    CHECK(countOf(spans, "<rect ") == f.wip.features.sections.size());
    CHECK(spans.find(">breakdown</text>") != std::string::npos);
    CHECK(spans.find("breakdown: bars 33-40 (8 bars)") != std::string::npos);
    CHECK(svg.find("references p10-p90") != std::string::npos);
}

TEST_CASE("a silent bar sits on the axis instead of stretching the scale", "[gap][report]") {
    auto f = reportFixture();
    auto& series = f.wip.features.series["energy_per_bar_db"];
    series.front() = -120.0;
    series.back() = kNaN;
    const std::string svg = svgElement(render(f), "energy_per_bar");
    requireSaneGeometry(svg);
    const auto points = wipLine(svg);
    REQUIRE(points.size() == series.size() - 1); // the NaN bar is left out
    CHECK(points.front().y == Approx(340 - 58)); // clamped onto the x axis
    // The scale still resolves the music: the drops and breakdowns lie > 50 px apart.
    double lo = 1e9, hi = -1e9;
    for (std::size_t i = 1; i < points.size(); ++i) {
        lo = std::min(lo, points[i].y);
        hi = std::max(hi, points[i].y);
    }
    CHECK(hi - lo > 50);
}

TEST_CASE("gaps are grouped by category in the report's order", "[gap][report]") {
    auto f = reportFixture();
    gap::Gap odd = f.report.gaps.back();
    odd.category = "mastering_extras";
    odd.title = "An uncategorised issue";
    f.report.gaps.push_back(odd);
    const std::string html = render(f);
    std::vector<std::size_t> at;
    for (const char* c : {"loudness", "tonal_balance", "low_end", "sidechain", "sound_design",
                          "arrangement", "mastering_extras"}) {
        at.push_back(html.find(std::string("data-category=\"") + c + "\""));
        INFO(c);
        REQUIRE(at.back() != std::string::npos);
    }
    CHECK(std::is_sorted(at.begin(), at.end()));
    CHECK(html.find("data-category=\"stereo\"") == std::string::npos); // no gap there
    CHECK(html.find("chip high") != std::string::npos);
    CHECK(html.find("chip medium") != std::string::npos);
    CHECK(html.find("chip low") != std::string::npos);
    CHECK(html.find("style choice") != std::string::npos);
    // Where it shows, from the evidence: intro, bass stem, outro, whole mix, drop.
    CHECK(html.find(">bass stem</li>") != std::string::npos);
    CHECK(html.find(">bass stem, drop</li>") == std::string::npos);
    CHECK(html.find(">other stem, drop</li>") != std::string::npos);
    // Header, conformance, nearest references.
    CHECK(html.find("Solar Flare (WIP 7).wav") != std::string::npos);
    CHECK(html.find("&ldquo;uplifting&rdquo;") != std::string::npos);
    CHECK(html.find(">62<span>") != std::string::npos); // 61.7 rounds to 62
    CHECK(html.find("40.8 of 70.0 weighted features in range") != std::string::npos);
    CHECK(html.find("Aurora Skies - Skyline (Extended Mix).wav") != std::string::npos);
    CHECK(html.find("0.910") != std::string::npos);
}

TEST_CASE("hostile names are escaped everywhere", "[gap][report]") {
    auto f = reportFixture();
    const std::string evil = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    f.report.wip_path = "/tmp/" + evil + ".wav";
    f.report.profile = evil;
    f.report.cluster_label = evil;
    f.report.gaps[0].title = evil;
    f.report.gaps[0].explanation = evil;
    f.report.gaps[0].category = evil;
    f.report.gaps[0].evidence[0].section = evil;
    f.report.gaps[1].evidence[0].stem = evil;
    f.report.conformance_parts[0].detail = evil;
    f.report.nearest_references[0].path = evil;
    f.report.nearest_references[0].label = evil;
    f.report.comparisons[0].feature = evil;
    f.report.comparisons[0].basis = evil;
    f.wip.features.sections[0].label = evil;
    f.wip.features.labels["key"] = evil;
    f.wip.analyzer_version = evil;
    const std::string html = render(f);
    const std::string lower = lowerCase(html);
    CHECK(lower.find("<script") == std::string::npos);
    CHECK(lower.find("<img") == std::string::npos);
    CHECK(countOf(html, "&lt;img src=x onerror=alert(2)&gt;") >= 10); // text, not a tag
    CHECK(countOf(html, "&lt;script&gt;alert(1)&lt;/script&gt;") >= 10);
    for (const char* name : kPlots) {
        requireSaneGeometry(svgElement(html, name));
    }
}

TEST_CASE("the report loads nothing from anywhere", "[gap][report]") {
    const std::string lower = lowerCase(render(reportFixture()));
    CHECK(lower.find("http://") == std::string::npos);
    CHECK(lower.find("https://") == std::string::npos);
    CHECK(lower.find("//cdn") == std::string::npos);
    CHECK(lower.find(" src=") == std::string::npos);
    CHECK(lower.find(" href=") == std::string::npos);
    CHECK(lower.find("url(") == std::string::npos);
    CHECK(lower.find("@import") == std::string::npos);
    CHECK(lower.find("<script") == std::string::npos); // plots need no script
    CHECK(lower.find("<link") == std::string::npos);
    CHECK(lower.find("<iframe") == std::string::npos);
    CHECK(lower.find("default-src 'none'") != std::string::npos); // and the browser enforces it
}

TEST_CASE("missing WIP data gives a note instead of the plot", "[gap][report][missing]") {
    auto f = reportFixture();
    f.wip.features.series.clear();
    f.wip.features.values.clear();
    const std::string html = render(f);
    for (const char* name : kPlots) {
        INFO(name);
        CHECK(svgElement(html, name).empty());
        CHECK(html.find(std::string("data-figure=\"") + name + "\"") != std::string::npos);
    }
    CHECK(html.find("Tonal balance is not available") != std::string::npos);
    CHECK(html.find("Energy per bar is not available") != std::string::npos);
    CHECK(html.find("Stereo width is not available") != std::string::npos);

    // A series of NaN and silence only is as good as none.
    auto g = reportFixture();
    g.wip.features.series["energy_per_bar_db"] = {kNaN, -120.0, kNaN};
    CHECK(svgElement(render(g), "energy_per_bar").empty());
}

TEST_CASE("missing reference statistics: the WIP alone, with a note", "[gap][report][missing]") {
    auto f = reportFixture();
    f.profile.stats.clear();
    f.profile.clusters.clear(); // the report still names cluster 1
    const std::string html = render(f);
    for (const char* name : kPlots) {
        INFO(name);
        const std::string svg = svgElement(html, name);
        REQUIRE(!svg.empty());
        requireSaneGeometry(svg);
        CHECK(wipLine(svg).size() + countOf(svg, "<circle ") > 0);
        CHECK(svg.find("references p10-p90") == std::string::npos);
    }
    CHECK(html.find("Not shown: the profile has no tonal balance statistics and cluster 1 "
                    "(uplifting) has no tonal balance statistics.") != std::string::npos);
    CHECK(html.find("the profile has no energy curve") != std::string::npos);
}

TEST_CASE("non-finite values anywhere never reach the document", "[gap][report][missing]") {
    auto f = reportFixture();
    f.wip.features.values["tonal_balance_mid_db"] = kNaN;
    f.wip.features.values["stereo_width_high"] = std::numeric_limits<double>::infinity();
    for (auto& s : f.profile.stats) {
        if (s.name == "tonal_balance_air_db" || s.name == "arrangement.energy_curve.05" ||
            s.name == "stereo_width_mid") {
            s.p10 = kNaN;
        }
    }
    f.report.conformance_score = kNaN;
    f.report.gaps[0].wip_value = kNaN;
    f.report.gaps[0].evidence[1].range_high = kNaN;
    f.report.nearest_references[0].similarity = kNaN;
    const std::string html = render(f);
    for (const char* name : kPlots) {
        INFO(name);
        const std::string svg = svgElement(html, name);
        REQUIRE(!svg.empty());
        requireSaneGeometry(svg);
    }
    const std::string lower = lowerCase(html);
    CHECK(lower.find("nan") == std::string::npos);
    CHECK(lower.find("inf ") == std::string::npos);
    CHECK(html.find("yours</dt><dd>n/a") != std::string::npos);
    // The tonal line splits around the missing band: 6 points in two pieces.
    CHECK(wipLine(svgElement(html, "tonal_balance")).size() == 6);
}

TEST_CASE("an empty report still renders every part", "[gap][report][missing]") {
    const gap::GapReport report;
    const core::TrackAnalysis wip;
    const profile::Profile profile;
    const std::string html = gap::renderHtmlReport(report, wip, profile);
    CHECK(html.find("No issues") != std::string::npos);
    CHECK(html.find("Nearest references") != std::string::npos);
    CHECK(html.find("the whole profile") != std::string::npos);
    CHECK(html.find("Untitled track") != std::string::npos);
    CHECK(html.find("<svg") == std::string::npos);
    CHECK(html.find("</html>") != std::string::npos);
}

TEST_CASE("one bar, one section, no cluster", "[gap][report][missing]") {
    auto f = reportFixture();
    f.report.cluster = -1;
    f.report.cluster_label.clear();
    f.wip.features.series["energy_per_bar_db"] = {-10.0};
    f.wip.features.sections.resize(1);
    f.wip.features.sections[0].start_bar = 0;
    f.wip.features.sections[0].bars = 1;
    const std::string html = render(f);
    const std::string svg = svgElement(html, "energy_per_bar");
    REQUIRE(!svg.empty());
    requireSaneGeometry(svg);
    CHECK(wipLine(svg).size() == 1);
    CHECK(html.find("cluster 1") == std::string::npos);
    CHECK(html.find("the whole profile") != std::string::npos);
}

TEST_CASE("the same input renders the same bytes", "[gap][report]") {
    const auto a = reportFixture();
    const auto b = reportFixture();
    const std::string first = render(a);
    CHECK(render(a) == first);
    CHECK(render(b) == first);
    CHECK(first.size() > 20000);
}
