#include "core/stems/sdr.hpp"

#include <cmath>
#include <limits>

namespace styledna::core::stems {

double sdrDb(const AudioBuffer& reference, const AudioBuffer& estimate) {
    if (reference.numChannels() != estimate.numChannels() ||
        reference.frames() != estimate.frames()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    double signal = 0.0;
    double error = 0.0;
    for (std::size_t c = 0; c < reference.numChannels(); ++c) {
        const float* s = reference.channels[c].data();
        const float* e = estimate.channels[c].data();
        for (std::size_t i = 0; i < reference.frames(); ++i) {
            const double d = static_cast<double>(s[i]) - e[i];
            signal += static_cast<double>(s[i]) * s[i];
            error += d * d;
        }
    }
    return 10.0 * std::log10((signal + kSdrEps) / (error + kSdrEps));
}

} // namespace styledna::core::stems
