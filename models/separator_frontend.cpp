#include "models/separator_frontend.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <string>
#include <thread>

#include "core/common/large_buffers.hpp"
#include "core/common/logging.hpp"
#include "core/dsp/batch_fft.hpp"
#include "core/stems/real_fft.hpp"

namespace styledna::models {

namespace {

constexpr std::size_t kCancelEveryFrames = 256;
constexpr double kPowerEps = 1e-12;
// Mean bin power below which a mix counts as silent (a full-scale sine reads
// ~(fft_size / 4)^2 in its bin; 1e-8 is ~-150 dB of that at 2048).
constexpr double kSilentRefPower = 1e-8;
constexpr float kFeatureMax = 2.0f;
// Periodic Hann at hop = size / 4: sum of w^2 over the four frames covering a sample.
constexpr float kWindowSquareSum = 1.5f;

core::Status checkLayout(const core::AudioBuffer& audio, const char* what) {
    if (audio.numChannels() < 1 || audio.numChannels() > 2) {
        std::string m = "learned separator: ";
        m.append(what).append(" must have 1 or 2 channels, not ");
        m.append(std::to_string(audio.numChannels()));
        return core::invalidArgument(std::move(m));
    }
    return core::Status::ok();
}

// Runs fn(worker, first, last) over [0, count) split into `threads` contiguous
// ranges (the caller runs the first). Returns false when any worker saw `cancel`.
template <class Fn>
bool parallelRanges(std::size_t count, int threads, const core::CancellationToken& cancel, Fn fn) {
    const auto workers =
        static_cast<std::size_t>(std::clamp<std::size_t>(threads > 0 ? threads : 1, 1, 16));
    std::atomic<bool> cancelled{false};
    auto run = [&](std::size_t w) {
        const std::size_t first = count * w / workers;
        const std::size_t last = count * (w + 1) / workers;
        if (!fn(first, last, cancel)) {
            cancelled.store(true);
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w) {
        pool.emplace_back(run, w);
    }
    run(0);
    for (auto& t : pool) {
        t.join();
    }
    return !cancelled.load();
}

// One FFT plan and scratch per worker: the windowed frames of every channel.
class FrameAnalyser {
public:
    FrameAnalyser(const SeparatorFrontendConfig& config, const std::vector<float>& window)
        : m_size(static_cast<std::size_t>(config.fft_size)),
          m_hop(static_cast<std::size_t>(config.hop())), m_window(window), m_fft(m_size),
          m_frame(m_size), m_spectra(2, std::vector<std::complex<float>>(m_size / 2 + 1)) {}

    // Spectra of frame i of every channel of `audio`.
    void analyse(const core::AudioBuffer& audio, std::size_t i) {
        const auto n = static_cast<std::ptrdiff_t>(audio.frames());
        const std::ptrdiff_t start =
            static_cast<std::ptrdiff_t>(i * m_hop) - static_cast<std::ptrdiff_t>(m_size - m_hop);
        for (std::size_t c = 0; c < audio.numChannels(); ++c) {
            const float* x = audio.channels[c].data();
            core::windowedFrame(x, n, start, m_window.data(), m_size, m_frame.data());
            m_fft.forward(m_frame.data(), m_spectra[c].data());
        }
    }

    const std::vector<std::complex<float>>& spectrum(std::size_t c) const { return m_spectra[c]; }
    core::stems::RealFft& fft() { return m_fft; }

private:
    std::size_t m_size, m_hop;
    const std::vector<float>& m_window;
    core::stems::RealFft m_fft;
    std::vector<float> m_frame;
    std::vector<std::vector<std::complex<float>>> m_spectra;
};

// Frames per batch of the batched transforms. Blocks are aligned to multiples
// of this from frame 0, whatever the thread split, so every frame is computed
// in the same batch (bit-identical results for any thread count).
constexpr std::size_t kBlockFrames = 32;

// Windowed frames of a block of frames of every channel, transformed in one
// batch; one per worker.
class BlockAnalyser {
public:
    BlockAnalyser(const SeparatorFrontendConfig& config, const std::vector<float>& window)
        : m_size(static_cast<std::size_t>(config.fft_size)),
          m_hop(static_cast<std::size_t>(config.hop())), m_bins(m_size / 2 + 1), m_window(window),
          m_fft(m_size), m_frames(2 * kBlockFrames * m_size), m_spectra(2 * kBlockFrames * m_bins) {
    }

    // Spectra of frames [first, first + count) (count <= kBlockFrames) of every
    // channel of `audio`.
    void analyse(const core::AudioBuffer& audio, std::size_t first, std::size_t count) {
        const auto n = static_cast<std::ptrdiff_t>(audio.frames());
        m_count = count;
        const std::size_t channels = audio.numChannels();
        for (std::size_t c = 0; c < channels; ++c) {
            const float* x = audio.channels[c].data();
            for (std::size_t j = 0; j < count; ++j) {
                const std::ptrdiff_t start = static_cast<std::ptrdiff_t>((first + j) * m_hop) -
                                             static_cast<std::ptrdiff_t>(m_size - m_hop);
                core::windowedFrame(x, n, start, m_window.data(), m_size,
                                    m_frames.data() + (c * count + j) * m_size);
            }
        }
        const std::size_t rows = channels * count;
        for (std::size_t r = 0; r < rows; r += core::BatchRealFft::kBatch) {
            m_fft.forward(m_frames.data() + r * m_size,
                          std::min(core::BatchRealFft::kBatch, rows - r),
                          m_spectra.data() + r * m_bins);
        }
    }

    // Frame first + j of channel c, m_bins bins.
    const std::complex<float>* spectrum(std::size_t c, std::size_t j) const {
        return m_spectra.data() + (c * m_count + j) * m_bins;
    }
    // rows spectra of m_bins bins -> rows frames of m_size samples (unnormalised).
    void inverse(const std::complex<float>* spectra, std::size_t rows, float* frames) {
        for (std::size_t r = 0; r < rows; r += core::BatchRealFft::kBatch) {
            m_fft.inverse(spectra + r * m_bins, std::min(core::BatchRealFft::kBatch, rows - r),
                          frames + r * m_size);
        }
    }

private:
    std::size_t m_size, m_hop, m_bins;
    const std::vector<float>& m_window;
    core::BatchRealFft m_fft;
    std::vector<float> m_frames;
    std::vector<std::complex<float>> m_spectra;
    std::size_t m_count = 0;
};

} // namespace

core::AudioBuffer pooledBuffer(std::size_t channels, std::size_t frames, double rate_hz) {
    core::AudioBuffer b;
    b.sample_rate_hz = rate_hz;
    b.channels.resize(channels);
    for (auto& ch : b.channels) {
        core::reserveLarge(ch, frames);
        ch.assign(frames, 0.0f);
    }
    return b;
}

core::Status validateFrontendConfig(const SeparatorFrontendConfig& c) {
    auto bad = [](std::string m) { return core::invalidArgument("separator frontend: " + m); };
    if (c.fft_size < 256 || c.fft_size > 16384 || (c.fft_size & (c.fft_size - 1)) != 0) {
        return bad("fft_size must be a power of two in 256..16384");
    }
    if (!(c.sample_rate_hz >= 8000 && c.sample_rate_hz <= 384000)) {
        return bad("sample_rate_hz must be in 8000..384000");
    }
    if (c.linear_bins < 1 || c.bands <= c.linear_bins || c.bands > c.bins()) {
        return bad("need 1 <= linear_bins < bands <= fft_size / 2 + 1");
    }
    return core::Status::ok();
}

SeparatorFrontend::SeparatorFrontend(const SeparatorFrontendConfig& config)
    : m_config(config), m_window(static_cast<std::size_t>(config.fft_size)) {
    const int bins = config.bins();
    for (int b = 0; b <= config.linear_bins; ++b) {
        m_edges.push_back(b);
    }
    const int log_bands = config.bands - config.linear_bins;
    const double ratio = static_cast<double>(bins) / config.linear_bins;
    for (int b = 1; b <= log_bands; ++b) {
        const int edge =
            b == log_bands
                ? bins
                : static_cast<int>(std::lround(
                      config.linear_bins * std::pow(ratio, static_cast<double>(b) / log_bands)));
        // At least one bin per band, leaving one for each band still to come.
        const int remaining = log_bands - b;
        m_edges.push_back(std::clamp(edge, m_edges.back() + 1, bins - remaining));
    }
    const double n = config.fft_size;
    for (std::size_t j = 0; j < m_window.size(); ++j) {
        m_window[j] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * M_PI * j / n));
    }
}

std::size_t SeparatorFrontend::frames(std::size_t samples) const {
    if (samples == 0) {
        return 0;
    }
    return (samples + static_cast<std::size_t>(m_config.fft_size) - 1) /
           static_cast<std::size_t>(m_config.hop());
}

core::Result<std::vector<float>> SeparatorFrontend::features(
    const core::AudioBuffer& mix, int threads, const core::CancellationToken& cancel,
    const core::Spectrogram* mono_spectrum, const core::Spectrogram* side_spectrum) const {
    if (auto s = checkLayout(mix, "the mix"); !s.isOk()) {
        return s;
    }
    const std::size_t frame_count = frames(mix.frames());
    const auto bands = static_cast<std::size_t>(m_config.bands);
    const auto bins = static_cast<std::size_t>(m_config.bins());
    const std::size_t channels = mix.numChannels();
    std::vector<float> out(2 * bands * frame_count, 0.0f);
    std::vector<double> frame_power(frame_count, 0.0);
    const auto hop = static_cast<std::size_t>(m_config.hop());
    const auto matches = [&](const core::Spectrogram* s) {
        return s != nullptr && s->frame_size == static_cast<std::size_t>(m_config.fft_size) &&
               s->hop == hop && s->num_bins == bins && s->sample_rate_hz == mix.sample_rate_hz &&
               s->num_frames == mix.frames() / hop + 1 &&
               s->magnitude.size() == s->num_frames * bins;
    };
    const bool shared = frame_count > 0 && matches(mono_spectrum) &&
                        (channels == 1 ? side_spectrum == nullptr || matches(side_spectrum)
                                       : matches(side_spectrum));
    // Our frames 1 .. shared_last - 1 are the spectrograms' frames 0 .. shared_last - 2.
    const std::size_t shared_last =
        shared ? std::min(frame_count, mono_spectrum->num_frames + 1) : 0;
    if (mono_spectrum != nullptr && !shared) {
        core::logger("models")->debug(
            "separator features: the mix's spectrograms do not match ({} frames of {} / {} at "
            "{} Hz, {} bins, {} values; side {}); transforming the mix",
            mono_spectrum->num_frames, mono_spectrum->frame_size, mono_spectrum->hop,
            mono_spectrum->sample_rate_hz, mono_spectrum->num_bins, mono_spectrum->magnitude.size(),
            side_spectrum != nullptr);
    }
    // powers(k) -> {|mid|^2, |side|^2, total} of bin k.
    const auto poolFrame = [&](std::size_t i, const auto& powers) {
        double total = 0;
        for (std::size_t b = 0; b < bands; ++b) {
            double mid = 0, side = 0;
            const auto lo = static_cast<std::size_t>(m_edges[b]);
            const auto hi = static_cast<std::size_t>(m_edges[b + 1]);
            for (std::size_t k = lo; k < hi; ++k) {
                const auto [m, sd, t] = powers(k);
                mid += m;
                side += sd;
                total += t;
            }
            const double width = static_cast<double>(hi - lo);
            out[b * frame_count + i] = static_cast<float>(mid / width);
            out[(bands + b) * frame_count + i] = static_cast<float>(side / width);
        }
        frame_power[i] = total;
    };
    const auto fromSpectrograms = [&](std::size_t first, std::size_t last,
                                      const core::CancellationToken& token) {
        for (std::size_t i = first; i < last; ++i) {
            if ((i - first) % kCancelEveryFrames == 0 && token.isCancelled()) {
                return false;
            }
            const float* m = mono_spectrum->frame(i - 1);
            const float* sd = side_spectrum != nullptr ? side_spectrum->frame(i - 1) : nullptr;
            poolFrame(i, [m, sd](std::size_t k) {
                const double mp = static_cast<double>(m[k] * m[k]);
                const double sp = sd != nullptr ? static_cast<double>(sd[k] * sd[k]) : 0.0;
                return std::array<double, 3>{mp, sp, mp + sp};
            });
        }
        return true;
    };
    // Frames transformed here, in aligned blocks (every frame in the same batch
    // whatever the thread split), skipping the ones read from the spectrograms.
    const auto transformed = [&](std::size_t first_block, std::size_t last_block,
                                 const core::CancellationToken& token) {
        BlockAnalyser analyser(m_config, m_window);
        for (std::size_t block = first_block; block < last_block; ++block) {
            if (token.isCancelled()) {
                return false;
            }
            const std::size_t first = block * kBlockFrames;
            const std::size_t count = std::min(kBlockFrames, frame_count - first);
            if (shared && first >= 1 && first + count <= shared_last) {
                continue;
            }
            analyser.analyse(mix, first, count);
            for (std::size_t j = 0; j < count; ++j) {
                const std::size_t i = first + j;
                if (shared && i >= 1 && i < shared_last) {
                    continue;
                }
                const std::complex<float>* l = analyser.spectrum(0, j);
                const std::complex<float>* r = analyser.spectrum(channels == 2 ? 1 : 0, j);
                poolFrame(i, [l, r](std::size_t k) {
                    return std::array<double, 3>{std::norm(0.5f * (l[k] + r[k])),
                                                 std::norm(0.5f * (l[k] - r[k])),
                                                 0.5 * (std::norm(l[k]) + std::norm(r[k]))};
                });
            }
        }
        return true;
    };
    const std::size_t blocks = (frame_count + kBlockFrames - 1) / kBlockFrames;
    bool ok = true;
    if (shared) {
        ok = parallelRanges(shared_last - 1, threads, cancel,
                            [&](std::size_t a, std::size_t b, const core::CancellationToken& t) {
                                return fromSpectrograms(a + 1, b + 1, t);
                            });
        // The first block and the last ones: a few frames transformed here.
        ok =
            ok && transformed(0, 1, cancel) &&
            transformed(std::max<std::size_t>(1, (shared_last - 1) / kBlockFrames), blocks, cancel);
    } else {
        ok = parallelRanges(blocks, threads, cancel, transformed);
    }
    if (!ok) {
        return core::cancelledError("learned separator: cancelled");
    }
    double ref = 0;
    for (double p : frame_power) {
        ref += p;
    }
    ref = frame_count ? ref / (static_cast<double>(frame_count) * static_cast<double>(bins)) : 0;
    if (ref < kSilentRefPower) {
        std::fill(out.begin(), out.end(), kFeaturePad);
        return out;
    }
    const double log_ref = std::log10(ref + kPowerEps);
    for (float& v : out) {
        const double db = 10.0 * (std::log10(v + kPowerEps) - log_ref);
        v = std::clamp(static_cast<float>(db / 20.0), kFeaturePad, kFeatureMax);
    }
    return out;
}

core::Result<std::vector<float>>
SeparatorFrontend::bandMagnitudes(const core::AudioBuffer& audio, int threads,
                                  const core::CancellationToken& cancel) const {
    if (auto s = checkLayout(audio, "audio"); !s.isOk()) {
        return s;
    }
    const std::size_t frame_count = frames(audio.frames());
    const auto bands = static_cast<std::size_t>(m_config.bands);
    const std::size_t channels = audio.numChannels();
    const float inv_channels = 1.0f / static_cast<float>(channels);
    std::vector<float> out(bands * frame_count, 0.0f);
    const bool ok = parallelRanges(
        frame_count, threads, cancel,
        [&](std::size_t first, std::size_t last, const core::CancellationToken& token) {
            FrameAnalyser analyser(m_config, m_window);
            for (std::size_t i = first; i < last; ++i) {
                if ((i - first) % kCancelEveryFrames == 0 && token.isCancelled()) {
                    return false;
                }
                analyser.analyse(audio, i);
                for (std::size_t b = 0; b < bands; ++b) {
                    float sum = 0;
                    for (auto k = static_cast<std::size_t>(m_edges[b]);
                         k < static_cast<std::size_t>(m_edges[b + 1]); ++k) {
                        float power = 0;
                        for (std::size_t c = 0; c < channels; ++c) {
                            power += std::norm(analyser.spectrum(c)[k]);
                        }
                        sum += std::sqrt(power * inv_channels);
                    }
                    out[b * frame_count + i] = sum;
                }
            }
            return true;
        });
    if (!ok) {
        return core::cancelledError("learned separator: cancelled");
    }
    return out;
}

core::Status SeparatorFrontend::applyMasks(const core::AudioBuffer& mix,
                                           const std::vector<float>& drums_mask,
                                           const std::vector<float>& bass_mask,
                                           core::AudioBuffer& drums, core::AudioBuffer& bass,
                                           int threads,
                                           const core::CancellationToken& cancel) const {
    if (auto s = checkLayout(mix, "the mix"); !s.isOk()) {
        return s;
    }
    const std::size_t n = mix.frames();
    const std::size_t frame_count = frames(n);
    const auto bands = static_cast<std::size_t>(m_config.bands);
    if (drums_mask.size() != bands * frame_count || bass_mask.size() != bands * frame_count) {
        return core::internalError("learned separator: mask size does not match the mix");
    }
    const std::size_t channels = mix.numChannels();
    const auto size = static_cast<std::size_t>(m_config.fft_size);
    const auto hop = static_cast<std::size_t>(m_config.hop());
    const auto bins = static_cast<std::size_t>(m_config.bins());
    drums = pooledBuffer(channels, n, mix.sample_rate_hz);
    bass = pooledBuffer(channels, n, mix.sample_rate_hz);
    const float scale = 1.0f / (static_cast<float>(size) * kWindowSquareSum);
    // Workers own disjoint ranges of output samples and compute every frame
    // that touches theirs, so no two write the same sample and the sum order
    // of each sample (frames ascending) does not depend on the split.
    const bool ok = parallelRanges(
        n, threads, cancel,
        [&](std::size_t a, std::size_t b, const core::CancellationToken& token) {
            if (a >= b) {
                return true;
            }
            BlockAnalyser analyser(m_config, m_window);
            std::vector<float> bin_drums(bins), bin_bass(bins);
            // Rows (target * channels + c) * count + j: target 0 drums, 1 bass.
            std::vector<std::complex<float>> masked(2 * channels * kBlockFrames * bins);
            std::vector<float> time(2 * channels * kBlockFrames * size);
            const std::size_t first = a / hop;
            const std::size_t last = std::min(frame_count, (b + size - 1) / hop);
            for (std::size_t block = first / kBlockFrames; block * kBlockFrames < last; ++block) {
                if (token.isCancelled()) {
                    return false;
                }
                const std::size_t block_first = block * kBlockFrames;
                const std::size_t count = std::min(kBlockFrames, frame_count - block_first);
                analyser.analyse(mix, block_first, count);
                for (std::size_t j = 0; j < count; ++j) {
                    const std::size_t i = block_first + j;
                    for (std::size_t band = 0; band < bands; ++band) {
                        const float md = drums_mask[band * frame_count + i];
                        const float mb = bass_mask[band * frame_count + i];
                        for (auto k = static_cast<std::size_t>(m_edges[band]);
                             k < static_cast<std::size_t>(m_edges[band + 1]); ++k) {
                            bin_drums[k] = md * scale;
                            bin_bass[k] = mb * scale;
                        }
                    }
                    for (std::size_t c = 0; c < channels; ++c) {
                        const std::complex<float>* x = analyser.spectrum(c, j);
                        for (std::size_t target = 0; target < 2; ++target) {
                            const auto& m = target == 0 ? bin_drums : bin_bass;
                            std::complex<float>* row =
                                masked.data() + ((target * channels + c) * count + j) * bins;
                            for (std::size_t k = 0; k < bins; ++k) {
                                row[k] = x[k] * m[k];
                            }
                        }
                    }
                }
                analyser.inverse(masked.data(), 2 * channels * count, time.data());
                for (std::size_t j = 0; j < count; ++j) {
                    const std::size_t i = block_first + j;
                    if (i < first || i >= last) {
                        continue;
                    }
                    const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(i * hop) -
                                                 static_cast<std::ptrdiff_t>(size - hop);
                    const std::size_t j_first = static_cast<std::size_t>(
                        std::max<std::ptrdiff_t>(0, static_cast<std::ptrdiff_t>(a) - start));
                    const std::size_t j_last = static_cast<std::size_t>(
                        std::clamp<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(b) - start, 0,
                                                   static_cast<std::ptrdiff_t>(size)));
                    for (std::size_t c = 0; c < channels; ++c) {
                        for (std::size_t target = 0; target < 2; ++target) {
                            const float* t =
                                time.data() + ((target * channels + c) * count + j) * size;
                            float* dst = (target == 0 ? drums : bass).channels[c].data();
                            for (std::size_t k = j_first; k < j_last; ++k) {
                                dst[start + static_cast<std::ptrdiff_t>(k)] += t[k] * m_window[k];
                            }
                        }
                    }
                }
            }
            return true;
        });
    if (!ok) {
        return core::cancelledError("learned separator: cancelled");
    }
    return core::Status::ok();
}

} // namespace styledna::models
