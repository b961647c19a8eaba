#include "core/stems/separator.hpp"

#include <cmath>
#include <limits>

#include "core/common/large_buffers.hpp"
#include "core/stems/dsp_separator.hpp"

namespace styledna::core::stems {

Result<std::unique_ptr<Separator>> makeSeparator(std::string_view name) {
    if (name == "dsp") {
        return std::unique_ptr<Separator>(std::make_unique<DspSeparator>());
    }
    if (name == "learned") {
        return unimplemented("separator 'learned': the LibTorch separator is not built yet; "
                             "use 'dsp'");
    }
    std::string message = "unknown separator '";
    message.append(name).append("' (choices: dsp, learned)");
    return invalidArgument(std::move(message));
}

void recycleStems(Stems& stems) {
    for (AudioBuffer* b : {&stems.drums, &stems.bass, &stems.other}) {
        for (auto& channel : b->channels) {
            recycleLarge(channel);
        }
        b->channels.clear();
    }
}

double maxSumBackError(const Stems& stems, const AudioBuffer& mix) {
    const std::size_t channels = mix.numChannels();
    const std::size_t n = mix.frames();
    for (const AudioBuffer* b : {&stems.drums, &stems.bass, &stems.other}) {
        if (b->numChannels() != channels || b->frames() != n) {
            return std::numeric_limits<double>::infinity();
        }
    }
    double worst = 0.0;
    for (std::size_t c = 0; c < channels; ++c) {
        for (std::size_t i = 0; i < n; ++i) {
            const double sum = static_cast<double>(stems.drums.channels[c][i]) +
                               stems.bass.channels[c][i] + stems.other.channels[c][i];
            worst = std::max(worst, std::abs(sum - mix.channels[c][i]));
        }
    }
    return worst;
}

} // namespace styledna::core::stems
