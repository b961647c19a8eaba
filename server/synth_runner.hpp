#pragma once
// SynthesizeTracks: renders synthetic trance tracks with ground truth through
// core/audio/synth and reports each written track.

#include <functional>

#include "core/common/status.hpp"
#include "styledna/v1/styledna.pb.h"

namespace styledna::server {

core::Status runSynthesis(const v1::SynthesizeTracksRequest& request,
                          const std::function<bool()>& cancelled,
                          const std::function<void(const v1::SynthesizeTracksEvent&)>& emit);

} // namespace styledna::server
