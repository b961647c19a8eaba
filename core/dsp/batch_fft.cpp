#include "core/dsp/batch_fft.hpp"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <vector>

#include <kissfft/kiss_fftr.h>

namespace styledna::core {
namespace {

struct AlignedFree {
    void operator()(float* p) const { std::free(p); }
};
using AlignedFloats = std::unique_ptr<float[], AlignedFree>;

AlignedFloats alignedFloats(std::size_t n) {
    const std::size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
    auto* p = static_cast<float*>(std::aligned_alloc(64, std::max<std::size_t>(bytes, 64)));
    if (p == nullptr) {
        throw std::bad_alloc();
    }
    return AlignedFloats(p);
}

struct KissFftrFree {
    void operator()(kiss_fftr_cfg c) const { kiss_fftr_free(c); }
};

bool simdAvailable() {
    static const bool available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return available;
}

} // namespace

struct BatchRealFft::Plan {
    std::size_t m = 0; // complex points
    // Stockham stages, first to last: radix 4 while len >= 4, then one radix 2
    // when log2(m) is odd. Twiddles e^(-2 pi i r p / len) per stage, for
    // p < len / radix and r = 1 .. radix - 1 (r-major).
    std::vector<int> radix;
    std::vector<float> tw_re, tw_im;
    // Split twiddles e^(-2 pi i k / n), k <= m.
    std::vector<float> post_re, post_im;
    // Lane-interleaved complex buffers (m vectors of kBatch floats each).
    AlignedFloats a_re, a_im, b_re, b_im;
    AlignedFloats c_re, c_im; // the inverse's bins (m + 1 vectors)
    // Portable path.
    std::unique_ptr<std::remove_pointer_t<kiss_fftr_cfg>, KissFftrFree> kiss, kiss_inv;
    std::vector<kiss_fft_cpx> kiss_out;
};

BatchRealFft::BatchRealFft(std::size_t size, Path path)
    : m_size(size), m_plan(std::make_unique<Plan>()) {
    if (size < 16 || (size & (size - 1)) != 0) {
        throw std::invalid_argument("BatchRealFft: size must be a power of two >= 16");
    }
    Plan& p = *m_plan;
    p.m = size / 2;
    if (path == Path::kBest && simdAvailable()) {
        for (std::size_t len = p.m; len > 1;) {
            const int radix = len >= 4 ? 4 : 2;
            p.radix.push_back(radix);
            const std::size_t part = len / static_cast<std::size_t>(radix);
            for (int r = 1; r < radix; ++r) {
                for (std::size_t j = 0; j < part; ++j) {
                    const double a =
                        -2.0 * M_PI * static_cast<double>(r * j) / static_cast<double>(len);
                    p.tw_re.push_back(static_cast<float>(std::cos(a)));
                    p.tw_im.push_back(static_cast<float>(std::sin(a)));
                }
            }
            len = part;
        }
        for (std::size_t k = 0; k <= p.m; ++k) {
            const double a = -2.0 * M_PI * static_cast<double>(k) / static_cast<double>(size);
            p.post_re.push_back(static_cast<float>(std::cos(a)));
            p.post_im.push_back(static_cast<float>(std::sin(a)));
        }
        p.a_re = alignedFloats(p.m * kBatch);
        p.a_im = alignedFloats(p.m * kBatch);
        p.b_re = alignedFloats(p.m * kBatch);
        p.b_im = alignedFloats(p.m * kBatch);
        p.c_re = alignedFloats((p.m + 1) * kBatch);
        p.c_im = alignedFloats((p.m + 1) * kBatch);
    } else {
        p.kiss.reset(kiss_fftr_alloc(static_cast<int>(size), 0, nullptr, nullptr));
        p.kiss_inv.reset(kiss_fftr_alloc(static_cast<int>(size), 1, nullptr, nullptr));
        p.kiss_out.resize(bins());
    }
}

BatchRealFft::~BatchRealFft() = default;

bool BatchRealFft::vectorised() {
    return simdAvailable();
}

namespace {

// In-place 8 x 8 transpose of r[0..7] (row i, column j -> row j, column i).
[[gnu::target("avx2,fma"), gnu::always_inline]] inline void transpose8(__m256* r) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

// Lanes <-> frames for 8 complex values (16 interleaved floats) per frame.
// splitToLanes: row[l] + offset holds re0 im0 re1 im1 ... of frame l; writes
// vectors re[j], im[j] (lane l = frame l) for j < 8 at dst_re / dst_im + j * 8.
[[gnu::target("avx2,fma"), gnu::always_inline]] inline void
splitToLanes(const float* const* row, std::size_t offset, float* dst_re, float* dst_im) {
    constexpr std::size_t L = BatchRealFft::kBatch;
    const __m256i order = _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
    __m256 re[L], im[L];
    for (std::size_t l = 0; l < L; ++l) {
        const __m256 lo = _mm256_loadu_ps(row[l] + offset);
        const __m256 hi = _mm256_loadu_ps(row[l] + offset + 8);
        // [lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6] -> [lo0 lo2 lo4 lo6 hi0 hi2 hi4 hi6]
        re[l] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(lo, hi, 0x88), order);
        im[l] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(lo, hi, 0xDD), order);
    }
    transpose8(re);
    transpose8(im);
    for (std::size_t j = 0; j < 8; ++j) {
        _mm256_store_ps(dst_re + j * L, re[j]);
        _mm256_store_ps(dst_im + j * L, im[j]);
    }
}

// The reverse: re[j], im[j] (j < 8, lane l = frame l; both transposed in
// place) -> 16 interleaved floats at out + l * stride for l < count.
[[gnu::target("avx2,fma"), gnu::always_inline]] inline void
joinFromLanes(__m256* re, __m256* im, std::size_t count, float* out, std::size_t stride) {
    transpose8(re);
    transpose8(im);
    for (std::size_t l = 0; l < count; ++l) {
        const __m256 a = _mm256_unpacklo_ps(re[l], im[l]);
        const __m256 b = _mm256_unpackhi_ps(re[l], im[l]);
        float* dst = out + l * stride;
        _mm256_storeu_ps(dst, _mm256_permute2f128_ps(a, b, 0x20));
        _mm256_storeu_ps(dst + 8, _mm256_permute2f128_ps(a, b, 0x31));
    }
}

// y = x w (complex, split re / im vectors).
[[gnu::target("avx2,fma"), gnu::always_inline]] inline void
cmul(__m256 xr, __m256 xi, __m256 wr, __m256 wi, __m256& yr, __m256& yi) {
    yr = _mm256_fmsub_ps(xr, wr, _mm256_mul_ps(xi, wi));
    yi = _mm256_fmadd_ps(xr, wi, _mm256_mul_ps(xi, wr));
}

// Complex FFT of size m on lane-interleaved split vectors (see the header),
// e^(-2 pi i jk / m), unnormalised. In: src; b is scratch; on return src
// points at the result (one of the two buffers).
[[gnu::target("avx2,fma")]] void stockhamAvx2(std::size_t m, const std::vector<int>& radices,
                                              const float* tw_re, const float* tw_im,
                                              float*& src_re, float*& src_im, float* b_re,
                                              float* b_im) {
    constexpr std::size_t L = BatchRealFft::kBatch;
    // Stockham radix 4 (and a last radix 2), decimation in frequency, natural
    // order out.
    float* dst_re = b_re;
    float* dst_im = b_im;
    std::size_t s = 1;
    std::size_t len = m;
    const float* wr_p = tw_re;
    const float* wi_p = tw_im;
    for (int radix : radices) {
        if (radix == 4) {
            const std::size_t quarter = len / 4;
            for (std::size_t p = 0; p < quarter; ++p) {
                const __m256 w1r = _mm256_broadcast_ss(wr_p + p);
                const __m256 w1i = _mm256_broadcast_ss(wi_p + p);
                const __m256 w2r = _mm256_broadcast_ss(wr_p + quarter + p);
                const __m256 w2i = _mm256_broadcast_ss(wi_p + quarter + p);
                const __m256 w3r = _mm256_broadcast_ss(wr_p + 2 * quarter + p);
                const __m256 w3i = _mm256_broadcast_ss(wi_p + 2 * quarter + p);
                const std::size_t in0 = s * p * L, step = s * quarter * L;
                const std::size_t out0 = s * (4 * p) * L, ostep = s * L;
                for (std::size_t q = 0; q < s * L; q += L) {
                    const std::size_t i = in0 + q;
                    const __m256 ar = _mm256_load_ps(src_re + i);
                    const __m256 ai = _mm256_load_ps(src_im + i);
                    const __m256 br = _mm256_load_ps(src_re + i + step);
                    const __m256 bi = _mm256_load_ps(src_im + i + step);
                    const __m256 cr = _mm256_load_ps(src_re + i + 2 * step);
                    const __m256 ci = _mm256_load_ps(src_im + i + 2 * step);
                    const __m256 dr = _mm256_load_ps(src_re + i + 3 * step);
                    const __m256 di = _mm256_load_ps(src_im + i + 3 * step);
                    const __m256 apc_r = _mm256_add_ps(ar, cr), apc_i = _mm256_add_ps(ai, ci);
                    const __m256 amc_r = _mm256_sub_ps(ar, cr), amc_i = _mm256_sub_ps(ai, ci);
                    const __m256 bpd_r = _mm256_add_ps(br, dr), bpd_i = _mm256_add_ps(bi, di);
                    // -i (b - d)
                    const __m256 jb_r = _mm256_sub_ps(bi, di), jb_i = _mm256_sub_ps(dr, br);
                    const std::size_t o = out0 + q;
                    _mm256_store_ps(dst_re + o, _mm256_add_ps(apc_r, bpd_r));
                    _mm256_store_ps(dst_im + o, _mm256_add_ps(apc_i, bpd_i));
                    __m256 yr, yi;
                    cmul(_mm256_add_ps(amc_r, jb_r), _mm256_add_ps(amc_i, jb_i), w1r, w1i, yr, yi);
                    _mm256_store_ps(dst_re + o + ostep, yr);
                    _mm256_store_ps(dst_im + o + ostep, yi);
                    cmul(_mm256_sub_ps(apc_r, bpd_r), _mm256_sub_ps(apc_i, bpd_i), w2r, w2i, yr,
                         yi);
                    _mm256_store_ps(dst_re + o + 2 * ostep, yr);
                    _mm256_store_ps(dst_im + o + 2 * ostep, yi);
                    cmul(_mm256_sub_ps(amc_r, jb_r), _mm256_sub_ps(amc_i, jb_i), w3r, w3i, yr, yi);
                    _mm256_store_ps(dst_re + o + 3 * ostep, yr);
                    _mm256_store_ps(dst_im + o + 3 * ostep, yi);
                }
            }
            wr_p += 3 * quarter;
            wi_p += 3 * quarter;
            len = quarter;
            s *= 4;
        } else {
            const std::size_t half = len / 2;
            for (std::size_t p = 0; p < half; ++p) {
                const __m256 wr = _mm256_broadcast_ss(wr_p + p);
                const __m256 wi = _mm256_broadcast_ss(wi_p + p);
                const std::size_t in0 = s * p * L, step = s * half * L;
                const std::size_t out0 = s * (2 * p) * L, ostep = s * L;
                for (std::size_t q = 0; q < s * L; q += L) {
                    const std::size_t i = in0 + q;
                    const __m256 xr = _mm256_load_ps(src_re + i);
                    const __m256 xi = _mm256_load_ps(src_im + i);
                    const __m256 zr = _mm256_load_ps(src_re + i + step);
                    const __m256 zi = _mm256_load_ps(src_im + i + step);
                    const std::size_t o = out0 + q;
                    _mm256_store_ps(dst_re + o, _mm256_add_ps(xr, zr));
                    _mm256_store_ps(dst_im + o, _mm256_add_ps(xi, zi));
                    __m256 yr, yi;
                    cmul(_mm256_sub_ps(xr, zr), _mm256_sub_ps(xi, zi), wr, wi, yr, yi);
                    _mm256_store_ps(dst_re + o + ostep, yr);
                    _mm256_store_ps(dst_im + o + ostep, yi);
                }
            }
            wr_p += half;
            wi_p += half;
            len = half;
            s *= 2;
        }
        std::swap(src_re, dst_re);
        std::swap(src_im, dst_im);
    }
}

// The SIMD path (see the header). Vector index v covers floats [v * 8, v * 8 + 8).
[[gnu::target("avx2,fma")]] void
batchForwardAvx2(BatchRealFft::Output what, const float* frames, std::size_t count, std::size_t n,
                 const std::vector<int>& radices, const float* tw_re, const float* tw_im,
                 const float* post_re, const float* post_im, float* a_re, float* a_im, float* b_re,
                 float* b_im, float* out) {
    constexpr std::size_t L = BatchRealFft::kBatch;
    const std::size_t m = n / 2;
    const std::size_t bins = m + 1;
    // Pack: lane l holds frame l (lanes past `count` repeat frame 0). Per 16
    // samples of each frame: even / odd split, then two 8 x 8 transposes
    // (gathers were 40 % of the transform on Zen).
    const float* row[L];
    for (std::size_t l = 0; l < L; ++l) {
        row[l] = frames + (l < count ? l : 0) * n;
    }
    for (std::size_t j0 = 0; j0 < m; j0 += 8) {
        splitToLanes(row, 2 * j0, a_re + j0 * L, a_im + j0 * L);
    }
    float* src_re = a_re;
    float* src_im = a_im;
    stockhamAvx2(m, radices, tw_re, tw_im, src_re, src_im, b_re, b_im);
    // Split into the real spectrum and write each lane's bins.
    const __m256 h = _mm256_set1_ps(0.5f);
    alignas(32) float re_l[L];
    alignas(32) float im_l[L];
    // Bins k0 .. k0 + 7 (power, magnitude or real parts; imaginary parts),
    // transposed to a row per frame.
    __m256 tile[L];
    __m256 tile_im[L];
    for (std::size_t k = 0; k <= m; ++k) {
        const std::size_t k0 = k == m ? 0 : k;
        const std::size_t k1 = k == 0 ? 0 : m - k;
        const __m256 zr = _mm256_load_ps(src_re + k0 * L);
        const __m256 zi = _mm256_load_ps(src_im + k0 * L);
        const __m256 cr = _mm256_load_ps(src_re + k1 * L);
        const __m256 ci = _mm256_load_ps(src_im + k1 * L);
        const __m256 fe_r = _mm256_mul_ps(h, _mm256_add_ps(zr, cr));
        const __m256 fe_i = _mm256_mul_ps(h, _mm256_sub_ps(zi, ci));
        const __m256 fo_r = _mm256_mul_ps(h, _mm256_add_ps(zi, ci));
        const __m256 fo_i = _mm256_mul_ps(h, _mm256_sub_ps(cr, zr));
        const __m256 c = _mm256_broadcast_ss(post_re + k);
        const __m256 sn = _mm256_broadcast_ss(post_im + k);
        const __m256 xr = _mm256_add_ps(fe_r, _mm256_fmsub_ps(c, fo_r, _mm256_mul_ps(sn, fo_i)));
        const __m256 xi = _mm256_add_ps(fe_i, _mm256_fmadd_ps(c, fo_i, _mm256_mul_ps(sn, fo_r)));
        if (what == BatchRealFft::Output::kComplex) {
            if (k == m) {
                _mm256_store_ps(re_l, xr);
                _mm256_store_ps(im_l, xi);
                for (std::size_t l = 0; l < count; ++l) {
                    out[2 * (l * bins + k)] = re_l[l];
                    out[2 * (l * bins + k) + 1] = im_l[l];
                }
            } else {
                tile[k % 8] = xr;
                tile_im[k % 8] = xi;
                if (k % 8 == 7) {
                    joinFromLanes(tile, tile_im, count, out + 2 * (k - 7), 2 * bins);
                }
            }
        } else {
            __m256 pw = _mm256_fmadd_ps(xr, xr, _mm256_mul_ps(xi, xi));
            if (what == BatchRealFft::Output::kMagnitude) {
                pw = _mm256_sqrt_ps(pw);
            }
            if (k == m) { // the last bin, alone
                _mm256_store_ps(re_l, pw);
                for (std::size_t l = 0; l < count; ++l) {
                    out[l * bins + k] = re_l[l];
                }
            } else {
                tile[k % 8] = pw;
                if (k % 8 == 7) {
                    transpose8(tile);
                    for (std::size_t l = 0; l < count; ++l) {
                        _mm256_storeu_ps(out + l * bins + (k - 7), tile[l]);
                    }
                }
            }
        }
    }
}

// Inverse (see the header): bins -> frames, unnormalised.
[[gnu::target("avx2,fma")]] void
batchInverseAvx2(const float* in, std::size_t count, std::size_t n, const std::vector<int>& radices,
                 const float* tw_re, const float* tw_im, const float* post_re, const float* post_im,
                 float* a_re, float* a_im, float* b_re, float* b_im, float* c_re, float* c_im,
                 float* out) {
    constexpr std::size_t L = BatchRealFft::kBatch;
    const std::size_t m = n / 2;
    const std::size_t bins = m + 1;
    const float* row[L];
    for (std::size_t l = 0; l < L; ++l) {
        row[l] = in + 2 * (l < count ? l : 0) * bins;
    }
    // Bins to split vectors c (m + 1 of them): 8 complex values per lane,
    // re / im split, then 8 x 8 transposes.
    for (std::size_t k0 = 0; k0 < m; k0 += 8) {
        splitToLanes(row, 2 * k0, c_re + k0 * L, c_im + k0 * L);
    }
    alignas(32) float last_re[L];
    for (std::size_t l = 0; l < L; ++l) {
        last_re[l] = row[l][2 * m];
    }
    _mm256_store_ps(c_re + m * L, _mm256_load_ps(last_re));
    // The imaginary parts of bins 0 and m are ignored (a real signal has none).
    _mm256_store_ps(c_im, _mm256_setzero_ps());
    _mm256_store_ps(c_im + m * L, _mm256_setzero_ps());
    // Z[k] = (X[k] + conj X[m-k]) + i e^(2 pi i k / n) (X[k] - conj X[m-k]),
    // stored conjugated: the inverse FFT is conj(FFT(conj Z)).
    for (std::size_t k = 0; k < m; ++k) {
        const __m256 xr = _mm256_load_ps(c_re + k * L);
        const __m256 xi = _mm256_load_ps(c_im + k * L);
        const __m256 yr = _mm256_load_ps(c_re + (m - k) * L);
        const __m256 yi = _mm256_load_ps(c_im + (m - k) * L);
        const __m256 ar = _mm256_add_ps(xr, yr), ai = _mm256_sub_ps(xi, yi);
        const __m256 br = _mm256_sub_ps(xr, yr), bi = _mm256_add_ps(xi, yi);
        const __m256 c = _mm256_broadcast_ss(post_re + k);
        // e^(+2 pi i k / n) = (post_re, -post_im)
        const __m256 sn = _mm256_sub_ps(_mm256_setzero_ps(), _mm256_broadcast_ss(post_im + k));
        __m256 cr, ci;
        cmul(br, bi, c, sn, cr, ci);
        // Z = A + i C = (ar - ci, ai + cr); conj Z = (ar - ci, -(ai + cr))
        _mm256_store_ps(a_re + k * L, _mm256_sub_ps(ar, ci));
        _mm256_store_ps(a_im + k * L, _mm256_sub_ps(_mm256_setzero_ps(), _mm256_add_ps(ai, cr)));
    }
    float* src_re = a_re;
    float* src_im = a_im;
    stockhamAvx2(m, radices, tw_re, tw_im, src_re, src_im, b_re, b_im);
    // x[2j] = Re z[j], x[2j+1] = Im z[j] = -(the FFT's imaginary part).
    const __m256 zero = _mm256_setzero_ps();
    for (std::size_t j0 = 0; j0 < m; j0 += 8) {
        __m256 re[L], im[L];
        for (std::size_t j = 0; j < 8; ++j) {
            re[j] = _mm256_load_ps(src_re + (j0 + j) * L);
            im[j] = _mm256_sub_ps(zero, _mm256_load_ps(src_im + (j0 + j) * L));
        }
        joinFromLanes(re, im, count, out + 2 * j0, n);
    }
}

// False for an empty batch; throws for one over kBatch.
bool batchToDo(std::size_t count) {
    if (count > BatchRealFft::kBatch) {
        throw std::invalid_argument("BatchRealFft: more frames than kBatch");
    }
    return count > 0;
}

} // namespace

void BatchRealFft::run(const float* frames, std::size_t count, Output what, float* out) {
    if (!batchToDo(count)) {
        return;
    }
    Plan& p = *m_plan;
    const std::size_t nb = bins();
    if (p.kiss == nullptr) {
        batchForwardAvx2(what, frames, count, m_size, p.radix, p.tw_re.data(), p.tw_im.data(),
                         p.post_re.data(), p.post_im.data(), p.a_re.get(), p.a_im.get(),
                         p.b_re.get(), p.b_im.get(), out);
        return;
    }
    for (std::size_t l = 0; l < count; ++l) {
        kiss_fftr(p.kiss.get(), frames + l * m_size, p.kiss_out.data());
        for (std::size_t k = 0; k < nb; ++k) {
            const float re = p.kiss_out[k].r;
            const float im = p.kiss_out[k].i;
            switch (what) {
            case Output::kComplex:
                out[2 * (l * nb + k)] = re;
                out[2 * (l * nb + k) + 1] = im;
                break;
            case Output::kPower:
                out[l * nb + k] = std::fma(re, re, im * im);
                break;
            case Output::kMagnitude:
                out[l * nb + k] = std::sqrt(std::fma(re, re, im * im));
                break;
            }
        }
    }
}

void BatchRealFft::inverse(const std::complex<float>* spectra, std::size_t count, float* frames) {
    if (!batchToDo(count)) {
        return;
    }
    Plan& p = *m_plan;
    const std::size_t nb = bins();
    if (p.kiss == nullptr) {
        batchInverseAvx2(reinterpret_cast<const float*>(spectra), count, m_size, p.radix,
                         p.tw_re.data(), p.tw_im.data(), p.post_re.data(), p.post_im.data(),
                         p.a_re.get(), p.a_im.get(), p.b_re.get(), p.b_im.get(), p.c_re.get(),
                         p.c_im.get(), frames);
        return;
    }
    for (std::size_t l = 0; l < count; ++l) {
        for (std::size_t k = 0; k < nb; ++k) {
            p.kiss_out[k].r = spectra[l * nb + k].real();
            p.kiss_out[k].i = k == 0 || k == nb - 1 ? 0.0f : spectra[l * nb + k].imag();
        }
        kiss_fftri(p.kiss_inv.get(), p.kiss_out.data(), frames + l * m_size);
    }
}

void BatchRealFft::forward(const float* frames, std::size_t count, std::complex<float>* spectra) {
    run(frames, count, Output::kComplex, reinterpret_cast<float*>(spectra));
}

void BatchRealFft::forwardPower(const float* frames, std::size_t count, float* power) {
    run(frames, count, Output::kPower, power);
}

void BatchRealFft::forwardMagnitude(const float* frames, std::size_t count, float* magnitude) {
    run(frames, count, Output::kMagnitude, magnitude);
}

} // namespace styledna::core
