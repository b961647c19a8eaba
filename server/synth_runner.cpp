#include "server/synth_runner.hpp"

namespace styledna::server {

core::Status runSynthesis(const v1::SynthesizeTracksRequest&, const std::function<bool()>&,
                          const std::function<void(const v1::SynthesizeTracksEvent&)>&) {
    return core::unimplemented("SynthesizeTracks: the trance synthesizer is not built in yet");
}

} // namespace styledna::server
