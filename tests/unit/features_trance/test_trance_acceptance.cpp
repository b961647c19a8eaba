// Hidden acceptance run: every trance feature against the synthesizer's truth
// on 24 tracks (4 styles x 6, with weak_sidechain / narrow_supersaw /
// short_breakdown / harsh_highs flaws), printing a table and the acceptance
// figures. The beat grid comes from the rhythm family run on the same audio. Run:
// test_features_trance "[.acceptance]"

#include <cstdio>

#include <catch2/catch.hpp>

#include "core/common/logging.hpp"

#include "unit/features_trance/trance_synth_cases.hpp"
#include "unit/features_trance/trance_test_util.hpp"
#include "unit/features_trance/trance_truth_metrics.hpp"

using namespace styledna;

TEST_CASE("acceptance figures against the synthesizer", "[.acceptance]") {
    const std::vector<std::vector<std::string>> flaw_sets{
        {}, {"weak_sidechain"}, {"narrow_supersaw"}, {"short_breakdown"}, {}, {"harsh_highs"}};
    core::logger("features")->set_level(spdlog::level::debug);
    int depth_ok = 0, release_ok = 0, n = 0, hits = 0, boundaries = 0;
    int tp = 0, fp = 0, fn = 0;
    double label_sum = 0.0, detune_abs = 0.0;
    std::vector<double> width, spread;
    for (int style = 0; style < 4; ++style) {
        for (int i = 0; i < 6; ++i) {
            const auto seed = static_cast<std::uint64_t>(100 + 10 * style + i);
            const auto& c =
                test::tranceCase(style, seed, 1.5, flaw_sets[static_cast<std::size_t>(i)]);
            // Grid from the rhythm family on the same audio, as in production.
            const auto run = test::runTranceOnRhythmGrid(c.mix);
            REQUIRE(run.status.isOk());
            const auto& v = run.features.values;
            const double depth = v.at("sidechain_depth_db"), rel = v.at("sidechain_release_ms");
            const bool d_ok = std::abs(depth - c.sidechain_depth_db) <= 1.5;
            const bool r_ok =
                std::abs(rel - c.sidechain_release_ms) <= 0.3 * c.sidechain_release_ms;
            depth_ok += d_ok;
            release_ok += r_ok;
            ++n;
            const auto [h, t] = test::boundaryHits(c, run.features.sections);
            hits += h;
            boundaries += t;
            label_sum += test::barLabelAgreement(c, run.features.sections);
            const bool acid = v.at("acid_present") > 0.5;
            tp += acid && c.acid;
            fp += acid && !c.acid;
            fn += !acid && c.acid;
            width.push_back(v.at("supersaw_width"));
            spread.push_back(c.stereo_spread);
            detune_abs += std::abs(v.at("supersaw_detune_cents") - c.detune_cents);
            std::printf("%-30s depth %5.2f/%5.2f%s rel %6.1f/%6.1f%s | acid %d/%d %.2f | width "
                        "%.3f/%.3f det %5.1f/%5.1f | bounds %d/%d\n",
                        c.name.c_str(), depth, c.sidechain_depth_db, d_ok ? " " : "*", rel,
                        c.sidechain_release_ms, r_ok ? " " : "*", acid ? 1 : 0, c.acid ? 1 : 0,
                        v.at("acid_score"), v.at("supersaw_width"), c.stereo_spread,
                        v.at("supersaw_detune_cents"), c.detune_cents, h, t);
        }
    }
    const double f1 = tp > 0 ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0;
    std::printf("tracks %d: depth within 1.5 dB %d, release within 30 %% %d; boundaries within "
                "1 bar %d/%d; bar labels %.3f; acid F1 %.3f (tp %d fp %d fn %d); width Spearman "
                "%.3f; detune mean abs error %.2f cents\n",
                n, depth_ok, release_ok, hits, boundaries, label_sum / n, f1, tp, fp, fn,
                test::spearman(width, spread), detune_abs / n);
}
