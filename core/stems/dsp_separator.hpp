#pragma once
// DspSeparator ("dsp-hpss/2"): drums / bass / other without any weights.
//
// Method (per mix; L and R share every mask so the stems keep the mix's image):
//  1. Kick: a beat-synchronous time-domain kick template (kick_template.hpp)
//     on the beat grid (hints.grid, else the rhythm family's grid on the mix)
//     is subtracted from L and R: residual r = x - kick.
//  2. Spectral stage on r: STFT of L and R, frame fft_size scaled to the rate
//     (2048 at 44.1 kHz: next power of two of fft_ms), hop = frame / 2,
//     sqrt-Hann analysis and synthesis windows (their product, a Hann, sums to
//     1 at 50 % overlap: exact reconstruction with unit masks). Magnitude
//     M = sqrt((|R_L|^2 + |R_R|^2) / 2). Harmonic H = median over 9 frames
//     (stride time_stride: +-4 stride frames, ~+-93 ms at 44.1 kHz) of M at
//     each bin; percussive P = median over 9 bins (stride freq_stride,
//     +-8 bins = +-172 Hz) of M in each frame (Fitzgerald 2010 HPSS; a
//     median-of-9 sorting network over whole frames, so it vectorises).
//     Soft Wiener-style masks of power mask_power:
//       h = H^p / (H^p + P^p), p = 1 - h.
//     Bins up to bass_full_hz: all of r to bass (the kick is gone; other
//     is high-passed in trance productions and holds little there).
//     Above: drums mask p; bass mask h w(f), other h (1 - w(f)), with w a
//     raised-cosine taper from 1 at bass_full_hz to 0 at bass_max_hz (the
//     bass's harmonics share that range with chords and pads).
//  3. drums = kick + ISTFT(drums mask x R), bass = ISTFT(bass mask x R),
//     other = mix - drums - bass (the sum-back contract holds to rounding).
//     The bass mask is zero from bass_max_hz up, so its ISTFT is computed at
//     rate / D (D = 8 at 44.1 kHz: the largest power of two <= 8 with
//     bass_max_hz under a quarter of the low Nyquist): inverse FFTs of size / D
//     of the same bins give the full-rate overlap-add's samples at multiples
//     of D exactly; linear interpolation fills the rest (images of a 400 Hz
//     component >= 44 dB down, droop 0.14 dB at 400 Hz). dsp-hpss/1 ran full-
//     size inverse FFTs for the bass; median bass SDR on the held-out set moves
//     by < 0.01 dB, the spectral stage's FFT work drops from 6 to ~4.3 size-
//     frame FFTs per hop.
// Threads: frames are split over `threads` workers (the caller is one).
// Memory: the three stems plus per-worker rings of 9 x time_stride frames.
// Cost per 5-minute stereo 44.1 kHz track (bench/stems/bench_separation):
// two forward and two full-size plus two size / D inverse real FFTs per hop
// and two median networks per bin: ~1.3x the bench's same-run floor (two
// forward and four full-size inverse FFTs per hop; dsp-hpss/1: 1.6x).

#include "core/stems/kick_template.hpp"
#include "core/stems/separator.hpp"

namespace styledna::core::stems {

struct DspSeparatorParams {
    KickTemplateParams kick;
    double fft_ms = 46.4;          // frame length target; 2048 at 44.1 kHz, 2048 at 48 kHz
    std::size_t time_stride = 1;   // harmonic median: frames i + stride * (-4..4)
    std::size_t freq_stride = 2;   // percussive median: bins k + stride * (-4..4)
    double mask_power = 2.0;       // Wiener-style exponent of the soft masks
    double harmonic_bias = 4.0;    // H^p is weighted by this against P^p (drums take less)
    double sustain_beats = 0.5;    // bass band: sustained-floor window, +- this many beats
    double sustain_quantile = 0.5; // ... and the quantile of the magnitude taken over it
    double bass_full_hz = 120.0;   // below: everything left after the kick goes to bass
    double bass_max_hz = 400.0;    // above: no bass
    int threads = 2;               // workers for the spectral stage (>= 1)
};

class DspSeparator : public Separator {
public:
    explicit DspSeparator(DspSeparatorParams params = {});
    std::string name() const override { return "dsp-hpss/2"; }
    using Separator::separate;
    Result<Stems> separate(const AudioBuffer& mix, const SeparationHints& hints,
                           const CancellationToken& cancel,
                           const ProgressFn& progress) const override;

private:
    // immutable
    DspSeparatorParams m_params;
};

// The frame length the separator uses at `rate_hz` (a power of two >= 256).
std::size_t dspFrameSize(const DspSeparatorParams& params, double rate_hz);

} // namespace styledna::core::stems
