#include "models/projection_head.hpp"

#include <torch/torch.h>

namespace styledna::models {

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

} // namespace styledna::models
