#pragma once
// The projection-head trainer the daemon injects into profile builds: the
// LibTorch triplet trainer (models/head_trainer.hpp) when the build has
// LibTorch, else an empty function (profiles then use backbone-only
// embeddings and say so).

#include "core/profile/profile.hpp"

namespace styledna::server {

profile::HeadTrainer makeHeadTrainer();

} // namespace styledna::server
