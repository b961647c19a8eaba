#include "core/embed/projection_head.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include <Eigen/Core>

#include "core/embed/head_kernels.hpp"

namespace styledna::embed {

namespace {

using RowMajorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMatrixMap = Eigen::Map<const RowMajorMatrix>;
using ConstVectorMap = Eigen::Map<const Eigen::RowVectorXf>;

// torch's LayerNorm eps and the eps of its F.normalize (max(norm, eps)).
constexpr double kLayerNormEps = 1e-5;
constexpr double kNormaliseEps = 1e-12;

core::Status checkSize(const char* name, const std::vector<float>& values, std::size_t expected) {
    if (values.size() != expected) {
        return core::invalidArgument("projection head: " + std::string(name) + " has " +
                                     std::to_string(values.size()) + " values, expected " +
                                     std::to_string(expected));
    }
    for (float v : values) {
        if (!std::isfinite(v)) {
            return core::invalidArgument("projection head: " + std::string(name) +
                                         " holds a value that is not finite");
        }
    }
    return core::Status::ok();
}

} // namespace

core::Status HeadWeights::validate() const {
    if (input_dim <= 0 || hidden_dim <= 0 || output_dim <= 0) {
        return core::invalidArgument("projection head: dimensions " + std::to_string(input_dim) +
                                     " -> " + std::to_string(hidden_dim) + " -> " +
                                     std::to_string(output_dim) + " must all be positive");
    }
    const auto in = static_cast<std::size_t>(input_dim);
    const auto hidden = static_cast<std::size_t>(hidden_dim);
    const auto out = static_cast<std::size_t>(output_dim);
    struct Part {
        const char* name;
        const std::vector<float>& values;
        std::size_t expected;
    };
    const Part parts[] = {{"w1", w1, hidden * in},        {"b1", b1, hidden},
                          {"ln_gamma", ln_gamma, hidden}, {"ln_beta", ln_beta, hidden},
                          {"w2", w2, out * hidden},       {"b2", b2, out}};
    for (const auto& part : parts) {
        if (auto status = checkSize(part.name, part.values, part.expected); !status.isOk()) {
            return status;
        }
    }
    return core::Status::ok();
}

namespace {

core::Status checkInput(const HeadWeights& head, const std::vector<float>& input) {
    if (input.size() % static_cast<std::size_t>(head.input_dim) != 0) {
        return core::invalidArgument("projection head: input of " + std::to_string(input.size()) +
                                     " values is not a multiple of " +
                                     std::to_string(head.input_dim));
    }
    return core::Status::ok();
}

struct Moments {
    double mean, inv_std;
};

// LayerNorm's mean and 1 / sqrt(biased variance + eps) of one row, in double:
// float sums over 512 values drift ~1e-6.
Moments layerNormMoments(const float* row, std::size_t n) {
    double mean = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
        mean += row[k];
    }
    mean /= static_cast<double>(n);
    double variance = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
        const double d = row[k] - mean;
        variance += d * d;
    }
    variance /= static_cast<double>(n);
    return {mean, 1.0 / std::sqrt(variance + kLayerNormEps)};
}

// Eigen (SSE2 in a portable build). `head` is validated.
core::Result<std::vector<float>> applyEigen(const HeadWeights& head,
                                            const std::vector<float>& input) {
    if (auto status = checkInput(head, input); !status.isOk()) {
        return status;
    }
    const auto in = static_cast<Eigen::Index>(head.input_dim);
    const auto hidden = static_cast<Eigen::Index>(head.hidden_dim);
    const auto out = static_cast<Eigen::Index>(head.output_dim);
    const auto rows = static_cast<Eigen::Index>(input.size()) / in;
    std::vector<float> result(static_cast<std::size_t>(rows * out));
    if (rows == 0) {
        return result;
    }

    const ConstMatrixMap x(input.data(), rows, in);
    const ConstMatrixMap w1(head.w1.data(), hidden, in);
    const ConstMatrixMap w2(head.w2.data(), out, hidden);
    const ConstVectorMap b1(head.b1.data(), hidden);
    const ConstVectorMap b2(head.b2.data(), out);
    const ConstVectorMap gamma(head.ln_gamma.data(), hidden);
    const ConstVectorMap beta(head.ln_beta.data(), hidden);

    RowMajorMatrix h = x * w1.transpose();
    h.rowwise() += b1;
    for (Eigen::Index r = 0; r < rows; ++r) {
        auto row = h.row(r);
        const auto [mean, inv_std] = layerNormMoments(row.data(), static_cast<std::size_t>(hidden));
        for (Eigen::Index k = 0; k < hidden; ++k) {
            const double normed = (row[k] - mean) * inv_std * gamma[k] + beta[k];
            const double gelu = 0.5 * normed * (1.0 + std::erf(normed * M_SQRT1_2));
            row[k] = static_cast<float>(gelu);
        }
    }

    Eigen::Map<RowMajorMatrix> y(result.data(), rows, out);
    y.noalias() = h * w2.transpose();
    y.rowwise() += b2;
    for (Eigen::Index r = 0; r < rows; ++r) {
        const double norm = y.row(r).cast<double>().norm();
        y.row(r) /= static_cast<float>(std::max(norm, kNormaliseEps));
    }
    return result;
}

void normaliseRowsL2(float* y, std::size_t rows, std::size_t out) {
    for (std::size_t r = 0; r < rows; ++r) {
        float* row = y + r * out;
        double norm = 0.0;
        for (std::size_t j = 0; j < out; ++j) {
            norm += static_cast<double>(row[j]) * row[j];
        }
        const auto inv = static_cast<float>(1.0 / std::max(std::sqrt(norm), kNormaliseEps));
        for (std::size_t j = 0; j < out; ++j) {
            row[j] *= inv;
        }
    }
}

} // namespace

struct PreparedHead::State {
    HeadWeights head;                    // the Eigen path
    bool kernels = false;                // AVX2 + FMA: the packed path
    detail::PackedLinear layer1, layer2; // packed w1/b1, w2/b2
};

core::Result<PreparedHead> PreparedHead::prepare(const HeadWeights& head) {
    if (auto status = head.validate(); !status.isOk()) {
        return status;
    }
    auto state = std::make_shared<State>();
    state->kernels = detail::headKernelsAvailable();
    if (state->kernels) {
        state->head.input_dim = head.input_dim;
        state->head.hidden_dim = head.hidden_dim;
        state->head.output_dim = head.output_dim;
        state->head.ln_gamma = head.ln_gamma;
        state->head.ln_beta = head.ln_beta;
        state->layer1 =
            detail::packLinear(head.w1.data(), head.b1.data(), head.hidden_dim, head.input_dim);
        state->layer2 =
            detail::packLinear(head.w2.data(), head.b2.data(), head.output_dim, head.hidden_dim);
    } else {
        state->head = head;
    }
    PreparedHead prepared;
    prepared.m_state = std::move(state);
    return prepared;
}

int PreparedHead::inputDim() const {
    return m_state ? m_state->head.input_dim : 0;
}

int PreparedHead::outputDim() const {
    return m_state ? m_state->head.output_dim : 0;
}

core::Result<std::vector<float>> PreparedHead::apply(const std::vector<float>& input) const {
    if (!m_state) {
        return core::failedPrecondition("projection head: not prepared");
    }
    const State& s = *m_state;
    if (!s.kernels) {
        return applyEigen(s.head, input);
    }
    if (auto status = checkInput(s.head, input); !status.isOk()) {
        return status;
    }
    const auto in = static_cast<std::size_t>(s.head.input_dim);
    const auto hidden = static_cast<std::size_t>(s.head.hidden_dim);
    const auto out = static_cast<std::size_t>(s.head.output_dim);
    const std::size_t rows = input.size() / in;
    std::vector<float> result(rows * out);
    if (rows == 0) {
        return result;
    }
    std::vector<float> h(rows * hidden);
    detail::linearPacked(s.layer1, input.data(), rows, h.data());
    for (std::size_t r = 0; r < rows; ++r) {
        float* row = h.data() + r * hidden;
        const auto moments = layerNormMoments(row, hidden);
        const auto mean_f = static_cast<float>(moments.mean);
        const auto inv_std = static_cast<float>(moments.inv_std);
        const float* gamma = s.head.ln_gamma.data();
        const float* beta = s.head.ln_beta.data();
        for (std::size_t k = 0; k < hidden; ++k) {
            row[k] = (row[k] - mean_f) * inv_std * gamma[k] + beta[k];
        }
    }
    detail::geluPacked(h.data(), h.size());
    detail::linearPacked(s.layer2, h.data(), rows, result.data());
    normaliseRowsL2(result.data(), rows, out);
    return result;
}

core::Result<std::vector<float>> applyHead(const HeadWeights& head,
                                           const std::vector<float>& input) {
    auto prepared = PreparedHead::prepare(head);
    if (!prepared.isOk()) {
        return prepared.status();
    }
    return prepared->apply(input);
}

core::Result<std::vector<float>> applyHeadPortable(const HeadWeights& head,
                                                   const std::vector<float>& input) {
    if (auto status = head.validate(); !status.isOk()) {
        return status;
    }
    return applyEigen(head, input);
}

} // namespace styledna::embed
