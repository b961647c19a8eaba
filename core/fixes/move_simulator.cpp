#include "core/fixes/move_simulator.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <set>

#include "core/dsp/biquad_cascade.hpp"
#include "core/stems/real_fft.hpp"

namespace styledna::fixes {

// Per-bin power weights of the loudness K-filter and the stereo family's low
// band (Butterworth HP 20 Hz, LR4 LP 120 Hz), computed once per input.
struct BinWeights {
    std::vector<double> kweight, low_band;
};

namespace {

constexpr double kClipCeilingDbfs = -0.087; // 20 log10(0.99): the limiter / clipper ceiling
constexpr double kFloorDb = -100.0;
// TranceSidechainParams::min_significant_db: a fitted duck under it may read 0.
constexpr double kSignificantDuckDb = 2.0;

double db(double power) {
    return power > 0 ? 10.0 * std::log10(power) : kFloorDb;
}

struct Band {
    std::size_t k0, k1; // [k0, k1)
};

Band band(double lo, double hi, double rate, std::size_t n) {
    const double bin = rate / static_cast<double>(n);
    const std::size_t last = n / 2 + 1;
    auto k = [&](double hz) {
        return std::min(last, static_cast<std::size_t>(std::max(0.0, std::ceil(hz / bin))));
    };
    return {k(lo), k(hi)};
}

double sum(const std::vector<double>& p, Band b) {
    double s = 0;
    for (std::size_t k = b.k0; k < b.k1 && k < p.size(); ++k) {
        s += p[k];
    }
    return s;
}

void accumulate(SignalSpectra& out, const core::AudioBuffer& audio,
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
    for (std::size_t start = 0; l != nullptr && start + n <= audio.frames(); start += n) {
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

// The spectra of one place (whole track: section < 0) after `moves`.
struct Spectra {
    std::vector<double> mid, side;
};

// Per move, its power gain at every bin (computed once per prediction).
using GainTable = std::vector<std::vector<PowerGain>>;

GainTable gainTable(const SimulationInput& in, const std::vector<Move>& moves) {
    GainTable table(moves.size(), std::vector<PowerGain>(in.mix.mid.size()));
    for (std::size_t m = 0; m < moves.size(); ++m) {
        for (std::size_t k = 0; k < table[m].size(); ++k) {
            const double hz = static_cast<double>(k) * in.rate_hz / in.fft_size;
            table[m][k] = movePowerGain(moves[m], hz, in.rate_hz, in.beat_s);
        }
    }
    return table;
}

Spectra placeSpectra(const SimulationInput& in, int section, const std::vector<Move>& moves,
                     const GainTable* gains) {
    auto pick = [&](const SignalSpectra& s, bool side) -> const std::vector<double>& {
        if (section < 0) {
            return side ? s.side : s.mid;
        }
        return side ? s.section_side[static_cast<std::size_t>(section)]
                    : s.section_mid[static_cast<std::size_t>(section)];
    };
    const std::size_t bins = in.mix.mid.size();
    Spectra out{std::vector<double>(bins, 0.0), std::vector<double>(bins, 0.0)};
    auto add = [&](const SignalSpectra& s, const std::string& name) {
        const auto& m = pick(s, false);
        const auto& sd = pick(s, true);
        for (std::size_t k = 0; k < bins; ++k) {
            double gm = 1, gs = 1;
            for (std::size_t i = 0; gains != nullptr && i < moves.size(); ++i) {
                if (in.stems.empty() || moves[i].signal == "mix" || moves[i].signal == name) {
                    gm *= (*gains)[i][k].mid;
                    gs *= (*gains)[i][k].side;
                }
            }
            out.mid[k] += m[k] * gm;
            out.side[k] += sd[k] * gs;
        }
    };
    if (in.stems.empty()) {
        add(in.mix, "mix");
    } else {
        for (const auto& [name, s] : in.stems) {
            add(s, name);
        }
    }
    return out;
}

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

// Share of the ducked content's 40 Hz-6 kHz power (the kick's stem, drums,
// is what keys the duck: the sidechain features measure the rest).
double duckedShare(const SimulationInput& in, const std::vector<Move>& moves) {
    const Band b = band(40, 6000, in.rate_hz, in.fft_size);
    double total = sum(in.mix.mid, b) + sum(in.mix.side, b);
    if (in.stems.empty()) {
        return total > 0 ? 1.0 : 0.0;
    }
    double ducked = 0;
    total = 0;
    for (const auto& [name, s] : in.stems) {
        if (name == "drums") {
            continue;
        }
        const double p = sum(s.mid, b) + sum(s.side, b);
        total += p;
        for (const auto& m : moves) {
            if (m.kind == MoveKind::kDuck && (m.signal == name || m.signal == "mix")) {
                ducked += p;
                break;
            }
        }
    }
    return total > 0 ? ducked / total : 0.0;
}

void predictPlace(std::map<std::string, double>& values, const std::map<std::string, double>& a,
                  const std::map<std::string, double>& b, double mix_gain_db, double duck_db,
                  bool kicked) {
    auto shift = [&](const char* feature, const char* model, double lo, double hi) {
        auto it = values.find(feature);
        if (it != values.end() && a.count(model) && b.count(model)) {
            it->second = std::clamp(it->second + b.at(model) - a.at(model), lo, hi);
        }
    };
    for (const char* f :
         {"tonal_balance_sub_db", "tonal_balance_low_db", "tonal_balance_low_mid_db",
          "tonal_balance_mid_db", "tonal_balance_high_mid_db", "tonal_balance_high_db",
          "tonal_balance_air_db"}) {
        shift(f, f, kFloorDb, 0.0);
    }
    for (const char* f : {"spectral_centroid_hz", "bass_spectral_centroid_hz"}) {
        shift(f, f, 0.0, 22050.0);
    }
    // The roll-off is a threshold crossing: its model level (coarse bins over
    // the whole band) differs from the analyser's, so it changes by the
    // model's ratio rather than by its difference in Hz.
    if (auto it = values.find("spectral_rolloff_hz");
        it != values.end() && a.at("spectral_rolloff_hz") > 0) {
        it->second = std::clamp(
            it->second * b.at("spectral_rolloff_hz") / a.at("spectral_rolloff_hz"), 0.0, 22050.0);
    }
    shift("spectral_tilt_db_per_octave", "spectral_tilt_db_per_octave", -100, 100);
    // Side shares scale with the model's ratio (a side removed is gone from
    // the measurement too: 0 stays 0, a mono result reads exactly mono);
    // correlations through 1 - correlation, which is about twice the share.
    auto scale = [&](const char* feature, const char* model, double sign) {
        auto it = values.find(feature);
        const double before = 0.5 * (1 - sign) + sign * a.at(model);
        const double after = 0.5 * (1 - sign) + sign * b.at(model);
        const double top = sign > 0 ? 1.0 : 2.0;
        if (it == values.end() || before <= 1e-9) {
            shift(feature, model, sign > 0 ? 0.0 : -1.0, 1.0);
            return;
        }
        const double measured = 0.5 * (1 - sign) + sign * it->second;
        it->second = 0.5 * (1 - sign) + sign * std::clamp(measured * after / before, 0.0, top);
    };
    for (const char* f :
         {"stereo_width", "stereo_width_low", "stereo_width_mid", "stereo_width_high"}) {
        scale(f, f, 1.0);
    }
    scale("stereo_correlation", "stereo_correlation", -1.0);
    scale("low_end_correlation", "low_end_correlation", -1.0);
    shift("mono_fold_loss_db", "mono_fold_loss_db", kFloorDb, 0.0);
    if (values.count("low_end_mono_ok") && values.count("low_end_correlation") &&
        values.count("stereo_width_low")) {
        values["low_end_mono_ok"] =
            values["low_end_correlation"] >= 0.9 && values["stereo_width_low"] <= 0.05 ? 1.0 : 0.0;
    }
    if (auto it = values.find("supersaw_width"); it != values.end() && a.at("supersaw_ratio") > 0) {
        it->second = supersawSpread(supersawRatio(it->second) * b.at("supersaw_ratio") /
                                    a.at("supersaw_ratio"));
    }
    const double k_db = b.at("kweighted_db") - a.at("kweighted_db");
    const double p_db = b.at("power_db") - a.at("power_db");
    for (const char* f : {"loudness_integrated_lufs", "loudness_short_term_max_lufs",
                          "loudness_momentary_max_lufs"}) {
        if (auto it = values.find(f); it != values.end()) {
            it->second += k_db;
        }
    }
    for (const char* f : {"rms_dbfs", "mean_energy_db"}) {
        if (auto it = values.find(f); it != values.end()) {
            it->second += p_db;
        }
    }
    for (const char* f : {"sample_peak_dbfs", "true_peak_dbtp", "peak_dbfs"}) {
        // A broadband gain moves the peaks by itself; a filter by about the power change.
        if (auto it = values.find(f); it != values.end() && mix_gain_db != 0) {
            const double raised = it->second + mix_gain_db;
            it->second =
                mix_gain_db > 0 ? std::min(raised, std::max(it->second, kClipCeilingDbfs)) : raised;
        }
    }
    if (values.count("crest_factor_db") && values.count("sample_peak_dbfs") &&
        values.count("rms_dbfs")) {
        values["crest_factor_db"] = values["sample_peak_dbfs"] - values["rms_dbfs"];
    }
    if (values.count("plr_db") && values.count("true_peak_dbtp") &&
        values.count("loudness_integrated_lufs")) {
        values["plr_db"] = values["true_peak_dbtp"] - values["loudness_integrated_lufs"];
    }
    if (auto it = values.find("sidechain_depth_db"); it != values.end() && duck_db > 0) {
        if (it->second > 0) {
            it->second += duck_db;
        } else if (kicked) {
            // No duck read: whatever is there is under the analyser's
            // significance floor (0..2 dB); its middle plus the new duck.
            it->second = duck_db > 0 ? duck_db + 0.5 * kSignificantDuckDb : 0.0;
        }
        if (auto rate = values.find("sidechain_rate_per_beat"); rate != values.end()) {
            // A duck the analyser reports pumps at least once per beat.
            if (it->second >= kSignificantDuckDb) {
                rate->second = std::max(rate->second, 1.0);
            }
        }
    }
}

} // namespace

bool predictsFeature(std::string_view feature, std::string_view stem) {
    static const std::set<std::string, std::less<>> kMix{"tonal_balance_sub_db",
                                                         "tonal_balance_low_db",
                                                         "tonal_balance_low_mid_db",
                                                         "tonal_balance_mid_db",
                                                         "tonal_balance_high_mid_db",
                                                         "tonal_balance_high_db",
                                                         "tonal_balance_air_db",
                                                         "spectral_centroid_hz",
                                                         "bass_spectral_centroid_hz",
                                                         "spectral_rolloff_hz",
                                                         "spectral_tilt_db_per_octave",
                                                         "stereo_width",
                                                         "stereo_width_low",
                                                         "stereo_width_mid",
                                                         "stereo_width_high",
                                                         "stereo_correlation",
                                                         "low_end_correlation",
                                                         "mono_fold_loss_db",
                                                         "low_end_mono_ok",
                                                         "supersaw_width",
                                                         "loudness_integrated_lufs",
                                                         "loudness_short_term_max_lufs",
                                                         "loudness_momentary_max_lufs",
                                                         "rms_dbfs",
                                                         "mean_energy_db",
                                                         "sample_peak_dbfs",
                                                         "true_peak_dbtp",
                                                         "crest_factor_db",
                                                         "plr_db",
                                                         "sidechain_depth_db",
                                                         "sidechain_rate_per_beat"};
    return stem.empty() && kMix.count(feature) > 0;
}

double supersawRatio(double spread) {
    double num = 0, den = 0;
    for (int i = 0; i < 7; ++i) {
        const double p = (i / 3.0 - 1.0) * std::clamp(spread, 0.0, 1.0);
        num += 1 - std::cos(std::numbers::pi * p / 2);
        den += 1 + std::cos(std::numbers::pi * p / 2);
    }
    return num / den;
}

double supersawSpread(double ratio) {
    double lo = 0, hi = 1;
    if (ratio >= supersawRatio(1.0)) {
        return 1.0;
    }
    for (int i = 0; i < 50; ++i) {
        const double mid = 0.5 * (lo + hi);
        (supersawRatio(mid) < ratio ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

namespace {

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

std::map<std::string, double> model(const std::vector<double>& mid, const std::vector<double>& side,
                                    double rate, std::size_t n, const BinWeights& weights);

} // namespace

std::map<std::string, double> spectralModel(const std::vector<double>& mid,
                                            const std::vector<double>& side, double rate,
                                            std::size_t n) {
    return model(mid, side, rate, n, binWeights(mid.size(), rate, n));
}

namespace {

std::map<std::string, double> model(const std::vector<double>& mid, const std::vector<double>& side,
                                    double rate, std::size_t n, const BinWeights& weights) {
    std::map<std::string, double> v;
    auto b = [&](double lo, double hi) { return band(lo, hi, rate, n); };
    const double bin_hz = rate / static_cast<double>(n);
    const double total = sum(mid, b(20, 20000));
    const std::pair<const char*, std::pair<double, double>> bands[] = {
        {"tonal_balance_sub_db", {20, 60}},          {"tonal_balance_low_db", {60, 150}},
        {"tonal_balance_low_mid_db", {150, 400}},    {"tonal_balance_mid_db", {400, 1500}},
        {"tonal_balance_high_mid_db", {1500, 5000}}, {"tonal_balance_high_db", {5000, 10000}},
        {"tonal_balance_air_db", {10000, 20000}}};
    for (const auto& [name, range] : bands) {
        v[name] = total > 0 ? db(sum(mid, b(range.first, range.second)) / total) : kFloorDb;
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
        const double e = sum(mid, b(c / std::pow(2.0, 1.0 / 6), c * std::pow(2.0, 1.0 / 6)));
        if (e <= 0) {
            continue;
        }
        const double x = std::log2(c), y = db(e);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        ++count;
    }
    v["spectral_tilt_db_per_octave"] =
        count > 1 ? (count * sxy - sx * sy) / (count * sxx - sx * sx) : 0;
    auto width = [&](Band w) {
        const double m = sum(mid, w), s = sum(side, w);
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
    const double m_all = sum(mid, b(0, rate)), s_all = sum(side, b(0, rate));
    v["mono_fold_loss_db"] = m_all + s_all > 0 ? db(m_all / (m_all + s_all)) : 0;
    const double saw_m = sum(mid, b(1000, 8000));
    v["supersaw_ratio"] = saw_m > 0 ? sum(side, b(1000, 8000)) / saw_m : 0;
    double kw = 0;
    for (std::size_t k = 0; k < mid.size(); ++k) {
        kw += (mid[k] + side[k]) * weights.kweight[k];
    }
    v["kweighted_db"] = db(kw);
    v["power_db"] = db(m_all + s_all);
    return v;
}

} // namespace

SimulationInput summarise(const core::AudioBuffer& mix,
                          const std::map<std::string, const core::AudioBuffer*>& stems,
                          const core::TrackFeatures& features) {
    SimulationInput in;
    in.rate_hz = mix.sample_rate_hz;
    in.beat_s = features.grid.beatPeriodS() > 0 ? features.grid.beatPeriodS() : 0.45;
    accumulate(in.mix, mix, features.sections, in.fft_size);
    for (const auto& [name, audio] : stems) {
        if (audio != nullptr && !audio->empty()) {
            accumulate(in.stems[name], *audio, features.sections, in.fft_size);
        }
    }
    in.weights =
        std::make_shared<const BinWeights>(binWeights(in.mix.mid.size(), in.rate_hz, in.fft_size));
    for (int section = -1; section < static_cast<int>(in.mix.section_mid.size()); ++section) {
        const Spectra before = placeSpectra(in, section, {}, nullptr);
        in.base_models.push_back(
            model(before.mid, before.side, in.rate_hz, in.fft_size, *in.weights));
    }
    return in;
}

core::TrackAnalysis predict(const SimulationInput& in, const core::TrackAnalysis& wip,
                            const std::vector<Move>& moves) {
    core::TrackAnalysis out = wip;
    double mix_gain_db = 0, duck_db = 0;
    for (const auto& m : moves) {
        if (m.kind == MoveKind::kGain && (m.signal == "mix" || in.stems.empty())) {
            mix_gain_db += m.gain_db;
        }
        if (m.kind == MoveKind::kDuck) {
            duck_db = std::max(duck_db, -m.gain_db);
        }
    }
    duck_db *= duckedShare(in, moves);
    const GainTable gains = gainTable(in, moves);
    // A depth of 0 where the kick plays (the whole track, the drops) is a duck
    // too weak to read; elsewhere there is no kick to key one.
    auto place = [&](int section, std::map<std::string, double>& values) {
        const Spectra after = placeSpectra(in, section, moves, &gains);
        const auto& base = in.base_models.at(static_cast<std::size_t>(section + 1));
        const bool kicked =
            section < 0 || out.features.sections[static_cast<std::size_t>(section)].label == "drop";
        predictPlace(values, base,
                     model(after.mid, after.side, in.rate_hz, in.fft_size, *in.weights),
                     mix_gain_db, duck_db, kicked);
    };
    place(-1, out.features.values);
    for (std::size_t s = 0; s < out.features.sections.size() && s < in.mix.section_mid.size();
         ++s) {
        place(static_cast<int>(s), out.features.sections[s].values);
    }
    if (mix_gain_db != 0) {
        out.peak_dbfs = std::min(out.peak_dbfs + mix_gain_db, kClipCeilingDbfs);
    }
    return out;
}

} // namespace styledna::fixes
