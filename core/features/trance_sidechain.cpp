#include "core/features/trance_sidechain.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <numeric>
#include <optional>

#include <Eigen/Dense>

#include "core/common/logging.hpp"
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

// A release up to this is a transient (click, clipper residue on a hot kick:
// 15-33 ms on the widened set: 30.6 ms read 2.5 dB on a clean track with a
// +5.7 dB kick), not a duck law: trance ducks recover in 40 ms or more.
constexpr double kMinPlausibleReleaseMs = 35.0;
// A duck under min_significant_db that recovers within this is kick-locked
// texture (a clipper or bleed residue: 1.7 dB over 44 ms on a clean track with
// a +4 dB kick), not a pump, however small the residual.
constexpr double kMinShallowReleaseMs = 50.0;
// The plain exponential law is kept unless another law's weighted SSE is
// below 1 / margin of it. A hold law (one more parameter) needs
// kHoldLawMargin (22 %: less lets it fit the sixteenth-note texture of panned
// plucks on a narrow supersaw); a linear or cosine law, or an attack, needs
// kSmoothLawMargin (10 %: at 22 % linear recoveries were read as the plain law
// with a release ~30 % long; at 0-2 % an attack template fits texture and
// reads shallow).
constexpr double kHoldLawMargin = 1.22;
constexpr double kSmoothLawMargin = 1.10;
// Behind a kick guard of G ms only templates with release >= this x G are
// fitted (an exponential law keeps 16 % of its depth at G): a duck that has
// mostly recovered under the kick cannot be extrapolated back to its peak.
constexpr double kMinVisibleRelease = 1.25;

// Behind a kick guard the attack is not seen, and fitting it trades depth for
// attack (an attack template reaches the same tail from a lower peak): only
// this attack is fitted there, the grid's value nearest the middle of the
// 0-10 ms attacks of volume shapers and compressors, which halves the worst
// depth error (a 10 ms attack fitted as 0 ms reads ~10 % deep on a 100 ms
// linear release; 0 ms fitted as 10 ms, ~20 % shallow on the widened set).
constexpr double kHiddenAttackMs = 3.0;

// The kick's own energy in a low band (its pitch sweep and body) masks the
// first tens of ms of a duck there: the fit starts at the fold's minimum (power
// mean over 5 ms) within the first 3/4 of the beat, where the decaying kick
// has handed the band over to the recovering duck.
int kickGuardMs(const std::vector<double>& fold_db, int pre, double period_ms) {
    const int len = static_cast<int>(fold_db.size());
    const int last = std::min(len - 3, pre + static_cast<int>(0.75 * period_ms));
    int arg = pre;
    double lowest = std::numeric_limits<double>::infinity();
    for (int j = std::max(2, pre); j <= last; ++j) {
        double p = 0.0;
        for (int k = j - 2; k <= j + 2; ++k) {
            p += std::pow(10.0, fold_db[static_cast<std::size_t>(k)] / 10.0);
        }
        if (p < lowest) {
            lowest = p;
            arg = j;
        }
    }
    return arg - pre;
}

TranceSidechainResult notMeasurable(int beats_used) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    TranceSidechainResult r;
    r.measurable = false;
    r.depth_db = kNaN;
    r.release_ms = kNaN;
    r.rate_per_beat = kNaN;
    r.beats_used = beats_used;
    return r;
}

struct Fit {
    double sse = 1e300;
    double c = 0.0;
    double depth = 0.0;
    int shift = 0;
    DuckTemplate tpl;
};

} // namespace

DuckTemplateTable::DuckTemplateTable() {
    const double c = std::acos(-0.8) / std::numbers::pi;
    const int n = static_cast<int>(kMaxV * kSteps) + 2;
    m_law.assign(4, std::vector<double>(static_cast<std::size_t>(n), 0.0));
    for (int i = 0; i < n; ++i) {
        const double v = static_cast<double>(i) / kSteps;
        const auto iu = static_cast<std::size_t>(i);
        m_law[0][iu] = std::exp(-v * std::log(10.0));
        m_law[1][iu] = std::max(0.0, 1.0 - 0.9 * v);
        m_law[2][iu] = c * v >= 1.0 ? 0.0 : 0.5 * (1.0 + std::cos(std::numbers::pi * c * v));
        m_law[3][iu] = std::max(0.0, 1.0 - 0.9 * v * v);
    }
    constexpr int kReleases = 60;
    for (int r = 0; r < kReleases; ++r) {
        const double release = 15.0 * std::pow(1000.0 / 15.0, r / double(kReleases - 1));
        // 15 and 20 ms (exponential law only: the other laws gained nothing
        // there for 50 % more fitting): a compressor keyed by the kick reaches
        // its peak gain reduction 12-21 ms after the onset (its attack
        // smoothing on the kick's rise; widened set), and the plain law
        // extrapolated to the onset through that read compressors deep.
        for (double attack : {0.0, 3.0, 6.0, 10.0, 15.0, 20.0}) {
            if (release < attack + 8.0) {
                continue;
            }
            for (DuckLaw law : {DuckLaw::kExponential, DuckLaw::kLinear, DuckLaw::kCosine}) {
                if (attack <= 10.0 || law == DuckLaw::kExponential) {
                    m_templates.push_back({law, attack, 0.0, release, 0.0});
                }
            }
            if (attack > 10.0) {
                continue;
            }
            for (double hold : {0.15, 0.3, 0.45}) {
                m_templates.push_back(
                    {DuckLaw::kHoldQuadratic, attack, hold * (release - attack), release, hold});
            }
        }
    }
}

double DuckTemplateTable::unitGr(const DuckTemplate& tpl, double u_ms) const {
    if (u_ms < 0.0) {
        return 0.0;
    }
    if (u_ms < tpl.attack_ms) {
        return u_ms / tpl.attack_ms;
    }
    const double start = tpl.attack_ms + tpl.hold_ms;
    if (u_ms < start) {
        return 1.0;
    }
    const double x = (u_ms - start) / std::max(1e-6, tpl.release_ms - start) * kSteps;
    if (x >= kMaxV * kSteps) {
        return tpl.shape == DuckLaw::kExponential ? m_law[0].back() : 0.0;
    }
    const auto i = static_cast<std::size_t>(x);
    const double f = x - static_cast<double>(i);
    const auto& law = m_law[static_cast<std::size_t>(tpl.shape)];
    return law[i] + f * (law[i + 1] - law[i]);
}

const DuckTemplateTable& duckTemplateTable() {
    static const DuckTemplateTable table;
    return table;
}

TranceSidechainEnvelope computeSidechainEnvelope(const AnalysisContext& ctx,
                                                 const TranceSidechainParams& params) {
    if (ctx.audio().empty() || !(ctx.sampleRateHz() > 0)) {
        return {};
    }
    bool from_side = false;
    if (ctx.isStereo()) {
        const double side = bandPower(ctx.sideSpectrum(), params.band_lo_hz, params.band_hi_hz);
        const double mid = bandPower(ctx.monoSpectrum(), params.band_lo_hz, params.band_hi_hz);
        from_side = side > 0 && side >= mid * std::pow(10.0, params.side_min_rel_db / 10.0);
    }
    return computeSidechainEnvelope(ctx.mono(), from_side ? &ctx.side() : nullptr,
                                    ctx.sampleRateHz(), params);
}

TranceSidechainEnvelope computeSidechainEnvelope(const std::vector<float>& mid,
                                                 const std::vector<float>* side_signal, double rate,
                                                 const TranceSidechainParams& params) {
    TranceSidechainEnvelope env;
    if (mid.empty() || !(rate > 0)) {
        return env;
    }
    const auto block =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(rate / 1000.0)));
    env.block_s = static_cast<double>(block) / rate;
    env.from_side = side_signal != nullptr;
    double mid_energy = 0.0;
    for (float v : mid) {
        mid_energy += static_cast<double>(v) * v;
    }
    if (mid_energy > 0.0) {
        env.reference_db = 10.0 * std::log10(mid_energy / static_cast<double>(mid.size()));
    }
    const auto& x = env.from_side ? *side_signal : mid;
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

    // mono: 4th-order high-pass, to keep the kick out of the band
    ButterworthBand band(params.band_lo_hz, params.band_hi_hz, env.from_side ? 2 : 4, rate);
    BiquadSection hp_alt = BiquadSection::highpass(alt ? params.alt_band_lo_hz : params.band_lo_hz,
                                                   std::sqrt(0.5), rate);

    for (std::size_t b = 0; b < env.power.size(); ++b) {
        const std::size_t end = std::min(n, (b + 1) * block);
        float acc = 0.0f;
        float acc_alt = 0.0f;
        std::uint16_t kept = 0;
        for (std::size_t i = b * block; i < end; ++i) {
            hot_in_window += isHot(i + reach);
            const float y = band.process(x[i]);
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

        band.flushDenormals();
    }
    return env;
}

namespace {

// The master clipper's slope at each offset of the beat (header): log of the
// residual's variance across beats = 2 log s(level bin of the mean kick) +
// log G (the duck, piecewise linear on low_slope_knot_ms knots with
// penalised second differences), least squares; s is made non-increasing in
// level (pool-adjacent-violators over the bins, by their sample counts), at
// most 1, and floored at low_slope_floor. Offsets where the kick is more than
// low_slope_range_db under its peak keep s = 1.
std::vector<double> fitClipperSlope(const std::vector<double>& kick, const std::vector<double>& var,
                                    double rate, const TranceSidechainParams& params) {
    const auto n = static_cast<long>(kick.size());
    const int bins = std::max(
        1, static_cast<int>(std::lround(params.low_slope_range_db / params.low_slope_bin_db)));
    const long knot = std::max(1L, std::lround(params.low_slope_knot_ms * 1e-3 * rate));
    const long knots = n / knot + 2;
    const long cols = knots + bins;
    double peak = 0.0;
    double vmean = 0.0;
    for (long j = 0; j < n; ++j) {
        peak = std::max(peak, std::abs(kick[static_cast<std::size_t>(j)]));
        vmean += var[static_cast<std::size_t>(j)];
    }
    vmean /= static_cast<double>(std::max(1L, n));
    std::vector<double> slope(static_cast<std::size_t>(n), 1.0);
    if (!(peak > 0.0) || !(vmean > 0.0)) {
        return slope;
    }
    std::vector<int> bin_of(static_cast<std::size_t>(n), -1);
    for (long j = 0; j < n; ++j) {
        const double level_db =
            20.0 * std::log10(std::abs(kick[static_cast<std::size_t>(j)]) / peak + 1e-12);
        if (level_db >= -params.low_slope_range_db) {
            bin_of[static_cast<std::size_t>(j)] =
                std::min(bins - 1, static_cast<int>((level_db + params.low_slope_range_db) /
                                                    params.low_slope_bin_db));
        }
    }
    Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(cols, cols);
    Eigen::VectorXd atb = Eigen::VectorXd::Zero(cols);
    std::vector<double> count(static_cast<std::size_t>(bins), 0.0);
    for (long j = 0; j < n; ++j) {
        const auto ju = static_cast<std::size_t>(j);
        const double y = std::log(var[ju] + 1e-9 * vmean);
        const long k = j / knot;
        const double frac = static_cast<double>(j % knot) / static_cast<double>(knot);
        long idx[3] = {k, k + 1, -1};
        double w[3] = {1.0 - frac, frac, 1.0};
        if (bin_of[ju] >= 0) {
            idx[2] = knots + bin_of[ju];
            count[static_cast<std::size_t>(bin_of[ju])] += 1.0;
        }
        for (int a = 0; a < 3; ++a) {
            if (idx[a] < 0) {
                continue;
            }
            atb(idx[a]) += w[a] * y;
            for (int b = 0; b < 3; ++b) {
                if (idx[b] >= 0) {
                    ata(idx[a], idx[b]) += w[a] * w[b];
                }
            }
        }
    }
    const double lambda = params.low_slope_smooth;
    for (long i = 0; i + 2 < knots; ++i) {
        const double c[3] = {1.0, -2.0, 1.0};
        for (int a = 0; a < 3; ++a) {
            for (int b = 0; b < 3; ++b) {
                ata(i + a, i + b) += lambda * lambda * c[a] * c[b];
            }
        }
    }
    for (long c = 0; c < cols; ++c) {
        ata(c, c) += 1e-6; // empty bins and knots stay at 0
    }
    const Eigen::VectorXd sol = ata.ldlt().solve(atb);
    // Non-increasing in level: pool adjacent violators, weighted by counts.
    std::vector<double> val(static_cast<std::size_t>(bins));
    std::vector<double> wt(static_cast<std::size_t>(bins));
    std::vector<int> len(static_cast<std::size_t>(bins));
    int top = 0;
    for (int b = 0; b < bins; ++b) {
        val[static_cast<std::size_t>(top)] = sol(knots + b);
        wt[static_cast<std::size_t>(top)] = count[static_cast<std::size_t>(b)] + 1e-9;
        len[static_cast<std::size_t>(top)] = 1;
        while (top > 0 &&
               val[static_cast<std::size_t>(top - 1)] < val[static_cast<std::size_t>(top)]) {
            const auto p = static_cast<std::size_t>(top - 1);
            const auto q = static_cast<std::size_t>(top);
            val[p] = (val[p] * wt[p] + val[q] * wt[q]) / (wt[p] + wt[q]);
            wt[p] += wt[q];
            len[p] += len[q];
            --top;
        }
        ++top;
    }
    std::vector<double> s_bin(static_cast<std::size_t>(bins));
    for (int g = 0, b = 0; g < top; ++g) {
        const double s = std::clamp(std::exp(0.5 * val[static_cast<std::size_t>(g)]),
                                    params.low_slope_floor, 1.0);
        for (int i = 0; i < len[static_cast<std::size_t>(g)]; ++i) {
            s_bin[static_cast<std::size_t>(b++)] = s;
        }
    }
    for (long j = 0; j < n; ++j) {
        const auto ju = static_cast<std::size_t>(j);
        if (bin_of[ju] >= 0) {
            slope[ju] = s_bin[static_cast<std::size_t>(bin_of[ju])];
        }
    }
    if (auto log = logger("features"); log->should_log(spdlog::level::debug)) {
        std::string line;
        for (double v : s_bin) {
            line += fmt::format(" {:.2f}", v);
        }
        log->debug("sidechain low band: clipper slope by level bin (low to high):{}", line);
    }
    return slope;
}

} // namespace

void addKickCancelledLowBand(TranceSidechainEnvelope& env, const std::vector<float>& mid,
                             double rate, const std::vector<double>& template_beats,
                             const std::vector<double>& beats, double beat_period_s,
                             const TranceSidechainParams& params) {
    const std::size_t blocks = env.power.size();
    env.power_low.clear(); // no low band unless the kick template is made
    if (mid.empty() || !(rate > 0) || !(beat_period_s > 0.02) || !(env.block_s > 0) ||
        !(params.low_band_lo_hz > 0 && params.low_band_hi_hz > params.low_band_lo_hz &&
          params.low_band_hi_hz < 0.45 * rate)) {
        return;
    }
    const auto n = static_cast<long>(mid.size());
    const long pre = std::lround(params.pre_ms * 1e-3 * rate);
    const long len = static_cast<long>(std::floor(beat_period_s * rate));
    const long max_lag = std::lround(params.kick_max_lag_ms * 1e-3 * rate);
    const long warm = std::lround(0.05 * rate);
    const long span = len + 2 * max_lag;
    const long win_end = std::min(len, pre + std::lround(params.kick_window_ms * 1e-3 * rate));
    // One beat's low band from span start s0 - max_lag, filtered from warm
    // samples before it (empty when the span leaves the signal).
    auto spanOf = [&](double t, long& s0) {
        s0 = std::lround(t * rate) - pre;
        std::vector<float> y;
        if (s0 - max_lag - warm < 0 || s0 + len + max_lag > n) {
            return y;
        }
        y.resize(static_cast<std::size_t>(span));
        ButterworthBand band(params.low_band_lo_hz, params.low_band_hi_hz, 4, rate);
        for (long i = s0 - max_lag - warm; i < s0 + len + max_lag; ++i) {
            const float z = band.process(mid[static_cast<std::size_t>(i)]);
            if (i >= s0 - max_lag) {
                y[static_cast<std::size_t>(i - (s0 - max_lag))] = z;
            }
        }
        return y;
    };
    std::vector<double> tmpl(static_cast<std::size_t>(len), 0.0);
    // The lag that best aligns y's kick on the template: every `step`-th lag
    // on every `step`-th sample (the band is under 300 Hz), then every lag
    // around the best at full rate.
    const long step = std::max(1L, std::lround(rate / 8000.0));
    auto correlate = [&](const std::vector<float>& y, long l, long stride) {
        double c = 0.0;
        for (long i = pre; i < win_end; i += stride) {
            c += y[static_cast<std::size_t>(max_lag + l + i)] * tmpl[static_cast<std::size_t>(i)];
        }
        return c;
    };
    auto alignLag = [&](const std::vector<float>& y) {
        long arg = 0;
        double best = -std::numeric_limits<double>::infinity();
        for (long l = -max_lag; l <= max_lag; l += step) {
            const double c = correlate(y, l, step);
            if (c > best) {
                best = c;
                arg = l;
            }
        }
        const long coarse = arg;
        best = -std::numeric_limits<double>::infinity();
        for (long l = std::max(-max_lag, coarse - step); l <= std::min(max_lag, coarse + step);
             ++l) {
            const double c = correlate(y, l, 1);
            if (c > best) {
                best = c;
                arg = l;
            }
        }
        return arg;
    };
    // The kick is the part common to every beat of template_beats: their
    // mean, each aligned on it (cross-correlation over the kick's first
    // kick_window_ms), twice.
    std::vector<std::vector<float>> seg;
    std::vector<long> seg_s0;
    for (double t : template_beats) {
        long s0 = 0;
        auto y = spanOf(t, s0);
        if (!y.empty()) {
            seg.push_back(std::move(y));
            seg_s0.push_back(s0);
        }
    }
    if (static_cast<int>(seg.size()) < params.min_beats) {
        return;
    }
    std::vector<long> lag(seg.size(), 0);
    for (int iter = 0; iter < 3; ++iter) {
        std::fill(tmpl.begin(), tmpl.end(), 0.0);
        for (std::size_t k = 0; k < seg.size(); ++k) {
            for (long i = 0; i < len; ++i) {
                tmpl[static_cast<std::size_t>(i)] +=
                    seg[k][static_cast<std::size_t>(max_lag + lag[k] + i)];
            }
        }
        for (double& v : tmpl) {
            v /= static_cast<double>(seg.size());
        }
        for (std::size_t k = 0; iter < 2 && k < seg.size(); ++k) {
            lag[k] = alignLag(seg[k]);
        }
    }
    seg.clear();
    // The master clipper's slope per offset, fitted on the template beats'
    // broadband residual (header), and each beat's low band recomputed from
    // its broadband residual divided by it.
    const long wide = warm; // the corrected band's filter warm-up, in the span
    const long lp_warm = std::lround(0.005 * rate);
    const long wlen = wide + len;
    auto broadOf = [&](long start) {
        std::vector<double> x(static_cast<std::size_t>(wlen));
        BiquadSection lp = BiquadSection::lowpass(params.low_slope_lp_hz, std::sqrt(0.5), rate);
        for (long i = std::max(0L, start - lp_warm); i < start + wlen; ++i) {
            const float z = lp.process(mid[static_cast<std::size_t>(i)]);
            if (i >= start) {
                x[static_cast<std::size_t>(i - start)] = z;
            }
        }
        return x;
    };
    std::vector<double> kmean;
    std::vector<double> kderiv;
    std::vector<double> slope;
    // x less the mean kick, and less the kick's own beat-to-beat gain and
    // sub-sample timing (a K + d K', fitted over the kick window).
    auto kickResidual = [&](const std::vector<double>& x) {
        std::vector<double> r(static_cast<std::size_t>(wlen));
        double kk = 0.0, kd = 0.0, dd = 0.0, xk = 0.0, xd = 0.0;
        for (long j = 0; j < wlen; ++j) {
            const auto ju = static_cast<std::size_t>(j);
            r[ju] = x[ju] - kmean[ju];
            if (j >= wide && j < wide + win_end) {
                kk += kmean[ju] * kmean[ju];
                kd += kmean[ju] * kderiv[ju];
                dd += kderiv[ju] * kderiv[ju];
                xk += r[ju] * kmean[ju];
                xd += r[ju] * kderiv[ju];
            }
        }
        const double det = kk * dd - kd * kd;
        if (kk > 0.0 && det > 1e-12 * kk * dd) {
            const double a = (xk * dd - xd * kd) / det;
            const double d = (xd * kk - xk * kd) / det;
            for (long j = 0; j < wlen; ++j) {
                const auto ju = static_cast<std::size_t>(j);
                r[ju] -= a * kmean[ju] + d * kderiv[ju];
            }
        }
        return r;
    };
    if (params.low_slope_correction) {
        std::vector<std::vector<double>> bb;
        for (std::size_t k = 0; k < seg_s0.size(); ++k) {
            bb.push_back(broadOf(seg_s0[k] + lag[k] - wide));
        }
        kmean.assign(static_cast<std::size_t>(wlen), 0.0);
        for (const auto& x : bb) {
            for (long j = 0; j < wlen; ++j) {
                kmean[static_cast<std::size_t>(j)] += x[static_cast<std::size_t>(j)];
            }
        }
        for (double& v : kmean) {
            v /= static_cast<double>(bb.size());
        }
        kderiv.assign(static_cast<std::size_t>(wlen), 0.0);
        for (long j = 1; j + 1 < wlen; ++j) {
            kderiv[static_cast<std::size_t>(j)] = 0.5 * (kmean[static_cast<std::size_t>(j + 1)] -
                                                         kmean[static_cast<std::size_t>(j - 1)]);
        }
        std::vector<double> var(static_cast<std::size_t>(wlen), 0.0);
        for (const auto& x : bb) {
            const auto r = kickResidual(x);
            for (long j = 0; j < wlen; ++j) {
                const auto ju = static_cast<std::size_t>(j);
                var[ju] += r[ju] * r[ju];
            }
        }
        slope = fitClipperSlope(kmean, var, rate, params);
    }
    // Residual power of every beat of `beats` per block, at the beat's
    // aligned time, over the samples the clip gate keeps (as on the side
    // bands): where |mid| is more than low_clip_margin_db under its peak,
    // below a master clipper's knee, the clipper's slope does not scale the
    // bass riding on the kick.
    float peak = 0.0f;
    for (float v : mid) {
        peak = std::max(peak, std::abs(v));
    }
    const double lcm = params.low_clip_margin_db;
    const float hot = lcm > 0 && peak > 0 ? peak * static_cast<float>(std::pow(10.0, -lcm / 20.0))
                                          : std::numeric_limits<float>::infinity();
    std::vector<double> acc(blocks, 0.0);
    std::vector<int> cnt(blocks, 0);
    const long block = std::max(1L, std::lround(env.block_s * rate)); // samples per block
    // A held note's band power ripples at the note's period (its harmonics
    // beat at the fundamental), and on every beat that holds the note at the
    // same phase the ripple is the same, so pooling does not remove it: each
    // beat's residual power is first averaged over one period of its note.
    const long min_period = std::max(2L, std::lround(rate / 130.0));
    const long max_period = std::lround(rate / 28.0);
    const long dec = std::max(1L, std::lround(rate / 4000.0)); // the period search's stride
    const long ac_len = std::lround(0.15 * rate);
    std::vector<double> res(static_cast<std::size_t>(len));
    std::vector<double> r2(static_cast<std::size_t>(len));
    std::vector<double> keep(static_cast<std::size_t>(len));
    std::vector<double> csum(static_cast<std::size_t>(len) + 1, 0.0);
    std::vector<double> ccnt(static_cast<std::size_t>(len) + 1, 0.0);
    std::vector<double> ac;
    // The note's period in samples (0: no clear period): the first lag of
    // 1/130..1/28 s whose normalised autocorrelation of the residual, over the
    // 150 ms after the kick window, is a local maximum within 90 % of the
    // strongest (a period, not a multiple of it) and at least 0.5, refined by a
    // parabola through its neighbours.
    auto notePeriod = [&]() -> long {
        const long from = win_end;
        const long to = std::min(len, from + ac_len + max_period);
        if (to - from < 3 * max_period) {
            return 0;
        }
        ac.clear();
        for (long d = min_period; d <= max_period; d += dec) {
            double c = 0.0;
            double e0 = 0.0;
            double e1 = 0.0;
            for (long i = from; i + d < to; i += dec) {
                const double a = res[static_cast<std::size_t>(i)];
                const double b = res[static_cast<std::size_t>(i + d)];
                c += a * b;
                e0 += a * a;
                e1 += b * b;
            }
            ac.push_back(e0 > 0.0 && e1 > 0.0 ? c / std::sqrt(e0 * e1) : 0.0);
        }
        const double best = *std::max_element(ac.begin(), ac.end());
        if (!(best >= 0.5)) {
            return 0;
        }
        for (std::size_t q = 0; q < ac.size(); ++q) {
            const double left = q > 0 ? ac[q - 1] : -1.0;
            const double right = q + 1 < ac.size() ? ac[q + 1] : -1.0;
            if (ac[q] >= 0.9 * best && ac[q] >= left && ac[q] >= right) {
                double offset = 0.0;
                const double curve = left - 2.0 * ac[q] + right;
                if (q > 0 && q + 1 < ac.size() && curve < 0.0) {
                    offset = std::clamp(0.5 * (left - right) / curve, -0.5, 0.5);
                }
                return std::lround(static_cast<double>(min_period) +
                                   (static_cast<double>(q) + offset) * static_cast<double>(dec));
            }
        }
        return 0;
    };
    for (double t : beats) {
        long s0 = 0;
        const auto y = spanOf(t, s0);
        if (y.empty()) {
            continue;
        }
        const long l = alignLag(y);
        const float* yl = y.data() + max_lag + l;
        const float* ml = mid.data() + s0 + l;
        if (!slope.empty()) {
            const auto x = kickResidual(broadOf(s0 + l - wide));
            ButterworthBand band(params.low_band_lo_hz, params.low_band_hi_hz, 4, rate);
            for (long j = 0; j < wlen; ++j) {
                const auto ju = static_cast<std::size_t>(j);
                const float z = band.process(static_cast<float>(x[ju] / slope[ju]));
                if (j >= wide) {
                    res[static_cast<std::size_t>(j - wide)] = z;
                }
            }
        }
        for (long i = 0; i < len; ++i) {
            const auto iu = static_cast<std::size_t>(i);
            if (slope.empty()) {
                res[iu] = yl[i] - tmpl[iu];
            }
            keep[iu] = std::abs(ml[i]) <= hot ? 1.0 : 0.0;
            r2[iu] = keep[iu] * res[iu] * res[iu];
        }
        const long period = notePeriod();
        if (period > 1) {
            // Centred mean of the kept samples' power over one period.
            for (long i = 0; i < len; ++i) {
                const auto iu = static_cast<std::size_t>(i);
                csum[iu + 1] = csum[iu] + r2[iu];
                ccnt[iu + 1] = ccnt[iu] + keep[iu];
            }
            for (long i = 0; i < len; ++i) {
                const auto iu = static_cast<std::size_t>(i);
                const auto b =
                    static_cast<std::size_t>(std::min(len, std::max(0L, i - period / 2) + period));
                const auto a =
                    static_cast<std::size_t>(std::max(0L, static_cast<long>(b) - period));
                const double c = ccnt[b] - ccnt[a];
                if (keep[iu] > 0.0 && c > 0.0) {
                    r2[iu] = (csum[b] - csum[a]) / c;
                }
            }
        }
        for (long i = 0; i < len;) {
            const auto b = static_cast<std::size_t>((s0 + i) / block);
            if (b >= blocks) {
                break;
            }
            const long end = std::min(len, (static_cast<long>(b) + 1) * block - s0);
            double e = 0.0;
            int kept = 0;
            for (; i < end; ++i) {
                if (keep[static_cast<std::size_t>(i)] > 0.0) {
                    e += r2[static_cast<std::size_t>(i)];
                    ++kept;
                }
            }
            acc[b] += e;
            cnt[b] += kept;
        }
    }
    env.power_low.assign(blocks, 0.0f);
    env.kept_low.assign(blocks, 0);
    for (std::size_t b = 0; b < blocks; ++b) {
        env.power_low[b] = cnt[b] > 0 ? static_cast<float>(acc[b] / cnt[b]) : 0.0f;
        env.kept_low[b] = static_cast<std::uint16_t>(std::min(cnt[b], 65535));
    }
}

namespace {

// How one band is fitted: the side bands use the clip gate's kept counts and
// cap the depth at what the fold shows; the low band weighs every block alike
// and starts its fit where the kick has left the band (see kickGuardMs).
struct BandFit {
    bool gated = true;
    bool kick_guard = false;
    bool pooled_cap = false; // the side depth cap pools by kept samples (alt band)
    int smooth_ms = 0;       // the pooled fold averages +-smooth_ms lattice points
};

TranceSidechainResult fitFold(const TranceSidechainEnvelope& env, const std::vector<float>& power,
                              const std::vector<double>& beats, double beat_period_s,
                              const TranceSidechainParams& params, const DuckTemplate* hint,
                              const BandFit& band, double& resid_rms_db) {
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
    const std::vector<std::uint16_t>& kept = band.kick_guard ? env.kept_low : env.kept;
    for (double t : beats) {
        const double first = (t - pre * 1e-3) / env.block_s - 0.5; // block centres
        const double last = first + (len - 1) * 1e-3 / env.block_s;
        if (first < 0.0 || last + 1.0 >= static_cast<double>(nb)) {
            continue;
        }
        for (int j = 0; j < len; ++j) {
            const auto bi = static_cast<std::size_t>(std::lround(first + j * 1e-3 / env.block_s));
            const double k = kept.empty() || !(band.gated || band.kick_guard) ? 1.0 : kept[bi];
            sum[static_cast<std::size_t>(j)] += k * power[bi];
            count[static_cast<std::size_t>(j)] += k;
        }
        ++used;
    }
    res.beats_used = used;
    if (used < params.min_beats) {
        return res;
    }
    if (band.smooth_ms > 0) {
        // Centred moving sums (pooled), for a band whose power ripples with
        // the waveform of a held note.
        std::vector<double> ss(sum.size(), 0.0);
        std::vector<double> cc(count.size(), 0.0);
        for (int j = 0; j < len; ++j) {
            for (int k = std::max(0, j - band.smooth_ms);
                 k <= std::min(len - 1, j + band.smooth_ms); ++k) {
                ss[static_cast<std::size_t>(j)] += sum[static_cast<std::size_t>(k)];
                cc[static_cast<std::size_t>(j)] += count[static_cast<std::size_t>(k)];
            }
        }
        sum.swap(ss);
        count.swap(cc);
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

    // Measurability (header): the band's mean level over the fitted points
    // against the mix's level and the absolute floor.
    double level_sum = 0.0;
    int level_n = 0;
    double fold_max = -std::numeric_limits<double>::infinity();
    for (int j = 0; j < len; ++j) {
        const auto ju = static_cast<std::size_t>(j);
        if (coverage[ju] > 0.0) {
            level_sum += sum[ju] / count[ju];
            ++level_n;
            fold_max = std::max(fold_max, fold[ju]);
        }
    }
    const double level_db = level_n > 0 && level_sum > 0.0
                                ? 10.0 * std::log10(level_sum / level_n)
                                : -std::numeric_limits<double>::infinity();
    const bool has_reference = std::isfinite(env.reference_db);
    if (!(level_db >= params.abs_floor_db) ||
        (has_reference && level_db < env.reference_db + params.min_level_rel_db)) {
        return notMeasurable(used);
    }

    // Template search: every duck law of the family (see the header) on the
    // 1 ms lattice, two passes with Huber weights.
    const int max_shift = static_cast<int>(std::lround(params.max_shift_ms));
    int guard = static_cast<int>(std::lround(params.guard_ms));
    if (band.kick_guard) {
        guard = std::max({guard, kickGuardMs(fold, pre, period_ms),
                          static_cast<int>(std::lround(params.low_min_guard_ms))});
    }
    std::vector<double> weights(coverage);
    const DuckTemplateTable& table = duckTemplateTable();
    Fit best;
    auto grAt = [&](const DuckTemplate& tpl, double u_ms) { return table.unitGr(tpl, u_ms); };
    int stride = 1;
    // The template's unit gain reduction at every lattice offset d = j - onset the
    // shifts reach (d = -(pre + max_shift) .. len - 1 - pre + max_shift), filled once
    // per template (with the same arguments, so the same values, as a per-point
    // call): the shifts then only index it.
    const int lo_d = -(pre + max_shift);
    std::vector<double> gr(static_cast<std::size_t>(len + 2 * max_shift));
    auto fillGr = [&](const DuckTemplate& tpl) {
        for (std::size_t i = 0; i < gr.size(); ++i) {
            const int d = lo_d + static_cast<int>(i);
            gr[i] = grAt(tpl, d >= 0 ? static_cast<double>(d) : d + period_ms);
        }
    };
    // Least-squares fit of the template in `gr` at one onset shift (sse 1e300 when
    // the template is degenerate over the fitted points).
    // Time since the onset at lattice point j (ms, wrapping over the beat
    // period), and whether the fit uses a point that far from the onset (past
    // the guard, short of the next onset's last 2 ms).
    auto sinceOnset = [&](int j, int onset) {
        const int d = j - onset;
        return d >= 0 ? static_cast<double>(d) : d + period_ms;
    };
    auto fitted = [&](double u) { return u >= guard && u <= period_ms - 2.0; };
    auto evaluate = [&](const DuckTemplate& tpl, int shift) -> Fit {
        const int onset = pre + shift;
        double s_w = 0, s_x = 0, s_xx = 0, s_y = 0, s_xy = 0, s_yy = 0;
        for (int j = 0; j < len; j += stride) {
            const auto ju = static_cast<std::size_t>(j);
            const int d = j - onset;
            const double w = weights[ju];
            if (!fitted(sinceOnset(j, onset)) || w <= 0.0) {
                continue;
            }
            // The previous kick's tail before the onset, this kick's law after.
            const double x = -gr[static_cast<std::size_t>(d - lo_d)];
            s_w += w;
            s_x += w * x;
            s_xx += w * x * x;
            s_y += w * fold[ju];
            s_xy += w * x * fold[ju];
            s_yy += w * fold[ju] * fold[ju];
        }
        const double det = s_w * s_xx - s_x * s_x;
        if (!(std::abs(det) > 1e-9 * std::max(1.0, s_w * s_xx))) {
            return Fit{};
        }
        const double depth = (s_w * s_xy - s_x * s_y) / det;
        const double c = (s_y - depth * s_x) / s_w;
        // Weighted SSE of y - c - depth x from the sums.
        const double sse = s_yy + c * c * s_w + depth * depth * s_xx - 2.0 * c * s_y -
                           2.0 * depth * s_xy + 2.0 * c * depth * s_x;
        return Fit{sse, c, depth, shift, tpl};
    };
    auto residuals = [&](const Fit& f) {
        std::vector<double> resid(static_cast<std::size_t>(len), 0.0);
        const int onset = pre + f.shift;
        for (int j = 0; j < len; ++j) {
            const int d = j - onset;
            resid[static_cast<std::size_t>(j)] =
                fold[static_cast<std::size_t>(j)] - f.c +
                f.depth * grAt(f.tpl, d >= 0 ? static_cast<double>(d) : d + period_ms);
        }
        return resid;
    };
    auto sameLaw = [](const DuckTemplate& a, const DuckTemplate& b) {
        return a.shape == b.shape && a.attack_ms == b.attack_ms &&
               a.hold_fraction == b.hold_fraction;
    };
    // Pass 0: every template and onset shift on a 2 ms lattice; pass 1: the
    // Huber-reweighted 1 ms fit at the chosen shift.
    int best_shift = 0;
    for (int pass = 0; pass < 2; ++pass) {
        best = Fit{};
        stride = pass == 0 ? 2 : 1;
        const int lo_shift = pass == 0 ? -max_shift : std::max(-max_shift, best_shift - 2);
        const int hi_shift = pass == 0 ? max_shift : std::min(max_shift, best_shift + 2);
        // The plain law (exponential, no attack, no hold) wins unless another
        // template fits clearly better (Occam: the grid is large enough to fit
        // texture, and most sidechains follow the plain law).
        Fit plain;
        Fit smooth;
        for (const DuckTemplate& tpl : table.templates()) {
            // Behind a kick guard only recoveries still visible after it.
            const bool hidden = band.kick_guard && (tpl.release_ms < kMinVisibleRelease * guard ||
                                                    tpl.attack_ms != kHiddenAttackMs);
            if (hidden || tpl.release_ms > period_ms - 2.0 ||
                (hint != nullptr && !sameLaw(tpl, *hint))) {
                continue;
            }
            const bool is_plain = tpl.shape == DuckLaw::kExponential && tpl.attack_ms == 0.0;
            fillGr(tpl);
            for (int shift = lo_shift; shift <= hi_shift; ++shift) {
                const Fit fit = evaluate(tpl, shift);
                if (fit.sse < best.sse) {
                    best = fit;
                }
                if (tpl.shape != DuckLaw::kHoldQuadratic && fit.sse < smooth.sse) {
                    smooth = fit;
                }
                if (is_plain && fit.sse < plain.sse) {
                    plain = fit;
                }
            }
        }
        if (!band.kick_guard && plain.sse < 1e300) {
            // A hold law not clearly better falls back to the best smooth law.
            if (best.tpl.shape == DuckLaw::kHoldQuadratic &&
                plain.sse <= kHoldLawMargin * best.sse) {
                best = smooth;
            }
            if (plain.sse <= kSmoothLawMargin * best.sse) {
                best = plain;
            }
        }
        best_shift = best.shift;
        if (best.sse >= 1e300) {
            return res;
        }
        // Huber weights from the residuals (scale = 1.4826 * MAD).
        const auto resid = residuals(best);
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
        const auto resid = residuals(best);
        const int onset = pre + best.shift;
        double sw = 0.0;
        double swr = 0.0;
        for (int j = 0; j < len; ++j) {
            const auto ju = static_cast<std::size_t>(j);
            if (!fitted(sinceOnset(j, onset))) {
                continue;
            }
            sw += weights[ju];
            swr += weights[ju] * resid[ju] * resid[ju];
        }
        resid_rms_db = sw > 0 ? std::sqrt(swr / sw) : resid_rms_db;
    }
    res.depth_db = std::max(0.0, best.depth);
    if (((env.from_side && band.gated) || band.kick_guard) && res.depth_db > 0.0) {
        // The template's peak is an extrapolation through the guard (and,
        // with the plain law, over any attack or hold). On the side signal
        // the fold itself shows the bottom of the duck: cap the depth at the
        // baseline minus the lowest point of the fold smoothed over 5 ms
        // between the onset and the release. On the alt band the 5 ms are
        // pooled by kept samples from the onset on (band.pooled_cap): the few
        // samples the clip gate leaves at a hot kick's peak no longer set the
        // bottom (their noisy dB read compressor ducks up to 1.8 dB deep). On
        // the main band the covered points weigh alike (pooled there, the
        // narrow-supersaw ground-truth track tech/122 read 0.15 dB shallower,
        // past its tolerance).
        const int onset = pre + best.shift;
        const int last = std::min(len - 3, onset + static_cast<int>(best.tpl.release_ms));
        double lowest = std::numeric_limits<double>::infinity();
        for (int j = std::max(band.pooled_cap ? 0 : 2, onset); j <= last; ++j) {
            double power_sum = 0.0;
            double weight = 0.0;
            for (int k = band.pooled_cap ? std::max(onset, j - 2) : j - 2; k <= j + 2; ++k) {
                const auto ku = static_cast<std::size_t>(k);
                if (coverage[ku] > 0.0) {
                    power_sum += band.pooled_cap ? sum[ku] : std::pow(10.0, fold[ku] / 10.0);
                    weight += band.pooled_cap ? count[ku] : 1.0;
                }
            }
            if (weight >= (band.pooled_cap ? 1e-9 : 3.0) && power_sum > 0.0) {
                lowest = std::min(lowest, 10.0 * std::log10(power_sum / weight +
                                                            (band.pooled_cap ? floor : 0.0)));
            }
        }
        // No covered point in the duck: nothing was observed, nothing is reported.
        const double observed = std::isfinite(lowest) ? best.c - lowest : 0.0;
        res.depth_db = std::clamp(std::min(res.depth_db, observed), 0.0, res.depth_db);
    }
    if (has_reference && res.depth_db > 0.0) {
        // What lies under the noise floor is leakage and noise, not the
        // bottom of a duck: the depth is at most the band's range above it.
        const double range =
            std::min(fold_max, best.c) - (env.reference_db + params.noise_floor_rel_db);
        res.depth_db = std::clamp(range, 0.0, res.depth_db);
    }
    if (env.from_side && band.gated && !env.kept.empty()) {
        const int onset = pre + best.shift;
        double all = 0.0;
        double gated = 0.0;
        for (int j = 0; j < len; ++j) {
            const auto ju = static_cast<std::size_t>(j);
            const double u = sinceOnset(j, onset);
            if (coverage[ju] <= 0.0 || !fitted(u)) {
                continue;
            }
            const double g = grAt(best.tpl, u);
            all += g;
            gated += count[ju] < 0.5 * full ? g : 0.0;
        }
        res.gated_dip_share = all > 0.0 ? gated / all : 0.0;
    }
    res.release_ms = res.depth_db > 0 ? best.tpl.release_ms : 0.0;
    res.law = best.tpl;
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

// One band's fit (0 side or mono, 1 alt side, 2 low; see BandFit).
TranceSidechainResult fitBandOf(const TranceSidechainEnvelope& env, int band,
                                const DuckTemplate* law, const std::vector<double>& beats,
                                double beat_period_s, const TranceSidechainParams& params,
                                const std::vector<double>* exposed_beats, double& resid) {
    const std::vector<float>* bands[3] = {&env.power, &env.power_alt, &env.power_low};
    const bool low = band == 2;
    BandFit how{!low, low, band == 1};
    how.smooth_ms = low ? static_cast<int>(std::lround(0.5 * params.low_smooth_ms)) : 0;
    const auto& on = low && exposed_beats != nullptr ? *exposed_beats : beats;
    TranceSidechainResult r =
        fitFold(env, *bands[band], on, beat_period_s, params, law, how, resid);
    r.band = band;
    logger("features")
        ->debug("sidechain band {}: {} beats, depth {:.2f} dB, release {:.1f} ms, "
                "law {} attack {} ms hold {:.2f}, residual {:.2f} dB, gated share {:.2f}",
                band, r.beats_used, r.depth_db, r.release_ms, static_cast<int>(r.law.shape),
                r.law.attack_ms, r.law.hold_fraction, resid, r.gated_dip_share);
    return r;
}

// The low-band candidate (header): its result when taken, else nullopt.
std::optional<TranceSidechainResult> lowBandCandidate(const TranceSidechainEnvelope& env,
                                                      double beat_period_s,
                                                      const TranceSidechainParams& params,
                                                      const std::vector<double>& exposed_beats) {
    if (env.power_low.size() != env.power.size()) {
        return std::nullopt;
    }
    double resid_low = 0.0;
    TranceSidechainResult low =
        fitBandOf(env, 2, nullptr, exposed_beats, beat_period_s, params, &exposed_beats, resid_low);
    if (low.measurable && resid_low <= params.low_max_resid_db &&
        low.depth_db >= params.min_significant_db &&
        low.depth_db >= params.significance_ratio * resid_low &&
        low.release_ms > std::max(kMinPlausibleReleaseMs, params.low_min_release_ms)) {
        return low;
    }
    return std::nullopt;
}

} // namespace

TranceSidechainResult analyseSidechain(const TranceSidechainEnvelope& env,
                                       const std::vector<double>& beats, double beat_period_s,
                                       const TranceSidechainParams& params,
                                       const TranceSidechainResult* hint,
                                       const std::vector<double>* exposed_beats) {
    auto fitBand = [&](int band, const DuckTemplate* law, double& resid_out) {
        return fitBandOf(env, band, law, beats, beat_period_s, params, exposed_beats, resid_out);
    };
    const std::vector<float>* bands[3] = {&env.power, &env.power_alt, &env.power_low};
    double resid = 0.0;
    if (!env.power.empty() && !std::isfinite(env.reference_db)) {
        return notMeasurable(0); // the mix is digital silence: no level to duck
    }
    if (hint != nullptr) {
        if (!hint->measurable) {
            return notMeasurable(0); // no law to fit the section with
        }
        const int band = bands[hint->band]->size() == env.power.size() ? hint->band : 0;
        TranceSidechainResult part = fitBand(band, &hint->law, resid);
        if (part.measurable && hint->depth_db <= 0.0) {
            return TranceSidechainResult{}; // no duck in the track, none in its sections
        }
        return part;
    }
    TranceSidechainResult res = fitBand(0, nullptr, resid);
    std::optional<TranceSidechainResult> other; // the side band not kept
    if (res.measurable && env.power_alt.size() == env.power.size()) {
        double resid_alt = 0.0;
        TranceSidechainResult alt = fitBand(1, nullptr, resid_alt);
        // A better-fitting alt band that reads no duck at all (depth 0) is taken too:
        // pads and leads that do not dip in 1-6 kHz, under a main band whose dip
        // recovers in tens of ms, are a clean track with clipper residue below 1 kHz.
        if (alt.measurable && resid_alt < resid &&
            (alt.release_ms > kMinPlausibleReleaseMs || !(alt.depth_db > 0.0))) {
            other = res;
            res = alt;
            resid = resid_alt;
        } else if (alt.measurable) {
            other = alt;
        }
    }
    // A shallow dip is significant by the ratio test only where the clip gate
    // kept enough of it to tell it from the clipper's residue, and, where a
    // good part of it lies on gated points, where the other side band shows
    // it too (header).
    const bool other_band_agrees = !other ||
                                   res.gated_dip_share <= params.shallow_cross_gated_share ||
                                   other->depth_db >= params.shallow_cross_ratio * res.depth_db;
    bool significant =
        (res.depth_db >= params.min_significant_db ||
         (res.depth_db >= params.significance_ratio * resid &&
          res.release_ms >= kMinShallowReleaseMs &&
          res.gated_dip_share <= params.max_shallow_gated_share && other_band_agrees)) &&
        res.release_ms > kMinPlausibleReleaseMs;
    if (!significant && exposed_beats != nullptr) {
        if (auto low = lowBandCandidate(env, beat_period_s, params, *exposed_beats)) {
            res = *low;
            significant = true;
        }
    }
    if (!res.measurable) {
        return res;
    }
    if (!significant) {
        const int beats_used = res.beats_used;
        res = TranceSidechainResult{};
        res.beats_used = beats_used;
    }
    return res;
}

TranceSidechainResult analyseLowBand(const TranceSidechainEnvelope& env, double beat_period_s,
                                     const TranceSidechainParams& params,
                                     const std::vector<double>& exposed_beats) {
    return lowBandCandidate(env, beat_period_s, params, exposed_beats)
        .value_or(TranceSidechainResult{});
}

} // namespace styledna::core
