#pragma once
// The HTML report's stylesheet (inlined into every report by html_report.cpp):
// system font stack, dark text on a light page, content at most 1100 px wide,
// plots scaling with the page, one column below 800 px. Severity colours:
// high #c92a2a, medium #e67700, low #5c940d.

namespace styledna::gap {

inline constexpr const char* kHtmlReportCss = R"css(
:root{--ink:#1d2330;--muted:#5c6370;--line:#e3e6ea;--bg:#f4f5f7;--card:#fff;
--high:#c92a2a;--medium:#e67700;--low:#5c940d;--accent:#1f5fa8}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",
"Liberation Sans",sans-serif}
main.report{max-width:1100px;margin:0 auto;padding:28px 20px 48px;overflow-wrap:anywhere}
h1{font-size:28px;line-height:1.2;margin:0 0 12px;word-break:break-word}
h2{font-size:19px;margin:0 0 12px}
h3{font-size:16px;margin:18px 0 8px}
h4{font-size:14px;margin:0 0 4px;color:var(--muted);font-weight:600}
.eyebrow{margin:0;color:var(--accent);font-weight:600;font-size:13px;letter-spacing:.06em;
text-transform:uppercase}
.muted{color:var(--muted)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0;font-size:14px}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;word-break:break-all}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 22px;
margin:18px 0;box-shadow:0 1px 2px rgba(20,30,50,.05)}
.conformance{display:grid;grid-template-columns:minmax(200px,1fr) 2fr;gap:4px 28px;
align-items:start}
.conformance h2{grid-column:1/-1}
.score{font-size:52px;font-weight:700;line-height:1;margin:4px 0 12px}
.score span{font-size:17px;font-weight:500;color:var(--muted);margin-left:6px}
.score.good{color:#2b8a3e}.score.fair{color:var(--medium)}.score.poor{color:var(--high)}
.meter{height:10px;border-radius:5px;background:#e9ecef;overflow:hidden}
.meter .fill{height:100%}
.fill.good{background:#2b8a3e}.fill.fair{background:var(--medium)}.fill.poor{background:var(--high)}
table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;
white-space:nowrap;overflow-wrap:normal}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
td.rank{color:var(--muted);width:2.5em}
.detail{color:var(--muted);font-size:13px}
.chip{display:inline-block;white-space:nowrap;overflow-wrap:normal;min-width:62px;text-align:center;padding:1px 10px;border-radius:999px;
font-size:12px;font-weight:700;color:#fff;text-transform:uppercase;letter-spacing:.04em}
.chip.high{background:var(--high)}.chip.medium{background:var(--medium)}
.chip.low{background:var(--low)}
.tag{display:inline-block;margin:4px 6px 0 0;padding:0 8px;border-radius:4px;font-size:12px;
background:#edf2ff;color:#364fc7}
.tag.warn{background:#fff0f6;color:#a61e4d}
.category{margin:0 10px;color:var(--muted);font-size:13px;font-weight:600}
ol.top-issues{list-style:none;margin:0;padding:0}
li.issue{display:grid;grid-template-columns:minmax(260px,1fr) minmax(0,620px);gap:4px 24px;
padding:14px 0 14px 14px;border-top:1px solid var(--line);border-left:4px solid var(--low)}
li.issue:first-child{border-top:0}
li.issue.high{border-left-color:var(--high)}li.issue.medium{border-left-color:var(--medium)}
li.issue>*{grid-column:1}
li.issue>figure{grid-column:2;grid-row:1/span 5;margin:0}
li.issue h3{margin:6px 0 2px;font-size:17px}
.explanation{margin:2px 0 6px}
dl.numbers{display:grid;grid-template-columns:max-content 1fr;gap:0 10px;margin:0;font-size:13px;
font-variant-numeric:tabular-nums}
dl.numbers dt{color:var(--muted)}
dl.numbers dd{margin:0}
ul.places{margin:0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:4px}
ul.places li{padding:0 8px;border-radius:4px;background:#f1f3f5;font-size:13px}
ul.places li.out{background:#fff4e6;color:#a34700;font-weight:600}
.where{font-size:13px;color:var(--muted);margin-top:6px}
.count{display:inline-block;min-width:22px;padding:0 6px;border-radius:11px;background:#e9ecef;
font-size:12px;text-align:center;color:var(--muted)}
.issue-title{font-weight:600}
table.gaps{table-layout:fixed}
table.gaps th.rank{width:3em}table.gaps th.sev{width:7.5em}table.gaps th.where{width:22%}
table.gaps th.numbers{width:15em}
table.gaps .explanation{font-size:14px;color:#343a40}
figure.plot-figure{margin:8px 0 26px}
figure.plot-figure h3{margin-top:10px}
figcaption{font-size:13px;color:var(--muted);margin-top:6px}
svg.plot{display:block;width:100%;height:auto;overflow:visible}
svg.plot text{font-family:inherit;fill:#3d4451}
svg.plot .tick{font-size:12px;fill:#5c6370}
svg.plot .axis{font-size:12.5px;fill:#5c6370}
svg.plot .legend text{font-size:12.5px}
svg.plot .span{font-size:12px;font-weight:600;fill:#495057}
svg.plot .value{font-size:12px;font-weight:700}
.note{font-style:italic}
.na{padding:14px 16px;border:1px dashed #ced4da;border-radius:8px;color:var(--muted);
background:#fafbfc}
.ok{color:#2b8a3e;font-weight:600}
.sim{display:inline-block;width:60px;height:6px;margin-right:8px;border-radius:3px;
background:#e9ecef;vertical-align:middle;overflow:hidden}
.sim span{display:block;height:100%;background:var(--accent)}
details summary{cursor:pointer;font-weight:600;font-size:16px}
table.comparisons{margin-top:10px;font-size:13px}
table.comparisons tr.out td{background:#fff8f0}
footer{margin-top:28px;font-size:12px;color:var(--muted);text-align:center}
@media (max-width:800px){.conformance{grid-template-columns:1fr}
li.issue{grid-template-columns:1fr}li.issue>figure{grid-column:1;grid-row:auto}
th,td{padding:6px}table.gaps{table-layout:auto}}
)css";

} // namespace styledna::gap
