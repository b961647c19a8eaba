#include "core/fixes/spectral_model.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

#include "core/dsp/biquad_cascade.hpp"
#include "core/stems/real_fft.hpp"

namespace styledna::fixes {
namespace {

std::vector<double> kWeightPowers(std::size_t bins, double rate, std::size_t n) {
    const auto shelf = core::kWeightingShelf(rate);
    const auto highpass = core::kWeightingHighpass(rate);
    std::vector<double> out(bins);
    for (std::size_t k = 0; k < bins; ++k) {
        const double hz = std::max(1.0, static_cast<double>(k) * rate / static_cast<double>(n));
        const double a = core::magnitudeAt(shelf, hz, rate);
        const double b = core::magnitudeAt(highpass, hz, rate);
        out[k] = a * a * b * b;
    }
    return out;
}

} // namespace

double powerDb(double power) {
    return power > 0 ? 10.0 * std::log10(power) : kModelFloorDb;
}

Band band(double lo, double hi, double rate, std::size_t n) {
    const double bin = rate / static_cast<double>(n);
    const std::size_t last = n / 2 + 1;
    auto k = [&](double hz) {
        return std::min(last, static_cast<std::size_t>(std::max(0.0, std::ceil(hz / bin))));
    };
    return {k(lo), k(hi)};
}

double bandSum(const std::vector<double>& p, Band b) {
    double s = 0;
    for (std::size_t k = b.k0; k < b.k1 && k < p.size(); ++k) {
        s += p[k];
    }
    return s;
}

void accumulateSpectra(SignalSpectra& out, const core::AudioBuffer& audio,
                       const std::vector<core::Section>& sections, std::size_t n) {
    const std::size_t bins = n / 2 + 1;
    out.mid.assign(bins, 0.0);
    out.side.assign(bins, 0.0);
    out.section_mid.assign(sections.size(), std::vector<double>(bins, 0.0));
    out.section_side.assign(sections.size(), std::vector<double>(bins, 0.0));
    std::vector<std::size_t> section_frames(sections.size(), 0);
    std::size_t frames = 0;
    core::stems::RealFft fft(n);
    std::vector<float> window(n), mid(n), side(n);
    for (std::size_t i = 0; i < n; ++i) {
        window[i] = static_cast<float>(0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / n));
    }
    std::vector<std::complex<float>> xm(bins), xs(bins);
    const bool stereo = audio.numChannels() >= 2;
    const float* l = audio.channels.empty() ? nullptr : audio.channels[0].data();
    const float* r = stereo ? audio.channels[1].data() : l;
    for (std::size_t start = 0; l != nullptr && start + n <= audio.frames();
         start += kSummaryHopFrames(n)) {
        for (std::size_t i = 0; i < n; ++i) {
            mid[i] = 0.5f * (l[start + i] + r[start + i]) * window[i];
            side[i] = 0.5f * (l[start + i] - r[start + i]) * window[i];
        }
        fft.forward(mid.data(), xm.data());
        if (stereo) {
            fft.forward(side.data(), xs.data());
        }
        const double centre_s = (static_cast<double>(start) + 0.5 * n) / audio.sample_rate_hz;
        int section = -1;
        for (std::size_t s = 0; s < sections.size(); ++s) {
            if (centre_s >= sections[s].start_s && centre_s < sections[s].end_s) {
                section = static_cast<int>(s);
            }
        }
        for (std::size_t k = 0; k < bins; ++k) {
            const double pm = std::norm(xm[k]);
            const double ps = stereo ? std::norm(xs[k]) : 0.0;
            out.mid[k] += pm;
            out.side[k] += ps;
            if (section >= 0) {
                out.section_mid[static_cast<std::size_t>(section)][k] += pm;
                out.section_side[static_cast<std::size_t>(section)][k] += ps;
            }
        }
        ++frames;
        if (section >= 0) {
            ++section_frames[static_cast<std::size_t>(section)];
        }
    }
    auto scale = [](std::vector<double>& v, std::size_t count) {
        for (auto& x : v) {
            x /= static_cast<double>(std::max<std::size_t>(1, count));
        }
    };
    scale(out.mid, frames);
    scale(out.side, frames);
    for (std::size_t s = 0; s < sections.size(); ++s) {
        scale(out.section_mid[s], section_frames[s]);
        scale(out.section_side[s], section_frames[s]);
    }
}

BinWeights binWeights(std::size_t bins, double rate, std::size_t n) {
    BinWeights w;
    w.kweight = kWeightPowers(bins, rate, n);
    w.low_band.assign(bins, 0.0);
    const auto hp = core::butterworthHighpass(20.0, rate);
    const auto lp = core::linkwitzRileyLowpass(120.0, rate);
    const double bin_hz = rate / static_cast<double>(n);
    for (std::size_t k = 1; k < bins && static_cast<double>(k) * bin_hz < 1000.0; ++k) {
        const double hz = static_cast<double>(k) * bin_hz;
        double g = core::magnitudeAt(hp, hz, rate);
        for (const auto& c : lp) {
            g *= core::magnitudeAt(c, hz, rate);
        }
        w.low_band[k] = g * g;
    }
    return w;
}

std::map<std::string, double> modelValues(const std::vector<double>& mid,
                                          const std::vector<double>& side, double rate,
                                          std::size_t n, const BinWeights& weights) {
    std::map<std::string, double> v;
    auto b = [&](double lo, double hi) { return band(lo, hi, rate, n); };
    const double bin_hz = rate / static_cast<double>(n);
    const double total = bandSum(mid, b(20, 20000));
    const std::pair<const char*, std::pair<double, double>> bands[] = {
        {"tonal_balance_sub_db", {20, 60}},          {"tonal_balance_low_db", {60, 150}},
        {"tonal_balance_low_mid_db", {150, 400}},    {"tonal_balance_mid_db", {400, 1500}},
        {"tonal_balance_high_mid_db", {1500, 5000}}, {"tonal_balance_high_db", {5000, 10000}},
        {"tonal_balance_air_db", {10000, 20000}}};
    for (const auto& [name, range] : bands) {
        v[name] =
            total > 0 ? powerDb(bandSum(mid, b(range.first, range.second)) / total) : kModelFloorDb;
    }
    double weighted = 0, all = 0, bass_weighted = 0, bass_all = 0;
    const Band bass = b(20, 250);
    for (std::size_t k = 0; k < mid.size(); ++k) {
        const double hz = static_cast<double>(k) * bin_hz;
        weighted += hz * mid[k];
        all += mid[k];
        if (k >= bass.k0 && k < bass.k1) {
            bass_weighted += hz * mid[k];
            bass_all += mid[k];
        }
    }
    v["spectral_centroid_hz"] = all > 0 ? weighted / all : 0;
    v["bass_spectral_centroid_hz"] = bass_all > 0 ? bass_weighted / bass_all : 0;
    double running = 0;
    v["spectral_rolloff_hz"] = 0;
    for (std::size_t k = 0; k < mid.size(); ++k) {
        running += mid[k];
        if (running >= 0.85 * all) {
            v["spectral_rolloff_hz"] = static_cast<double>(k) * bin_hz;
            break;
        }
    }
    double sx = 0, sy = 0, sxx = 0, sxy = 0, count = 0;
    for (double c = 50; c <= 16000 && c * std::pow(2.0, 1.0 / 6) < rate / 2;
         c *= std::pow(2.0, 1.0 / 3)) {
        const double e = bandSum(mid, b(c / std::pow(2.0, 1.0 / 6), c * std::pow(2.0, 1.0 / 6)));
        if (e <= 0) {
            continue;
        }
        const double x = std::log2(c), y = powerDb(e);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        ++count;
    }
    v["spectral_tilt_db_per_octave"] =
        count > 1 ? (count * sxy - sx * sy) / (count * sxx - sx * sx) : 0;
    auto width = [&](Band w) {
        const double m = bandSum(mid, w), s = bandSum(side, w);
        return m + s > 0 ? s / (m + s) : 0.0;
    };
    v["stereo_width"] = width(b(0, rate));
    // The low band as the stereo family filters it: Butterworth HP 20 Hz, LR4 LP 120 Hz.
    {
        double m = 0, sd = 0;
        for (std::size_t k = 1; k < mid.size() && weights.low_band[k] > 0; ++k) {
            m += mid[k] * weights.low_band[k];
            sd += side[k] * weights.low_band[k];
        }
        v["stereo_width_low"] = m + sd > 0 ? sd / (m + sd) : 0.0;
    }
    v["stereo_width_mid"] = width(b(120, 2000));
    v["stereo_width_high"] = width(b(2000, rate));
    v["stereo_correlation"] = 1 - 2 * v["stereo_width"];
    v["low_end_correlation"] = 1 - 2 * v["stereo_width_low"];
    const double m_all = bandSum(mid, b(0, rate)), s_all = bandSum(side, b(0, rate));
    v["mono_fold_loss_db"] = m_all + s_all > 0 ? powerDb(m_all / (m_all + s_all)) : 0;
    const double saw_m = bandSum(mid, b(1000, 8000));
    v["supersaw_ratio"] = saw_m > 0 ? bandSum(side, b(1000, 8000)) / saw_m : 0;
    double kw = 0;
    for (std::size_t k = 0; k < mid.size(); ++k) {
        kw += (mid[k] + side[k]) * weights.kweight[k];
    }
    v["kweighted_db"] = powerDb(kw);
    v["power_db"] = powerDb(m_all + s_all);
    return v;
}

} // namespace styledna::fixes
