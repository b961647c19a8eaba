#pragma once
// Adapts the LibTorch triplet trainer (models/head_trainer.hpp) to the
// profile builder's HeadTrainer (core/profile/profile.hpp), so a profile build
// trains its projection head without core/ knowing LibTorch exists. With a
// warm start (TrainingSet::initial_head, an --append) it fine-tunes the
// existing head for at most 3 epochs instead of training from scratch.

#include "core/profile/profile.hpp"
#include "models/head_trainer.hpp"

namespace styledna::models {

profile::HeadTrainer makeProfileHeadTrainer(const HeadTrainingParams& params = {});

} // namespace styledna::models
