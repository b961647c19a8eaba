// Gap analysis benchmark (issue 13):
//  1. In-process time of analyzeGap on an already analysed WIP against a
//     profile of 24 synthesized references: median of kTimingRuns calls, with
//     its ratio to the target (20 ms) and the seed's (2 s).
//  2. Detection rate vs flaw size for the flaws near the detection limit:
//     a muddy bass bell of 1..9 dB (muddy_boost_db, frequency as drawn) and a
//     sidechain made 1..6 dB shallower than the WIP's own draw; 8 WIPs per
//     size (4 styles x 2 seeds), detected = the flaw's family among the top 3
//     gaps (and, second column, with at least medium severity); size 0 is the
//     false-alarm floor. Material: tests/unit/gap_quality/gap_corpus.hpp (tuning draw's
//     references, WIP seeds of their own).
// Usage: bench_gap [--quick] [--stems]   (--quick: timing only; --stems: the
// analyses include DSP-separated stems, AnalyzeOptions::stems, so the gaps use
// per-stem evidence too)
// Prints figures; never gates anything.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "core/gap/gap_analyzer.hpp"
#include "unit/gap_quality/gap_corpus.hpp"

using namespace styledna;

namespace {

constexpr int kTimingRuns = 200;
constexpr double kTargetMs = 20.0;
constexpr double kSeedTargetMs = 2000.0;
constexpr std::uint64_t kCurveSeed = 120000;

// Severity of the family's gap when it is among the top 3, else -1.
double top3Severity(const gap::GapReport& r, const std::string& id) {
    for (std::size_t i = 0; i < r.gaps.size() && i < 3; ++i) {
        if (r.gaps[i].id == id) {
            return r.gaps[i].severity;
        }
    }
    return -1.0;
}

struct Curve {
    const char* name;
    const char* family;
    core::SynthFlaw flaw;
    std::vector<double> sizes;
};

} // namespace

int main(int argc, char** argv) {
    bool quick = false, stems = false;
    for (int i = 1; i < argc; ++i) {
        quick = quick || std::strcmp(argv[i], "--quick") == 0;
        stems = stems || std::strcmp(argv[i], "--stems") == 0;
    }
    const auto draw = test::kTuningDraw;
    std::vector<test::TrackSpec> specs;
    for (const auto style : test::kCorpusStyles) {
        for (int i = 0; i < 6; ++i) {
            specs.push_back(test::referenceSpec(draw, style, i));
        }
    }
    specs.push_back(
        test::wipSpec(draw, core::TranceStyle::kUplifting, 0, core::SynthFlaw::kMuddyBass));
    const auto t0 = std::chrono::steady_clock::now();
    auto analyses = test::analyseTracks(specs, stems);
    const auto wip = analyses.back();
    analyses.pop_back();
    const auto profile = test::buildCorpusProfile(analyses);
    const double setup_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("setup: %zu references rendered, analysed%s and profiled in %.1f s\n",
                analyses.size(), stems ? " (with DSP stems)" : "", setup_s);

    std::vector<double> ms;
    std::size_t comparisons = 0, gaps = 0;
    for (int i = 0; i < kTimingRuns; ++i) {
        const auto a = std::chrono::steady_clock::now();
        auto r = gap::analyzeGap(wip, profile);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a)
                         .count());
        if (!r.isOk()) {
            std::fprintf(stderr, "analyzeGap: %s\n", r.status().message().c_str());
            return 1;
        }
        comparisons = r->comparisons.size();
        gaps = r->gaps.size();
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    std::printf("analyzeGap in-process: median %.2f ms, p95 %.2f ms over %d runs "
                "(%zu comparisons, %zu gaps)\n",
                median, ms[ms.size() * 95 / 100], kTimingRuns, comparisons, gaps);
    std::printf("  ratio to the issue's 20 ms target: %.3f; to the seed's 2 s: %.5f\n",
                median / kTargetMs, median / kSeedTargetMs);
    if (quick) {
        return 0;
    }

    const std::vector<Curve> curves{{"muddy bass boost (dB)",
                                     "low_mid_buildup",
                                     core::SynthFlaw::kMuddyBass,
                                     {0, 1, 3, 5, 7, 9}},
                                    {"sidechain shallower by (dB)",
                                     "weak_sidechain",
                                     core::SynthFlaw::kWeakSidechain,
                                     {0, 1, 2, 4, 6}}};
    for (const auto& curve : curves) {
        std::printf("\n%-30s top 3         top 3 and >= medium\n", curve.name);
        for (const double size : curve.sizes) {
            std::vector<test::TrackSpec> wips;
            for (const auto style : test::kCorpusStyles) {
                for (int i = 0; i < 2; ++i) {
                    const auto seed = kCurveSeed + 100 * static_cast<std::uint64_t>(style) +
                                      static_cast<std::uint64_t>(i);
                    test::TrackSpec spec;
                    spec.name = std::string("curve-")
                                    .append(curve.family)
                                    .append("-")
                                    .append(std::to_string(static_cast<int>(size)))
                                    .append("-")
                                    .append(std::to_string(seed));
                    if (curve.flaw == core::SynthFlaw::kMuddyBass) {
                        spec.params = core::randomParams(style, seed, test::kCorpusMinutes,
                                                         {core::SynthFlaw::kMuddyBass});
                        spec.params.muddy_boost_db = size;
                    } else {
                        spec.params = core::randomParams(style, seed, test::kCorpusMinutes, {});
                        spec.params.sidechain_depth_db =
                            std::max(0.0, spec.params.sidechain_depth_db - size);
                    }
                    wips.push_back(std::move(spec));
                }
            }
            const auto analysed = test::analyseTracks(wips, stems);
            int found = 0, medium = 0;
            for (const auto& a : analysed) {
                auto r = gap::analyzeGap(a, profile);
                const double sev = r.isOk() ? top3Severity(*r, curve.family) : -1.0;
                found += sev >= 0.0 ? 1 : 0;
                medium += sev >= gap::kMediumSeverity ? 1 : 0;
            }
            const double n = static_cast<double>(analysed.size());
            std::printf("  %5.1f  %d/%zu %5.1f %%   %d/%zu %5.1f %%\n", size, found,
                        analysed.size(), 100.0 * found / n, medium, analysed.size(),
                        100.0 * medium / n);
        }
    }
    return 0;
}
