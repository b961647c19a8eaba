#pragma once
// The stem separators the daemon offers, by choice: "dsp" (core/stems, no
// weights), "learned" (models/, the LibTorch mask network; needs a build with
// LibTorch and a weights file) and "auto" (learned when its weights load,
// else dsp: the default). "" picks the configured default. Each choice is
// built once and shared (separators are reentrant).

#include <cstdint>
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

// Weights training for the learned separator (models/separator_trainer.hpp)
// on synthesized tracks; failedPrecondition in a build without LibTorch.
struct SeparatorTrainingRequest {
    std::string out_path; // required
    std::uint64_t seed = 1;
    int train_tracks = 48;
    int validation_tracks = 8;
    double minutes = 1.0;
    double max_training_s = 0.0;
};
struct SeparatorTrainingOutcome {
    std::string weights_path, separator;
    int epochs = 0, best_epoch = 0, train_tracks = 0, validation_tracks = 0;
    double initial_validation_loss = 0, validation_loss = 0;
    double sdr_drums_db = 0, sdr_bass_db = 0, sdr_other_db = 0;
    long parameters = 0;
    double seconds = 0;
    bool stopped_early = false, stopped_on_time = false;
};
core::Result<SeparatorTrainingOutcome>
trainSeparatorWeights(const SeparatorTrainingRequest& request,
                      const core::CancellationToken& cancel, const core::ProgressFn& progress);

} // namespace styledna::server
