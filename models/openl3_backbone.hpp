#pragma once
// OpenL3 audio embedding backbone (Cramer, Wu, Salamon, Bello 2019, "Look, Listen and
// Learn More"): content type music, mel256 input, 6144-d embedding, in LibTorch, with
// the trained weights read from a file the user supplies (a named-tensor archive,
// models/named_tensor_archive.hpp, written by models/convert_openl3_weights.py from
// OpenL3's Keras .h5 or torchopenl3's files; StyleDNA ships no weights).
//
// Network, as published (the Keras model and its kapre 0.1.4 front end, which the
// published weights were trained with):
//   input      one window: 48000 samples = 1 s of mono audio at 48 kHz, full scale +-1
//   front end  zero-pad 982 | 982 samples (Keras "same" padding of a 2048-wide, 242-hop
//              strided window), 199 frames of 2048 samples at hop 242, periodic Hann;
//              power spectrum (1025 bins) -> mel filterbank (256 bands, HTK mel scale,
//              0-24 kHz, Slaney area normalisation 2 / (f[i+2] - f[i]); or the archive's
//              `frontend.mel_basis` [256 x 1025] when present) -> square root ->
//              10 log10(max(x, 1e-10)) -> minus the window's maximum -> floor at -80 dB.
//              Image [1 x 256 mel x 199 frames]. Computed in double, handed on as float.
//   network    BatchNorm, then 4 blocks of (conv 3x3 "same" + BatchNorm + ReLU) x 2 with
//              64, 128, 256, 512 channels; blocks 1-3 end in max-pool 2x2 stride 2
//              (256x199 -> 128x99 -> 64x49 -> 32x24); the last conv of block 4 (Keras'
//              "audio_embedding_layer") has no BatchNorm and no ReLU. BatchNorm eps 1e-3
//              (Keras' default), running statistics (inference).
//   output     max-pool 8x8 -> 512 x 4 x 3, flattened in Keras' channels-last order:
//              index = (mel_cell * 3 + frame_cell) * 512 + channel -> 6144 floats.
// Archive tensors (float32, torch layouts): bn0.{weight,bias,running_mean,running_var}
// [1]; conv1..conv8.weight [out, in, 3, 3] and .bias [out] with (in, out) = (1, 64),
// (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 512), (512, 512);
// bn1..bn7 (after conv1..conv7) [out]. Metadata "format" must be
// "openl3-audio-mel256"; "content_type" (music | env) is reported, not enforced.
//
// Framing of a signal (that of openl3.get_audio_embedding): the hop is rounded to
// whole samples; with `center` the signal is preceded by 24000 zeros so window i is
// centred on i * hop; windows = 1 + ceil((padded length - 48000) / hop) (1 when the
// padded signal is no longer than a window); the tail is zero-padded. Window i covers
// [start_s[i], start_s[i] + 1) of the signal (start_s = i * hop - 0.5 with center).
//
// Cost: ~20 GFLOP per window (bench/openl3 prints seconds per 5-minute track).
// Threads: one instance may be used from one thread at a time. `threads` > 0 sets
// LibTorch's process-wide intra-op thread count while a call runs and restores it
// after. Cancellation is checked between batches of windows.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"

namespace styledna::models {

struct OpenL3Params {
    std::string weights_path; // named-tensor archive (see above)
    double hop_s = 1.0;       // window hop for embedSignal(), > 0 (openl3's default is 0.1)
    bool center = true;       // first window centred on t = 0, as openl3
    int batch_windows = 2;    // windows per forward pass (~40 MB each; 1-2 fastest on 1 thread)
    int threads = 0;          // LibTorch intra-op threads during a call; 0 leaves them
};

struct OpenL3Embedding {
    std::vector<double> start_s; // per window, seconds into the signal (may be < 0)
    std::vector<float> values;   // windows x 6144, row-major
    int windows() const { return static_cast<int>(start_s.size()); }
};

class OpenL3Backbone {
public:
    static constexpr const char* kName = "openl3-music-mel256-6144";
    static constexpr const char* kArchiveFormat = "openl3-audio-mel256";
    static constexpr int kSampleRateHz = 48000;
    static constexpr int kWindowSamples = 48000;
    static constexpr int kFftSize = 2048;
    static constexpr int kFrameHop = 242;
    static constexpr int kFrames = 199;
    static constexpr int kMelBands = 256;
    static constexpr int kEmbeddingDim = 6144;

    // Reads and checks every tensor of params.weights_path (names, shapes, finite).
    static core::Result<std::unique_ptr<OpenL3Backbone>> load(const OpenL3Params& params);
    // He-normal convolutions and unit BatchNorm statistics, seeded: the same shapes and
    // cost as the trained network, meaningless values. For benchmarks and tests only.
    static core::Result<std::unique_ptr<OpenL3Backbone>> createRandom(const OpenL3Params& params,
                                                                      std::uint64_t seed);
    ~OpenL3Backbone();

    const OpenL3Params& params() const { return m_params; }
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }
    // Window count and hop in samples for a signal of `samples` samples under params().
    int windowCount(std::size_t samples) const;
    int hopSamples() const;

    // windows x 48000 samples in, windows x 6144 out. Fails on a size that is not a
    // positive multiple of 48000 or on a non-finite sample.
    core::Result<std::vector<float>> embedWindows(const std::vector<float>& windows) const;
    // The front end alone: windows x 48000 in, windows x 256 x 199 (dB) out.
    core::Result<std::vector<float>> melSpectrogram(const std::vector<float>& windows) const;
    // Mono 48 kHz signal (resample first: core/audio/resample.hpp) framed as above.
    // Progress: windows done / windows, stage "openl3 embedding".
    core::Result<OpenL3Embedding> embedSignal(const std::vector<float>& mono_48k,
                                              const core::CancellationToken& cancel = {},
                                              const core::ProgressFn& progress = {}) const;

private:
    struct Impl;
    OpenL3Backbone(OpenL3Params params, std::unique_ptr<Impl> impl,
                   std::map<std::string, std::string> metadata);
    OpenL3Params m_params;
    std::unique_ptr<Impl> m_impl;
    std::map<std::string, std::string> m_metadata;
};

} // namespace styledna::models
