#pragma once
// The planning command of the CLI:
//   fix FILE --profile NAME [--target N] [--strength S] [--map 'Bass=bass,...']
//       [--master-track NAME] [--stems DIR] [--cluster N] (--set SET.json | --live) [--json]
// Text: each fix with its changes (track / device / parameter: from -> to in
// Live's display units), confidence, predicted effect, predicted conformance
// before -> after, manual steps and the moves validation rejected; with --json
// the FixPlan message as JSON with the proto's field names. Errors about the
// set file name the file. Ctrl-C cancels the call.

#include <string>

#include "client.hpp"

namespace styledna::cli {

struct FixCommandOptions {
    std::string file, profile;
    std::string set_file; // "" with --live
    bool live = false;
    double target = 0;
    double strength = 1;
    std::string map, master_track, stems_dir;
    int cluster = -1;
};

int cmdFix(const GlobalOptions& g, const FixCommandOptions& o);

} // namespace styledna::cli
