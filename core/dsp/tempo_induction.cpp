#include "core/dsp/tempo_induction.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <kissfft/kiss_fftr.h>

namespace styledna::core {
namespace {

struct KissFftrFree {
    void operator()(kiss_fftr_cfg c) const { kiss_fftr_free(c); }
};
using KissFftrHandle = std::unique_ptr<std::remove_pointer_t<kiss_fftr_cfg>, KissFftrFree>;

double lerpAt(const std::vector<double>& r, double lag) {
    if (lag < 0.0) {
        return 0.0;
    }
    const auto i = static_cast<std::size_t>(lag);
    if (i + 1 >= r.size()) {
        return 0.0;
    }
    const double f = lag - static_cast<double>(i);
    return r[i] * (1.0 - f) + r[i + 1] * f;
}

} // namespace

double parabolicOffset(double a, double b, double c) {
    const double den = a - 2.0 * b + c;
    if (!(b > a && b >= c) || den >= 0.0) {
        return 0.0;
    }
    return std::clamp(0.5 * (a - c) / den, -0.5, 0.5);
}

std::vector<double> autocorrelation(const std::vector<float>& x, std::size_t max_lag) {
    const std::size_t n = x.size();
    if (n == 0) {
        return {};
    }
    max_lag = std::min(max_lag, n - 1);
    std::size_t nfft = 2;
    while (nfft < n + max_lag + 1) {
        nfft *= 2;
    }
    KissFftrHandle fwd(kiss_fftr_alloc(static_cast<int>(nfft), 0, nullptr, nullptr));
    KissFftrHandle inv(kiss_fftr_alloc(static_cast<int>(nfft), 1, nullptr, nullptr));
    std::vector<kiss_fft_scalar> buf(nfft, 0.0f);
    std::copy(x.begin(), x.end(), buf.begin());
    std::vector<kiss_fft_cpx> spec(nfft / 2 + 1);
    kiss_fftr(fwd.get(), buf.data(), spec.data());
    for (auto& c : spec) {
        c.r = c.r * c.r + c.i * c.i;
        c.i = 0.0f;
    }
    kiss_fftri(inv.get(), spec.data(), buf.data());
    std::vector<double> r(max_lag + 1);
    for (std::size_t l = 0; l <= max_lag; ++l) {
        r[l] = static_cast<double>(buf[l]) / static_cast<double>(nfft) / static_cast<double>(n - l);
    }
    return r;
}

double tempogramScore(const TempoEstimate& est, double bpm, double frame_rate_hz,
                      const TempoInductionParams& p) {
    if (est.autocorr.empty() || !(bpm > 0.0)) {
        return 0.0;
    }
    const int harmonics = std::max(1, p.comb_harmonics);
    const double period = 60.0 * frame_rate_hz / bpm;
    double comb = 0.0;
    for (int k = 1; k <= harmonics; ++k) {
        comb += lerpAt(est.autocorr, k * period);
    }
    const double z = std::log2(bpm / p.prior_centre_bpm) / p.prior_sigma_octaves;
    return std::max(0.0, comb / harmonics) * std::exp(-0.5 * z * z);
}

double refinePeriod(const TempoEstimate& est, double period) {
    // Follow the autocorrelation peak at m * L: its position error stays about
    // constant in frames, so the period error shrinks like 1 / m.
    const auto& r = est.autocorr;
    for (int m = 1; m * period + 4.0 < static_cast<double>(r.size()); m *= 2) {
        const double target = m * period;
        const auto lo = static_cast<std::size_t>(std::max(1.0, std::floor(target - 3.0)));
        const auto hi = std::min(r.size() - 2, static_cast<std::size_t>(std::ceil(target + 3.0)));
        std::size_t arg = lo;
        for (std::size_t l = lo; l <= hi; ++l) {
            if (r[l] > r[arg]) {
                arg = l;
            }
        }
        if (arg == lo || arg == hi) {
            break; // no interior peak: keep the previous estimate
        }
        const double lag =
            static_cast<double>(arg) + parabolicOffset(r[arg - 1], r[arg], r[arg + 1]);
        period = lag / m;
    }
    return period;
}

TempoEstimate induceTempo(const std::vector<float>& envelope, double frame_rate_hz,
                          const TempoInductionParams& p) {
    TempoEstimate est;
    const double min_period = 60.0 * frame_rate_hz / p.max_bpm;
    const double max_period = 60.0 * frame_rate_hz / p.min_bpm;
    const int harmonics = std::max(1, p.comb_harmonics);
    // Need at least two periods of the slowest tempo in the comb span.
    if (envelope.size() < static_cast<std::size_t>(2.0 * min_period * harmonics) + 4 ||
        frame_rate_hz <= 0.0) {
        return est;
    }
    std::vector<float> x(envelope);
    double mean = 0.0;
    for (float v : x) {
        mean += v;
    }
    mean /= static_cast<double>(x.size());
    for (float& v : x) {
        v -= static_cast<float>(mean);
    }
    const auto span_lag = static_cast<std::size_t>(
        std::max(max_period * harmonics + 2.0, p.refine_span_s * frame_rate_hz));
    // Lags beyond half the signal have too few terms to be trusted.
    const std::size_t max_lag = std::min(span_lag, x.size() / 2);
    const auto r = autocorrelation(x, max_lag);
    if (r.empty() || r[0] <= 0.0) {
        return est;
    }

    const std::size_t steps =
        static_cast<std::size_t>(std::floor((p.max_bpm - p.min_bpm) / p.step_bpm)) + 1;
    est.grid_bpm.resize(steps);
    est.score.resize(steps);
    est.autocorr = r;
    for (double& v : est.autocorr) {
        v /= r[0];
    }
    for (std::size_t s = 0; s < steps; ++s) {
        const double bpm = p.min_bpm + p.step_bpm * static_cast<double>(s);
        est.grid_bpm[s] = bpm;
        est.score[s] = tempogramScore(est, bpm, frame_rate_hz, p);
    }
    // Local maxima of the tempogram, best first.
    std::vector<std::size_t> peaks;
    for (std::size_t s = 0; s < steps; ++s) {
        const double left = s > 0 ? est.score[s - 1] : -1.0;
        const double right = s + 1 < steps ? est.score[s + 1] : -1.0;
        if (est.score[s] > 0.0 && est.score[s] > left && est.score[s] >= right) {
            peaks.push_back(s);
        }
    }
    if (peaks.empty()) {
        return est;
    }
    std::sort(peaks.begin(), peaks.end(),
              [&](std::size_t a, std::size_t b) { return est.score[a] > est.score[b]; });
    const std::size_t best = peaks[0];
    double bpm = est.grid_bpm[best];
    if (best > 0 && best + 1 < steps) {
        bpm +=
            p.step_bpm * parabolicOffset(est.score[best - 1], est.score[best], est.score[best + 1]);
    }
    double competitor = 0.0;
    for (std::size_t i = 1; i < peaks.size(); ++i) {
        if (std::abs(est.grid_bpm[peaks[i]] / bpm - 1.0) > 0.04) {
            competitor = est.score[peaks[i]];
            break;
        }
    }
    est.confidence = std::clamp(1.0 - competitor / est.score[best], 0.0, 1.0);

    const double period = refinePeriod(est, 60.0 * frame_rate_hz / bpm);
    est.period_frames = period;
    est.bpm = 60.0 * frame_rate_hz / period;
    return est;
}

} // namespace styledna::core
