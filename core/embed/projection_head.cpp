#include "core/embed/projection_head.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include <Eigen/Core>

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

core::Result<std::vector<float>> applyHead(const HeadWeights& head,
                                           const std::vector<float>& input) {
    if (auto status = head.validate(); !status.isOk()) {
        return status;
    }
    const auto in = static_cast<Eigen::Index>(head.input_dim);
    const auto hidden = static_cast<Eigen::Index>(head.hidden_dim);
    const auto out = static_cast<Eigen::Index>(head.output_dim);
    if (input.size() % static_cast<std::size_t>(in) != 0) {
        return core::invalidArgument("projection head: input of " + std::to_string(input.size()) +
                                     " values is not a multiple of " + std::to_string(in));
    }
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
        // Mean and biased variance in double: float sums over 512 values drift ~1e-6.
        double mean = 0.0;
        for (Eigen::Index k = 0; k < hidden; ++k) {
            mean += row[k];
        }
        mean /= static_cast<double>(hidden);
        double variance = 0.0;
        for (Eigen::Index k = 0; k < hidden; ++k) {
            const double d = row[k] - mean;
            variance += d * d;
        }
        variance /= static_cast<double>(hidden);
        const double inv_std = 1.0 / std::sqrt(variance + kLayerNormEps);
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

} // namespace styledna::embed
