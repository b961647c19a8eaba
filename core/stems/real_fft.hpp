#pragma once
// RealFft: an owned KissFFT real transform pair of one size (forward r2c and
// inverse c2r), for the separator's complex STFT / ISTFT.
//
// forward(in[size]) -> out[size / 2 + 1] complex bins, unnormalised.
// inverse(in[size / 2 + 1]) -> out[size], unnormalised (inverse(forward(x)) =
// size * x). size: even, >= 16 (kiss_fftr's requirement).
// Threads: one thread per instance (KissFFT keeps scratch in the plan).

#include <complex>
#include <cstddef>
#include <memory>

namespace styledna::core::stems {

class RealFft {
public:
    explicit RealFft(std::size_t size);
    ~RealFft();
    RealFft(const RealFft&) = delete;
    RealFft& operator=(const RealFft&) = delete;

    std::size_t size() const { return m_size; }
    void forward(const float* in, std::complex<float>* out);
    void inverse(const std::complex<float>* in, float* out);

private:
    struct Plans;
    std::size_t m_size;
    std::unique_ptr<Plans> m_plans;
};

} // namespace styledna::core::stems
