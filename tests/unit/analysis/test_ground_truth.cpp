// End-to-end accuracy of the feature layer against the trance synthesizer,
// the way the product runs it: render -> 16-bit WAV -> decodeFile ->
// extractFeatures (every family, the rhythm family's own beat grid). The set
// (ground_truth_set.hpp) is rendered once and shared by every test case.
// Each criterion prints a summary line ("GT <criterion>: ...") with the
// measured rate so CI logs carry the figures; the table prints truth vs
// measured per track.

#include <cmath>
#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

#include "unit/analysis/ground_truth_metrics.hpp"
#include "unit/analysis/ground_truth_set.hpp"

using namespace styledna;

namespace {

double feature(const test::GroundTruthTrack& t, const std::string& name) {
    const auto it = t.features.values.find(name);
    INFO(t.name << ": " << name);
    REQUIRE(it != t.features.values.end());
    return it->second;
}

bool keyMatches(const test::GroundTruthTrack& t) {
    const auto& p = t.truth.params;
    return feature(t, "key_tonic_pc") == p.tonic_pc &&
           feature(t, "key_is_minor") == (p.mode == core::KeyMode::kMinor ? 1.0 : 0.0);
}

std::string truthKey(const core::SynthParams& p) {
    static const char* kNames[12] = {"C",  "C#", "D",  "D#", "E",  "F",
                                     "F#", "G",  "G#", "A",  "A#", "B"};
    return std::string(kNames[p.tonic_pc]) + " " + std::string(core::keyModeName(p.mode));
}

// Sidechain acceptance tolerances: depth 1.5 dB absolute (the issue's figure:
// about the step a listener notices in pumping depth, and depth is already in
// dB); release 30 % relative (release times span 10..1000 ms, so an absolute
// figure would be meaningless at one end or the other).
bool depthOk(const test::GroundTruthTrack& t) {
    return std::abs(feature(t, "sidechain_depth_db") - t.truth.params.sidechain_depth_db) <= 1.5;
}
bool releaseOk(const test::GroundTruthTrack& t) {
    const double truth = t.truth.params.sidechain_release_ms;
    return std::abs(feature(t, "sidechain_release_ms") - truth) <= 0.3 * truth;
}

double rate(int hits, int total) {
    return total > 0 ? double(hits) / total : 0.0;
}

} // namespace

TEST_CASE("ground truth: table of truth vs measured", "[analysis][ground_truth]") {
    const auto& set = test::groundTruthSet();
    REQUIRE(set.size() >= 24);
    std::printf("GT table (truth/measured; * = outside the tolerance)\n");
    std::printf("%-30s %-15s %-15s %-16s %-17s %-11s %-13s %-5s %-9s %-16s %s\n", "track",
                "tempo_bpm", "key", "sc_depth_db", "sc_release_ms", "acid", "width/spread", "lemok",
                "le_corr", "lufs", "sections(bars) bounds");
    for (const auto& t : set) {
        const auto& p = t.truth.params;
        const double tempo = feature(t, "tempo_bpm");
        const double lufs = feature(t, "loudness_integrated_lufs");
        const auto bounds =
            test::scoreBoundaries(t.truth, t.features.sections, test::truthBarS(t.truth));
        std::string truth_sections, found_sections;
        for (const auto& s : t.truth.sections) {
            truth_sections += s.label.substr(0, 2) + std::to_string(s.bars) + " ";
        }
        for (const auto& s : t.features.sections) {
            found_sections += s.label.substr(0, 2) + std::to_string(s.bars) + " ";
        }
        std::printf(
            "%-30s %6.2f/%6.2f%s %-6s/%-8s%s %5.2f/%5.2f%s %6.1f/%6.1f%s %d/%d %.2f%s "
            "%.2f/%.3f %d %+.3f %6.2f/%6.2f%s %s| %s %d/%d\n",
            t.name.c_str(), p.tempo_bpm, tempo, std::abs(tempo - p.tempo_bpm) <= 0.5 ? " " : "*",
            truthKey(p).c_str(), t.features.labels.at("key").c_str(), keyMatches(t) ? " " : "*",
            p.sidechain_depth_db, feature(t, "sidechain_depth_db"), depthOk(t) ? " " : "*",
            p.sidechain_release_ms, feature(t, "sidechain_release_ms"), releaseOk(t) ? " " : "*",
            p.bass_type == core::BassType::kAcid ? 1 : 0, int(feature(t, "acid_present")),
            feature(t, "acid_score"),
            (feature(t, "acid_present") > 0.5) == (p.bass_type == core::BassType::kAcid) ? " "
                                                                                         : "*",
            p.stereo_spread, feature(t, "supersaw_width"), int(feature(t, "low_end_mono_ok")),
            feature(t, "low_end_correlation"), t.truth.integrated_lufs, lufs,
            std::abs(lufs - t.truth.integrated_lufs) <= 0.1 ? " " : "*", truth_sections.c_str(),
            found_sections.c_str(), bounds.hits, bounds.total);
    }
}

TEST_CASE("ground truth: the decoded WAV is the rendered mix", "[analysis][ground_truth]") {
    // The mix is on the 16-bit grid, so PCM16 write + decode is lossless:
    // exact equality, no tolerance.
    for (const auto& t : test::groundTruthSet()) {
        INFO(t.name);
        CHECK(t.decode_bit_exact);
    }
}

TEST_CASE("ground truth: tempo within 0.5 BPM on every track", "[analysis][ground_truth]") {
    // 0.5 BPM absolute (the issue's figure): the synth draws tempos on a
    // 0.25 BPM lattice, so 0.5 BPM still tells neighbouring tempos apart while
    // allowing the grid fit's error on a 1.5-minute track.
    int ok = 0, n = 0;
    double worst = 0.0;
    for (const auto& t : test::groundTruthSet()) {
        const double err = std::abs(feature(t, "tempo_bpm") - t.truth.params.tempo_bpm);
        INFO(t.name << " truth " << t.truth.params.tempo_bpm << " measured "
                    << feature(t, "tempo_bpm"));
        CHECK(err <= 0.5);
        ok += err <= 0.5 ? 1 : 0;
        ++n;
        worst = std::max(worst, err);
    }
    std::printf("GT tempo: %d/%d within 0.5 BPM (%.1f %%, target 100 %%), worst error %.3f BPM\n",
                ok, n, 100.0 * rate(ok, n), worst);
}

TEST_CASE("ground truth: key exact on >= 90 % of tracks", "[analysis][ground_truth]") {
    // Exact tonic and mode (compared as pitch class + mode: the synth spells
    // D#, the key label Eb); the 90 % rate is the issue's target.
    int ok = 0, n = 0;
    for (const auto& t : test::groundTruthSet()) {
        ok += keyMatches(t) ? 1 : 0;
        ++n;
        if (!keyMatches(t)) {
            WARN(t.name << ": key truth " << truthKey(t.truth.params) << ", measured "
                        << t.features.labels.at("key"));
        }
    }
    std::printf("GT key: %d/%d exact (%.1f %%, target >= 90 %%)\n", ok, n, 100.0 * rate(ok, n));
    CHECK(rate(ok, n) >= 0.9);
}

// Tolerances: depth 1.5 dB absolute and release 30 % relative (the issue's);
// the pass rate must reach 90 % of the tracks, weak and flawed ones included.
TEST_CASE("ground truth: sidechain depth within 1.5 dB and release within 30 %",
          "[analysis][ground_truth][sidechain]") {
    int depth_ok = 0, release_ok = 0, both_ok = 0, n = 0;
    for (const auto& t : test::groundTruthSet()) {
        depth_ok += depthOk(t) ? 1 : 0;
        release_ok += releaseOk(t) ? 1 : 0;
        both_ok += depthOk(t) && releaseOk(t) ? 1 : 0;
        ++n;
    }
    std::printf("GT sidechain: depth within 1.5 dB %d/%d (%.1f %%), release within 30 %% %d/%d "
                "(%.1f %%), both %d/%d (%.1f %%); target >= 90 %% each\n",
                depth_ok, n, 100.0 * rate(depth_ok, n), release_ok, n, 100.0 * rate(release_ok, n),
                both_ok, n, 100.0 * rate(both_ok, n));
    // The issue's target as a pass rate over the set: >= 90 % of tracks.
    CHECK(rate(depth_ok, n) >= 0.9);
    CHECK(rate(release_ok, n) >= 0.9);
}

TEST_CASE("ground truth: acid_present F1 >= 0.9", "[analysis][ground_truth]") {
    int tp = 0, fp = 0, fn = 0, tn = 0;
    for (const auto& t : test::groundTruthSet()) {
        const bool truth = t.truth.params.bass_type == core::BassType::kAcid;
        const bool found = feature(t, "acid_present") > 0.5;
        tp += truth && found;
        fp += !truth && found;
        fn += truth && !found;
        tn += !truth && !found;
    }
    const double f1 = test::f1Score(tp, fp, fn);
    std::printf("GT acid: F1 %.3f (tp %d fp %d fn %d tn %d; target >= 0.9)\n", f1, tp, fp, fn, tn);
    REQUIRE(tp + fn >= 3); // the set must hold acid tracks for F1 to mean anything
    CHECK(f1 >= 0.9);
}

TEST_CASE("ground truth: supersaw_width ranks the stereo spread (Spearman >= 0.9)",
          "[analysis][ground_truth]") {
    std::vector<double> width, spread;
    for (const auto& t : test::groundTruthSet()) {
        width.push_back(feature(t, "supersaw_width"));
        spread.push_back(t.truth.params.stereo_spread);
    }
    const double rho = test::spearman(width, spread);
    std::printf("GT supersaw: Spearman(supersaw_width, stereo_spread) %.3f over %zu tracks "
                "(target >= 0.9)\n",
                rho, width.size());
    CHECK(rho >= 0.9);
}

TEST_CASE("ground truth: wide_low_end detected on every flawed track, no false alarm",
          "[analysis][ground_truth]") {
    // low_end_mono_ok is a 0/1 decision: exact comparison.
    int flawed = 0, detected = 0, clean = 0, false_alarms = 0;
    for (const auto& t : test::groundTruthSet()) {
        const bool wide = t.hasFlaw("wide_low_end");
        const double ok = feature(t, "low_end_mono_ok");
        INFO(t.name << " low_end_correlation " << feature(t, "low_end_correlation")
                    << " stereo_width_low " << feature(t, "stereo_width_low"));
        CHECK(ok == (wide ? 0.0 : 1.0));
        flawed += wide;
        detected += wide && ok == 0.0;
        clean += !wide;
        false_alarms += !wide && ok == 0.0;
        if (wide) {
            std::printf("GT wide_low_end: %-30s allpass %.1f Hz: low_end_mono_ok %.0f "
                        "low_end_correlation %+.3f stereo_width_low %.4f\n",
                        t.name.c_str(), t.truth.params.low_end_allpass_hz, ok,
                        feature(t, "low_end_correlation"), feature(t, "stereo_width_low"));
        }
    }
    std::printf("GT wide_low_end: detected %d/%d flawed, false alarms %d/%d clean\n", detected,
                flawed, false_alarms, clean);
    CHECK(flawed >= 4);
}

TEST_CASE("ground truth: section boundaries within one bar, labels per bar",
          "[analysis][ground_truth][sections]") {
    // Boundary tolerance: one bar of the truth tempo, absolute (the issue's
    // figure); pooled over all truth boundaries of the set. Labels: >= 90 % of
    // all truth bars (judged at the bar centre) carry the truth label.
    int hits = 0, total = 0, same = 0, bars = 0;
    for (const auto& t : test::groundTruthSet()) {
        const auto b =
            test::scoreBoundaries(t.truth, t.features.sections, test::truthBarS(t.truth));
        const auto [s, n] = test::barLabelHits(t.truth, t.features.sections);
        hits += b.hits;
        total += b.total;
        same += s;
        bars += n;
        if (b.hits < b.total || s < n) {
            WARN(t.name << ": boundaries " << b.hits << "/" << b.total << " (worst " << b.worst_s
                        << " s, bar " << test::truthBarS(t.truth) << " s), bar labels " << s << "/"
                        << n);
        }
    }
    std::printf("GT sections: boundaries within one bar %d/%d (%.1f %%, target >= 90 %%); bar "
                "labels %d/%d (%.1f %%, target >= 90 %%)\n",
                hits, total, 100.0 * rate(hits, total), same, bars, 100.0 * rate(same, bars));
    CHECK(rate(hits, total) >= 0.9);
    CHECK(rate(same, bars) >= 0.9);
}

TEST_CASE("ground truth: short_breakdown shortens breakdown_bars", "[analysis][ground_truth]") {
    int pairs = 0;
    for (const auto& shorter : test::groundTruthSet()) {
        if (!shorter.hasFlaw("short_breakdown")) {
            continue;
        }
        for (const auto& normal : test::groundTruthSet()) {
            if (normal.seed != shorter.seed || normal.style_index != shorter.style_index ||
                !normal.flaws.empty()) {
                continue;
            }
            ++pairs;
            const double a = feature(normal, "breakdown_bars");
            const double b = feature(shorter, "breakdown_bars");
            std::printf("GT short_breakdown: %-30s breakdown_bars %.0f vs %.0f without the flaw\n",
                        shorter.name.c_str(), b, a);
            INFO(shorter.name << " " << b << " vs " << normal.name << " " << a);
            CHECK(b < a);
        }
    }
    CHECK(pairs >= 2);
}

TEST_CASE("ground truth: integrated loudness within 0.1 LU", "[analysis][ground_truth]") {
    // 0.1 LU absolute: both numbers are BS.1770-4 on the very same samples
    // (the truth by libebur128 on the written mix), so only implementation
    // detail (block phase, gating arithmetic) may differ; 0.1 LU is the EBU
    // Tech 3341 tolerance for a meter.
    int ok = 0, n = 0;
    double worst = 0.0;
    for (const auto& t : test::groundTruthSet()) {
        const double err =
            std::abs(feature(t, "loudness_integrated_lufs") - t.truth.integrated_lufs);
        INFO(t.name << " truth " << t.truth.integrated_lufs << " measured "
                    << feature(t, "loudness_integrated_lufs"));
        CHECK(err <= 0.1);
        ok += err <= 0.1 ? 1 : 0;
        ++n;
        worst = std::max(worst, err);
    }
    std::printf("GT loudness: %d/%d within 0.1 LU (%.1f %%, target 100 %%), worst %.4f LU\n", ok, n,
                100.0 * rate(ok, n), worst);
}

TEST_CASE("ground truth: four on the floor and sections tiling the track",
          "[analysis][ground_truth][sections]") {
    int four_ok = 0, tiled = 0, n = 0;
    double lowest = 1.0;
    for (const auto& t : test::groundTruthSet()) {
        INFO(t.name);
        ++n;
        const double four = feature(t, "four_on_floor_score");
        CHECK(four > 0.8);
        four_ok += four > 0.8;
        lowest = std::min(lowest, four);
        const auto& sections = t.features.sections;
        REQUIRE_FALSE(sections.empty());
        // Tiling: exact shared edges (the family writes them from one bar
        // list); the end within one frame at 44.1 kHz of the decoded length.
        bool ok = sections.front().start_s == 0.0 &&
                  std::abs(sections.back().end_s - t.truth.duration_s) <= 1.0 / 44100.0;
        for (std::size_t i = 0; i < sections.size(); ++i) {
            ok = ok && sections[i].end_s > sections[i].start_s && sections[i].bars > 0;
            if (i > 0) {
                ok = ok && sections[i].start_s == sections[i - 1].end_s &&
                     sections[i].start_bar == sections[i - 1].start_bar + sections[i - 1].bars;
            }
        }
        CHECK(ok);
        tiled += ok;
    }
    std::printf("GT rhythm/sections: four_on_floor_score > 0.8 on %d/%d (lowest %.3f); sections "
                "tile the track on %d/%d\n",
                four_ok, n, lowest, tiled, n);
}
