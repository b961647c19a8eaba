#include "core/audio/resample.hpp"

#include <cmath>
#include <memory>
#include <vector>

#include <soxr.h>

namespace styledna::core {
namespace {

struct SoxrDelete {
    void operator()(soxr_t s) const { soxr_delete(s); }
};
using SoxrHandle = std::unique_ptr<std::remove_pointer_t<soxr_t>, SoxrDelete>;

} // namespace

Result<AudioBuffer> resampleTo(AudioBuffer input, double out_rate_hz,
                               const CancellationToken* cancel) {
    if (!(out_rate_hz > 0) || !(input.sample_rate_hz > 0)) {
        return invalidArgument("resample: sample rates must be positive");
    }
    if (std::abs(input.sample_rate_hz - out_rate_hz) < 1e-9) {
        return input;
    }
    const unsigned channels = static_cast<unsigned>(input.numChannels());
    const std::size_t in_frames = input.frames();
    const double ratio = out_rate_hz / input.sample_rate_hz;
    const auto expected = static_cast<std::size_t>(std::llround(in_frames * ratio));

    soxr_error_t err = nullptr;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_S, SOXR_FLOAT32_S);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    SoxrHandle soxr(
        soxr_create(input.sample_rate_hz, out_rate_hz, channels, &err, &io, &quality, nullptr));
    if (err != nullptr || !soxr) {
        return internalError(std::string("resample: soxr_create failed: ") +
                             (err ? err : "unknown"));
    }

    AudioBuffer out(channels, expected + 64, out_rate_hz);
    std::size_t written = 0;
    constexpr std::size_t kChunk = 8192;
    std::vector<const void*> in_ptrs(channels);
    std::vector<void*> out_ptrs(channels);
    std::size_t consumed = 0;
    while (true) {
        const bool flushing = consumed >= in_frames;
        const std::size_t n_in = flushing ? 0 : std::min(kChunk, in_frames - consumed);
        for (unsigned c = 0; c < channels; ++c) {
            in_ptrs[c] = input.channels[c].data() + consumed;
            out_ptrs[c] = out.channels[c].data() + written;
        }
        const std::size_t capacity = out.frames() - written;
        std::size_t idone = 0;
        std::size_t odone = 0;
        err = soxr_process(soxr.get(), flushing ? nullptr : in_ptrs.data(), n_in, &idone,
                           out_ptrs.data(), capacity, &odone);
        if (err != nullptr) {
            return internalError(std::string("resample: soxr_process failed: ") + err);
        }
        consumed += idone;
        written += odone;
        if (written >= out.frames()) {
            break;
        }
        if (flushing && odone == 0) {
            break;
        }
        if (cancel != nullptr && cancel->isCancelled()) {
            return cancelledError("resample cancelled");
        }
    }
    const std::size_t final_frames = std::min(written, expected);
    for (auto& ch : out.channels) {
        ch.resize(final_frames);
    }
    return out;
}

} // namespace styledna::core
