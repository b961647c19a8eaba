#include "models/batched_real_fft.hpp"

#include <cstdint>

#include <ATen/core/Tensor.h>
#include <ATen/ops/fft_irfft.h>
#include <ATen/ops/fft_rfft.h>
#include <ATen/ops/from_blob.h>
#include <c10/core/InferenceMode.h>

namespace styledna::models {

BatchedRealFft::BatchedRealFft(std::size_t size) : m_size(size) {}

void BatchedRealFft::forward(const float* in, std::size_t count, std::complex<float>* out) const {
    c10::InferenceMode inference;
    const auto n = static_cast<std::int64_t>(m_size);
    const auto rows = static_cast<std::int64_t>(count);
    const auto x = at::from_blob(const_cast<float*>(in), {rows, n}, at::kFloat);
    auto y = at::from_blob(out, {rows, n / 2 + 1}, at::kComplexFloat);
    at::fft_rfft_out(y, x, n, 1, "backward");
}

void BatchedRealFft::inverse(const std::complex<float>* in, std::size_t count, float* out) const {
    c10::InferenceMode inference;
    const auto n = static_cast<std::int64_t>(m_size);
    const auto rows = static_cast<std::int64_t>(count);
    const auto x =
        at::from_blob(const_cast<std::complex<float>*>(in), {rows, n / 2 + 1}, at::kComplexFloat);
    auto y = at::from_blob(out, {rows, n}, at::kFloat);
    // "forward": the 1 / n normalisation belongs to the forward transform, so
    // this inverse is unnormalised like KissFFT's.
    at::fft_irfft_out(y, x, n, 1, "forward");
}

} // namespace styledna::models
