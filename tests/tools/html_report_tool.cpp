// Test tool for tests/unit/gap_report/chromium_check.py: writes the HTML
// report of the hand-made fixture (tests/unit/gap_report/report_fixture.hpp).
//
// Usage: html_report_tool OUTPUT.html [normal | hostile | sparse]
//   normal   the fixture as it is (every plot has its data)
//   hostile  names carrying markup and script: the path, profile, cluster
//            label, a gap title, a section label; a browser must run none of it
//            (the injected script would set data-pwned on <html>)
//   sparse   no energy series, no reference statistics: notes instead of
//            plots where the WIP lacks data, WIP-only plots elsewhere
// Exit status 0 on success, 1 with a message on stderr otherwise.
#include <cstdio>
#include <fstream>
#include <string>

#include "core/gap/html_report.hpp"
#include "unit/gap_report/report_fixture.hpp"

using namespace styledna;

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: html_report_tool OUTPUT.html [normal|hostile|sparse]\n");
        return 1;
    }
    const std::string variant = argc == 3 ? argv[2] : "normal";
    auto f = test::reportFixture();
    if (variant == "hostile") {
        const std::string evil = "<script>document.documentElement.dataset.pwned='1'</script>"
                                 "<img src=x onerror=\"document.documentElement.dataset.pwned="
                                 "'2'\">";
        f.report.wip_path = "/tmp/" + evil + ".wav";
        f.report.profile = evil;
        f.report.cluster_label = evil;
        f.report.gaps[0].title = evil;
        f.report.gaps[0].evidence[0].section = evil;
        f.wip.features.sections[0].label = evil;
    } else if (variant == "sparse") {
        f.wip.features.series.clear();
        f.profile.stats.clear();
        f.profile.clusters.clear();
    } else if (variant != "normal") {
        std::fprintf(stderr, "html_report_tool: unknown variant '%s'\n", variant.c_str());
        return 1;
    }
    std::ofstream out(argv[1], std::ios::binary);
    out << gap::renderHtmlReport(f.report, f.wip, f.profile);
    out.close();
    if (!out) {
        std::fprintf(stderr, "html_report_tool: %s: cannot write\n", argv[1]);
        return 1;
    }
    return 0;
}
