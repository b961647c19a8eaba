// Acid-line detection on the widened acid set (core::SynthVariety::kWideAcid:
// acid on half the tracks of every style, resonance 0.3-0.95, cutoff 80-800 Hz
// bottom and 2-16x that top, env mod 0-4 octaves, 18/24 dB ladder, square or
// saw, drive 0-18 dB, level -18..-4 dB against the mix). Asserted on the shared
// 40-track set; three independent draws (seeds 20000+, 30000+, 40000+) are a
// hidden table, run with test_generalization "[.tables][acid]".

#include <cstdio>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/features/extractor.hpp"
#include "unit/generalization/wide_set.hpp"

using namespace styledna;

namespace {

struct AcidCase {
    std::string name;
    core::SynthParams params;
    double level_db = 0.0; // realised acid level against the mix
    double score = 0.0;
    bool found = false;
};

struct AcidTally {
    int tp = 0, fp = 0, fn = 0, tn = 0;
    double precision() const { return tp + fp > 0 ? double(tp) / (tp + fp) : 1.0; }
    double recall() const { return tp + fn > 0 ? double(tp) / (tp + fn) : 1.0; }
    double f1() const { return 2 * tp + fp + fn > 0 ? 2.0 * tp / (2 * tp + fp + fn) : 1.0; }
};

bool isAcid(const AcidCase& c) {
    return c.params.bass_type == core::BassType::kAcid;
}

void printCase(const char* tag, const AcidCase& c) {
    const auto& a = c.params.acid;
    std::printf("  %-5s %-28s score %.2f | res %.2f cut %4.0f-%5.0f sweep %2d bars env %.1f oct "
                "decay %3.0f ms drv %4.1f dB %s %s lvl %5.1f dB\n",
                tag, c.name.c_str(), c.score, a.resonance, a.cutoff_min_hz, a.cutoff_max_hz,
                a.sweep_bars, a.env_mod_octaves, a.decay_ms, a.drive_db, a.three_pole ? "3p" : "4p",
                a.square_wave ? "sq" : "sw", c.level_db);
}

// Prints precision, recall, F1, recall per level band and every error.
AcidTally report(const char* title, const std::vector<AcidCase>& cases) {
    AcidTally all;
    struct Band {
        const char* label;
        double lo, hi; // realised level range, dB; the outer bands are open-ended
        int found = 0, total = 0;
    };
    Band bands[] = {{"-18..-12", -1e9, -12.0}, {"-12..-8", -12.0, -8.0}, {"-8..-4", -8.0, 1e9}};
    for (const auto& c : cases) {
        const bool acid = isAcid(c);
        all.tp += acid && c.found;
        all.fp += !acid && c.found;
        all.fn += acid && !c.found;
        all.tn += !acid && !c.found;
        for (auto& b : bands) {
            if (acid && c.level_db >= b.lo && c.level_db < b.hi) {
                ++b.total;
                b.found += c.found ? 1 : 0;
            }
        }
    }
    std::printf("%s: acid F1 %.3f precision %.3f recall %.3f (tp %d fp %d fn %d tn %d)\n", title,
                all.f1(), all.precision(), all.recall(), all.tp, all.fp, all.fn, all.tn);
    for (const auto& b : bands) {
        std::printf("  recall at %-9s dB: %d/%d\n", b.label, b.found, b.total);
    }
    for (const auto& c : cases) {
        if (c.found != isAcid(c)) {
            printCase(c.found ? "FA" : "MISS", c);
        }
    }
    return all;
}

std::vector<AcidCase> sharedSet() {
    std::vector<AcidCase> cases;
    for (const auto& t : test::wideSet(core::SynthVariety::kWideAcid)) {
        AcidCase c{t.name, t.truth.params, t.truth.acid_level_db, test::featureOf(t, "acid_score"),
                   test::featureOf(t, "acid_present") > 0.5};
        cases.push_back(std::move(c));
    }
    return cases;
}

} // namespace

TEST_CASE("wide acid: F1 >= 0.9 across the widened acid parameters", "[generalization][acid]") {
    const auto cases = sharedSet();
    const auto tally = report("wide acid (seeds 11000-11039)", cases);
    REQUIRE(tally.tp + tally.fn >= 10); // the set must hold acid tracks for F1 to mean anything
    CHECK(tally.f1() >= 0.9);
    // A bass that is not acid must not read as acid: rolling, offbeat and
    // sustained basses under supersaw leads and plucks.
    CHECK(tally.fp <= 1);
}

// One 40-track draw of the widened acid set from seed `base` (styles in turn).
static std::vector<AcidCase> drawSet(int base) {
    const core::TranceStyle styles[] = {core::TranceStyle::kUplifting,
                                        core::TranceStyle::kProgressive, core::TranceStyle::kTech,
                                        core::TranceStyle::kPsy};
    std::vector<AcidCase> cases;
    for (int i = 0; i < test::kWideSetSize; ++i) {
        const auto style = styles[i % 4];
        const auto seed = static_cast<std::uint64_t>(base + i);
        const auto params = core::randomParams(style, seed, 1.5, {}, core::SynthVariety::kWideAcid);
        const std::string name =
            "wide_acid/" + std::string(core::styleName(style)) + "/" + std::to_string(seed);
        INFO(name);
        auto track = core::renderTrack(params);
        REQUIRE(track.isOk());
        auto features = core::extractFeatures(track->mix, core::ExtractOptions{2});
        REQUIRE(features.isOk());
        cases.push_back({name, params, track->truth.acid_level_db,
                         features->values.at("acid_score"),
                         features->values.at("acid_present") > 0.5});
    }
    return cases;
}

TEST_CASE("wide acid, independent draws (seeds 20000+, 30000+, 40000+)", "[.tables][acid]") {
    // The timbre cue's thresholds were set on the shared set and the 20000
    // draw; 30000+ held the dark lines it was designed for; 40000+ was held out.
    for (const int base : {20000, 30000, 40000}) {
        const std::string title = "wide acid, draw " + std::to_string(base);
        const auto tally = report(title.c_str(), drawSet(base));
        CHECK(tally.f1() >= 0.9);
    }
}
