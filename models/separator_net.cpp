#include "models/separator_net.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <string>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ops/mkldnn_convolution.h>

#include "core/common/sha256.hpp"
#include "models/separator_net_torch.hpp"

namespace styledna::models {

namespace {

// Output frames per inference chunk: ~0.1-0.2 s of work at the default size.
constexpr std::int64_t kChunkFrames = 4096;

std::string blockName(std::size_t i, const char* what) {
    std::string name = "block";
    name.append(std::to_string(i)).append(".").append(what);
    return name;
}

bool parseInt(const std::string& text, int& out) {
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end && !text.empty();
}

std::string joinInts(const std::vector<int>& values) {
    std::string s;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) {
            s += ',';
        }
        s += std::to_string(values[i]);
    }
    return s;
}

std::vector<float> toVector(const torch::Tensor& t) {
    const auto c = t.detach().contiguous();
    return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

torch::Tensor fromNamed(const NamedTensor& t) {
    return torch::from_blob(const_cast<float*>(t.values.data()), t.shape, torch::kFloat32).clone();
}

std::map<std::string, std::vector<std::int64_t>> expectedShapes(const SeparatorNetConfig& c) {
    const std::int64_t h = c.hidden, k = c.kernel, bands = c.frontend.bands;
    std::map<std::string, std::vector<std::int64_t>> shapes;
    shapes["input.weight"] = {h, c.inputChannels(), k};
    shapes["input.bias"] = {h};
    for (std::size_t i = 0; i < c.dilations.size(); ++i) {
        shapes[blockName(i, "norm.weight")] = {h};
        shapes[blockName(i, "norm.bias")] = {h};
        shapes[blockName(i, "weight")] = {h, h, k};
        shapes[blockName(i, "bias")] = {h};
    }
    shapes["output.norm.weight"] = {h};
    shapes["output.norm.bias"] = {h};
    shapes["output.weight"] = {kSeparatorStems * bands, h, 1};
    shapes["output.bias"] = {kSeparatorStems * bands};
    return shapes;
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i) {
            s += ", ";
        }
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

std::string archiveDigest(const NamedTensorArchive& archive) {
    std::string bytes;
    for (const auto& [key, value] : archive.metadata) {
        bytes.append(key).append("=").append(value).append("\n");
    }
    for (const auto& [name, t] : archive.tensors) {
        bytes.append(name).append("\n");
        bytes.append(reinterpret_cast<const char*>(t.values.data()),
                     t.values.size() * sizeof(float));
    }
    return core::sha256Hex(bytes.data(), bytes.size()).substr(0, 12);
}

} // namespace

namespace detail {

// LayerNorm over the channels of every frame of x [N, C, T] (eps 1e-5).
torch::Tensor channelNorm(const torch::Tensor& x, const torch::Tensor& weight,
                          const torch::Tensor& bias) {
    const auto mean = x.mean(1, true);
    const auto centred = x - mean;
    const auto var = centred.square().mean(1, true);
    return centred * torch::rsqrt(var + 1e-5) * weight.view({1, -1, 1}) + bias.view({1, -1, 1});
}

} // namespace detail

int SeparatorNetConfig::receptiveRadius() const {
    return (kernel - 1) / 2 * (1 + std::accumulate(dilations.begin(), dilations.end(), 0));
}

long SeparatorNetConfig::parameterCount() const {
    long count = 0;
    for (const auto& [name, shape] : expectedShapes(*this)) {
        count += std::accumulate(shape.begin(), shape.end(), 1L,
                                 [](long a, std::int64_t b) { return a * static_cast<long>(b); });
    }
    return count;
}

core::Status validateNetConfig(const SeparatorNetConfig& c) {
    if (auto s = validateFrontendConfig(c.frontend); !s.isOk()) {
        return s;
    }
    auto bad = [](std::string m) { return core::invalidArgument("separator net: " + m); };
    if (c.hidden < 8 || c.hidden > 1024) {
        return bad("hidden must be in 8..1024");
    }
    if (c.kernel < 1 || c.kernel > 9 || c.kernel % 2 == 0) {
        return bad("kernel must be odd, 1..9");
    }
    if (c.dilations.size() > 16 || std::any_of(c.dilations.begin(), c.dilations.end(),
                                               [](int d) { return d < 1 || d > 64; })) {
        return bad("dilations: at most 16 blocks, each dilation 1..64");
    }
    return core::Status::ok();
}

std::map<std::string, std::string> netConfigMetadata(const SeparatorNetConfig& c) {
    char rate[32];
    std::snprintf(rate, sizeof(rate), "%.17g", c.frontend.sample_rate_hz);
    return {
        {"format", kSeparatorFormat},
        {"version", std::to_string(kSeparatorFormatVersion)},
        {"fft_size", std::to_string(c.frontend.fft_size)},
        {"sample_rate_hz", rate},
        {"linear_bins", std::to_string(c.frontend.linear_bins)},
        {"bands", std::to_string(c.frontend.bands)},
        {"hidden", std::to_string(c.hidden)},
        {"kernel", std::to_string(c.kernel)},
        {"dilations", joinInts(c.dilations)},
    };
}

core::Result<SeparatorNetConfig> validateSeparatorArchive(const NamedTensorArchive& archive,
                                                          const std::string& source) {
    auto bad = [&](const std::string& m) { return core::invalidArgument(source + ": " + m); };
    const auto& md = archive.metadata;
    auto field = [&](const char* key) -> const std::string* {
        const auto it = md.find(key);
        return it == md.end() ? nullptr : &it->second;
    };
    const std::string* format = field("format");
    if (!format || *format != kSeparatorFormat) {
        return bad(std::string("not a separator weights file (metadata format is not '") +
                   kSeparatorFormat + "')");
    }
    const std::string* version = field("version");
    int v = 0;
    if (!version || !parseInt(*version, v) || v != kSeparatorFormatVersion) {
        std::string message = "separator weights version '";
        message.append(version ? *version : std::string("?"))
            .append("' is not supported (this build reads version ")
            .append(std::to_string(kSeparatorFormatVersion))
            .append(")");
        return bad(message);
    }
    SeparatorNetConfig c;
    c.dilations.clear();
    for (auto [key, out] : {std::pair<const char*, int*>{"fft_size", &c.frontend.fft_size},
                            {"linear_bins", &c.frontend.linear_bins},
                            {"bands", &c.frontend.bands},
                            {"hidden", &c.hidden},
                            {"kernel", &c.kernel}}) {
        const std::string* text = field(key);
        if (!text || !parseInt(*text, *out)) {
            return bad(std::string("metadata '") + key + "' is missing or not an integer");
        }
    }
    const std::string* rate = field("sample_rate_hz");
    char* end = nullptr;
    if (!rate || rate->empty() ||
        !std::isfinite(c.frontend.sample_rate_hz = std::strtod(rate->c_str(), &end)) ||
        *end != '\0') {
        return bad("metadata 'sample_rate_hz' is missing or not a number");
    }
    const std::string* dilations = field("dilations");
    if (!dilations) {
        return bad("metadata 'dilations' is missing");
    }
    std::size_t pos = 0;
    while (pos < dilations->size()) {
        const std::size_t comma = std::min(dilations->find(',', pos), dilations->size());
        int d = 0;
        if (!parseInt(dilations->substr(pos, comma - pos), d)) {
            return bad("metadata 'dilations' must be comma-separated integers");
        }
        c.dilations.push_back(d);
        pos = comma + 1;
    }
    if (auto s = validateNetConfig(c); !s.isOk()) {
        return bad(s.message());
    }
    const auto shapes = expectedShapes(c);
    for (const auto& [name, shape] : shapes) {
        const auto it = archive.tensors.find(name);
        if (it == archive.tensors.end()) {
            return bad("tensor '" + name + "' is missing");
        }
        if (it->second.shape != shape) {
            return bad("tensor '" + name + "' has shape " + shapeText(it->second.shape) +
                       ", expected " + shapeText(shape));
        }
        if (it->second.values.size() != static_cast<std::size_t>(it->second.elementCount())) {
            return bad("tensor '" + name + "' holds the wrong number of values");
        }
        if (std::any_of(it->second.values.begin(), it->second.values.end(),
                        [](float x) { return !std::isfinite(x); })) {
            return bad("tensor '" + name + "' holds a value that is not finite");
        }
    }
    for (const auto& [name, t] : archive.tensors) {
        if (!shapes.count(name)) {
            return bad("unexpected tensor '" + name + "'");
        }
    }
    return c;
}

namespace detail {

std::vector<torch::Tensor> SeparatorNetTensors::parameters() const {
    std::vector<torch::Tensor> p{input_weight, input_bias};
    for (std::size_t i = 0; i < block_weight.size(); ++i) {
        p.push_back(block_norm_weight[i]);
        p.push_back(block_norm_bias[i]);
        p.push_back(block_weight[i]);
        p.push_back(block_bias[i]);
    }
    p.push_back(output_norm_weight);
    p.push_back(output_norm_bias);
    p.push_back(output_weight);
    p.push_back(output_bias);
    return p;
}

SeparatorNetTensors SeparatorNetTensors::clone() const {
    torch::NoGradGuard no_grad;
    auto c = [](const torch::Tensor& t) { return t.detach().clone().set_requires_grad(true); };
    SeparatorNetTensors out;
    out.input_weight = c(input_weight);
    out.input_bias = c(input_bias);
    for (std::size_t i = 0; i < block_weight.size(); ++i) {
        out.block_norm_weight.push_back(c(block_norm_weight[i]));
        out.block_norm_bias.push_back(c(block_norm_bias[i]));
        out.block_weight.push_back(c(block_weight[i]));
        out.block_bias.push_back(c(block_bias[i]));
    }
    out.output_norm_weight = c(output_norm_weight);
    out.output_norm_bias = c(output_norm_bias);
    out.output_weight = c(output_weight);
    out.output_bias = c(output_bias);
    return out;
}

void SeparatorNetTensors::copyFrom(const SeparatorNetTensors& other) {
    torch::NoGradGuard no_grad;
    const auto dst = parameters();
    const auto src = other.parameters();
    for (std::size_t i = 0; i < dst.size(); ++i) {
        dst[i].copy_(src[i]);
    }
}

SeparatorNetTensors initSeparatorNet(const SeparatorNetConfig& config, at::Generator& gen) {
    auto uniform = [&](std::vector<std::int64_t> sizes, std::int64_t fan_in) {
        const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
        auto t = torch::rand(sizes, gen, torch::kFloat32);
        return ((t * 2.0 - 1.0) * bound).set_requires_grad(true);
    };
    const std::int64_t h = config.hidden, k = config.kernel;
    const std::int64_t in = config.inputChannels(), out = kSeparatorStems * config.frontend.bands;
    SeparatorNetTensors net;
    net.input_weight = uniform({h, in, k}, in * k);
    net.input_bias = uniform({h}, in * k);
    auto ones = [&] { return torch::ones({h}, torch::kFloat32).set_requires_grad(true); };
    auto zeros = [&] { return torch::zeros({h}, torch::kFloat32).set_requires_grad(true); };
    for (std::size_t i = 0; i < config.dilations.size(); ++i) {
        net.block_norm_weight.push_back(ones());
        net.block_norm_bias.push_back(zeros());
        net.block_weight.push_back(uniform({h, h, k}, h * k));
        net.block_bias.push_back(uniform({h}, h * k));
    }
    net.output_norm_weight = ones();
    net.output_norm_bias = zeros();
    net.output_weight = uniform({out, h, 1}, h);
    net.output_bias = uniform({out}, h);
    return net;
}

torch::Tensor separatorMasks(const SeparatorNetTensors& net, const SeparatorNetConfig& config,
                             const torch::Tensor& x) {
    auto h = torch::conv1d(x, net.input_weight, net.input_bias);
    for (std::size_t i = 0; i < config.dilations.size(); ++i) {
        const std::int64_t d = config.dilations[i];
        const std::int64_t crop = d * (config.kernel - 1) / 2;
        const auto a =
            torch::gelu(channelNorm(h, net.block_norm_weight[i], net.block_norm_bias[i]));
        const auto y =
            torch::conv1d(a, net.block_weight[i], net.block_bias[i], torch::IntArrayRef{1},
                          torch::IntArrayRef{0}, torch::IntArrayRef{d});
        h = h.narrow(2, crop, h.size(2) - 2 * crop) + y;
    }
    const auto a = torch::gelu(channelNorm(h, net.output_norm_weight, net.output_norm_bias));
    // LibTorch runs a 1 x 1 convolution of one sequence on one thread as im2col
    // + sgemm, which here is the reference BLAS (~1 GFLOP/s: a third of the
    // network's time); oneDNN's convolution (what the k > 1 layers get) is
    // ~10x faster. Without gradients the output layer goes there directly.
    const bool onednn = at::globalContext().userEnabledMkldnn() && !torch::GradMode::is_enabled() &&
                        a.dim() == 3 && a.scalar_type() == torch::kFloat32;
    const auto logits = onednn
                            ? at::mkldnn_convolution(a.unsqueeze(2), net.output_weight.unsqueeze(2),
                                                     net.output_bias, {0, 0}, {1, 1}, {1, 1}, 1)
                                  .squeeze(2)
                            : torch::conv1d(a, net.output_weight, net.output_bias);
    return torch::softmax(
        logits.view({logits.size(0), kSeparatorStems, config.frontend.bands, logits.size(2)}), 1);
}

NamedTensorArchive separatorArchive(const SeparatorNetTensors& net,
                                    const SeparatorNetConfig& config,
                                    const std::string& training_note) {
    NamedTensorArchive archive;
    archive.metadata = netConfigMetadata(config);
    if (!training_note.empty()) {
        archive.metadata["training"] = training_note;
    }
    auto put = [&](const std::string& name, const torch::Tensor& t) {
        NamedTensor named;
        named.shape = t.sizes().vec();
        named.values = toVector(t);
        archive.tensors[name] = std::move(named);
    };
    put("input.weight", net.input_weight);
    put("input.bias", net.input_bias);
    for (std::size_t i = 0; i < net.block_weight.size(); ++i) {
        put(blockName(i, "norm.weight"), net.block_norm_weight[i]);
        put(blockName(i, "norm.bias"), net.block_norm_bias[i]);
        put(blockName(i, "weight"), net.block_weight[i]);
        put(blockName(i, "bias"), net.block_bias[i]);
    }
    put("output.norm.weight", net.output_norm_weight);
    put("output.norm.bias", net.output_norm_bias);
    put("output.weight", net.output_weight);
    put("output.bias", net.output_bias);
    return archive;
}

} // namespace detail

NamedTensorArchive initialSeparatorArchive(const SeparatorNetConfig& config, std::uint64_t seed) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return detail::separatorArchive(detail::initSeparatorNet(config, gen), config, "untrained");
}

struct SeparatorNet::Impl {
    SeparatorNetConfig config;
    std::string digest;
    detail::SeparatorNetTensors tensors;
};

SeparatorNet::SeparatorNet(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
SeparatorNet::~SeparatorNet() = default;

const SeparatorNetConfig& SeparatorNet::config() const {
    return m_impl->config;
}

const std::string& SeparatorNet::digest() const {
    return m_impl->digest;
}

core::Result<std::unique_ptr<SeparatorNet>> SeparatorNet::create(const NamedTensorArchive& archive,
                                                                 const std::string& source) {
    auto config = validateSeparatorArchive(archive, source);
    if (!config) {
        return config.status();
    }
    auto impl = std::make_unique<Impl>();
    impl->config = *config;
    impl->digest = archiveDigest(archive);
    try {
        auto& t = impl->tensors;
        t.input_weight = fromNamed(archive.tensors.at("input.weight"));
        t.input_bias = fromNamed(archive.tensors.at("input.bias"));
        for (std::size_t i = 0; i < config->dilations.size(); ++i) {
            t.block_norm_weight.push_back(
                fromNamed(archive.tensors.at(blockName(i, "norm.weight"))));
            t.block_norm_bias.push_back(fromNamed(archive.tensors.at(blockName(i, "norm.bias"))));
            t.block_weight.push_back(fromNamed(archive.tensors.at(blockName(i, "weight"))));
            t.block_bias.push_back(fromNamed(archive.tensors.at(blockName(i, "bias"))));
        }
        t.output_norm_weight = fromNamed(archive.tensors.at("output.norm.weight"));
        t.output_norm_bias = fromNamed(archive.tensors.at("output.norm.bias"));
        t.output_weight = fromNamed(archive.tensors.at("output.weight"));
        t.output_bias = fromNamed(archive.tensors.at("output.bias"));
    } catch (const c10::Error& e) {
        return core::internalError(source + ": " + e.what_without_backtrace());
    }
    return std::unique_ptr<SeparatorNet>(new SeparatorNet(std::move(impl)));
}

core::Status SeparatorNet::masks(const std::vector<float>& features, std::size_t frames,
                                 std::vector<float>& drums, std::vector<float>& bass,
                                 const core::CancellationToken& cancel,
                                 const std::function<void(double)>& progress) const {
    const auto& c = m_impl->config;
    const std::int64_t bands = c.frontend.bands;
    const std::int64_t in = c.inputChannels();
    const std::int64_t radius = c.receptiveRadius();
    const auto total = static_cast<std::int64_t>(frames);
    if (features.size() != static_cast<std::size_t>(in * total)) {
        return core::internalError("learned separator: feature size does not match the frames");
    }
    drums.assign(static_cast<std::size_t>(bands * total), 0.0f);
    bass.assign(static_cast<std::size_t>(bands * total), 0.0f);
    try {
        c10::InferenceMode inference;
        const auto all =
            torch::from_blob(const_cast<float*>(features.data()), {in, total}, torch::kFloat32);
        for (std::int64_t first = 0; first < total; first += kChunkFrames) {
            if (cancel.isCancelled()) {
                return core::cancelledError("learned separator: cancelled");
            }
            const std::int64_t count = std::min(kChunkFrames, total - first);
            // Context frames beyond the track's ends are silence.
            auto x = torch::full({1, in, count + 2 * radius}, kFeaturePad, torch::kFloat32);
            const std::int64_t src_first = std::max<std::int64_t>(0, first - radius);
            const std::int64_t src_last = std::min(total, first + count + radius);
            x.narrow(2, src_first - (first - radius), src_last - src_first)
                .copy_(all.narrow(1, src_first, src_last - src_first).unsqueeze(0));
            const auto m = separatorMasks(m_impl->tensors, c, x).contiguous();
            const float* md = m.data_ptr<float>();
            const float* mb = md + bands * count;
            for (std::int64_t b = 0; b < bands; ++b) {
                std::copy_n(md + b * count, count, drums.data() + b * total + first);
                std::copy_n(mb + b * count, count, bass.data() + b * total + first);
            }
            if (progress) {
                progress(static_cast<double>(first + count) / static_cast<double>(total));
            }
        }
    } catch (const c10::Error& e) {
        return core::internalError(std::string("learned separator: ") + e.what_without_backtrace());
    }
    return core::Status::ok();
}

} // namespace styledna::models
