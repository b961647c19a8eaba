#include "models/separator_learned.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include "core/audio/resample.hpp"
#include "core/common/logging.hpp"
#include "models/torch_threads_guard.hpp"

namespace styledna::models {

namespace {

constexpr std::string_view kStage = "separating";
// Shares of the progress bar: features, network, masked ISTFT.
constexpr double kFeatureShare = 0.15;
constexpr double kNetShare = 0.6;

// Sets the stage's progress to `a + fraction * (b - a)`.
core::ProgressFn subRange(const core::ProgressFn& progress, double a, double b) {
    if (!progress) {
        return {};
    }
    return [progress, a, b](double f, std::string_view) { progress(a + f * (b - a), kStage); };
}

void fitLength(core::AudioBuffer& b, std::size_t frames) {
    for (auto& ch : b.channels) {
        ch.resize(frames, 0.0f);
    }
}

} // namespace

LearnedSeparator::LearnedSeparator(std::unique_ptr<SeparatorNet> net,
                                   const LearnedSeparatorOptions& options)
    : m_net(std::move(net)), m_frontend(m_net->config().frontend), m_options(options) {
    m_options.threads = std::max(1, m_options.threads);
    m_options.torch_threads = std::max(0, m_options.torch_threads);
}

core::Result<std::unique_ptr<LearnedSeparator>>
LearnedSeparator::load(const std::string& weights_path, const LearnedSeparatorOptions& options) {
    auto archive = readNamedTensorArchive(weights_path);
    if (!archive) {
        return archive.status();
    }
    return fromArchive(*archive, weights_path, options);
}

core::Result<std::unique_ptr<LearnedSeparator>>
LearnedSeparator::fromArchive(const NamedTensorArchive& archive, const std::string& source,
                              const LearnedSeparatorOptions& options) {
    auto net = SeparatorNet::create(archive, source);
    if (!net) {
        return net.status();
    }
    return std::unique_ptr<LearnedSeparator>(new LearnedSeparator(std::move(*net), options));
}

std::string LearnedSeparator::name() const {
    std::string name = "learned/";
    name.append(std::to_string(kSeparatorFormatVersion)).append("-").append(m_net->digest());
    return name;
}

core::Result<core::stems::Stems>
LearnedSeparator::separate(const core::AudioBuffer& mix, const core::stems::SeparationHints& hints,
                           const core::CancellationToken& cancel,
                           const core::ProgressFn& progress) const {
    const std::size_t channels = mix.numChannels();
    if (channels < 1 || channels > 2) {
        std::string message = "learned separator: the mix must have 1 or 2 channels, not ";
        message += std::to_string(channels);
        return core::invalidArgument(std::move(message));
    }
    if (!(mix.sample_rate_hz > 0)) {
        return core::invalidArgument("learned separator: the mix has no sample rate");
    }
    const std::size_t n = mix.frames();
    core::reportProgress(progress, 0.0, kStage);
    if (n == 0) {
        core::stems::Stems empty;
        for (auto* b : {&empty.drums, &empty.bass, &empty.other}) {
            *b = core::AudioBuffer(channels, 0, mix.sample_rate_hz);
        }
        core::reportProgress(progress, 1.0, kStage);
        return empty;
    }
    const double net_rate = m_net->config().frontend.sample_rate_hz;
    core::Result<core::stems::Stems> stems = core::internalError("learned separator: not run");
    if (mix.sample_rate_hz == net_rate) {
        stems = separateAtNetRate(mix, &hints, cancel, progress);
    } else {
        auto at_net_rate = core::resampleTo(mix, net_rate, &cancel);
        if (!at_net_rate) {
            return at_net_rate.status();
        }
        stems = separateAtNetRate(*at_net_rate, nullptr, cancel, progress);
        if (!stems) {
            return stems.status();
        }
        for (auto* b : {&stems->drums, &stems->bass}) {
            auto back = core::resampleTo(std::move(*b), mix.sample_rate_hz, &cancel);
            if (!back) {
                return back.status();
            }
            *b = std::move(*back);
            fitLength(*b, n);
        }
    }
    if (!stems) {
        return stems.status();
    }
    auto& other = stems->other;
    other = pooledBuffer(channels, n, mix.sample_rate_hz);
    for (std::size_t c = 0; c < channels; ++c) {
        const float* x = mix.channels[c].data();
        const float* d = stems->drums.channels[c].data();
        const float* b = stems->bass.channels[c].data();
        float* o = other.channels[c].data();
        for (std::size_t i = 0; i < n; ++i) {
            o[i] = x[i] - d[i] - b[i];
        }
    }
    core::reportProgress(progress, 1.0, kStage);
    return stems;
}

core::Result<core::stems::Stems> LearnedSeparator::separateAtNetRate(
    const core::AudioBuffer& mix, const core::stems::SeparationHints* hints,
    const core::CancellationToken& cancel, const core::ProgressFn& progress) const {
    const int threads = m_options.threads;
    const auto t0 = std::chrono::steady_clock::now();
    auto features =
        m_frontend.features(mix, threads, cancel, hints ? hints->mono_spectrum : nullptr,
                            hints ? hints->side_spectrum : nullptr);
    if (!features) {
        return features.status();
    }
    core::reportProgress(progress, kFeatureShare, kStage);
    const auto t1 = std::chrono::steady_clock::now();
    const std::size_t frames = m_frontend.frames(mix.frames());
    std::vector<float> drums_mask, bass_mask;
    {
        TorchThreadsGuard torch_threads(m_options.torch_threads);
        const auto net_progress = subRange(progress, kFeatureShare, kFeatureShare + kNetShare);
        auto status = m_net->masks(*features, frames, drums_mask, bass_mask, cancel, [&](double f) {
            if (net_progress) {
                net_progress(f, kStage);
            }
        });
        if (!status.isOk()) {
            return status;
        }
    }
    core::reportProgress(progress, kFeatureShare + kNetShare, kStage);
    const auto t2 = std::chrono::steady_clock::now();
    core::stems::Stems stems;
    if (auto status = m_frontend.applyMasks(mix, drums_mask, bass_mask, stems.drums, stems.bass,
                                            threads, cancel);
        !status.isOk()) {
        return status;
    }
    const auto t3 = std::chrono::steady_clock::now();
    auto ms = [](auto a, auto b) {
        return std::chrono::duration<double, std::milli>(b - a).count();
    };
    core::logger("models")->debug("learned separator: {} frames: features {:.0f} ms, network "
                                  "{:.0f} ms, masked ISTFT {:.0f} ms ({} threads, {} torch)",
                                  frames, ms(t0, t1), ms(t1, t2), ms(t2, t3), threads,
                                  m_options.torch_threads);
    return stems;
}

} // namespace styledna::models
