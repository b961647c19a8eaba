#include "core/stems/real_fft.hpp"

#include <type_traits>

#include <kissfft/kiss_fftr.h>

namespace styledna::core::stems {
namespace {

struct KissFftrFree {
    void operator()(kiss_fftr_cfg c) const { kiss_fftr_free(c); }
};
using KissFftrHandle = std::unique_ptr<std::remove_pointer_t<kiss_fftr_cfg>, KissFftrFree>;

// std::complex<float> is layout-compatible with float[2] and kiss_fft_cpx.
static_assert(sizeof(kiss_fft_cpx) == sizeof(std::complex<float>));

} // namespace

struct RealFft::Plans {
    KissFftrHandle forward;
    KissFftrHandle inverse;
};

RealFft::RealFft(std::size_t size) : m_size(size), m_plans(std::make_unique<Plans>()) {
    m_plans->forward.reset(kiss_fftr_alloc(static_cast<int>(size), 0, nullptr, nullptr));
    m_plans->inverse.reset(kiss_fftr_alloc(static_cast<int>(size), 1, nullptr, nullptr));
}

RealFft::~RealFft() = default;

void RealFft::forward(const float* in, std::complex<float>* out) {
    kiss_fftr(m_plans->forward.get(), in, reinterpret_cast<kiss_fft_cpx*>(out));
}

void RealFft::inverse(const std::complex<float>* in, float* out) {
    kiss_fftri(m_plans->inverse.get(), reinterpret_cast<const kiss_fft_cpx*>(in), out);
}

} // namespace styledna::core::stems
