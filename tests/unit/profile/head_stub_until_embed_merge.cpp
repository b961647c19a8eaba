// TEMPORARY, test-only: embed::applyHead() and HeadWeights::validate() until
// core/embed/projection_head.cpp (the embed branch) is merged. DELETE THIS FILE
// at that merge: the real definitions replace it (keeping both is a duplicate
// symbol, or worse, the stub silently shadowing the real head).
// Follows the contract of core/embed/projection_head.hpp: Linear -> LayerNorm
// (eps 1e-5) -> GELU (erf) -> Linear -> row L2 normalise.

#include <cmath>
#include <string>

#include "core/embed/projection_head.hpp"

namespace styledna::embed {

core::Status HeadWeights::validate() const {
    const auto in = static_cast<std::size_t>(input_dim);
    const auto hid = static_cast<std::size_t>(hidden_dim);
    const auto out = static_cast<std::size_t>(output_dim);
    if (input_dim <= 0 || hidden_dim <= 0 || output_dim <= 0 || w1.size() != hid * in ||
        b1.size() != hid || ln_gamma.size() != hid || ln_beta.size() != hid ||
        w2.size() != out * hid || b2.size() != out) {
        return core::invalidArgument("projection head: sizes do not match the dims");
    }
    for (const auto* v : {&w1, &b1, &ln_gamma, &ln_beta, &w2, &b2}) {
        for (const float x : *v) {
            if (!std::isfinite(x)) {
                return core::invalidArgument("projection head: non-finite weight");
            }
        }
    }
    return core::Status::ok();
}

core::Result<std::vector<float>> applyHead(const HeadWeights& head,
                                           const std::vector<float>& input) {
    if (auto st = head.validate(); !st.isOk()) {
        return st;
    }
    const auto in = static_cast<std::size_t>(head.input_dim);
    const auto hid = static_cast<std::size_t>(head.hidden_dim);
    const auto out = static_cast<std::size_t>(head.output_dim);
    if (input.size() % in != 0) {
        return core::invalidArgument("projection head: input is not rows x " + std::to_string(in));
    }
    const std::size_t rows = input.size() / in;
    std::vector<float> result(rows * out);
    std::vector<double> h(hid);
    for (std::size_t r = 0; r < rows; ++r) {
        double mean = 0.0;
        for (std::size_t i = 0; i < hid; ++i) {
            double acc = head.b1[i];
            for (std::size_t j = 0; j < in; ++j) {
                acc += double(head.w1[i * in + j]) * input[r * in + j];
            }
            h[i] = acc;
            mean += acc;
        }
        mean /= double(hid);
        double var = 0.0;
        for (const double v : h) {
            var += (v - mean) * (v - mean);
        }
        var /= double(hid);
        for (std::size_t i = 0; i < hid; ++i) {
            const double x =
                (h[i] - mean) / std::sqrt(var + 1e-5) * head.ln_gamma[i] + head.ln_beta[i];
            h[i] = 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
        }
        double norm = 0.0;
        for (std::size_t o = 0; o < out; ++o) {
            double acc = head.b2[o];
            for (std::size_t i = 0; i < hid; ++i) {
                acc += double(head.w2[o * hid + i]) * h[i];
            }
            result[r * out + o] = static_cast<float>(acc);
            norm += acc * acc;
        }
        norm = std::sqrt(norm);
        if (norm > 0.0) {
            for (std::size_t o = 0; o < out; ++o) {
                result[r * out + o] = static_cast<float>(result[r * out + o] / norm);
            }
        }
    }
    return result;
}

} // namespace styledna::embed
