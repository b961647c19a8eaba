// Issue 14 acceptance, "offline validation is honest": on synthesized WIPs
// with each mix flaw (four styles, one seed each; STYLEDNA_FIX_WIPS_PER_STYLE=N
// for more) against a profile of 24 clean references (tests/unit/gap_quality's
// corpus), plan fixes on a Live set built in code (trancePlanSet, master
// track "Mix Bus") with the simulator fed the mix and the synth's stems, then
// render the planned moves in the time domain (renderMoves on the stems, the
// synth's master transfer on their sum) and re-analyse the result fully.
// Asserted over all flawed WIPs whose flaw the gap report names:
//   * the flaw gap's headline comparison (feature, section, stem: the numbers
//     the report gave the producer) is in range after the moves in >= 80 %
//     of the WIPs (issue 14's figure). A value outside by under 1 % of the
//     unit's smallest meaningful difference is a numerical tie and counts as
//     in range;
//   * predicted (the simulator with every planned move) vs re-measured
//     values of the flaw gap's comparisons agree within the tolerance in
//     >= 95 % of them. Tolerance (absolute) = 2 x the unit's
//     smallest meaningful difference (gap_causes.hpp): 1 dB / LU, 4 % of the
//     value for Hz, 0.04 for unitless shares (widths, correlations), i.e. twice
//     what the gap analyzer itself treats as a difference a producer can hear.
// Prints a table per flaw (STYLEDNA_FIX_VERBOSE=1: every piece of evidence and
// every disagreement). ~50 tracks of 1.75 minutes are rendered and analysed
// (its own executable, label fix_quality, like gap_quality).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

#include "core/audio/synth/master_bus.hpp"
#include "core/fixes/fix_planner.hpp"
#include "core/fixes/parameter_mapper.hpp"
#include "core/fixes/track_roles.hpp"
#include "core/gap/gap_analyzer.hpp"
#include "core/gap/gap_causes.hpp"
#include "unit/fixes/test_live_sets.hpp"
#include "unit/gap_quality/gap_corpus.hpp"

using namespace styledna;

namespace {

constexpr int kRefsPerStyle = 6;
// Issue 14's figure. The test draw reaches 23/24 (0.96): muddy bass 4/4, wide
// low end 4/4, weak sidechain 3/4 (progressive: a duck deep enough for the
// drop would push the intro's shallow duck out of range, so validation keeps a
// quarter of it), narrow supersaw 4/4 (its headline is the buildup's spread;
// the whole track's stays out and the plan says so as a manual step), harsh
// highs 4/4, quiet master 4/4. The tuning draw (STYLEDNA_GAP_DRAW=tuning):
// 22/24.
constexpr double kMinInRange = 0.8;
// 388/399 (0.97) on the test draw, 379/390 on the tuning draw.
constexpr double kMinAgreement = 0.95;

const std::vector<core::SynthFlaw> kFlaws{
    core::SynthFlaw::kMuddyBass,      core::SynthFlaw::kWideLowEnd, core::SynthFlaw::kWeakSidechain,
    core::SynthFlaw::kNarrowSupersaw, core::SynthFlaw::kHarshHighs, core::SynthFlaw::kQuietMaster};

core::TrackAnalysis analyse(const core::AudioBuffer& audio, const std::string& name) {
    core::DecodedAudio decoded;
    decoded.source.container = "WAV";
    decoded.source.encoding = "PCM_16";
    decoded.source.channels = 2;
    decoded.source.sample_rate_hz = audio.sample_rate_hz;
    decoded.source.frames = static_cast<std::int64_t>(audio.frames());
    decoded.source.duration_s = audio.durationS();
    decoded.audio = audio;
    core::AnalyzeOptions options;
    options.threads = 1;
    auto a = core::analyzeDecoded(decoded, options, {}, {});
    if (!a.isOk()) {
        throw std::runtime_error(name + ": " + a.status().message());
    }
    a->content_hash = name;
    a->path = "/corpus/" + name + ".wav";
    return std::move(a).value();
}

struct Case {
    std::string name, flaw, moves;
    bool detected = false, planned = false, in_range = false;
    std::string feature, section;
    double before = 0, predicted = 0, measured = 0, low = 0, high = 0;
    int agree = 0, compared = 0;
    double max_error_over_tol = 0;
};

Case runCase(const test::TrackSpec& spec, core::SynthFlaw flaw, const profile::Profile& profile) {
    Case out;
    out.name = spec.name;
    out.flaw = std::string(core::flawName(flaw));
    auto track = core::renderTrack(spec.params);
    if (!track.isOk()) {
        throw std::runtime_error(spec.name + ": " + track.status().message());
    }
    const core::TrackAnalysis wip = analyse(track->mix, spec.name);
    auto report = gap::analyzeGap(wip, profile);
    REQUIRE(report.isOk());
    const std::string family = test::flawFamily(flaw).front();
    const gap::Gap* flaw_gap = nullptr;
    for (const auto& g : report->gaps) {
        if (g.id == family && flaw_gap == nullptr) {
            flaw_gap = &g;
        }
    }
    out.detected = flaw_gap != nullptr;
    if (!out.detected) {
        return out;
    }
    // The flaw's feature: the gap's headline comparison (feature, section,
    // stem), the numbers the report gave the producer.
    const gap::Comparison* head = &flaw_gap->evidence.front();
    for (const auto& e : flaw_gap->evidence) {
        if (e.feature == flaw_gap->feature && e.section == flaw_gap->section &&
            e.stem == flaw_gap->stem && e.wip_value == flaw_gap->wip_value &&
            e.target_value == flaw_gap->target_value) {
            head = &e;
            break;
        }
    }
    out.feature = head->feature;
    out.section = head->section;
    out.before = head->wip_value;
    out.low = head->range_low;
    out.high = head->range_high;
    if (std::getenv("STYLEDNA_FIX_VERBOSE") != nullptr) {
        for (const auto& e : flaw_gap->evidence) {
            std::printf("  %s evidence %s [%s] {%s} %s %.4f range %.4f..%.4f sev %.2f%s\n",
                        spec.name.c_str(), e.feature.c_str(), e.section.c_str(), e.stem.c_str(),
                        e.basis.c_str(), e.wip_value, e.range_low, e.range_high, e.severity,
                        &e == head ? " HEADLINE" : "");
        }
    }
    const auto sim = fixes::summarise(
        track->mix, {{"bass", &track->bass}, {"drums", &track->drums}, {"other", &track->other}},
        wip.features);
    const live::LiveSet set = test::trancePlanSet();
    fixes::PlanInputs in;
    in.wip = &wip;
    in.profile = &profile;
    in.report = &*report;
    in.set = &set;
    in.roles = fixes::assignRoles(set, {}).value();
    in.master_track = "Mix Bus";
    in.sim = &sim;
    auto planned = fixes::planFixesWithMoves(in);
    REQUIRE(planned.isOk());
    const auto& [plan, moves] = *planned;
    if (std::getenv("STYLEDNA_FIX_VERBOSE") != nullptr) {
        for (const auto& f : plan.fixes) {
            std::printf("  %s plan: %s (%s)\n", spec.name.c_str(), f.title.c_str(),
                        f.changes.empty() ? f.manual_step.c_str()
                                          : f.changes.back().display_to.c_str());
        }
    }
    const fixes::Fix* fix = nullptr;
    for (const auto& f : plan.fixes) {
        if (f.gap_id == family) {
            fix = &f;
        }
    }
    out.planned = fix != nullptr;
    if (fix == nullptr) {
        for (const auto& r : plan.rejected) {
            if (r.gap_id == family) {
                out.moves = "rejected: " + r.rejection_reason;
            }
        }
        return out;
    }
    for (const auto& c : fix->changes) {
        if (c.unit == "dB" || c.unit == "%" || c.parameter_name == "Bass Freq" ||
            c.parameter_name.find("Frequency") != std::string::npos) {
            out.moves.append(out.moves.empty() ? "" : ", ")
                .append(c.track_name + " " + c.parameter_name + " " + c.display_to);
        }
    }
    if (!fix->manual_step.empty()) {
        out.moves.append(out.moves.empty() ? "" : " | ").append("manual: " + fix->manual_step);
    }
    // Time domain: every planned move of the plan on the stems, then the master transfer.
    core::AudioBuffer drums = track->drums, bass = track->bass, other = track->other;
    for (const auto& pm : moves) {
        for (const auto& m : pm.moves) {
            const std::pair<const char*, core::AudioBuffer*> stems[] = {
                {"drums", &drums}, {"bass", &bass}, {"other", &other}};
            for (const auto& [name, buffer] : stems) {
                if (m.signal == "mix" || m.signal == name) {
                    fixes::renderMoves(*buffer, {m}, wip.features.grid.beat_times_s);
                }
            }
        }
    }
    core::AudioBuffer mix = track->mix;
    const auto gain = static_cast<float>(std::pow(10.0, track->truth.master_gain_db / 20.0));
    for (std::size_t c = 0; c < mix.numChannels(); ++c) {
        for (std::size_t i = 0; i < mix.frames(); ++i) {
            mix.channels[c][i] = core::masterSample(
                drums.channels[c][i] + bass.channels[c][i] + other.channels[c][i], gain);
        }
    }
    const core::TrackAnalysis after = analyse(mix, spec.name + "-fixed");
    gap::GapOptions options;
    options.cluster = report->cluster;
    auto report_after = gap::analyzeGap(after, profile, options);
    REQUIRE(report_after.isOk());
    // Values as the gap analyzer compares them (tonal bands relative to the
    // track's median band offset), the same space as the plan's predictions.
    auto compared = [&](const gap::Comparison& e) {
        for (const auto& c : report_after->comparisons) {
            if (c.feature == e.feature && c.section == e.section && c.stem == e.stem &&
                c.basis == e.basis) {
                return c.wip_value;
            }
        }
        return std::nan("");
    };
    out.measured = compared(*head);
    // In range; a value outside by under 1 % of the unit's smallest meaningful
    // difference is a numerical tie (a mono low end reads a correlation of
    // 1 - 2e-8 against references at exactly 1), severity ~0.
    const double tie =
        0.01 * gap::minimumMeaningfulDifference(head->feature, head->unit, head->target_value);
    out.in_range = out.measured >= out.low - tie && out.measured <= out.high + tie;
    if (std::getenv("STYLEDNA_FIX_VERBOSE") != nullptr) {
        std::printf("  %s headline measured %.7g range %.7g..%.7g\n", spec.name.c_str(),
                    out.measured, out.low, out.high);
    }
    // Predicted: the simulator with every planned move (what was rendered),
    // compared like the measurement.
    std::vector<fixes::Move> all_moves;
    for (const auto& pm : moves) {
        all_moves.insert(all_moves.end(), pm.moves.begin(), pm.moves.end());
    }
    auto report_predicted = gap::analyzeGap(fixes::predict(sim, wip, all_moves), profile, options);
    REQUIRE(report_predicted.isOk());
    std::map<std::tuple<std::string, std::string, std::string, std::string>, double> predicted;
    for (const auto& c : report_predicted->comparisons) {
        predicted[{c.feature, c.section, c.stem, c.basis}] = c.wip_value;
    }
    out.predicted = predicted[{head->feature, head->section, head->stem, head->basis}];
    for (const auto& e : flaw_gap->evidence) {
        const auto it = predicted.find({e.feature, e.section, e.stem, e.basis});
        const double measured = compared(e);
        if (it == predicted.end() || std::isnan(measured)) {
            continue;
        }
        const double tol = 2 * gap::minimumMeaningfulDifference(e.feature, e.unit, e.target_value);
        const double err = std::abs(measured - it->second);
        ++out.compared;
        out.agree += err <= tol ? 1 : 0;
        out.max_error_over_tol = std::max(out.max_error_over_tol, err / tol);
        if (err > tol && std::getenv("STYLEDNA_FIX_VERBOSE") != nullptr) {
            std::printf("    %s: %s [%s] predicted %.3f measured %.3f (tolerance %.3f)\n",
                        spec.name.c_str(), e.feature.c_str(), e.section.c_str(), it->second,
                        measured, tol);
        }
    }
    return out;
}

} // namespace

TEST_CASE("offline validation is honest: planned moves fix the flaw and predictions hold",
          "[fix_quality]") {
    const auto draw = test::drawFromEnvironment();
    const char* more = std::getenv("STYLEDNA_FIX_WIPS_PER_STYLE");
    const int per_style = more != nullptr ? std::max(1, std::atoi(more)) : 1;
    std::vector<test::TrackSpec> refs;
    for (const auto style : test::kCorpusStyles) {
        for (int i = 0; i < kRefsPerStyle; ++i) {
            refs.push_back(test::referenceSpec(draw, style, i));
        }
    }
    const auto profile = test::buildCorpusProfile(test::analyseTracks(refs));
    std::vector<std::pair<test::TrackSpec, core::SynthFlaw>> wips;
    for (const auto flaw : kFlaws) {
        for (const auto style : test::kCorpusStyles) {
            for (int i = 0; i < per_style; ++i) {
                wips.emplace_back(test::wipSpec(draw, style, i, flaw), flaw);
            }
        }
    }
    std::vector<Case> cases(wips.size());
    std::vector<std::string> errors(wips.size());
    auto worker = [&](std::size_t first) {
        for (std::size_t i = first; i < wips.size(); i += 2) {
            try {
                cases[i] = runCase(wips[i].first, wips[i].second, profile);
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        }
    };
    std::thread second(worker, 1);
    worker(0);
    second.join();
    for (const auto& e : errors) {
        REQUIRE(e.empty());
    }
    int counted = 0, in_range = 0, agree = 0, compared = 0;
    std::printf("fix quality, %s draw: %zu WIPs\n", draw.name.c_str(), cases.size());
    std::printf("%-40s %-26s %9s %9s %9s %17s %s\n", "WIP", "feature [section]", "before",
                "predicted", "measured", "range", "moves");
    for (const auto& c : cases) {
        if (!c.detected) {
            std::printf("%-40s flaw not among the gaps: not counted\n", c.name.c_str());
            continue;
        }
        ++counted;
        in_range += c.in_range ? 1 : 0;
        agree += c.agree;
        compared += c.compared;
        std::printf(
            "%-40s %-26s %9.3f %9.3f %9.3f %8.3f..%-8.3f %s %s (agree %d/%d, max err %.2f tol)\n",
            c.name.c_str(), (c.feature + (c.section.empty() ? "" : " [" + c.section + "]")).c_str(),
            c.before, c.predicted, c.measured, c.low, c.high, c.in_range ? "IN " : "OUT",
            c.moves.c_str(), c.agree, c.compared, c.max_error_over_tol);
    }
    std::printf("in range after the moves: %d/%d; predictions within tolerance: %d/%d\n", in_range,
                counted, agree, compared);
    REQUIRE(counted > 0);
    CHECK(double(in_range) / counted >= kMinInRange);
    CHECK(double(agree) / std::max(1, compared) >= kMinAgreement);
}
