// Trance family against the synthesizer's ground truth (grid from the truth:
// tempo, first downbeat at 0 s). Eight 1.5-minute tracks, two per style, with
// weak_sidechain and narrow_supersaw flaws; the 24-track acceptance run is the
// hidden [.acceptance] test.

#include <cstdio>

#include <catch2/catch.hpp>

#include "unit/features_trance/trance_synth_cases.hpp"
#include "unit/features_trance/trance_test_util.hpp"
#include "unit/features_trance/trance_truth_metrics.hpp"

using namespace styledna;

namespace {

struct Spec {
    int style;
    std::uint64_t seed;
    std::vector<std::string> flaws;
};

const std::vector<Spec>& specs() {
    static const std::vector<Spec> kSpecs{
        {0, 100, {}}, {0, 102, {"narrow_supersaw"}}, {1, 110, {}}, {1, 111, {"weak_sidechain"}},
        {2, 120, {}}, {2, 122, {"narrow_supersaw"}}, {3, 134, {}}, {3, 132, {"narrow_supersaw"}}};
    return kSpecs;
}

struct Measured {
    const test::TranceCase* truth;
    core::TrackFeatures features;
};

const std::vector<Measured>& measured() {
    static const std::vector<Measured> all = [] {
        std::vector<Measured> out;
        for (const auto& s : specs()) {
            const auto& c = test::tranceCase(s.style, s.seed, 1.5, s.flaws);
            auto run = test::runTrance(c.mix, test::constantGrid(c.tempo_bpm, c.duration_s));
            REQUIRE(run.status.isOk());
            out.push_back({&c, std::move(run.features)});
        }
        return out;
    }();
    return all;
}

} // namespace

TEST_CASE("sections match the arrangement truth within one bar", "[trance][synth][sections]") {
    int hits = 0, total = 0;
    for (const auto& m : measured()) {
        const auto [h, t] = test::boundaryHits(*m.truth, m.features.sections);
        hits += h;
        total += t;
        INFO(m.truth->name);
        // >= 90 % of bars labelled like the truth (absolute; one wrong phrase
        // of 8 bars in a 48-56 bar track would be ~85 %).
        CHECK(test::barLabelAgreement(*m.truth, m.features.sections) >= 0.9);
        CHECK(m.features.values.at("length_bars") == m.truth->total_bars);
        CHECK(m.features.values.at("phrase_alignment") == 1.0);
        CHECK(m.features.series.at("energy_per_bar_db").size() ==
              static_cast<std::size_t>(m.truth->total_bars));
        CHECK(m.features.values.at("drop_gain_db") > 0.0);
    }
    // The acceptance criterion: >= 90 % of boundaries within one bar.
    CHECK(hits >= 0.9 * total);
}

TEST_CASE("sidechain depth and release follow the synth truth", "[trance][synth][sidechain]") {
    int depth_ok = 0, release_ok = 0;
    double weakest_normal = 1e9, strongest_weak = 0.0;
    for (const auto& m : measured()) {
        const auto& v = m.features.values;
        const auto& c = *m.truth;
        INFO(c.name << " depth " << v.at("sidechain_depth_db") << "/" << c.sidechain_depth_db
                    << " release " << v.at("sidechain_release_ms") << "/"
                    << c.sidechain_release_ms);
        // Acceptance tolerances: 1.5 dB absolute, 30 % relative.
        depth_ok += std::abs(v.at("sidechain_depth_db") - c.sidechain_depth_db) <= 1.5;
        release_ok += std::abs(v.at("sidechain_release_ms") - c.sidechain_release_ms) <=
                      0.3 * c.sidechain_release_ms;
        const bool weak = c.sidechain_depth_db < 2.5;
        if (weak) {
            strongest_weak = std::max(strongest_weak, v.at("sidechain_depth_db"));
        } else {
            weakest_normal = std::min(weakest_normal, v.at("sidechain_depth_db"));
            CHECK(v.at("sidechain_rate_per_beat") == 1.0);
        }
        // Per-section values exist for every section; drops carry the duck.
        for (const auto& s : m.features.sections) {
            REQUIRE(s.values.count("sidechain_depth_db") == 1);
            REQUIRE(s.values.count("mean_energy_db") == 1);
            if (s.label == "breakdown") {
                CHECK(s.values.at("sidechain_depth_db") == 0.0); // no kick, no fold
            }
        }
    }
    // Measured on this set with the template-family fit: depth 7/8, release
    // 8/8; the miss is uplifting/102+narrow_supersaw (nearly empty side band,
    // 2.7 dB shallow). The exponential-only fit read depth 8/8, release 7/8
    // but failed on most other duck laws (see trance_sidechain.hpp).
    CHECK(depth_ok >= 7);
    CHECK(release_ok >= 7);
    // The weak_sidechain flaw still reads clearly weaker than every normal track.
    CHECK(strongest_weak < weakest_normal - 1.0);
}

TEST_CASE("acid lines are detected", "[trance][synth][acid]") {
    int tp = 0, fp = 0, fn = 0;
    for (const auto& m : measured()) {
        const bool found = m.features.values.at("acid_present") > 0.5;
        INFO(m.truth->name << " acid " << m.truth->acid << " score "
                           << m.features.values.at("acid_score"));
        CHECK(found == m.truth->acid);
        tp += found && m.truth->acid;
        fp += found && !m.truth->acid;
        fn += !found && m.truth->acid;
    }
    REQUIRE(tp > 0);
    CHECK(2.0 * tp / (2.0 * tp + fp + fn) >= 0.9);
}

TEST_CASE("supersaw width ranks the stereo spread, detune is measured",
          "[trance][synth][supersaw]") {
    std::vector<double> width, spread;
    for (const auto& m : measured()) {
        const auto& v = m.features.values;
        width.push_back(v.at("supersaw_width"));
        spread.push_back(m.truth->stereo_spread);
        INFO(m.truth->name << " width " << v.at("supersaw_width") << "/" << m.truth->stereo_spread
                           << " detune " << v.at("supersaw_detune_cents") << "/"
                           << m.truth->detune_cents);
        // Absolute 0.1: the breakdown holds the chords alone (measured <= 0.06).
        CHECK(v.at("supersaw_width") == Approx(m.truth->stereo_spread).margin(0.1));
        // Relative 10 %: measured <= 1 % here, <= 6 % over the wider draw below.
        CHECK(v.at("supersaw_detune_cents") == Approx(m.truth->detune_cents).epsilon(0.1));
    }
    CHECK(test::spearman(width, spread) >= 0.9);
}

TEST_CASE("short_breakdown shows up as a shorter breakdown", "[trance][synth][sections]") {
    const auto& normal = test::tranceCase(0, 200, 2.5, {});
    const auto& short_bd = test::tranceCase(0, 200, 2.5, {"short_breakdown"});
    const auto a =
        test::runTrance(normal.mix, test::constantGrid(normal.tempo_bpm, normal.duration_s));
    const auto b =
        test::runTrance(short_bd.mix, test::constantGrid(short_bd.tempo_bpm, short_bd.duration_s));
    REQUIRE(a.status.isOk());
    REQUIRE(b.status.isOk());
    int truth_normal = 0;
    for (const auto& s : normal.sections) {
        truth_normal = s.label == "breakdown" ? std::max(truth_normal, s.bars) : truth_normal;
    }
    REQUIRE(truth_normal >= 16);
    CHECK(a.features.values.at("breakdown_bars") == truth_normal);
    CHECK(b.features.values.at("breakdown_bars") == 8);
}

// Detune over a wider draw (figures only; run with test_features_trance
// "[.detune_sweep]"): ten 1.5-minute tracks per style, seeds 500-539.
// Measured: 40/40 within 10 % (progressive, tech, psy within 0.2 %; uplifting
// with 9-12 voices -4..+6 %).
TEST_CASE("supersaw detune over a wider draw", "[.detune_sweep]") {
    int ok = 0, n = 0;
    for (int style = 0; style < 4; ++style) {
        for (int i = 0; i < 10; ++i) {
            const auto seed = static_cast<std::uint64_t>(500 + 10 * style + i);
            const auto& c = test::tranceCase(style, seed, 1.5, {});
            auto run = test::runTrance(c.mix, test::constantGrid(c.tempo_bpm, c.duration_s));
            REQUIRE(run.status.isOk());
            const double read = run.features.values.at("supersaw_detune_cents");
            const double err = read / c.detune_cents - 1.0;
            ok += std::abs(err) <= 0.1;
            ++n;
            std::printf("DETUNE %-16s voices %2d truth %5.1f read %5.1f %+6.1f%%\n", c.name.c_str(),
                        c.supersaw_voices, c.detune_cents, read, 100.0 * err);
        }
    }
    std::printf("DETUNE within 10 %%: %d/%d\n", ok, n);
}
