#pragma once
// The gap-analysis commands of the CLI:
//   gap FILE --profile NAME [--cluster N] [--stems DIR] [--top N | --all]
//   report FILE --profile NAME -o report.html
//   separate FILE -o DIR [--separator dsp|learned]
// Text for people (a ranked table; colours only when stdout is a terminal and
// NO_COLOR is unset) or, with --json, the response message as JSON with the
// proto's field names. Ctrl-C cancels the call.

#include <string>

#include "client.hpp"

namespace styledna::cli {

struct GapCommandOptions {
    std::string file;
    std::string profile;
    int cluster = -1; // -1: nearest
    std::string stems_dir;
    int top = 10;             // gaps shown in the table; 0 = all
    bool comparisons = false; // --json: include every comparison
};

int cmdGap(const GlobalOptions& g, const GapCommandOptions& o);
int cmdReport(const GlobalOptions& g, const GapCommandOptions& o, const std::string& html_out);
// train-separator [-o PATH] [--seed N] [--tracks N] [--validation-tracks N]
// [--minutes M] [--max-seconds S]: trains the learned separator's weights on
// synthesized tracks (progress bar; the daemon's next start picks up weights
// written to its data dir).
int cmdTrainSeparator(const GlobalOptions& g, const v1::TrainSeparatorRequest& request);
int cmdSeparate(const GlobalOptions& g, const std::string& file, const std::string& out_dir,
                const std::string& separator);

} // namespace styledna::cli
