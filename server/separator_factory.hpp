#pragma once
// The stem separators the daemon offers, by choice: "dsp" (core/stems, no
// weights), "learned" (models/, the LibTorch mask network; needs a build with
// LibTorch and a weights file) and "auto" (learned when its weights load,
// else dsp: the default). "" picks the configured default. Each choice is
// built once and shared (separators are reentrant).

#include <string>

#include "server/stem_runner.hpp"

namespace styledna::server {

struct SeparatorConfig {
    std::string default_choice = "auto"; // "auto" | "dsp" | "learned"
    std::string learned_weights_path;    // "" = none
};

// The weights committed with the source (models/weights/separator_v1.sdnt), or
// "" in a build without LibTorch.
std::string defaultSeparatorWeightsPath();

SeparatorFactory makeSeparatorFactory(const SeparatorConfig& config);

} // namespace styledna::server
