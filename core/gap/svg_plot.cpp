#include "core/gap/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/gap/html_format.hpp"

namespace styledna::gap {
namespace {

constexpr const char* kAxisColour = "#5c6370";
constexpr const char* kGridColour = "#e6e8ec";
constexpr double kCharWidth = 7.0; // mean advance of a 12.5 px system sans character
constexpr double kLegendRowHeight = 16.0;

bool finite(double v) {
    return std::isfinite(v);
}

// Characters, not bytes, of UTF-8 text (for width estimates).
double textWidth(const std::string& text) {
    std::size_t chars = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) {
            ++chars;
        }
    }
    return static_cast<double>(chars) * kCharWidth;
}

// `text` cut at a code point so that it fits `width` (estimated), with an
// ellipsis when cut.
std::string fitText(const std::string& text, double width) {
    if (textWidth(text) <= width) {
        return text;
    }
    std::string out;
    double used = kCharWidth; // the ellipsis
    for (std::size_t i = 0; i < text.size();) {
        std::size_t next = i + 1;
        while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xc0) == 0x80) {
            ++next;
        }
        if (used + kCharWidth > width) {
            break;
        }
        out.append(text, i, next - i);
        used += kCharWidth;
        i = next;
    }
    return out + "\xe2\x80\xa6"; // U+2026
}

// 1, 2, 2.5 or 5 times a power of ten, close to range / target.
double niceStep(double range, int target) {
    const double raw = range / std::max(1, target);
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double m = raw / power;
    const double mantissa = m < 1.5 ? 1.0 : m < 2.25 ? 2.0 : m < 3.5 ? 2.5 : m < 7.5 ? 5.0 : 10.0;
    return mantissa * power;
}

int stepDecimals(double step) {
    int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    if (std::fabs(step / std::pow(10.0, -decimals) - std::round(step / std::pow(10.0, -decimals))) >
        1e-6) {
        ++decimals; // 2.5 x 10^k
    }
    return decimals;
}

std::vector<SvgTick> niceTicks(double lo, double hi, const std::string& unit) {
    std::vector<SvgTick> ticks;
    const double step = niceStep(hi - lo, 5);
    const int decimals = stepDecimals(step);
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
        std::string label = formatFixed(std::fabs(v) < step * 1e-9 ? 0.0 : v, decimals);
        if (!unit.empty()) {
            label += ' ';
            label += unit;
        }
        ticks.push_back({v, std::move(label)});
    }
    return ticks;
}

void sanitizeRange(double& lo, double& hi) {
    if (!finite(lo) || !finite(hi)) {
        lo = 0;
        hi = 1;
    } else if (lo >= hi) {
        const double centre = lo;
        lo = centre - 1;
        hi = centre + 1;
    }
}

std::string attr(const char* name, double value) {
    std::string s = " ";
    s += name;
    s += "=\"";
    s += svgNumber(value);
    s += '"';
    return s;
}

std::string titleElement(const std::string& tooltip) {
    if (tooltip.empty()) {
        return {};
    }
    std::string s = "<title>";
    s += escapeHtml(tooltip);
    s += "</title>";
    return s;
}

std::string textElement(double x, double y, const std::string& anchor, const std::string& cls,
                        const std::string& text) {
    std::string s = "<text";
    s += attr("x", x);
    s += attr("y", y);
    s += " text-anchor=\"" + anchor + "\" class=\"" + cls + "\">";
    s += escapeHtml(text);
    s += "</text>";
    return s;
}

} // namespace

SvgPlot::SvgPlot(std::string name, std::string title, Options options)
    : m_name(std::move(name)), m_title(std::move(title)), m_options(options) {}

void SvgPlot::setXRange(double lo, double hi, std::string label, std::string tick_unit) {
    sanitizeRange(lo, hi);
    m_x.lo = lo;
    m_x.hi = hi;
    m_x.label = std::move(label);
    m_x.tick_unit = std::move(tick_unit);
    m_x.categories.clear();
}

void SvgPlot::setXCategories(std::vector<std::string> names, std::string label) {
    m_x.lo = 0;
    m_x.hi = std::max<double>(1.0, static_cast<double>(names.size()));
    m_x.label = std::move(label);
    m_x.categories = std::move(names);
}

void SvgPlot::setYRange(double lo, double hi, std::string label, std::string tick_unit) {
    sanitizeRange(lo, hi);
    m_y.lo = lo;
    m_y.hi = hi;
    m_y.label = std::move(label);
    m_y.tick_unit = std::move(tick_unit);
}

void SvgPlot::setXTicks(std::vector<SvgTick> ticks) {
    m_x.ticks = std::move(ticks);
}

double SvgPlot::px(double x) const {
    const double left = m_options.margin_left;
    const double right = m_options.width - m_options.margin_right;
    const double t = (std::clamp(x, m_x.lo, m_x.hi) - m_x.lo) / (m_x.hi - m_x.lo);
    return left + t * (right - left);
}

double SvgPlot::py(double y) const {
    const double top = m_options.margin_top;
    const double bottom = m_options.height - m_options.margin_bottom;
    const double t = (std::clamp(y, m_y.lo, m_y.hi) - m_y.lo) / (m_y.hi - m_y.lo);
    return bottom - t * (bottom - top);
}

std::string SvgPlot::styleAttributes(const SvgStyle& style) const {
    std::string s = " fill=\"" + escapeHtml(style.fill) + "\"";
    if (style.fill != "none" && style.fill_opacity < 1.0) {
        s += attr("fill-opacity", style.fill_opacity);
    }
    s += " stroke=\"" + escapeHtml(style.stroke) + "\"";
    if (style.stroke != "none") {
        s += attr("stroke-width", style.stroke_width);
        if (!style.dash.empty()) {
            s += " stroke-dasharray=\"" + escapeHtml(style.dash) + "\"";
        }
    }
    return s;
}

void SvgPlot::addLegend(const std::string& kind, const SvgStyle& style, const std::string& label) {
    if (!label.empty()) {
        m_legend.push_back({kind, style, label});
    }
}

void SvgPlot::addLine(const std::vector<SvgPoint>& points, const SvgStyle& style,
                      const std::string& legend) {
    std::string d;
    std::size_t in_segment = 0;
    auto flush = [&] {
        if (in_segment > 0) {
            m_lines += "<path d=\"" + d + "\"" + styleAttributes(style) +
                       " stroke-linejoin=\"round\" stroke-linecap=\"round\"/>";
            ++m_drawn;
        }
        d.clear();
        in_segment = 0;
    };
    for (const auto& p : points) {
        if (!finite(p.x) || !finite(p.y)) {
            flush();
            continue;
        }
        const std::string xy = svgNumber(px(p.x)) + " " + svgNumber(py(p.y));
        if (in_segment == 0) {
            d += "M" + xy + " L" + xy; // a lone point still draws (round cap)
        } else {
            d += " L" + xy;
        }
        ++in_segment;
    }
    flush();
    addLegend("line", style, legend);
}

void SvgPlot::addBand(const std::vector<double>& x, const std::vector<double>& lo,
                      const std::vector<double>& hi, const SvgStyle& style,
                      const std::string& legend) {
    const std::size_t n = std::min({x.size(), lo.size(), hi.size()});
    std::vector<std::size_t> segment;
    auto flush = [&] {
        if (segment.empty()) {
            return;
        }
        // A lone point becomes a sliver 6 units wide, so it still shows.
        const double widen = segment.size() == 1 ? 3.0 : 0.0;
        std::string d;
        for (std::size_t k = 0; k < segment.size(); ++k) {
            const std::size_t i = segment[k];
            d += k == 0 ? "M" : " L";
            d += svgNumber(px(x[i]) - widen) + " " + svgNumber(py(hi[i]));
        }
        if (widen > 0) {
            d += " L" + svgNumber(px(x[segment[0]]) + widen) + " " + svgNumber(py(hi[segment[0]]));
            d += " L" + svgNumber(px(x[segment[0]]) + widen) + " " + svgNumber(py(lo[segment[0]]));
        }
        for (std::size_t k = segment.size(); k-- > 0;) {
            const std::size_t i = segment[k];
            d += " L" + svgNumber(px(x[i]) - widen) + " " + svgNumber(py(lo[i]));
        }
        d += " Z";
        m_bands += "<path d=\"" + d + "\"" + styleAttributes(style) + "/>";
        ++m_drawn;
        segment.clear();
    };
    for (std::size_t i = 0; i < n; ++i) {
        if (finite(x[i]) && finite(lo[i]) && finite(hi[i])) {
            segment.push_back(i);
        } else {
            flush();
        }
    }
    flush();
    addLegend("band", style, legend);
}

void SvgPlot::addRect(double x0, double x1, double y0, double y1, const SvgStyle& style,
                      const std::string& tooltip, const std::string& legend) {
    if (!finite(x0) || !finite(x1) || !finite(y0) || !finite(y1)) {
        return;
    }
    const double left = std::min(px(x0), px(x1));
    const double width = std::fabs(px(x1) - px(x0));
    const double top = std::min(py(y0), py(y1));
    const double height = std::max(1.0, std::fabs(py(y1) - py(y0)));
    m_rects += "<rect" + attr("x", left) + attr("y", top) + attr("width", width) +
               attr("height", height) + styleAttributes(style) + ">" + titleElement(tooltip) +
               "</rect>";
    ++m_drawn;
    addLegend("band", style, legend);
}

void SvgPlot::addMarker(SvgPoint at, double radius, const SvgStyle& style,
                        const std::string& tooltip, const std::string& value_label,
                        const std::string& legend) {
    if (!finite(at.x) || !finite(at.y) || !finite(radius)) {
        return;
    }
    const double cx = px(at.x);
    const double cy = py(at.y);
    m_markers += "<circle" + attr("cx", cx) + attr("cy", cy) + attr("r", radius) +
                 styleAttributes(style) + ">" + titleElement(tooltip) + "</circle>";
    if (!value_label.empty()) {
        m_labels += textElement(cx + radius + 5, cy + 4, "start", "value", value_label);
    }
    ++m_drawn;
    addLegend("marker", style, legend);
}

void SvgPlot::addXSpan(double x0, double x1, const std::string& fill, const std::string& label,
                       const std::string& tooltip) {
    if (!finite(x0) || !finite(x1)) {
        return;
    }
    const double left = std::min(px(x0), px(x1));
    const double width = std::fabs(px(x1) - px(x0));
    const double top = m_options.margin_top;
    const double height = m_options.height - m_options.margin_bottom - top;
    m_spans += "<rect" + attr("x", left) + attr("y", top) + attr("width", width) +
               attr("height", height) + " fill=\"" + escapeHtml(fill) + "\">" +
               titleElement(tooltip) + "</rect>";
    if (!label.empty() && textWidth(label) + 8 <= width) {
        m_spans += textElement(left + width / 2, top + 14, "middle", "span", label);
    }
    ++m_drawn;
}

std::string SvgPlot::renderAxes() const {
    const double left = m_options.margin_left;
    const double right = m_options.width - m_options.margin_right;
    const double top = m_options.margin_top;
    const double bottom = m_options.height - m_options.margin_bottom;
    std::string s;
    // y grid and ticks
    for (const auto& tick : niceTicks(m_y.lo, m_y.hi, m_y.tick_unit)) {
        const double y = py(tick.value);
        s += "<line" + attr("x1", left) + attr("x2", right) + attr("y1", y) + attr("y2", y) +
             " stroke=\"" + kGridColour + "\"/>";
        s += textElement(left - 8, y + 4, "end", "tick", tick.label);
    }
    // x ticks
    if (!m_x.categories.empty()) {
        for (std::size_t i = 0; i < m_x.categories.size(); ++i) {
            const double x = px(static_cast<double>(i) + 0.5);
            double y = bottom + 18;
            const std::string& name = m_x.categories[i];
            const double room = px(1.0) - px(0.0) - 4.0;
            std::size_t start = 0;
            while (start <= name.size()) {
                const std::size_t end = std::min(name.find('\n', start), name.size());
                s += textElement(x, y, "middle", "tick",
                                 fitText(name.substr(start, end - start), room));
                y += 14;
                start = end + 1;
            }
        }
    } else {
        const auto ticks = m_x.ticks.empty() ? niceTicks(m_x.lo, m_x.hi, m_x.tick_unit) : m_x.ticks;
        for (const auto& tick : ticks) {
            if (!finite(tick.value) || tick.value < m_x.lo || tick.value > m_x.hi) {
                continue;
            }
            const double x = px(tick.value);
            s += "<line" + attr("x1", x) + attr("x2", x) + attr("y1", bottom) +
                 attr("y2", bottom + 5) + " stroke=\"" + kAxisColour + "\"/>";
            s += textElement(x, bottom + 18, "middle", "tick", tick.label);
        }
    }
    // axis lines and labels
    s += "<line" + attr("x1", left) + attr("x2", right) + attr("y1", bottom) + attr("y2", bottom) +
         " stroke=\"" + kAxisColour + "\"/>";
    s += "<line" + attr("x1", left) + attr("x2", left) + attr("y1", top) + attr("y2", bottom) +
         " stroke=\"" + kAxisColour + "\"/>";
    if (!m_x.label.empty()) {
        s += textElement((left + right) / 2, m_options.height - 8, "middle", "axis", m_x.label);
    }
    if (!m_y.label.empty()) {
        const double x = 16;
        const double y = (top + bottom) / 2;
        s += "<text" + attr("x", x) + attr("y", y) + " text-anchor=\"middle\" class=\"axis\"" +
             " transform=\"rotate(-90 " + svgNumber(x) + " " + svgNumber(y) + ")\">" +
             escapeHtml(m_y.label) + "</text>";
    }
    return s;
}

std::string SvgPlot::renderLegend() const {
    std::string s;
    const double start_x = m_options.margin_left;
    const double limit = m_options.width - m_options.margin_right;
    double x = start_x;
    double y = 16;
    for (const auto& entry : m_legend) {
        const double width = 30 + textWidth(entry.label) + 16;
        if (x + width > limit && x > start_x) {
            x = start_x;
            y += kLegendRowHeight;
        }
        if (entry.kind == "line") {
            SvgStyle style = entry.style;
            style.fill = "none";
            s += "<line" + attr("x1", x) + attr("x2", x + 22) + attr("y1", y - 4) +
                 attr("y2", y - 4) + styleAttributes(style) + "/>";
        } else if (entry.kind == "marker") {
            s += "<circle" + attr("cx", x + 11) + attr("cy", y - 4) + attr("r", 4.5) +
                 styleAttributes(entry.style) + "/>";
        } else {
            s += "<rect" + attr("x", x + 2) + attr("y", y - 10) + attr("width", 18) +
                 attr("height", 12) + styleAttributes(entry.style) + "/>";
        }
        s += textElement(x + 28, y, "start", "legend", entry.label);
        x += width;
    }
    return s;
}

std::string SvgPlot::render() const {
    std::string s = "<svg class=\"plot\" data-plot=\"" + escapeHtml(m_name) + "\" viewBox=\"0 0 " +
                    svgNumber(m_options.width) + " " + svgNumber(m_options.height) +
                    "\" role=\"img\" aria-label=\"" + escapeHtml(m_title) + "\">";
    s += "<g class=\"spans\">" + m_spans + "</g>";
    s += "<g class=\"axes\">" + renderAxes() + "</g>";
    s += "<g class=\"data\">" + m_bands + m_rects + m_lines + m_markers + m_labels + "</g>";
    s += "<g class=\"legend\">" + renderLegend() + "</g>";
    s += "</svg>";
    return s;
}

} // namespace styledna::gap
