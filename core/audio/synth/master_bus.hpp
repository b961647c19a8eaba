#pragma once
// Bus-level processing of the trance synthesizer: the sidechain curve, the
// master transfer (gain, soft clipper, 16-bit grid) and loudness measurement.
//
// The master transfer is public so tests can recompute the mix from the stems
// bit for bit: mix[c][n] == masterSample(drums[c][n] + bass[c][n] + other[c][n],
// master_gain_linear) with the sum evaluated in float, left to right.

#include <cmath>
#include <cstddef>
#include <vector>

#include "core/audio/audio_buffer.hpp"
#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"

namespace styledna::core {

// Soft clipper: identity for |x| <= kClipKnee, then a tanh knee that is
// continuous in value and slope and approaches kClipCeiling (-0.09 dBFS).
inline constexpr float kClipKnee = 0.7f;
inline constexpr float kClipCeiling = 0.99f;

inline float softClip(float x) {
    const float magnitude = std::fabs(x);
    if (magnitude <= kClipKnee) {
        return x;
    }
    constexpr float range = kClipCeiling - kClipKnee;
    const float y = kClipKnee + range * std::tanh((magnitude - kClipKnee) / range);
    return x < 0 ? -y : y;
}

// Rounds to the nearest PCM16 code k in [-32768, 32767] and returns k / 32768
// (libsndfile's float<->PCM16 scale with clipping on), so writing PCM16 and
// reading back reproduces the value exactly.
inline float quantisePcm16(float x) {
    float k = x * 32768.0f;
    k = k < -32768.0f ? -32768.0f : (k > 32767.0f ? 32767.0f : k);
    // Round half to even without a libm call: adding and subtracting 1.5 * 2^23
    // rounds any |k| < 2^22 to an integer in the default rounding mode.
    constexpr float kMagic = 12582912.0f;
    k = (k + kMagic) - kMagic;
    return k * (1.0f / 32768.0f);
}

inline float masterSample(float pre_master, float master_gain_linear) {
    return quantisePcm16(softClip(pre_master * master_gain_linear));
}

// Linear sidechain gain for n = 0 .. frames-1 samples after a kick onset:
// gain_db(n) = -depth_db * exp(-(n / rate) / tau), tau = release_ms / ln(10),
// i.e. 90 % of the depth (in dB) recovered at release_ms.
std::vector<float> sidechainCurve(double depth_db, double release_ms, std::size_t frames,
                                  double rate_hz);

struct LoudnessMeasurement {
    double integrated_lufs = -70.0; // ebur128 integrated (gated) loudness
    double true_peak_dbtp = -150.0; // max over channels; -150 if not requested or silent
};

// BS.1770-4 integrated loudness (K-weighting, 400 ms blocks every 100 ms,
// -70 LUFS absolute and -10 LU relative gates; filters designed as libebur128
// designs them) of softClip(gain * (drums + bass + other)) for stereo stems,
// without storing the mastered signal (PCM16 rounding is ignored: its effect
// is far below 0.001 LU). Agrees with libebur128 to about 0.01 LU;
// used to search the master gain, the truth is measured with libebur128.
double estimateMasterLoudness(const AudioBuffer& drums, const AudioBuffer& bass,
                              const AudioBuffer& other, float master_gain_linear);

// Finds the master gain that brings the mix to target_lufs (secant search on
// estimateMasterLoudness, stops within 0.05 LU or after 8 passes), then
// writes mix[c][n] = masterSample(drums + bass + other, gain) and returns the
// linear gain. mix must already have the stems' shape. Checks cancel between
// passes.
Result<float> masterToLoudness(const AudioBuffer& drums, const AudioBuffer& bass,
                               const AudioBuffer& other, double target_lufs, AudioBuffer& mix,
                               const CancellationToken* cancel);

// libebur128 with EBUR128_MODE_I (| EBUR128_MODE_TRUE_PEAK when true_peak).
// buffer: 1..2 channels. Silence gives -inf clamped to -70 LUFS.
Result<LoudnessMeasurement> measureLoudness(const AudioBuffer& buffer, bool true_peak);

} // namespace styledna::core
