#pragma once
// Text and number formatting for the HTML report (html_report.hpp) and its SVG
// plots (svg_plot.hpp). Everything that reaches the document from data goes
// through escapeHtml(); every number written into SVG goes through svgNumber().
// Threads: pure functions.

#include <string>

namespace styledna::gap {

// Safe in text and in double- or single-quoted attribute values: & < > " ' are
// replaced by entities; C0 control characters other than tab, LF and CR (not
// allowed in HTML) become U+FFFD. Other bytes pass unchanged.
std::string escapeHtml(const std::string& text);

// A coordinate for an SVG attribute: at most 2 decimals, trailing zeros and
// "-0" removed. Non-finite input writes "0" (callers drop non-finite data
// before it gets here; this is the last line of defence against "nan").
std::string svgNumber(double value);

// A plain number with `decimals` decimals (no unit); "n/a" when non-finite.
std::string formatFixed(double value, int decimals);

// Decimals for a unit and magnitude in plots and tables: dB / dBFS / dBTP /
// LU / LUFS / bpm / s 1, Hz, bars and ms 0, unitless 2 (3 below 0.1).
// Values with their unit in words come from formatValue() (gap_text.hpp), the
// same formatter the sentences use.
int decimalsForUnit(const std::string& unit, double magnitude);

} // namespace styledna::gap
