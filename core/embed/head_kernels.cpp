// AVX-512 and AVX2 + FMA kernels of the projection head (head_kernels.hpp).
#include "core/embed/head_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define STYLEDNA_HEAD_AVX2 1
#endif

namespace styledna::embed::detail {

PackedLinear packLinear(const float* w, const float* b, int out, int in) {
    PackedLinear p;
    p.in = in;
    p.out = out;
    const auto n_in = static_cast<std::size_t>(in);
    const auto width = static_cast<std::size_t>(kPanelWidth);
    const std::size_t panels = (static_cast<std::size_t>(out) + width - 1) / width;
    p.panels.assign(panels * n_in * width, 0.0f);
    p.bias.assign(panels * width, 0.0f);
    for (std::size_t c = 0; c < static_cast<std::size_t>(out); ++c) {
        float* panel = p.panels.data() + (c / width) * n_in * width;
        const float* row = w + c * n_in;
        for (std::size_t k = 0; k < n_in; ++k) {
            panel[k * width + c % width] = row[k];
        }
        p.bias[c] = b[c];
    }
    return p;
}

#ifdef STYLEDNA_HEAD_AVX2

namespace {

// One block of `Rows` rows x 16 columns: y = bias + sum_k x[., k] w[k, .].
template <int Rows>
[[gnu::target("avx2,fma")]] void blockAvx2(const float* x, std::size_t in, const float* panel,
                                           const float* bias, float* y, std::size_t y_stride,
                                           int cols) {
    __m256 acc[Rows][2];
    const __m256 bias_lo = _mm256_loadu_ps(bias);
    const __m256 bias_hi = _mm256_loadu_ps(bias + 8);
#pragma GCC unroll 8
    for (int r = 0; r < Rows; ++r) {
        acc[r][0] = bias_lo;
        acc[r][1] = bias_hi;
    }
    for (std::size_t k = 0; k < in; ++k) {
        const __m256 w_lo = _mm256_loadu_ps(panel + k * kPanelWidth);
        const __m256 w_hi = _mm256_loadu_ps(panel + k * kPanelWidth + 8);
#pragma GCC unroll 8
        for (int r = 0; r < Rows; ++r) {
            const __m256 a = _mm256_broadcast_ss(x + static_cast<std::size_t>(r) * in + k);
            acc[r][0] = _mm256_fmadd_ps(a, w_lo, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(a, w_hi, acc[r][1]);
        }
    }
    if (cols == kPanelWidth) {
#pragma GCC unroll 8
        for (int r = 0; r < Rows; ++r) {
            _mm256_storeu_ps(y + static_cast<std::size_t>(r) * y_stride, acc[r][0]);
            _mm256_storeu_ps(y + static_cast<std::size_t>(r) * y_stride + 8, acc[r][1]);
        }
        return;
    }
    alignas(32) float tmp[kPanelWidth];
    for (int r = 0; r < Rows; ++r) {
        _mm256_store_ps(tmp, acc[r][0]);
        _mm256_store_ps(tmp + 8, acc[r][1]);
        std::memcpy(y + static_cast<std::size_t>(r) * y_stride, tmp,
                    static_cast<std::size_t>(cols) * sizeof(float));
    }
}

template <int Rows>
[[gnu::target("avx2,fma")]] void rowsAvx2(const PackedLinear& layer, const float* x, float* y) {
    const auto in = static_cast<std::size_t>(layer.in);
    const auto out = static_cast<std::size_t>(layer.out);
    const auto width = static_cast<std::size_t>(kPanelWidth);
    for (std::size_t c0 = 0; c0 < out; c0 += width) {
        const float* panel = layer.panels.data() + (c0 / width) * in * width;
        const int cols = static_cast<int>(std::min(width, out - c0));
        blockAvx2<Rows>(x, in, panel, layer.bias.data() + c0, y + c0, out, cols);
    }
}

// AVX-512: blocks of `Rows` rows x (16 Panels) columns, one zmm per row and panel,
// the row's x[k] broadcast from memory into each fused multiply-add.
template <int Rows, int Panels>
[[gnu::target("avx512f")]] void blockAvx512(const float* x, std::size_t in, const float* panel,
                                            const float* bias, float* y, std::size_t y_stride,
                                            int cols) {
    const std::size_t panel_size = in * kPanelWidth;
    __m512 acc[Rows][Panels];
#pragma GCC unroll 16
    for (int r = 0; r < Rows; ++r) {
#pragma GCC unroll 2
        for (int p = 0; p < Panels; ++p) {
            acc[r][p] = _mm512_loadu_ps(bias + p * kPanelWidth);
        }
    }
    for (std::size_t k = 0; k < in; ++k) {
        __m512 w[Panels];
#pragma GCC unroll 2
        for (int p = 0; p < Panels; ++p) {
            w[p] =
                _mm512_loadu_ps(panel + static_cast<std::size_t>(p) * panel_size + k * kPanelWidth);
        }
#pragma GCC unroll 16
        for (int r = 0; r < Rows; ++r) {
            const __m512 a = _mm512_set1_ps(x[static_cast<std::size_t>(r) * in + k]);
#pragma GCC unroll 2
            for (int p = 0; p < Panels; ++p) {
                acc[r][p] = _mm512_fmadd_ps(a, w[p], acc[r][p]);
            }
        }
    }
    // Columns of the last panel past `cols` are not stored.
    const int last_cols = cols - (Panels - 1) * kPanelWidth;
    const auto last_mask = static_cast<__mmask16>(
        last_cols >= kPanelWidth ? 0xFFFFu : ((1u << static_cast<unsigned>(last_cols)) - 1u));
#pragma GCC unroll 16
    for (int r = 0; r < Rows; ++r) {
        float* out = y + static_cast<std::size_t>(r) * y_stride;
#pragma GCC unroll 2
        for (int p = 0; p + 1 < Panels; ++p) {
            _mm512_storeu_ps(out + p * kPanelWidth, acc[r][p]);
        }
        _mm512_mask_storeu_ps(out + (Panels - 1) * kPanelWidth, last_mask, acc[r][Panels - 1]);
    }
}

template <int Rows>
[[gnu::target("avx512f")]] void rowsAvx512(const PackedLinear& layer, const float* x, float* y) {
    const auto in = static_cast<std::size_t>(layer.in);
    const auto out = static_cast<std::size_t>(layer.out);
    const auto width = static_cast<std::size_t>(kPanelWidth);
    std::size_t c0 = 0;
    for (; c0 + width < out; c0 += 2 * width) { // two panels, the second maybe partial
        const float* panel = layer.panels.data() + (c0 / width) * in * width;
        const int cols = static_cast<int>(std::min(2 * width, out - c0));
        blockAvx512<Rows, 2>(x, in, panel, layer.bias.data() + c0, y + c0, out, cols);
    }
    if (c0 < out) { // one last panel
        const float* panel = layer.panels.data() + (c0 / width) * in * width;
        blockAvx512<Rows, 1>(x, in, panel, layer.bias.data() + c0, y + c0, out,
                             static_cast<int>(out - c0));
    }
}

// exp(x) for x in [-87, 0]: x = n ln2 + r, |r| <= ln2 / 2, exp(r) by its Taylor
// polynomial to r^6 (truncation < 2e-7 relative), times 2^n built in the exponent.
[[gnu::target("avx2,fma")]] __m256 expNonPositive(__m256 x) {
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.4426950408889634f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // ln 2 split so n * hi is exact for |n| <= 128.
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693145751953125f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.428606765330187e-6f), r);
    __m256 p = _mm256_set1_ps(1.0f / 720.0f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    const __m256i bits =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

// GELU of 8 values: erf(z) = 1 - t (a1 + t (a2 + ... + t a5)) exp(-z^2), t = 1 / (1 + p z)
// for z = |v| / sqrt 2 >= 0, odd in z.
[[gnu::target("avx2,fma")]] __m256 gelu8(__m256 v) {
    const __m256 sign_mask = _mm256_set1_ps(-0.0f);
    const __m256 z =
        _mm256_mul_ps(_mm256_andnot_ps(sign_mask, v), _mm256_set1_ps(0.70710678118654752f));
    const __m256 t = _mm256_div_ps(
        _mm256_set1_ps(1.0f), _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), z, _mm256_set1_ps(1.0f)));
    __m256 poly = _mm256_set1_ps(1.061405429f);
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(-1.453152027f));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(1.421413741f));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(-0.284496736f));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(0.254829592f));
    poly = _mm256_mul_ps(poly, t);
    const __m256 e = expNonPositive(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(z, z)));
    const __m256 erf_abs = _mm256_fnmadd_ps(poly, e, _mm256_set1_ps(1.0f));
    const __m256 erf = _mm256_or_ps(erf_abs, _mm256_and_ps(sign_mask, v));
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v),
                         _mm256_add_ps(_mm256_set1_ps(1.0f), erf));
}

} // namespace

bool headKernelsAvailable() {
    static const bool available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return available;
}

[[gnu::target("avx512f")]] void linearAvx512(const PackedLinear& layer, const float* x,
                                             std::size_t rows, float* y) {
    constexpr std::size_t kBlock = 8; // 8 x 2 accumulators + 2 weights of 32 zmm
    const auto in = static_cast<std::size_t>(layer.in);
    const auto out = static_cast<std::size_t>(layer.out);
    std::size_t r = 0;
    for (; r + kBlock <= rows; r += kBlock) {
        rowsAvx512<8>(layer, x + r * in, y + r * out);
    }
    switch (rows - r) {
    case 7:
        rowsAvx512<7>(layer, x + r * in, y + r * out);
        break;
    case 6:
        rowsAvx512<6>(layer, x + r * in, y + r * out);
        break;
    case 5:
        rowsAvx512<5>(layer, x + r * in, y + r * out);
        break;
    case 4:
        rowsAvx512<4>(layer, x + r * in, y + r * out);
        break;
    case 3:
        rowsAvx512<3>(layer, x + r * in, y + r * out);
        break;
    case 2:
        rowsAvx512<2>(layer, x + r * in, y + r * out);
        break;
    case 1:
        rowsAvx512<1>(layer, x + r * in, y + r * out);
        break;
    default:
        break;
    }
}

[[gnu::target("avx2,fma")]] void linearAvx2Only(const PackedLinear& layer, const float* x,
                                                std::size_t rows, float* y) {
    constexpr std::size_t kBlock = 6; // 6 x 2 accumulators + 2 weights + 1 broadcast <= 16
    const auto in = static_cast<std::size_t>(layer.in);
    const auto out = static_cast<std::size_t>(layer.out);
    std::size_t r = 0;
    for (; r + kBlock <= rows; r += kBlock) {
        rowsAvx2<6>(layer, x + r * in, y + r * out);
    }
    switch (rows - r) {
    case 5:
        rowsAvx2<5>(layer, x + r * in, y + r * out);
        break;
    case 4:
        rowsAvx2<4>(layer, x + r * in, y + r * out);
        break;
    case 3:
        rowsAvx2<3>(layer, x + r * in, y + r * out);
        break;
    case 2:
        rowsAvx2<2>(layer, x + r * in, y + r * out);
        break;
    case 1:
        rowsAvx2<1>(layer, x + r * in, y + r * out);
        break;
    default:
        break;
    }
}

bool headKernelsAvx512() {
    static const bool available = headKernelsAvailable() && __builtin_cpu_supports("avx512f");
    return available;
}

void linearPacked(const PackedLinear& layer, const float* x, std::size_t rows, float* y,
                  LinearIsa isa) {
    if (isa == LinearIsa::kBest && headKernelsAvx512()) {
        linearAvx512(layer, x, rows, y);
    } else {
        linearAvx2Only(layer, x, rows, y);
    }
}

[[gnu::target("avx2,fma")]] void geluPacked(float* v, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm256_storeu_ps(v + i, gelu8(_mm256_loadu_ps(v + i)));
    }
    if (i < n) {
        alignas(32) float tmp[8] = {};
        std::memcpy(tmp, v + i, (n - i) * sizeof(float));
        _mm256_store_ps(tmp, gelu8(_mm256_load_ps(tmp)));
        std::memcpy(v + i, tmp, (n - i) * sizeof(float));
    }
}

#else // not x86-64 with GNU intrinsics: the portable path only

bool headKernelsAvailable() {
    return false;
}

bool headKernelsAvx512() {
    return false;
}

void linearPacked(const PackedLinear& layer, const float* x, std::size_t rows, float* y,
                  LinearIsa /*isa*/) {
    const auto in = static_cast<std::size_t>(layer.in);
    const auto out = static_cast<std::size_t>(layer.out);
    const auto width = static_cast<std::size_t>(kPanelWidth);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < out; ++c) {
            const float* panel = layer.panels.data() + (c / width) * in * width;
            float acc = layer.bias[c];
            for (std::size_t k = 0; k < in; ++k) {
                acc += x[r * in + k] * panel[k * width + c % width];
            }
            y[r * out + c] = acc;
        }
    }
}

void geluPacked(float* v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const double x = v[i];
        v[i] = static_cast<float>(0.5 * x * (1.0 + std::erf(x * M_SQRT1_2)));
    }
}

#endif

} // namespace styledna::embed::detail
