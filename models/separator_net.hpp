#pragma once
// The learned separator's mask network and its weight-file contract.
//
// Network (a dilated temporal convolution net over STFT frames, "TCN"):
//   input  x: [N, 2 * bands, T + 2 R] features (separator_frontend.hpp)
//   h = conv(x; input.weight [hidden, 2 bands, kernel], input.bias [hidden])
//   for block i, dilation d_i (pre-norm residual):
//       h = crop(h, d_i (kernel - 1) / 2)
//           + conv_d(gelu(norm(h; block<i>.norm.weight, block<i>.norm.bias [hidden]));
//                    block<i>.weight [hidden, hidden, kernel], block<i>.bias [hidden])
//   logits = conv(gelu(norm(h; output.norm.weight, output.norm.bias [hidden]));
//                 output.weight [3 bands, hidden, 1], output.bias [3 bands])
//   norm: LayerNorm over the channels of each frame (eps 1e-5) with a scale and
//   a shift per channel (no statistics across frames, so chunking cannot change
//   it; without it AdamW drove the GELUs dead within ~25 steps).
//   masks = softmax over the stem axis of logits viewed as [N, 3, bands, T]
//           (stem 0 drums, 1 bass, 2 other; the three sum to 1 in every band)
// Every convolution is "valid" (no padding): T output frames need R context
// frames on each side, R = receptiveRadius() = (kernel - 1) / 2 * (1 + sum d_i).
// Beyond the track's ends the context is kFeaturePad (silence). gelu is erf's.
//
// Weight file: a named-tensor archive (named_tensor_archive.hpp), extension
// .sdnt by convention. Metadata (all values decimal text):
//   format "styledna-separator", version "1" (this contract; readers refuse
//   others), fft_size, sample_rate_hz, linear_bins, bands (the frontend),
//   hidden, kernel, dilations ("1,2,4,8,16"); optional free text "training"
//   (how the weights were made). Tensors, float32, exactly these names and
//   shapes: input.weight, input.bias, block<i>.{norm.weight, norm.bias,
//   weight, bias} for i < blocks, output.{norm.weight, norm.bias, weight,
//   bias} (shapes above). Nothing else.
//
// Threads: SeparatorNet is immutable after create(); masks() may be called
// from several threads at once, but LibTorch's intra-op thread count is
// process-wide (see torch_threads_guard.hpp).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "models/named_tensor_archive.hpp"
#include "models/separator_frontend.hpp"

namespace styledna::models {

inline constexpr const char* kSeparatorFormat = "styledna-separator";
inline constexpr int kSeparatorFormatVersion = 1;
inline constexpr int kSeparatorStems = 3; // drums, bass, other

struct SeparatorNetConfig {
    SeparatorFrontendConfig frontend;
    int hidden = 192;                           // channels of every hidden layer, 8..1024
    int kernel = 3;                             // odd, 1..9
    std::vector<int> dilations{1, 2, 4, 8, 16}; // one residual block each, 1..64 each, <= 16 blocks

    int inputChannels() const { return 2 * frontend.bands; }
    int receptiveRadius() const;
    long parameterCount() const;
};

core::Status validateNetConfig(const SeparatorNetConfig& config);

// The archive's metadata for `config` (format, version and every field above).
std::map<std::string, std::string> netConfigMetadata(const SeparatorNetConfig& config);

// Reads and validates the config in an archive's metadata and checks that the
// tensors are exactly the contract's names and shapes. `source` (a path or
// "in-memory weights") starts every error message.
core::Result<SeparatorNetConfig> validateSeparatorArchive(const NamedTensorArchive& archive,
                                                          const std::string& source);

// An untrained network's weights for `config` (valid), initialised as the
// trainer does (uniform +-1/sqrt(fan_in), private generator seeded with
// `seed`): for tests and as the trainer's starting point.
NamedTensorArchive initialSeparatorArchive(const SeparatorNetConfig& config, std::uint64_t seed);

class SeparatorNet {
public:
    // Fails (invalidArgument naming `source` and the problem) on an archive
    // that breaks the contract.
    static core::Result<std::unique_ptr<SeparatorNet>> create(const NamedTensorArchive& archive,
                                                              const std::string& source);
    ~SeparatorNet();
    SeparatorNet(const SeparatorNet&) = delete;
    SeparatorNet& operator=(const SeparatorNet&) = delete;

    const SeparatorNetConfig& config() const;
    // Hex digest (12 characters) of the metadata and tensor values: changes with any weight.
    const std::string& digest() const;

    // features [2 bands][frames] -> drums and bass masks [bands][frames]
    // each. Runs chunks of a few thousand frames; checks `cancel` and reports
    // fraction done to `progress` between chunks. LibTorch errors -> internal.
    core::Status masks(const std::vector<float>& features, std::size_t frames,
                       std::vector<float>& drums, std::vector<float>& bass,
                       const core::CancellationToken& cancel,
                       const std::function<void(double)>& progress) const;

private:
    struct Impl;
    explicit SeparatorNet(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace styledna::models
