// Fix generation for a 5-minute WIP, validation included, against issue 14's
// 500 ms target and the seed's 1 s: what GenerateFixes does after the WIP's
// analysis and gap report (cached in the daemon): decode the WIP file, the
// simulator's one pass (summarise: mid/side spectra per section), the plan
// (mapping, amount tuning and validation by simulation, greedy selection with
// analyzeGap on predicted features). Floors printed from the same run: one
// analyzeGap, the decode and the simulator's pass. A profile of 8 clean
// one-minute references; the WIP (uplifting, muddy bass + quiet master + wide
// low end) rendered once; best of 5 runs.
// Usage: bench_fixes [--minutes M] [--runs N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/analysis/track_analysis.hpp"
#include "core/audio/audio_writer.hpp"
#include "core/audio/decode.hpp"
#include "core/audio/synth/trance_synth.hpp"
#include "core/fixes/fix_planner.hpp"
#include "core/fixes/track_roles.hpp"
#include "core/gap/gap_analyzer.hpp"
#include "core/live/live_set.hpp"
#include "core/stems/stem_features.hpp"

using namespace styledna;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

core::TrackAnalysis analyse(const core::AudioBuffer& audio) {
    core::DecodedAudio d;
    d.source.channels = 2;
    d.source.sample_rate_hz = audio.sample_rate_hz;
    d.source.frames = static_cast<std::int64_t>(audio.frames());
    d.source.duration_s = audio.durationS();
    d.audio = audio;
    auto a = core::analyzeDecoded(d, {}, {}, {});
    if (!a.isOk()) {
        std::fprintf(stderr, "analysis: %s\n", a.status().message().c_str());
        std::exit(1);
    }
    return std::move(a).value();
}

live::LiveSet benchSet() {
    const char* json = R"({"tracks":[{"name":"Kick","devices":[]},
      {"name":"Bass","devices":[{"name":"EQ Eight","class_name":"Eq8","parameters":[
        {"name":"Device On","value":1,"min":0,"max":1,"is_quantized":true},
        {"name":"Output","value":0,"min":-12,"max":12},
        {"name":"1 Filter On A","value":0,"min":0,"max":1,"is_quantized":true},
        {"name":"1 Filter Type A","value":3,"min":0,"max":7,"is_quantized":true},
        {"name":"1 Frequency A","value":0.3,"min":0,"max":1},
        {"name":"1 Gain A","value":0,"min":-15,"max":15},
        {"name":"1 Q A","value":0.38,"min":0,"max":1}]},
       {"name":"Utility","class_name":"StereoGain","parameters":[
        {"name":"Stereo Width","value":1,"min":0,"max":2},
        {"name":"Bass Mono","value":0,"min":0,"max":1,"is_quantized":true},
        {"name":"Bass Freq","value":0.38,"min":0,"max":1},
        {"name":"Output","value":0,"min":-1,"max":1}]}]},
      {"name":"Supersaw Pad","devices":[{"name":"Utility","class_name":"StereoGain","parameters":[
        {"name":"Stereo Width","value":1,"min":0,"max":2}]}]},
      {"name":"Mix Bus","devices":[{"name":"EQ Eight","class_name":"Eq8","parameters":[
        {"name":"Output","value":0,"min":-12,"max":12},
        {"name":"1 Filter On A","value":0,"min":0,"max":1,"is_quantized":true},
        {"name":"1 Filter Type A","value":3,"min":0,"max":7,"is_quantized":true},
        {"name":"1 Frequency A","value":0.8,"min":0,"max":1},
        {"name":"1 Gain A","value":0,"min":-15,"max":15},
        {"name":"1 Q A","value":0.38,"min":0,"max":1}]}]}]})";
    return live::liveSetFromJson(json).value();
}

} // namespace

int main(int argc, char** argv) {
    double minutes = 5.0;
    int runs = 5;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--minutes") == 0) {
            minutes = std::atof(argv[++i]);
        } else if (std::strcmp(argv[i], "--runs") == 0) {
            runs = std::max(1, std::atoi(argv[++i]));
        }
    }
    std::vector<profile::Reference> refs;
    for (int i = 0; i < 8; ++i) {
        auto t =
            core::renderTrack(core::randomParams(core::TranceStyle::kUplifting, 7700 + i, 1.0, {}));
        profile::Reference r;
        r.analysis = analyse(t->mix);
        r.analysis.content_hash = "ref" + std::to_string(i);
        r.embedding = r.analysis.embedding;
        refs.push_back(std::move(r));
    }
    profile::BuildOptions po;
    po.seed = 1;
    const auto profile = profile::buildProfile("bench", refs, po).value();
    auto track = core::renderTrack(
        core::randomParams(core::TranceStyle::kUplifting, 7800, minutes,
                           {core::SynthFlaw::kMuddyBass, core::SynthFlaw::kQuietMaster,
                            core::SynthFlaw::kWideLowEnd}));
    const auto wav = std::filesystem::temp_directory_path() / "styledna-bench-fixes-wip.wav";
    if (!core::writeAudioFile(wav.string(), track->mix).isOk()) {
        std::fprintf(stderr, "cannot write %s\n", wav.c_str());
        return 1;
    }
    const auto wip = analyse(track->mix);
    const auto report = gap::analyzeGap(wip, profile).value();
    const auto set = benchSet();
    fixes::PlanInputs in;
    in.wip = &wip;
    in.profile = &profile;
    in.report = &report;
    in.set = &set;
    in.roles = fixes::assignRoles(set, {}).value();
    in.master_track = "Mix Bus";

    double best_total = 1e300, best_decode = 1e300, best_pass = 1e300, best_plan = 1e300,
           best_gap = 1e300;
    std::size_t fixes_n = 0, rejected_n = 0;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = Clock::now();
        auto decoded = core::decodeFile(wav.string());
        const double decode_ms = msSince(t0);
        const auto t1 = Clock::now();
        const auto sim = fixes::summarise(decoded->audio, {}, wip.features);
        const double pass_ms = msSince(t1);
        const auto t2 = Clock::now();
        in.sim = &sim;
        auto plan = fixes::planFixes(in);
        const double plan_ms = msSince(t2);
        const double total = msSince(t0);
        const auto t3 = Clock::now();
        (void)gap::analyzeGap(wip, profile);
        best_gap = std::min(best_gap, msSince(t3));
        best_total = std::min(best_total, total);
        best_decode = std::min(best_decode, decode_ms);
        best_pass = std::min(best_pass, pass_ms);
        best_plan = std::min(best_plan, plan_ms);
        fixes_n = plan->fixes.size();
        rejected_n = plan->rejected.size();
    }
    // With stems: the WIP analysed with per-stem features (the synth's stems,
    // as exported stems would be) and the simulator given the stems, so the
    // plan also predicts the stems' features.
    core::TrackAnalysis wip_stems = wip;
    core::stems::Stems stems{track->drums, track->bass, track->other};
    wip_stems.stems.separator = "user";
    wip_stems.stems.stems = core::stems::measureStemFeatures(stems, wip.features).value();
    in.wip = &wip_stems;
    double best_stems = 1e300, best_stems_pass = 1e300;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = Clock::now();
        auto decoded = core::decodeFile(wav.string());
        const auto t1 = Clock::now();
        const auto sim = fixes::summarise(
            decoded->audio,
            {{"bass", &stems.bass}, {"drums", &stems.drums}, {"other", &stems.other}},
            wip.features);
        best_stems_pass = std::min(best_stems_pass, msSince(t1));
        in.sim = &sim;
        (void)fixes::planFixes(in);
        best_stems = std::min(best_stems, msSince(t0));
    }
    std::filesystem::remove(wav);
    std::printf(
        "fix generation, %.1f-minute WIP (%zu gaps -> %zu fixes, %zu rejected), best of %d:\n",
        track->mix.durationS() / 60.0, report.gaps.size(), fixes_n, rejected_n, runs);
    std::printf("  total %8.1f ms  = decode %.1f + simulator pass %.1f + plan %.1f\n", best_total,
                best_decode, best_pass, best_plan);
    std::printf("  vs target 500 ms: %.2fx   vs seed target 1 s: %.2fx\n", best_total / 500.0,
                best_total / 1000.0);
    std::printf("  floor: one analyzeGap %.2f ms; decode + simulator pass %.1f ms (%.0f %% of the "
                "total)\n",
                best_gap, best_decode + best_pass, 100.0 * (best_decode + best_pass) / best_total);
    std::printf("  with stems (3 stems summarised, stem features predicted): total %.1f ms "
                "(simulator pass %.1f), vs target 500 ms: %.2fx\n",
                best_stems, best_stems_pass, best_stems / 500.0);
    return 0;
}
