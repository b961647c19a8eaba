#pragma once
// Global tempo induction from an onset strength envelope.
//
// Method: unbiased autocorrelation r(l) of the mean-removed envelope (FFT, one
// pass); a comb tempogram S(T) = sum_{k=1..K} r(k * L(T)) / K over
// [min_bpm, max_bpm] (L(T) = 60 * frame_rate / T frames, r linearly
// interpolated), weighted by a log-Gaussian tempo prior; the best local
// maximum is refined by parabolic interpolation and then by following the
// autocorrelation peak at m * L for m = 2, 4, 8, ... (precision grows ~ m).
// Octave choice is the prior-weighted comb score; confidence reports how far
// the winner stands above the best other tempogram peak (octaves included),
// so ambiguous octave decisions read a low confidence.
//
// Units: envelope in arbitrary units at `frame_rate_hz` frames per second;
// tempi in BPM; periods in frames (fractional).
// Threads: pure functions, reentrant.

#include <cstddef>
#include <vector>

namespace styledna::core {

// Unbiased autocorrelation r(l) = sum x[i] x[i+l] / (n - l), l = 0..max_lag
// (clamped to n - 1), computed by zero-padded real FFT. Empty for empty x.
std::vector<double> autocorrelation(const std::vector<float>& x, std::size_t max_lag);

struct TempoInductionParams {
    double min_bpm = 60.0;
    double max_bpm = 200.0;
    double step_bpm = 0.25;           // tempogram grid before interpolation
    double prior_centre_bpm = 130.0;  // log-Gaussian prior, EDM-leaning centre
    double prior_sigma_octaves = 0.7; // wide: the prior only breaks octave ties
    int comb_harmonics = 4;           // K
    double refine_span_s = 40.0;      // longest lag used for the m * L refinement
};

struct TempoEstimate {
    double bpm = 0.0;             // 0 when no periodicity was found
    double period_frames = 0.0;   // 60 * frame_rate / bpm
    double confidence = 0.0;      // 0..1: 1 - (best other peak score / winner score)
    std::vector<double> grid_bpm; // tempogram grid (diagnostics)
    std::vector<double> score;    // prior-weighted comb score per grid tempo
    std::vector<double> autocorr; // r(l) / r(0) of the mean-removed envelope
};

TempoEstimate induceTempo(const std::vector<float>& envelope, double frame_rate_hz,
                          const TempoInductionParams& params = {});

// Prior-weighted comb score of `bpm` (any tempo, also outside the grid) on
// est.autocorr, as in the tempogram. 0 without an autocorrelation.
double tempogramScore(const TempoEstimate& est, double bpm, double frame_rate_hz,
                      const TempoInductionParams& params = {});

// Period refinement on est.autocorr from `period_frames` (see the file
// comment): the autocorrelation peak near m * period for m = 1, 2, 4, ...
double refinePeriod(const TempoEstimate& est, double period_frames);

// Vertex offset in (-0.5, 0.5) of the parabola through (-1, a), (0, b), (1, c)
// (0 when b is not a strict local maximum).
double parabolicOffset(double a, double b, double c);

} // namespace styledna::core
