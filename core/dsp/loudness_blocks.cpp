#include "core/dsp/loudness_blocks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/dsp/biquad_cascade.hpp"

namespace styledna::core {
namespace {

constexpr double kLoudnessOffsetDb = -0.691;
constexpr std::size_t kMomentarySubblocks = 4;
constexpr std::size_t kShortTermSubblocks = 30;

struct KState {
    BiquadCoefficients s1, s2;
    double z[4] = {0, 0, 0, 0};

    // Sum of squared K-weighted output over x[0, n).
    double run(const float* x, std::size_t n) {
        double a0 = z[0], a1 = z[1], c0 = z[2], c1 = z[3];
        double acc = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double in = x[i];
            const double y1 = s1.b0 * in + a0;
            a0 = s1.b1 * in - s1.a1 * y1 + a1;
            a1 = s1.b2 * in - s1.a2 * y1;
            const double y2 = s2.b0 * y1 + c0;
            c0 = s2.b1 * y1 - s2.a1 * y2 + c1;
            c1 = s2.b2 * y1 - s2.a2 * y2;
            acc += y2 * y2;
        }
        z[0] = a0;
        z[1] = a1;
        z[2] = c0;
        z[3] = c1;
        return acc;
    }
};

// Two channels in one loop: the recursions are independent, so the CPU
// overlaps their latency chains (about 2x faster than one channel at a time).
double runPair(KState& l, KState& r, const float* xl, const float* xr, std::size_t n, double gl,
               double gr) {
    const BiquadCoefficients a = l.s1, b = l.s2;
    double la0 = l.z[0], la1 = l.z[1], lc0 = l.z[2], lc1 = l.z[3];
    double ra0 = r.z[0], ra1 = r.z[1], rc0 = r.z[2], rc1 = r.z[3];
    double accl = 0.0, accr = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double il = xl[i];
        const double ir = xr[i];
        const double yl1 = a.b0 * il + la0;
        const double yr1 = a.b0 * ir + ra0;
        la0 = a.b1 * il - a.a1 * yl1 + la1;
        ra0 = a.b1 * ir - a.a1 * yr1 + ra1;
        la1 = a.b2 * il - a.a2 * yl1;
        ra1 = a.b2 * ir - a.a2 * yr1;
        const double yl2 = b.b0 * yl1 + lc0;
        const double yr2 = b.b0 * yr1 + rc0;
        lc0 = b.b1 * yl1 - b.a1 * yl2 + lc1;
        rc0 = b.b1 * yr1 - b.a1 * yr2 + rc1;
        lc1 = b.b2 * yl1 - b.a2 * yl2;
        rc1 = b.b2 * yr1 - b.a2 * yr2;
        accl += yl2 * yl2;
        accr += yr2 * yr2;
    }
    l.z[0] = la0;
    l.z[1] = la1;
    l.z[2] = lc0;
    l.z[3] = lc1;
    r.z[0] = ra0;
    r.z[1] = ra1;
    r.z[2] = rc0;
    r.z[3] = rc1;
    return gl * accl + gr * accr;
}

double blockEnergy(const LoudnessBlocks& b, std::size_t j, std::size_t window) {
    double sum = 0.0;
    for (std::size_t k = 0; k < window; ++k) {
        sum += b.energy[j + k];
    }
    return sum / static_cast<double>(window);
}

} // namespace

std::pair<std::size_t, std::size_t> LoudnessBlocks::rangeFor(double start_s, double end_s) const {
    const double step = subblockS();
    if (step <= 0.0 || energy.empty() || !(end_s > start_s)) {
        return {0, 0};
    }
    const double first = std::ceil(std::max(0.0, start_s) / step - 1e-9);
    const double last = std::floor(end_s / step + 1e-9);
    const auto n = static_cast<double>(energy.size());
    const auto f = static_cast<std::size_t>(std::clamp(first, 0.0, n));
    const auto l = static_cast<std::size_t>(std::clamp(last, 0.0, n));
    return {f, std::max(f, l)};
}

LoudnessBlocks computeLoudnessBlocks(std::span<const float* const> channels,
                                     std::span<const double> weights, std::size_t frames,
                                     double rate_hz) {
    LoudnessBlocks out;
    out.sample_rate_hz = rate_hz;
    out.subblock_frames =
        rate_hz > 0
            ? std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(rate_hz / 10.0)))
            : 0;
    if (out.subblock_frames == 0 || channels.empty() || weights.size() != channels.size()) {
        return out;
    }
    const std::size_t count = frames / out.subblock_frames;
    out.energy.assign(count, 0.0);
    const auto s1 = kWeightingShelf(rate_hz);
    const auto s2 = kWeightingHighpass(rate_hz);
    std::vector<KState> states(channels.size(), KState{s1, s2, {0, 0, 0, 0}});
    const double inv = 1.0 / static_cast<double>(out.subblock_frames);
    for (std::size_t j = 0; j < count; ++j) {
        const std::size_t offset = j * out.subblock_frames;
        double e = 0.0;
        std::size_t c = 0;
        for (; c + 1 < channels.size(); c += 2) {
            e += runPair(states[c], states[c + 1], channels[c] + offset, channels[c + 1] + offset,
                         out.subblock_frames, weights[c], weights[c + 1]);
        }
        if (c < channels.size()) {
            e += weights[c] * states[c].run(channels[c] + offset, out.subblock_frames);
        }
        out.energy[j] = e * inv;
    }
    return out;
}

double energyToLufs(double energy) {
    if (!(energy > 0.0)) {
        return -std::numeric_limits<double>::infinity();
    }
    return kLoudnessOffsetDb + 10.0 * std::log10(energy);
}

double lufsToEnergy(double lufs) {
    return std::pow(10.0, (lufs - kLoudnessOffsetDb) / 10.0);
}

double integratedLoudnessLufs(const LoudnessBlocks& blocks, std::size_t first, std::size_t last) {
    last = std::min(last, blocks.size());
    if (last < first + kMomentarySubblocks) {
        return -std::numeric_limits<double>::infinity();
    }
    const double abs_gate = lufsToEnergy(kAbsoluteGateLufs);
    double sum = 0.0;
    std::size_t count = 0;
    for (std::size_t j = first; j + kMomentarySubblocks <= last; ++j) {
        const double e = blockEnergy(blocks, j, kMomentarySubblocks);
        if (e >= abs_gate) {
            sum += e;
            ++count;
        }
    }
    if (count == 0) {
        return -std::numeric_limits<double>::infinity();
    }
    const double rel_gate = 0.1 * sum / static_cast<double>(count); // -10 LU
    double gated = 0.0;
    std::size_t gated_count = 0;
    for (std::size_t j = first; j + kMomentarySubblocks <= last; ++j) {
        const double e = blockEnergy(blocks, j, kMomentarySubblocks);
        if (e >= abs_gate && e >= rel_gate) {
            gated += e;
            ++gated_count;
        }
    }
    return energyToLufs(gated / static_cast<double>(gated_count));
}

std::vector<double> slidingLoudnessLufs(const LoudnessBlocks& blocks, std::size_t window,
                                        std::size_t hop, std::size_t first, std::size_t last) {
    std::vector<double> out;
    last = std::min(last, blocks.size());
    if (window == 0 || hop == 0) {
        return out;
    }
    for (std::size_t j = first; j + window <= last; j += hop) {
        out.push_back(energyToLufs(blockEnergy(blocks, j, window)));
    }
    return out;
}

double maxSlidingLoudnessLufs(const LoudnessBlocks& blocks, std::size_t window, std::size_t first,
                              std::size_t last) {
    last = std::min(last, blocks.size());
    if (window == 0 || last < first + window) {
        return -std::numeric_limits<double>::infinity();
    }
    // Running sum; recomputed exactly every 1024 steps so rounding cannot drift.
    double best = 0.0;
    double sum = 0.0;
    for (std::size_t j = first; j + window <= last; ++j) {
        if ((j - first) % 1024 == 0) {
            sum = 0.0;
            for (std::size_t k = 0; k < window; ++k) {
                sum += blocks.energy[j + k];
            }
        } else {
            sum += blocks.energy[j + window - 1] - blocks.energy[j - 1];
        }
        best = std::max(best, sum);
    }
    return energyToLufs(best / static_cast<double>(window));
}

double loudnessRangeLu(const LoudnessBlocks& blocks, std::size_t first, std::size_t last,
                       std::size_t hop) {
    last = std::min(last, blocks.size());
    if (hop == 0) {
        return 0.0;
    }
    const double abs_gate = lufsToEnergy(kAbsoluteGateLufs);
    std::vector<double> values;
    double sum = 0.0;
    for (std::size_t j = first; j + kShortTermSubblocks <= last; j += hop) {
        const double e = blockEnergy(blocks, j, kShortTermSubblocks);
        if (e >= abs_gate) {
            values.push_back(e);
            sum += e;
        }
    }
    if (values.size() < 2) {
        return 0.0;
    }
    const double rel_gate = 0.01 * sum / static_cast<double>(values.size()); // -20 LU
    std::erase_if(values, [rel_gate](double e) { return e < rel_gate; });
    if (values.size() < 2) {
        return 0.0;
    }
    std::sort(values.begin(), values.end());
    const auto rank = [&](double p) {
        return values[static_cast<std::size_t>(static_cast<double>(values.size() - 1) * p + 0.5)];
    };
    return energyToLufs(rank(0.95)) - energyToLufs(rank(0.10));
}

} // namespace styledna::core
