#include "models/adamw_step.hpp"

#include <cmath>

#include <immintrin.h>

namespace styledna::models {

namespace {

struct Scalars {
    float decay, beta1, one_minus_beta1, beta2, one_minus_beta2, sqrt_bias2, eps, neg_step;
};

Scalars scalarsOf(long step, const AdamWStepParams& p) {
    const double bias1 = 1.0 - std::pow(p.beta1, static_cast<double>(step));
    const double bias2 = 1.0 - std::pow(p.beta2, static_cast<double>(step));
    return {static_cast<float>(1.0 - p.learning_rate * p.weight_decay),
            static_cast<float>(p.beta1),
            static_cast<float>(1.0 - p.beta1),
            static_cast<float>(p.beta2),
            static_cast<float>(1.0 - p.beta2),
            static_cast<float>(std::sqrt(bias2)),
            static_cast<float>(p.eps),
            static_cast<float>(-(p.learning_rate / bias1))};
}

// The portable path: each product rounded, then added (LibTorch's DEFAULT kernels).
void stepPortable(float* param, const float* grad, float* m, float* v, std::size_t n,
                  const Scalars& s) {
    for (std::size_t i = 0; i < n; ++i) {
        const float g = grad[i];
        const float p = param[i] * s.decay;
        const float mi = m[i] * s.beta1 + s.one_minus_beta1 * g;
        const float vi = v[i] * s.beta2 + (s.one_minus_beta2 * g) * g;
        const float d = std::sqrt(vi) / s.sqrt_bias2 + s.eps;
        param[i] = p + (s.neg_step * mi) / d;
        m[i] = mi;
        v[i] = vi;
    }
}

[[gnu::target("avx2,fma")]] void stepFma(float* param, const float* grad, float* m, float* v,
                                         std::size_t n, const Scalars& s) {
    const __m256 decay = _mm256_set1_ps(s.decay), b1 = _mm256_set1_ps(s.beta1),
                 a1 = _mm256_set1_ps(s.one_minus_beta1), b2 = _mm256_set1_ps(s.beta2),
                 a2 = _mm256_set1_ps(s.one_minus_beta2), sb2 = _mm256_set1_ps(s.sqrt_bias2),
                 eps = _mm256_set1_ps(s.eps), ns = _mm256_set1_ps(s.neg_step);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 g = _mm256_loadu_ps(grad + i);
        const __m256 p = _mm256_mul_ps(_mm256_loadu_ps(param + i), decay);
        const __m256 mi = _mm256_fmadd_ps(g, a1, _mm256_mul_ps(_mm256_loadu_ps(m + i), b1));
        const __m256 vi =
            _mm256_fmadd_ps(_mm256_mul_ps(a2, g), g, _mm256_mul_ps(_mm256_loadu_ps(v + i), b2));
        const __m256 d = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vi), sb2), eps);
        _mm256_storeu_ps(param + i, _mm256_add_ps(p, _mm256_div_ps(_mm256_mul_ps(ns, mi), d)));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
    }
    for (; i < n; ++i) {
        const float g = grad[i];
        const float p = param[i] * s.decay;
        const float mi = std::fma(g, s.one_minus_beta1, m[i] * s.beta1);
        const float vi = std::fma(s.one_minus_beta2 * g, g, v[i] * s.beta2);
        const float d = std::sqrt(vi) / s.sqrt_bias2 + s.eps;
        param[i] = p + (s.neg_step * mi) / d;
        m[i] = mi;
        v[i] = vi;
    }
}

} // namespace

void adamwStep(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, std::size_t n,
               long step, const AdamWStepParams& params) {
    static const bool fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const Scalars s = scalarsOf(step, params);
    if (fma) {
        stepFma(param, grad, exp_avg, exp_avg_sq, n, s);
    } else {
        stepPortable(param, grad, exp_avg, exp_avg_sq, n, s);
    }
}

} // namespace styledna::models
