#pragma once
// LearnedSeparator ("learned/1-<digest>"): the stem separator of
// core/stems/separator.hpp with a small LibTorch mask network.
//
// Method (per mix; L and R share every mask so the stems keep the mix's image):
//  1. STFT of each channel (separator_frontend.hpp: 2048 / 512 Hann at
//     44.1 kHz by default; the weights file fixes it) and the network's
//     features: log band powers of mid and side relative to the track's mean
//     (read from the hints' mono and side spectrograms when they are given and
//     match, see SeparatorFrontend::features()).
//  2. The TCN of separator_net.hpp gives soft masks per band and frame for
//     drums, bass and other (softmax: they sum to 1); context +-R frames
//     (+-32 frames, ~0.37 s, by default).
//  3. drums = ISTFT(m_drums X), bass = ISTFT(m_bass X) per channel, and
//     other = mix - drums - bass, so the sum-back contract holds to rounding.
// A mix at another sample rate is resampled to the weights' rate (libsoxr HQ),
// separated, and drums and bass are resampled back; `other` is still
// mix - drums - bass at the mix's own rate.
// name() is "learned/" + format version + "-" + a 12-hex digest of the
// weights, so stems cached under one weights file are never served for
// another.
//
// Threads: separate() is const and reentrant. The STFT stages split frames
// over `threads` workers; the network runs on `torch_threads` LibTorch
// intra-op threads, set process-wide for the call's duration
// (TorchThreadsGuard), so concurrent callers should use the same count.
// Cancellation: checked every 256 frames of the STFT stages and between
// network chunks (each ~0.1-0.2 s). Progress: 0 -> 1, stage "separating".
// Memory: the three stems plus features and two masks ([bands][frames]
// floats each: ~10 MB each for 5 minutes).

#include <memory>
#include <string>

#include "core/stems/separator.hpp"
#include "models/named_tensor_archive.hpp"
#include "models/separator_net.hpp"

namespace styledna::models {

struct LearnedSeparatorOptions {
    int threads = 2; // workers of the STFT stages (>= 1)
    // LibTorch intra-op threads for the network (0: leave the process's setting).
    // 1 by default: on the 2-core VM with other work running, 2 OpenMP threads
    // took 4.8 s for the network of a 5-minute track, 1 thread 1.05 s (load ~3.4).
    int torch_threads = 1;
};

class LearnedSeparator : public core::stems::Separator {
public:
    // Errors: kNotFound for a missing or unreadable file; kInvalidArgument
    // naming the file for a file that is not a separator weights archive,
    // another format version, or wrong tensor names or shapes.
    static core::Result<std::unique_ptr<LearnedSeparator>>
    load(const std::string& weights_path, const LearnedSeparatorOptions& options = {});
    // Weights already in memory (the trainer's); `source` names them in errors.
    static core::Result<std::unique_ptr<LearnedSeparator>>
    fromArchive(const NamedTensorArchive& archive, const std::string& source,
                const LearnedSeparatorOptions& options = {});

    std::string name() const override;
    using core::stems::Separator::separate;
    core::Result<core::stems::Stems> separate(const core::AudioBuffer& mix,
                                              const core::stems::SeparationHints& hints,
                                              const core::CancellationToken& cancel,
                                              const core::ProgressFn& progress) const override;

    const SeparatorNetConfig& config() const { return m_net->config(); }
    long parameterCount() const { return m_net->config().parameterCount(); }

private:
    LearnedSeparator(std::unique_ptr<SeparatorNet> net, const LearnedSeparatorOptions& options);
    // hints: the caller's, when `mix` is the caller's mix (its spectrograms apply).
    core::Result<core::stems::Stems> separateAtNetRate(const core::AudioBuffer& mix,
                                                       const core::stems::SeparationHints* hints,
                                                       const core::CancellationToken& cancel,
                                                       const core::ProgressFn& progress) const;

    // immutable
    std::unique_ptr<SeparatorNet> m_net;
    SeparatorFrontend m_frontend;
    LearnedSeparatorOptions m_options;
};

} // namespace styledna::models
