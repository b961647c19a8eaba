#include "core/fixes/move_simulator.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <set>
#include <thread>

#include "core/fixes/spectral_model.hpp"

namespace styledna::fixes {

namespace {

constexpr double kClipCeilingDbfs = -0.087; // 20 log10(0.99): the limiter / clipper ceiling
// TranceSidechainParams::min_significant_db: a fitted duck under it may read 0.
constexpr double kSignificantDuckDb = 2.0;

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

// One stem's spectra of one place after the moves on it (its own or the mix's).
Spectra stemSpectra(const SimulationInput& in, const std::string& name, int section,
                    const std::vector<Move>& moves, const GainTable& gains) {
    const SignalSpectra& s = in.stems.at(name);
    const auto& m = section < 0 ? s.mid : s.section_mid[static_cast<std::size_t>(section)];
    const auto& sd = section < 0 ? s.side : s.section_side[static_cast<std::size_t>(section)];
    Spectra out{m, sd};
    for (std::size_t i = 0; i < moves.size(); ++i) {
        if (moves[i].signal == "mix" || moves[i].signal == name) {
            for (std::size_t k = 0; k < out.mid.size(); ++k) {
                out.mid[k] *= gains[i][k].mid;
                out.side[k] *= gains[i][k].side;
            }
        }
    }
    return out;
}

// kick_bass_overlap_db's model on long-term spectra: 10 log10 of
// sum min(Pd, Pb) / sum Pb over 40-120 Hz of the drums' and the bass's mid.
double overlapModelDb(const std::vector<double>& drums, const std::vector<double>& bass,
                      double rate, std::size_t n) {
    const Band b = band(40, 120, rate, n);
    double shared = 0, total = 0;
    for (std::size_t k = b.k0; k < b.k1 && k < bass.size(); ++k) {
        shared += std::min(drums[k], bass[k]);
        total += bass[k];
    }
    return total > 0 && shared > 0 ? powerDb(shared / total) : kModelFloorDb;
}

// Share of the ducked content's 40 Hz-6 kHz power (the kick's stem, drums,
// is what keys the duck: the sidechain features measure the rest).
double duckedShare(const SimulationInput& in, const std::vector<Move>& moves) {
    const Band b = band(40, 6000, in.rate_hz, in.fft_size);
    double total = bandSum(in.mix.mid, b) + bandSum(in.mix.side, b);
    if (in.stems.empty()) {
        return total > 0 ? 1.0 : 0.0;
    }
    double ducked = 0;
    total = 0;
    for (const auto& [name, s] : in.stems) {
        if (name == "drums") {
            continue;
        }
        const double p = bandSum(s.mid, b) + bandSum(s.side, b);
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

// The peaks after a broadband gain of `gain_db` on the mix (a gain moves them
// by itself, up to the clip ceiling; filters leave them), then the crest
// factor and PLR from the peaks and levels already in `values`.
void peaksAndRatios(std::map<std::string, double>& values, double gain_db) {
    for (const char* f : {"sample_peak_dbfs", "true_peak_dbtp", "peak_dbfs"}) {
        if (auto it = values.find(f); it != values.end() && gain_db != 0) {
            const double raised = it->second + gain_db;
            it->second =
                gain_db > 0 ? std::min(raised, std::max(it->second, kClipCeilingDbfs)) : raised;
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
        shift(f, f, kModelFloorDb, 0.0);
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
    shift("mono_fold_loss_db", "mono_fold_loss_db", kModelFloorDb, 0.0);
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
    peaksAndRatios(values, mix_gain_db);
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
    static const std::set<std::string, std::less<>> kStem{
        "tonal_balance_sub_db", "tonal_balance_low_db",      "tonal_balance_low_mid_db",
        "tonal_balance_mid_db", "tonal_balance_high_mid_db", "tonal_balance_high_db",
        "tonal_balance_air_db", "spectral_centroid_hz",      "bass_spectral_centroid_hz",
        "stereo_width",         "stereo_width_low",          "low_end_correlation",
        "supersaw_width",       "sidechain_depth_db",        "kick_bass_overlap_db"};
    return stem.empty() ? kMix.count(feature) > 0 : kStem.count(feature) > 0;
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

std::map<std::string, double> spectralModel(const std::vector<double>& mid,
                                            const std::vector<double>& side, double rate,
                                            std::size_t n) {
    return modelValues(mid, side, rate, n, binWeights(mid.size(), rate, n));
}

SimulationInput summarise(const core::AudioBuffer& mix,
                          const std::map<std::string, const core::AudioBuffer*>& stems,
                          const core::TrackFeatures& features) {
    SimulationInput in;
    in.rate_hz = mix.sample_rate_hz;
    in.beat_s = features.grid.beatPeriodS() > 0 ? features.grid.beatPeriodS() : 0.45;
    // The stems on two threads (a second worker takes every other one); with
    // stems the mix's spectra are their sum (what placeSpectra predicts from).
    std::vector<std::pair<SignalSpectra*, const core::AudioBuffer*>> jobs;
    for (const auto& [name, audio] : stems) {
        if (audio != nullptr && !audio->empty()) {
            jobs.emplace_back(&in.stems[name], audio);
        }
    }
    if (jobs.empty()) {
        jobs.emplace_back(&in.mix, &mix);
    }
    auto work = [&](std::size_t first) {
        for (std::size_t j = first; j < jobs.size(); j += 2) {
            accumulateSpectra(*jobs[j].first, *jobs[j].second, features.sections, in.fft_size);
        }
    };
    {
        std::jthread second(work, 1);
        work(0);
    }
    if (!in.stems.empty()) {
        const SignalSpectra& first = in.stems.begin()->second;
        in.mix = first;
        for (auto it = std::next(in.stems.begin()); it != in.stems.end(); ++it) {
            auto add = [](std::vector<double>& to, const std::vector<double>& from) {
                for (std::size_t k = 0; k < to.size() && k < from.size(); ++k) {
                    to[k] += from[k];
                }
            };
            add(in.mix.mid, it->second.mid);
            add(in.mix.side, it->second.side);
            for (std::size_t sct = 0; sct < in.mix.section_mid.size(); ++sct) {
                add(in.mix.section_mid[sct], it->second.section_mid[sct]);
                add(in.mix.section_side[sct], it->second.section_side[sct]);
            }
        }
    }
    in.weights =
        std::make_shared<const BinWeights>(binWeights(in.mix.mid.size(), in.rate_hz, in.fft_size));
    for (int section = -1; section < static_cast<int>(in.mix.section_mid.size()); ++section) {
        const Spectra before = placeSpectra(in, section, {}, nullptr);
        in.base_models.push_back(
            modelValues(before.mid, before.side, in.rate_hz, in.fft_size, *in.weights));
    }
    for (const auto& [name, spectra] : in.stems) {
        auto& models = in.stem_base_models[name];
        models.push_back(
            modelValues(spectra.mid, spectra.side, in.rate_hz, in.fft_size, *in.weights));
        for (std::size_t s = 0; s < spectra.section_mid.size(); ++s) {
            models.push_back(modelValues(spectra.section_mid[s], spectra.section_side[s],
                                         in.rate_hz, in.fft_size, *in.weights));
        }
    }
    return in;
}

namespace {

bool touches(const std::vector<Move>& moves, const std::string& name) {
    return std::any_of(moves.begin(), moves.end(),
                       [&](const Move& m) { return m.signal == "mix" || m.signal == name; });
}

// The stem features of `out` (TrackAnalysis::stems) after the moves: each
// stem a move reaches gets predictPlace on its own spectra (no broadband
// level features on stems; a duck on the stem moves its depth fully), and
// the drums' kick_bass_overlap_db follows the bass's spectrum.
void predictStems(const SimulationInput& in, const std::vector<Move>& moves, const GainTable& gains,
                  core::TrackAnalysis& out) {
    const bool bass_moved = in.stems.count("bass") > 0 && touches(moves, "bass");
    for (auto& [stem_name, features] : out.stems.stems) {
        const std::string& name = stem_name; // captured below (clang 14: no binding captures)
        const auto base = in.stem_base_models.find(name);
        if (base == in.stem_base_models.end() ||
            !(touches(moves, name) || (name == "drums" && bass_moved))) {
            continue;
        }
        double duck_db = 0;
        for (const auto& m : moves) {
            if (m.kind == MoveKind::kDuck && (m.signal == name || m.signal == "mix")) {
                duck_db = std::max(duck_db, -m.gain_db);
            }
        }
        auto place = [&](int section, std::map<std::string, double>& values, bool kicked) {
            const auto& before = base->second.at(static_cast<std::size_t>(section + 1));
            const Spectra after = stemSpectra(in, name, section, moves, gains);
            predictPlace(values, before,
                         modelValues(after.mid, after.side, in.rate_hz, in.fft_size, *in.weights),
                         0.0, duck_db, kicked);
            auto overlap = values.find("kick_bass_overlap_db");
            if (name == "drums" && bass_moved && overlap != values.end() &&
                overlap->second > kModelFloorDb) {
                const SignalSpectra& bass = in.stems.at("bass");
                const auto& b0 =
                    section < 0 ? bass.mid : bass.section_mid[static_cast<std::size_t>(section)];
                const Spectra b1 = stemSpectra(in, "bass", section, moves, gains);
                overlap->second =
                    std::min(0.0, overlap->second +
                                      overlapModelDb(after.mid, b1.mid, in.rate_hz, in.fft_size) -
                                      overlapModelDb(after.mid, b0, in.rate_hz, in.fft_size));
            }
        };
        place(-1, features.values, true);
        for (std::size_t s = 0; s < features.sections.size() && s + 1 < base->second.size(); ++s) {
            place(static_cast<int>(s), features.sections[s].values,
                  features.sections[s].label == "drop");
        }
    }
}

} // namespace

void applyMixGain(core::TrackAnalysis& a, double gain_db) {
    if (gain_db == 0) {
        return;
    }
    auto shift = [gain_db](std::map<std::string, double>& values) {
        for (const char* f : {"loudness_integrated_lufs", "loudness_short_term_max_lufs",
                              "loudness_momentary_max_lufs", "rms_dbfs", "mean_energy_db"}) {
            if (auto it = values.find(f); it != values.end()) {
                it->second += gain_db;
            }
        }
        peaksAndRatios(values, gain_db);
    };
    shift(a.features.values);
    for (auto& section : a.features.sections) {
        shift(section.values);
    }
    a.peak_dbfs = std::min(a.peak_dbfs + gain_db, kClipCeilingDbfs);
}

core::TrackAnalysis predict(const SimulationInput& in, const core::TrackAnalysis& wip,
                            const std::vector<Move>& moves, bool stems) {
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
                     modelValues(after.mid, after.side, in.rate_hz, in.fft_size, *in.weights),
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
    if (stems) {
        predictStems(in, moves, gains, out);
    }
    return out;
}

} // namespace styledna::fixes
