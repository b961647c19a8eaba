#pragma once
// Onset peak picking on an onset strength envelope (after Boeck et al. 2012 /
// librosa.util.peak_pick): frame i is an onset when
//   env[i] == max(env[i - pre_max .. i + post_max]),
//   env[i] >= mean(env[i - pre_avg .. i + post_avg]) + delta * scale, and
//   at least `wait` frames passed since the previous onset.
// `scale` is the envelope's 95th percentile, so `delta` is relative and the
// picker is level-invariant. Positions are refined to sub-frame precision
// with a parabola through the neighbours.
// Units: frames. Threads: pure, reentrant.

#include <vector>

namespace styledna::core {

struct PeakPickParams {
    int pre_max = 3;
    int post_max = 3;
    int pre_avg = 10;
    int post_avg = 10;
    double delta = 0.07; // x 95th percentile of the envelope
    int wait = 4;        // frames (~46 ms at 86 fps: one onset per kick, body included)
};

struct PickedPeak {
    double position = 0.0; // frames, sub-frame
    float strength = 0.0f; // envelope value at the peak frame
};

std::vector<PickedPeak> pickPeaks(const std::vector<float>& envelope,
                                  const PeakPickParams& params = {});

} // namespace styledna::core
