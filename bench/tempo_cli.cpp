// tempo_cli: prints StyleDNA's tempo (and key) for audio files, one line each:
//   <file>\t<tempo_bpm>\t<tempo_confidence>\t<key>\t<candidates>
// where <candidates> lists the ranked tempo candidates as bpm:confidence,...
// Used by bench/real_tempo/run_bench.sh to compare against aubio and bpm-tools.

#include <cstdio>
#include <string>

#include "core/audio/decode.hpp"
#include "core/features/analysis_context.hpp"
#include "core/features/rhythm_features.hpp"
#include "core/features/tonal_features.hpp"

int main(int argc, char** argv) {
    using namespace styledna::core;
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    int failures = 0;
    for (int i = 1; i < argc; ++i) {
        auto decoded = decodeFile(argv[i]);
        if (!decoded.isOk()) {
            std::fprintf(stderr, "%s\n", decoded.status().toString().c_str());
            ++failures;
            continue;
        }
        AnalysisContext ctx(decoded->audio);
        TrackFeatures out;
        const Status rhythm = makeRhythmFamily()->process(ctx, out);
        const Status tonal = makeTonalFamily()->process(ctx, out);
        if (!rhythm.isOk() || !tonal.isOk()) {
            std::fprintf(stderr, "%s: %s %s\n", argv[i], rhythm.toString().c_str(),
                         tonal.toString().c_str());
            ++failures;
            continue;
        }
        std::string candidates;
        for (const auto& c : out.grid.tempo_candidates) {
            char buf[48];
            std::snprintf(buf, sizeof buf, "%s%.2f:%.3f", candidates.empty() ? "" : ",", c.bpm,
                          c.confidence);
            candidates += buf;
        }
        std::printf("%s\t%.2f\t%.2f\t%s\t%s\n", argv[i], out.values["tempo_bpm"],
                    out.values["tempo_confidence"], out.labels["key"].c_str(), candidates.c_str());
    }
    return failures == 0 ? 0 : 1;
}
