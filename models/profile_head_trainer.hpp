#pragma once
// Adapts the LibTorch triplet trainer (models/head_trainer.hpp) to the
// profile builder's HeadTrainer (core/profile/profile.hpp), so a profile build
// trains its projection head without core/ knowing LibTorch exists.
// With a warm start (TrainingSet::initial_head, an --append) it fine-tunes the
// existing head instead of training from scratch: one epoch of 25 steps per
// appended class (TrainingSet::appended_classes; at most params.steps_per_epoch),
// every batch holding the appended classes (HeadTrainingData::focus_classes),
// no held-out split (the previous head was validated when it was trained; a
// split would also hold out a share of the few new tracks), the weights after
// the last step returned. At 1,000 members and one appended track that is 25
// steps (~0.3 s) instead of a full training (60 epochs, ~70 s); the result is
// not the head a build from scratch would train (profile.hpp, Append).

#include "core/profile/profile.hpp"
#include "models/head_trainer.hpp"

namespace styledna::models {

profile::HeadTrainer makeProfileHeadTrainer(const HeadTrainingParams& params = {});

} // namespace styledna::models
