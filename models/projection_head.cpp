#include "models/projection_head.hpp"

#include <torch/torch.h>

namespace styledna::models {

namespace {

std::vector<float> toVector(const torch::Tensor& t) {
    const auto c = t.detach().to(torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

void copyInto(torch::Tensor& dst, const std::vector<float>& src) {
    dst.copy_(torch::from_blob(const_cast<float*>(src.data()), dst.sizes(), torch::kFloat32));
}

} // namespace

struct ProjectionHead::Impl {
    torch::nn::Sequential net{nullptr};
};

ProjectionHead::ProjectionHead(ProjectionHeadParams params)
    : m_params(params), m_impl(std::make_unique<Impl>()) {}

ProjectionHead::~ProjectionHead() = default;

core::Result<std::unique_ptr<ProjectionHead>>
ProjectionHead::create(const ProjectionHeadParams& params) {
    if (params.input_dim <= 0 || params.hidden_dim <= 0 || params.output_dim <= 0 ||
        params.dropout < 0 || params.dropout >= 1) {
        return core::invalidArgument("projection head: dimensions must be positive and "
                                     "dropout in [0, 1)");
    }
    try {
        torch::manual_seed(params.seed);
        std::unique_ptr<ProjectionHead> head(new ProjectionHead(params));
        head->m_impl->net = torch::nn::Sequential(
            torch::nn::Linear(params.input_dim, params.hidden_dim),
            torch::nn::LayerNorm(torch::nn::LayerNormOptions({params.hidden_dim})),
            torch::nn::GELU(), torch::nn::Dropout(params.dropout),
            torch::nn::Linear(params.hidden_dim, params.output_dim));
        head->m_impl->net->eval();
        return head;
    } catch (const c10::Error& e) {
        return core::internalError(std::string("projection head: ") + e.what_without_backtrace());
    }
}

std::int64_t ProjectionHead::parameterCount() const {
    std::int64_t n = 0;
    for (const auto& p : m_impl->net->parameters()) {
        n += p.numel();
    }
    return n;
}

core::Result<std::vector<float>> ProjectionHead::embed(const std::vector<float>& input) const {
    const auto dim = static_cast<std::size_t>(m_params.input_dim);
    if (input.empty() || input.size() % dim != 0) {
        return core::invalidArgument("projection head: input of " + std::to_string(input.size()) +
                                     " values is not a multiple of " + std::to_string(dim));
    }
    try {
        torch::NoGradGuard no_grad;
        const auto rows = static_cast<std::int64_t>(input.size() / dim);
        auto x = torch::from_blob(const_cast<float*>(input.data()),
                                  {rows, static_cast<std::int64_t>(dim)}, torch::kFloat32);
        auto y = m_impl->net->forward(x);
        y = torch::nn::functional::normalize(
            y, torch::nn::functional::NormalizeFuncOptions().p(2).dim(1).eps(1e-12));
        y = y.contiguous();
        return std::vector<float>(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
    } catch (const c10::Error& e) {
        return core::internalError(std::string("projection head: ") + e.what_without_backtrace());
    }
}

core::Status ProjectionHead::save(const std::string& path) const {
    try {
        torch::serialize::OutputArchive archive;
        m_impl->net->save(archive);
        archive.save_to(path);
        return core::Status::ok();
    } catch (const c10::Error& e) {
        return core::internalError(path +
                                   ": cannot save head weights: " + e.what_without_backtrace());
    }
}

core::Status ProjectionHead::load(const std::string& path) {
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        m_impl->net->load(archive);
        m_impl->net->eval();
        return core::Status::ok();
    } catch (const c10::Error& e) {
        return core::invalidArgument(path + ": not a head weights file for this shape (" +
                                     e.what_without_backtrace() + ")");
    }
}

embed::HeadWeights ProjectionHead::exportWeights() const {
    torch::NoGradGuard no_grad;
    auto& net = m_impl->net;
    const auto* first = net[0]->as<torch::nn::Linear>();
    const auto* norm = net[1]->as<torch::nn::LayerNorm>();
    const auto* second = net[4]->as<torch::nn::Linear>();
    embed::HeadWeights w;
    w.input_dim = m_params.input_dim;
    w.hidden_dim = m_params.hidden_dim;
    w.output_dim = m_params.output_dim;
    w.w1 = toVector(first->weight);
    w.b1 = toVector(first->bias);
    w.ln_gamma = toVector(norm->weight);
    w.ln_beta = toVector(norm->bias);
    w.w2 = toVector(second->weight);
    w.b2 = toVector(second->bias);
    return w;
}

core::Status ProjectionHead::importWeights(const embed::HeadWeights& weights) {
    if (weights.input_dim != m_params.input_dim || weights.hidden_dim != m_params.hidden_dim ||
        weights.output_dim != m_params.output_dim) {
        return core::invalidArgument(
            "projection head: weights are " + std::to_string(weights.input_dim) + " -> " +
            std::to_string(weights.hidden_dim) + " -> " + std::to_string(weights.output_dim) +
            ", the head is " + std::to_string(m_params.input_dim) + " -> " +
            std::to_string(m_params.hidden_dim) + " -> " + std::to_string(m_params.output_dim));
    }
    if (auto status = weights.validate(); !status.isOk()) {
        return status;
    }
    try {
        torch::NoGradGuard no_grad;
        auto& net = m_impl->net;
        auto* first = net[0]->as<torch::nn::Linear>();
        auto* norm = net[1]->as<torch::nn::LayerNorm>();
        auto* second = net[4]->as<torch::nn::Linear>();
        copyInto(first->weight, weights.w1);
        copyInto(first->bias, weights.b1);
        copyInto(norm->weight, weights.ln_gamma);
        copyInto(norm->bias, weights.ln_beta);
        copyInto(second->weight, weights.w2);
        copyInto(second->bias, weights.b2);
        return core::Status::ok();
    } catch (const c10::Error& e) {
        return core::internalError(std::string("projection head: ") + e.what_without_backtrace());
    }
}

} // namespace styledna::models
