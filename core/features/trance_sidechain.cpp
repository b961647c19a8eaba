#include "core/features/trance_sidechain.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include <Eigen/Dense>

#include "core/dsp/band_envelope.hpp"

namespace styledna::core {
namespace {

double bandPower(const Spectrogram& spec, double lo, double hi) {
    const std::size_t k0 = spec.binForHz(lo);
    const std::size_t k1 = spec.binForHz(hi);
    double s = 0.0;
    for (std::size_t i = 0; i < spec.num_frames; i += 4) { // every 4th frame is plenty
        const float* m = spec.frame(i);
        for (std::size_t k = k0; k < k1; ++k) {
            s += static_cast<double>(m[k]) * m[k];
        }
    }
    return s;
}

// A release on the grid's lower edge is a transient (click, clipper residue), not a duck law.
constexpr double kMinPlausibleReleaseMs = 10.5;

struct Fit {
    double sse = 1e300;
    double c = 0.0;
    double depth = 0.0;
    int shift = 0;
    double tau_ms = 0.0;
};

} // namespace

TranceSidechainEnvelope computeSidechainEnvelope(const AnalysisContext& ctx,
                                                 const TranceSidechainParams& params) {
    TranceSidechainEnvelope env;
    const double rate = ctx.sampleRateHz();
    if (ctx.audio().empty() || !(rate > 0)) {
        return env;
    }
    const auto block =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(rate / 1000.0)));
    env.block_s = static_cast<double>(block) / rate;
    if (ctx.isStereo()) {
        const double side = bandPower(ctx.sideSpectrum(), params.band_lo_hz, params.band_hi_hz);
        const double mid = bandPower(ctx.monoSpectrum(), params.band_lo_hz, params.band_hi_hz);
        env.from_side = side > 0 && side >= mid * std::pow(10.0, params.side_min_rel_db / 10.0);
    }
    const auto& x = env.from_side ? ctx.side() : ctx.mono();
    const std::size_t n = x.size();
    env.power.assign((n + block - 1) / block, 0.0f);
    env.kept.assign(env.power.size(), 0);
    const bool alt = env.from_side && params.alt_band_lo_hz > params.band_lo_hz &&
                     params.alt_band_lo_hz < std::min(params.band_hi_hz, 0.45 * rate);
    if (alt) {
        env.power_alt.assign(env.power.size(), 0.0f);
    }

    // Hot samples: the mid within clip_margin_db of its peak (side signal only;
    // on the mono signal the gate would select on the measured signal itself).
    const auto& mid = ctx.mono();
    float peak = 0.0f;
    for (float v : mid) {
        peak = std::max(peak, std::abs(v));
    }
    const bool gate = env.from_side && params.clip_margin_db > 0 && peak > 0;
    const float hot = gate
                          ? peak * static_cast<float>(std::pow(10.0, -params.clip_margin_db / 20.0))
                          : std::numeric_limits<float>::infinity();
    const auto reach = static_cast<std::size_t>(std::lround(params.clip_dilate_ms * 1e-3 * rate));
    auto isHot = [&](std::size_t i) { return i < n && std::abs(mid[i]) > hot; };
    std::size_t hot_in_window = 0; // hot samples in [i - reach, i + reach]
    for (std::size_t i = 0; i < std::min(n, reach); ++i) {
        hot_in_window += isHot(i);
    }

    const bool fourth = !env.from_side; // mono: keep the kick out of the band
    BiquadSection hp =
        BiquadSection::highpass(params.band_lo_hz, fourth ? 0.54119610 : std::sqrt(0.5), rate);
    BiquadSection hp2 = BiquadSection::highpass(params.band_lo_hz, 1.30656296, rate);
    const bool use_lp = params.band_hi_hz < 0.45 * rate;
    BiquadSection lp =
        BiquadSection::lowpass(std::min(params.band_hi_hz, 0.45 * rate), std::sqrt(0.5), rate);
    BiquadSection hp_alt = BiquadSection::highpass(alt ? params.alt_band_lo_hz : params.band_lo_hz,
                                                   std::sqrt(0.5), rate);
    for (std::size_t b = 0; b < env.power.size(); ++b) {
        const std::size_t end = std::min(n, (b + 1) * block);
        float acc = 0.0f;
        float acc_alt = 0.0f;
        std::uint16_t kept = 0;
        for (std::size_t i = b * block; i < end; ++i) {
            hot_in_window += isHot(i + reach);
            float y = hp.process(x[i]);
            if (fourth) {
                y = hp2.process(y);
            }
            if (use_lp) {
                y = lp.process(y);
            }
            const float y_alt = alt ? hp_alt.process(y) : 0.0f;
            if (hot_in_window == 0) {
                acc += y * y;
                acc_alt += y_alt * y_alt;
                ++kept;
            }
            if (i >= reach) {
                hot_in_window -= isHot(i - reach);
            }
        }
        env.power[b] = kept > 0 ? acc / static_cast<float>(kept) : 0.0f;
        env.kept[b] = kept;
        if (alt) {
            env.power_alt[b] = kept > 0 ? acc_alt / static_cast<float>(kept) : 0.0f;
            hp_alt.flushDenormals();
        }
        hp.flushDenormals();
        hp2.flushDenormals();
        lp.flushDenormals();
    }
    return env;
}

namespace {

TranceSidechainResult fitFold(const TranceSidechainEnvelope& env, const std::vector<float>& power,
                              const std::vector<double>& beats, double beat_period_s,
                              const TranceSidechainParams& params, double& resid_rms_db) {
    TranceSidechainResult res;
    resid_rms_db = std::numeric_limits<double>::infinity();
    if (env.power.empty() || !(env.block_s > 0) || !(beat_period_s > 0.02)) {
        return res;
    }
    const double period_ms = beat_period_s * 1000.0;
    const int pre = static_cast<int>(std::lround(params.pre_ms));
    const int len = static_cast<int>(std::floor(period_ms));
    if (len <= pre + 10) {
        return res;
    }
    // Pooled over beats: sum of kept squared samples / kept samples, per 1 ms
    // lattice point (nearest block), so a gain common to all beats survives
    // exactly and blocks emptied by the clip gate simply count less.
    const std::size_t nb = power.size();
    std::vector<double> sum(static_cast<std::size_t>(len), 0.0);
    std::vector<double> count(static_cast<std::size_t>(len), 0.0);
    int used = 0;
    for (double t : beats) {
        const double first = (t - pre * 1e-3) / env.block_s - 0.5; // block centres
        const double last = first + (len - 1) * 1e-3 / env.block_s;
        if (first < 0.0 || last + 1.0 >= static_cast<double>(nb)) {
            continue;
        }
        for (int j = 0; j < len; ++j) {
            const auto bi = static_cast<std::size_t>(std::lround(first + j * 1e-3 / env.block_s));
            const double k = env.kept.empty() ? 1.0 : env.kept[bi];
            sum[static_cast<std::size_t>(j)] += k * power[bi];
            count[static_cast<std::size_t>(j)] += k;
        }
        ++used;
    }
    res.beats_used = used;
    if (used < params.min_beats) {
        return res;
    }
    const double full = *std::max_element(count.begin(), count.end());
    std::vector<double> fold(static_cast<std::size_t>(len), 0.0);
    std::vector<double> coverage(static_cast<std::size_t>(len), 0.0);
    double peak_power = 0.0;
    for (int j = 0; j < len; ++j) {
        const auto ju = static_cast<std::size_t>(j);
        peak_power = std::max(peak_power, count[ju] > 0 ? sum[ju] / count[ju] : 0.0);
    }
    const double floor = std::max(1e-30, 1e-10 * peak_power);

    for (int j = 0; j < len; ++j) {
        const auto ju = static_cast<std::size_t>(j);
        fold[ju] = 10.0 * std::log10((count[ju] > 0 ? sum[ju] / count[ju] : 0.0) + floor);
        // Lattice points the gate left nearly empty are dropped from the fit.
        coverage[ju] = full > 0 && count[ju] >= params.min_coverage * full ? 1.0 : 0.0;
    }
    res.fold_db = fold;

    // Release grid and exp tables on the 1 ms lattice.
    constexpr int kReleaseSteps = 100;
    const int max_shift = static_cast<int>(std::lround(params.max_shift_ms));
    const int guard = static_cast<int>(std::lround(params.guard_ms));
    std::vector<double> weights(coverage);
    std::vector<double> basis(fold.size());
    Fit best;
    std::vector<double> pos_exp(static_cast<std::size_t>(len + max_shift + 2));
    std::vector<double> neg_exp(static_cast<std::size_t>(pre + max_shift + 2));
    double wrap = 1.0;
    auto setTau = [&](double tau_ms) {
        for (std::size_t m = 0; m < pos_exp.size(); ++m) {
            pos_exp[m] = std::exp(-static_cast<double>(m) / tau_ms);
        }
        for (std::size_t m = 0; m < neg_exp.size(); ++m) {
            neg_exp[m] = std::exp(static_cast<double>(m) / tau_ms);
        }
        wrap = std::exp(-period_ms / tau_ms);
    };
    auto evaluate = [&](int shift, double tau_ms, Fit& out) {
        const int onset = pre + shift;
        Eigen::Matrix2d a = Eigen::Matrix2d::Zero();
        Eigen::Vector2d rhs = Eigen::Vector2d::Zero();
        for (int j = 0; j < len; ++j) {
            const auto ju = static_cast<std::size_t>(j);
            const int d = j - onset;
            const double u = d >= 0 ? d : d + period_ms;
            if (u < guard || u > period_ms - 2.0) {
                basis[ju] = 0.0;
                continue;
            }
            const double x = d >= 0 ? -pos_exp[static_cast<std::size_t>(d)]
                                    : -neg_exp[static_cast<std::size_t>(-d)] * wrap;
            basis[ju] = x;
            const Eigen::Vector2d f(1.0, x);
            a += weights[ju] * f * f.transpose();
            rhs += weights[ju] * fold[ju] * f;
        }
        if (std::abs(a.determinant()) < 1e-12) {
            return;
        }
        const Eigen::Vector2d sol = a.ldlt().solve(rhs);
        double sse = 0.0;
        for (int j = 0; j < len; ++j) {
            const auto ju = static_cast<std::size_t>(j);
            const int d = j - onset;
            const double u = d >= 0 ? d : d + period_ms;
            if (u < guard || u > period_ms - 2.0) {
                continue;
            }
            const double r = fold[ju] - sol(0) - sol(1) * basis[ju];
            sse += weights[ju] * r * r;
        }
        if (sse < out.sse) {
            out = {sse, sol(0), sol(1), shift, tau_ms};
        }
    };
    for (int pass = 0; pass < 2; ++pass) {
        best = Fit{};
        for (int r = 0; r < kReleaseSteps; ++r) {
            const double release_ms = 10.0 * std::pow(100.0, r / double(kReleaseSteps - 1));
            setTau(release_ms / std::log(10.0));
            const double tau_ms = release_ms / std::log(10.0);
            for (int shift = -max_shift; shift <= max_shift; ++shift) {
                evaluate(shift, tau_ms, best);
            }
        }
        if (best.sse >= 1e300) {
            return res;
        }
        // Huber weights from the residuals (scale = 1.4826 * MAD).
        std::vector<double> resid;
        const int onset = pre + best.shift;
        for (int j = 0; j < len; ++j) {
            double u = j - onset;
            if (u < 0) {
                u += period_ms;
            }
            resid.push_back(fold[static_cast<std::size_t>(j)] - best.c +
                            best.depth * std::exp(-u / best.tau_ms));
        }
        std::vector<double> absr;
        for (std::size_t j = 0; j < resid.size(); ++j) {
            if (coverage[j] > 0) {
                absr.push_back(std::abs(resid[j]));
            }
        }
        if (absr.empty()) {
            return res;
        }
        std::nth_element(absr.begin(), absr.begin() + static_cast<std::ptrdiff_t>(absr.size() / 2),
                         absr.end());
        const double k = 1.5 * std::max(1e-3, 1.4826 * absr[absr.size() / 2]);
        for (std::size_t j = 0; j < resid.size(); ++j) {
            weights[j] = coverage[j] * (std::abs(resid[j]) <= k ? 1.0 : k / std::abs(resid[j]));
        }
    }
    {
        const int onset = pre + best.shift;
        double sw = 0.0;
        double swr = 0.0;
        for (int j = 0; j < len; ++j) {
            const auto ju = static_cast<std::size_t>(j);
            double u = j - onset;
            if (u < 0) {
                u += period_ms;
            }
            if (u < guard || u > period_ms - 2.0) {
                continue;
            }
            const double r = fold[ju] - best.c + best.depth * std::exp(-u / best.tau_ms);
            sw += weights[ju];
            swr += weights[ju] * r * r;
        }
        resid_rms_db = sw > 0 ? std::sqrt(swr / sw) : resid_rms_db;
    }
    res.depth_db = std::max(0.0, best.depth);
    res.release_ms = res.depth_db > 0 ? best.tau_ms * std::log(10.0) : 0.0;
    res.onset_offset_ms = best.shift;
    if (res.depth_db < 0.5) {
        res.rate_per_beat = 0.0;
        return res;
    }
    auto meanAt = [&](double a_ms, double b_ms) {
        double s = 0;
        int n = 0;
        for (int j = std::max(0, int(std::ceil(a_ms)));
             j <= std::min(len - 1, int(std::floor(b_ms))); ++j) {
            s += fold[static_cast<std::size_t>(j)];
            ++n;
        }
        return n > 0 ? s / n : 0.0;
    };
    int pumps = 1;
    const double need = std::max(1.0, 0.5 * res.depth_db);
    for (int q = 1; q <= 3; ++q) {
        double p = pre + best.shift + q * period_ms / 4.0;
        if (p >= len) {
            p -= period_ms;
        }
        const double drop = meanAt(p - 8, p - 2) - meanAt(p + 2, p + 8);
        pumps += drop > need ? 1 : 0;
    }
    res.rate_per_beat = pumps;
    return res;
}

} // namespace

TranceSidechainResult analyseSidechain(const TranceSidechainEnvelope& env,
                                       const std::vector<double>& beats, double beat_period_s,
                                       const TranceSidechainParams& params) {
    double resid = 0.0;
    TranceSidechainResult res = fitFold(env, env.power, beats, beat_period_s, params, resid);
    if (env.power_alt.size() == env.power.size()) {
        double resid_alt = 0.0;
        TranceSidechainResult alt =
            fitFold(env, env.power_alt, beats, beat_period_s, params, resid_alt);
        if (resid_alt < resid && alt.release_ms > kMinPlausibleReleaseMs) {
            res = alt;
        }
    }
    return res;
}

} // namespace styledna::core
