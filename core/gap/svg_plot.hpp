#pragma once
// SvgPlot: a small plotting helper that writes one inline <svg> element for the
// HTML report (html_report.hpp). No scripts, no external resources.
//
// Coordinates: elements are added in data units and mapped, when added, into
// the plot area of a viewBox of options.width x options.height (so set both
// axes first). CSS px at 100 %; the element scales to its container's width,
// keeping the aspect ratio.
// x is numeric (setXRange) or categorical (setXCategories: category i spans
// [i, i + 1], its centre is i + 0.5). Values outside the axis ranges are
// clamped to the plot area's edge (a -120 dBFS silence floor sits on the
// axis), and non-finite values are dropped: a line or band splits into
// segments around them, a rect or marker with one is skipped. So the SVG never
// holds a non-finite number, whatever the data.
// Text (title, labels, legends, tooltips) is HTML-escaped; colours and dash
// patterns are the caller's own constants and are escaped as well.
// The element carries data-plot="<name>"; drawnCount() says how many data
// elements (lines, bands, rects, markers, spans) render() will draw.
// Threads: one instance per thread; render() is const.

#include <string>
#include <vector>

namespace styledna::gap {

struct SvgPoint {
    double x = 0, y = 0;
};

struct SvgStyle {
    std::string stroke = "none";
    std::string fill = "none";
    double stroke_width = 2.0;
    double fill_opacity = 1.0;
    std::string dash; // "" solid, else a stroke-dasharray such as "6 4"
};

struct SvgTick {
    double value = 0;
    std::string label;
};

class SvgPlot {
public:
    struct Options {
        double width = 960, height = 340; // viewBox units
        double margin_left = 68, margin_right = 24, margin_top = 44, margin_bottom = 58;
    };

    // name: the data-plot attribute; title: the accessible name (aria-label).
    SvgPlot(std::string name, std::string title, Options options);
    SvgPlot(std::string name, std::string title) : SvgPlot(std::move(name), std::move(title), {}) {}

    // Axes. The label names the quantity and its unit ("level (dB)"); tick
    // labels get tick_unit appended ("-12 dB") when it is not empty. Ranges
    // with lo >= hi or non-finite ends become [lo - 1, lo + 1] / [0, 1].
    void setXRange(double lo, double hi, std::string label, std::string tick_unit = "");
    // Category names may hold '\n' (one tick line each); a line wider than its
    // category is cut with an ellipsis.
    void setXCategories(std::vector<std::string> names, std::string label);
    void setYRange(double lo, double hi, std::string label, std::string tick_unit = "");
    // Explicit x ticks instead of the automatic "nice" ones (numeric x only).
    void setXTicks(std::vector<SvgTick> ticks);

    void addLine(const std::vector<SvgPoint>& points, const SvgStyle& style,
                 const std::string& legend = "");
    // The area between lo[i] and hi[i] at x[i] (sizes must agree; extra values
    // are ignored).
    void addBand(const std::vector<double>& x, const std::vector<double>& lo,
                 const std::vector<double>& hi, const SvgStyle& style,
                 const std::string& legend = "");
    void addRect(double x0, double x1, double y0, double y1, const SvgStyle& style,
                 const std::string& tooltip = "", const std::string& legend = "");
    // A circle of `radius` viewBox units with a tooltip and, when value_label is
    // not empty, that text written next to it.
    void addMarker(SvgPoint at, double radius, const SvgStyle& style, const std::string& tooltip,
                   const std::string& value_label = "", const std::string& legend = "");
    // A full-height shaded span [x0, x1] with a label at its top (left out
    // when the span is too narrow for it; the tooltip always has it).
    void addXSpan(double x0, double x1, const std::string& fill, const std::string& label,
                  const std::string& tooltip);

    std::size_t drawnCount() const { return m_drawn; }
    std::string render() const;

private:
    struct Axis {
        double lo = 0, hi = 1;
        std::string label, tick_unit;
        std::vector<std::string> categories; // x only; non-empty: categorical
        std::vector<SvgTick> ticks;          // explicit (x only)
    };
    struct LegendEntry {
        std::string kind; // line | band | marker
        SvgStyle style;
        std::string label;
    };

    double px(double x) const;
    double py(double y) const;
    std::string styleAttributes(const SvgStyle& style) const;
    void addLegend(const std::string& kind, const SvgStyle& style, const std::string& label);
    std::string renderAxes() const;
    std::string renderLegend() const;

    std::string m_name, m_title;
    Options m_options;
    Axis m_x, m_y;
    // Drawn elements, already as SVG markup, by layer (drawn in this order).
    std::string m_spans, m_bands, m_rects, m_lines, m_markers, m_labels;
    std::vector<LegendEntry> m_legend;
    std::size_t m_drawn = 0;
};

} // namespace styledna::gap
