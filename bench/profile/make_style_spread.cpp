// make_style_spread: writes core/profile/style_spread_table.cpp, the robust
// spread (IQR / 1.349) of every profile feature across all trance styles
// (see core/profile/style_spread_table.hpp for what the table means).
//
//   make_style_spread [--per-cell N] [--minutes M] [--first-seed S] [--out FILE]
//
// Draw: for each variety (style, wide_sidechain, wide_acid, wide_tempo), for
// each style (uplifting, progressive, tech, psy), N seeds: seed = first_seed +
// 1000 * variety + 10 * style + i. Each track: randomParams(style, seed,
// minutes, {}, variety) -> renderTrack -> extractFeatures (2 threads) on the
// mastered mix; rows and names exactly as the profile takes them
// (profile::wholeTrackValues / sectionValues). Deterministic: the same
// arguments write the same file, already clang-format clean (the source line
// fits 100 columns for any --per-cell / --first-seed below 10^9). Progress
// goes to stderr. The committed table: --per-cell 6 --minutes 4 (96 tracks,
// about 4 minutes on one core).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/analysis/track_analysis.hpp"
#include "core/audio/synth/trance_synth.hpp"
#include "core/features/extractor.hpp"
#include "core/profile/feature_stats.hpp"

namespace {

using namespace styledna;

constexpr int kMinCount = 8;

// Features the synthesizer's master bus pins (every track is soft-clipped to
// the same ceiling), so their spread over the draw says nothing about styles:
// left out, a profile weighs them with the default.
const char* const kPinnedBySynth[] = {"sample_peak_dbfs", "true_peak_dbtp", "peak_dbfs"};

bool pinnedBySynth(const std::string& name) {
    for (const char* pinned : kPinnedBySynth) {
        if (name == pinned) {
            return true;
        }
    }
    return false;
}

struct Args {
    int per_cell = 4;
    double minutes = 3.0;
    std::uint64_t first_seed = 60000;
    std::string out = "core/profile/style_spread_table.cpp";
};

bool parseArgs(int argc, char** argv, Args& args) {
    for (int i = 1; i < argc; ++i) {
        const bool has_value = i + 1 < argc;
        if (!std::strcmp(argv[i], "--per-cell") && has_value) {
            args.per_cell = std::atoi(argv[++i]);
        } else if (!std::strcmp(argv[i], "--minutes") && has_value) {
            args.minutes = std::atof(argv[++i]);
        } else if (!std::strcmp(argv[i], "--first-seed") && has_value) {
            args.first_seed = std::strtoull(argv[++i], nullptr, 10);
        } else if (!std::strcmp(argv[i], "--out") && has_value) {
            args.out = argv[++i];
        } else {
            return false;
        }
    }
    return args.per_cell > 0 && args.minutes >= 0.5;
}

std::string escaped(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    Args args;
    if (!parseArgs(argc, argv, args)) {
        std::fprintf(
            stderr, "usage: %s [--per-cell N>0] [--minutes M>=0.5] [--first-seed S] [--out FILE]\n",
            argv[0]);
        return 2;
    }
    const core::SynthVariety varieties[] = {
        core::SynthVariety::kStyle, core::SynthVariety::kWideSidechain,
        core::SynthVariety::kWideAcid, core::SynthVariety::kWideTempo};
    const core::TranceStyle styles[] = {core::TranceStyle::kUplifting,
                                        core::TranceStyle::kProgressive, core::TranceStyle::kTech,
                                        core::TranceStyle::kPsy};
    std::map<std::string, std::vector<double>> rows;
    int tracks = 0;
    for (int v = 0; v < 4; ++v) {
        for (int s = 0; s < 4; ++s) {
            for (int i = 0; i < args.per_cell; ++i) {
                const std::uint64_t seed =
                    args.first_seed + static_cast<std::uint64_t>(1000 * v + 10 * s + i);
                const auto params =
                    core::randomParams(styles[s], seed, args.minutes, {}, varieties[v]);
                auto track = core::renderTrack(params);
                if (!track.isOk()) {
                    std::fprintf(stderr, "render %llu: %s\n", (unsigned long long)seed,
                                 track.status().toString().c_str());
                    return 1;
                }
                auto features = core::extractFeatures(track->mix, core::ExtractOptions{2});
                if (!features.isOk()) {
                    std::fprintf(stderr, "features %llu: %s\n", (unsigned long long)seed,
                                 features.status().toString().c_str());
                    return 1;
                }
                for (const auto& [name, value] : profile::wholeTrackValues(*features)) {
                    rows[name].push_back(value);
                }
                for (const auto& [label, values] : profile::sectionValues(*features)) {
                    for (const auto& [name, value] : values) {
                        rows["section." + label + "." + name].push_back(value);
                    }
                }
                ++tracks;
                std::fprintf(stderr, "%3d/%d %s/%s/%llu\n", tracks, 16 * args.per_cell,
                             std::string(core::varietyName(varieties[v])).c_str(),
                             std::string(core::styleName(styles[s])).c_str(),
                             (unsigned long long)seed);
            }
        }
    }

    char source[256];
    std::snprintf(source, sizeof source,
                  "make_style_spread --per-cell %d --minutes %g --first-seed %llu (%d tracks, "
                  "analyzer %s)",
                  args.per_cell, args.minutes, (unsigned long long)args.first_seed, tracks,
                  core::kAnalyzerVersion);
    std::FILE* f = std::fopen(args.out.c_str(), "w");
    if (!f) {
        std::fprintf(stderr, "%s: cannot write\n", args.out.c_str());
        return 1;
    }
    std::fprintf(f,
                 "// GENERATED by bench/profile/make_style_spread.cpp; do not edit.\n"
                 "//   %s\n"
                 "// See style_spread_table.hpp.\n"
                 "#include \"core/profile/style_spread_table.hpp\"\n\n"
                 "namespace styledna::profile {\n\n"
                 "namespace {\n\n"
                 "constexpr StyleSpread kTable[] = {\n",
                 source);
    int written = 0;
    for (auto& [name, values] : rows) { // std::map: sorted by name
        std::sort(values.begin(), values.end());
        const double spread = profile::robustSpreadSorted(values);
        if (pinnedBySynth(name) || static_cast<int>(values.size()) < kMinCount || !(spread > 0.0) ||
            !std::isfinite(spread)) {
            continue;
        }
        std::fprintf(f, "    {\"%s\", %.9g, %d},\n", escaped(name).c_str(), spread,
                     static_cast<int>(values.size()));
        ++written;
    }
    std::fprintf(f,
                 "};\n\n"
                 "constexpr std::string_view kSource =\n"
                 "    \"%s\";\n\n"
                 "} // namespace\n\n"
                 "std::span<const StyleSpread> styleSpreadTable() {\n"
                 "    return kTable;\n"
                 "}\n\n"
                 "std::string_view styleSpreadSource() {\n"
                 "    return kSource;\n"
                 "}\n\n"
                 "} // namespace styledna::profile\n",
                 escaped(source).c_str());
    std::fclose(f);
    std::fprintf(stderr, "%s: %d entries from %d tracks\n", args.out.c_str(), written, tracks);
    return 0;
}
