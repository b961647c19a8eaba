// Planner on a small synthesized corpus (6 clean references of 0.5 minutes,
// one WIP with a quiet master and a muddy bass): target logic, strength,
// changes inside their ranges, errors.
#include <algorithm>

#include <catch2/catch.hpp>

#include <stdexcept>

#include "core/audio/synth/trance_synth.hpp"
#include "core/fixes/fix_planner.hpp"
#include "core/fixes/track_roles.hpp"
#include "core/gap/gap_analyzer.hpp"
#include "core/profile/profile.hpp"
#include "unit/fixes/test_live_sets.hpp"

using namespace styledna;
using namespace styledna::fixes;

namespace {

struct Rendered {
    core::RenderedTrack track;
    core::TrackAnalysis analysis;
};

Rendered render(core::TranceStyle style, std::uint64_t seed, std::vector<core::SynthFlaw> flaws) {
    auto track = core::renderTrack(core::randomParams(style, seed, 0.5, flaws));
    if (!track.isOk()) {
        throw std::runtime_error(track.status().message());
    }
    core::DecodedAudio decoded;
    decoded.source.channels = 2;
    decoded.source.sample_rate_hz = 44100;
    decoded.source.frames = static_cast<std::int64_t>(track->mix.frames());
    decoded.source.duration_s = track->mix.durationS();
    decoded.audio = track->mix;
    core::AnalyzeOptions options;
    options.threads = 2;
    auto a = core::analyzeDecoded(decoded, options, {}, {});
    if (!a.isOk()) {
        throw std::runtime_error(a.status().message());
    }
    a->content_hash = "h" + std::to_string(seed);
    return {std::move(track).value(), std::move(a).value()};
}

struct Corpus {
    profile::Profile profile;
    Rendered wip;
    gap::GapReport report;
    live::LiveSet set = test::trancePlanSet();
    SimulationInput sim;

    Corpus() {
        std::vector<profile::Reference> refs;
        for (int i = 0; i < 6; ++i) {
            profile::Reference r;
            r.analysis = render(core::TranceStyle::kUplifting, 5100 + i, {}).analysis;
            r.embedding = r.analysis.embedding;
            refs.push_back(std::move(r));
        }
        profile::BuildOptions options;
        options.seed = 1;
        profile = profile::buildProfile("planner", refs, options).value();
        wip = render(core::TranceStyle::kUplifting, 5200,
                     {core::SynthFlaw::kQuietMaster, core::SynthFlaw::kMuddyBass});
        report = gap::analyzeGap(wip.analysis, profile).value();
        sim = summarise(
            wip.track.mix,
            {{"bass", &wip.track.bass}, {"drums", &wip.track.drums}, {"other", &wip.track.other}},
            wip.analysis.features);
    }

    PlanInputs inputs(double target, double strength) const {
        PlanInputs in;
        in.wip = &wip.analysis;
        in.profile = &profile;
        in.report = &report;
        in.set = &set;
        in.roles = assignRoles(set, {}).value();
        in.master_track = "Mix Bus";
        in.sim = &sim;
        in.target_conformance = target;
        in.strength = strength;
        in.set_source = "test";
        return in;
    }
};

const Corpus& corpus() {
    static const Corpus c;
    return c;
}

double outputMove(const FixPlan& plan) {
    for (const auto& f : plan.fixes) {
        for (const auto& c : f.changes) {
            if (c.parameter_name == "Output" && c.track_name == "Mix Bus") {
                return c.to_unit_value - c.from_unit_value;
            }
        }
    }
    return 0;
}

} // namespace

TEST_CASE("planner: every validated fix, changes inside their ranges", "[fixes][planner]") {
    const auto& c = corpus();
    auto plan = planFixes(c.inputs(0, 1));
    REQUIRE(plan.isOk());
    REQUIRE_FALSE(plan->fixes.empty());
    CHECK(plan->target_reached);
    CHECK(plan->conformance_before == Approx(c.report.conformance_score));
    bool quiet = false;
    for (const auto& f : plan->fixes) {
        CHECK(f.id.rfind("fix-", 0) == 0);
        quiet = quiet || f.gap_id == "quiet_master";
        for (const auto& ch : f.changes) {
            const auto* t = live::findTrack(c.set, ch.track_name);
            REQUIRE(t != nullptr);
            const auto& p = t->devices.at(ch.device_index).parameters.at(ch.parameter_index);
            CHECK(p.name == ch.parameter_name);
            CHECK(ch.to_value >= p.min);
            CHECK(ch.to_value <= p.max);
            CHECK(ch.change_id.rfind(f.id + ".", 0) == 0);
            CHECK_FALSE(ch.predicted_effect.empty());
        }
    }
    CHECK(quiet);
    CHECK(outputMove(*plan) > 3); // the master is ~8 dB quiet
    for (const auto& r : plan->rejected) {
        CHECK_FALSE(r.rejection_reason.empty());
    }
}

TEST_CASE("planner: strength halves each move in its unit", "[fixes][planner]") {
    const auto& c = corpus();
    auto full = planFixes(c.inputs(0, 1));
    auto half = planFixes(c.inputs(0, 0.5));
    REQUIRE(full.isOk());
    REQUIRE(half.isOk());
    CHECK(half->strength == 0.5);
    CHECK(outputMove(*half) == Approx(0.5 * outputMove(*full)).margin(1e-9));
    CHECK(half->predicted_conformance <= full->predicted_conformance + 1.0);
}

TEST_CASE("planner: the target picks the fewest fixes or says how close", "[fixes][planner]") {
    const auto& c = corpus();
    auto all = planFixes(c.inputs(0, 1));
    REQUIRE(all.isOk());
    auto unreachable = planFixes(c.inputs(100, 1));
    REQUIRE(unreachable.isOk());
    CHECK_FALSE(unreachable->target_reached);
    CHECK(unreachable->target_note.find("not reachable") != std::string::npos);
    const double first_step = all->fixes.empty() ? 0 : all->fixes.front().predicted_conformance;
    if (first_step > all->conformance_before + 0.5) {
        auto near = planFixes(c.inputs(first_step - 0.1, 1));
        REQUIRE(near.isOk());
        CHECK(near->target_reached);
        // One fix, and the level match that may follow it (gap "level_match").
        const auto moves = std::count_if(near->fixes.begin(), near->fixes.end(),
                                         [](const auto& f) { return f.gap_id != "level_match"; });
        CHECK(moves == 1);
        CHECK(near->predicted_conformance >= near->target_conformance);
        CHECK(near->target_note.find("reached with 1 fix") != std::string::npos);
    }
    CHECK_FALSE(planFixes(c.inputs(0, 0)).isOk());
    CHECK_FALSE(planFixes(c.inputs(120, 1)).isOk());
}
