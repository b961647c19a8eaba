#include "core/features/trance_arrangement.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/common/logging.hpp"
#include "core/dsp/fast_log.hpp"

namespace styledna::core {
namespace {

constexpr double kFloorDb = -120.0;

double powerDb(double p) {
    return p > 0 ? std::max(kFloorDb, 10.0 * std::log10(p)) : kFloorDb;
}

double percentile(std::vector<double> v, double q) {
    if (v.empty()) {
        return 0.0;
    }
    const auto k = static_cast<std::size_t>(std::clamp(q, 0.0, 1.0) * (v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

double meanOver(const std::vector<double>& v, int a, int e) {
    if (e <= a) {
        return 0.0;
    }
    double s = 0.0;
    for (int i = a; i < e; ++i) {
        s += v[static_cast<std::size_t>(i)];
    }
    return s / (e - a);
}

struct Run {
    bool kick = false;
    int start = 0;
    int end = 0; // exclusive
    int length() const { return end - start; }
};

std::vector<Run> runsOf(const std::vector<bool>& flags) {
    std::vector<Run> runs;
    for (std::size_t b = 0; b < flags.size(); ++b) {
        const int bi = static_cast<int>(b);
        if (runs.empty() || runs.back().kick != flags[b]) {
            runs.push_back({flags[b], bi, bi + 1});
        } else {
            runs.back().end = bi + 1;
        }
    }
    return runs;
}

// Best split s of [a, e) on the phrase grid (else every 4 bars) maximising
// sign * (mean after - mean before); returns {s, contrast} or {-1, 0}.
std::pair<int, double> bestSplit(const std::vector<double>& v, int a, int e, double sign,
                                 int phrase, int min_part) {
    std::pair<int, double> best{-1, 0.0};
    for (int step : {phrase, std::max(1, phrase / 2)}) {
        for (int s = a + min_part; s <= e - min_part; ++s) {
            if (s % step != 0) {
                continue;
            }
            const double c = sign * (meanOver(v, s, e) - meanOver(v, a, s));
            // Off-phrase splits need 1.5 dB more evidence than phrase-aligned ones.
            const double penalised = step == phrase ? c : c - 1.5;
            if (best.first < 0 || penalised > best.second) {
                best = {s, penalised};
            }
        }
        if (best.first >= 0 && step == phrase) {
            break;
        }
    }
    return best;
}

// Sum of squared residuals of a least-squares line through v[a..e).
double lineSse(const std::vector<double>& v, int a, int e) {
    const int n = e - a;
    if (n < 3) {
        return 0.0;
    }
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = a; i < e; ++i) {
        const double x = i - a, y = v[static_cast<std::size_t>(i)];
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    const double icpt = (sy - slope * sx) / n;
    double sse = 0.0;
    for (int i = a; i < e; ++i) {
        const double r = v[static_cast<std::size_t>(i)] - icpt - slope * (i - a);
        sse += r * r;
    }
    return sse;
}

// Split s of [a, e) where two independent lines fit v best (a breakdown's slow
// filter opening, then a buildup's steep rise); phrase-aligned candidates
// first, else every 4 bars. Returns -1 when no candidate exists.
int bestRampSplit(const std::vector<double>& v, int a, int e, int phrase, int min_part) {
    for (int step : {phrase, std::max(1, phrase / 2)}) {
        int best = -1;
        double best_sse = 0.0;
        for (int s = a + min_part; s <= e - min_part; ++s) {
            if (s % step != 0) {
                continue;
            }
            const double sse = lineSse(v, a, s) + lineSse(v, s, e);
            if (best < 0 || sse < best_sse) {
                best = s;
                best_sse = sse;
            }
        }
        if (best >= 0) {
            return best;
        }
    }
    return -1;
}

} // namespace

TranceBars barsFromGrid(const BeatGrid& grid, double duration_s) {
    TranceBars bars;
    bars.duration_s = duration_s;
    const double bar_period = grid.barPeriodS();
    if (!grid.valid() || !(bar_period > 0) || !(duration_s > 0) || !std::isfinite(bar_period)) {
        return bars;
    }
    const int bpb = std::max(1, grid.beats_per_bar);
    std::vector<double> downbeats;
    for (double t : grid.downbeat_times_s) {
        if (std::isfinite(t) && t >= -0.5 * bar_period && t < duration_s &&
            (downbeats.empty() || t > downbeats.back() + 0.25 * bar_period)) {
            downbeats.push_back(std::max(0.0, t));
        }
    }
    if (downbeats.empty()) {
        const auto& beats = grid.beat_times_s;
        std::size_t first = 0;
        double best = 1e300;
        for (std::size_t i = 0; i < beats.size(); ++i) {
            if (std::abs(beats[i] - grid.first_downbeat_s) < best) {
                best = std::abs(beats[i] - grid.first_downbeat_s);
                first = i;
            }
        }
        for (std::size_t i = first; i < beats.size(); i += static_cast<std::size_t>(bpb)) {
            if (beats[i] >= 0 && beats[i] < duration_s) {
                downbeats.push_back(beats[i]);
            }
        }
    }
    if (downbeats.empty()) {
        return bars;
    }
    while (downbeats.back() + 1.5 * bar_period <= duration_s) {
        downbeats.push_back(downbeats.back() + bar_period);
    }
    // A last bar needs at least half of it inside the track.
    while (!downbeats.empty() && downbeats.back() + 0.5 * bar_period > duration_s) {
        downbeats.pop_back();
    }
    if (downbeats.empty()) {
        return bars;
    }
    bars.start_s = downbeats;
    bars.beat_period_s = grid.beatPeriodS();
    bars.end_s.resize(downbeats.size());
    for (std::size_t b = 0; b + 1 < downbeats.size(); ++b) {
        bars.end_s[b] = downbeats[b + 1];
    }
    bars.end_s.back() = duration_s;
    bars.beats_s.resize(downbeats.size());
    const double beat_period = grid.beatPeriodS();
    const double last_grid_beat = grid.beat_times_s.back();
    auto it = grid.beat_times_s.begin();
    for (std::size_t b = 0; b < downbeats.size(); ++b) {
        const double a = bars.start_s[b] - 0.1 * beat_period;
        const double e = std::min(bars.end_s[b], bars.start_s[b] + bar_period) - 0.1 * beat_period;
        it = std::lower_bound(it, grid.beat_times_s.end(), a);
        for (auto j = it; j != grid.beat_times_s.end() && *j < e; ++j) {
            bars.beats_s[b].push_back(*j);
        }
        if (bars.start_s[b] > last_grid_beat) { // extrapolated past the grid
            bars.beats_s[b].clear();
            for (int k = 0; k < bpb; ++k) {
                const double t = bars.start_s[b] + k * beat_period;
                if (t < duration_s) {
                    bars.beats_s[b].push_back(t);
                }
            }
        }
    }
    return bars;
}

TranceBarCues computeBarCues(const AnalysisContext& ctx, const TranceBars& bars,
                             const TranceArrangementParams& params) {
    TranceBarCues cues;
    const std::size_t nb = bars.size();
    if (nb == 0) {
        return cues;
    }
    cues.energy_db.assign(nb, kFloorDb);
    cues.kick.assign(nb, 0.0);
    cues.kick_loud.assign(nb, 0.0);
    cues.low_db.assign(nb, kFloorDb);
    cues.mid_db.assign(nb, kFloorDb);
    cues.high_db.assign(nb, kFloorDb);
    cues.onset_db.assign(nb, kFloorDb);

    const auto& mono = ctx.mono();
    const double rate = ctx.sampleRateHz();
    for (std::size_t b = 0; b < nb; ++b) {
        const auto i0 =
            static_cast<std::size_t>(std::max(0.0, (b == 0 ? 0.0 : bars.start_s[b]) * rate));
        const auto i1 = std::min(mono.size(), static_cast<std::size_t>(bars.end_s[b] * rate));
        double acc = 0.0;
        for (std::size_t i = i0; i < i1; ++i) {
            acc += static_cast<double>(mono[i]) * mono[i];
        }
        cues.energy_db[b] = i1 > i0 ? powerDb(acc / static_cast<double>(i1 - i0)) : kFloorDb;
    }

    const Spectrogram& spec = ctx.monoSpectrum();
    if (spec.num_frames == 0) {
        return cues;
    }
    const std::size_t nf = spec.num_frames;
    // One pass over the frames: band powers and the positive log-magnitude
    // flux 1.5-8 kHz (snare rolls, hats).
    std::vector<double> low(nf, 0.0), mid(nf, 0.0), high(nf, 0.0), flux(nf, 0.0);
    {
        const std::size_t l0 = std::max<std::size_t>(1, spec.binForHz(30.0));
        const std::size_t m0 = spec.binForHz(150.0), h0 = spec.binForHz(4000.0);
        const std::size_t h1 = spec.binForHz(16000.0);
        const std::size_t f0 = spec.binForHz(1500.0), f1 = spec.binForHz(8000.0);
        std::vector<float> prev(f1 - f0, 0.0f), cur(f1 - f0, 0.0f);
        for (std::size_t i = 0; i < nf; ++i) {
            const float* m = spec.frame(i);
            float l = 0, md = 0, h = 0;
            for (std::size_t k = l0; k < m0; ++k) {
                l += m[k] * m[k];
            }
            for (std::size_t k = m0; k < h0; ++k) {
                md += m[k] * m[k];
            }
            for (std::size_t k = h0; k < h1; ++k) {
                h += m[k] * m[k];
            }
            low[i] = l;
            mid[i] = md;
            high[i] = h;
            float f = 0.0f;
            for (std::size_t k = f0; k < f1; ++k) {
                cur[k - f0] = fastLog2(1.0f + m[k]);
                f += std::max(0.0f, cur[k - f0] - prev[k - f0]);
            }
            flux[i] = i > 0 ? f : 0.0f;
            std::swap(prev, cur);
        }
    }

    const double hop_s = 1.0 / spec.frameRateHz();
    auto frameRange = [&](double a, double e) {
        const auto f0 = static_cast<std::size_t>(std::clamp(std::ceil(a / hop_s), 0.0, double(nf)));
        const auto f1 = static_cast<std::size_t>(std::clamp(std::ceil(e / hop_s), 0.0, double(nf)));
        return std::pair<std::size_t, std::size_t>{f0, std::max(f0, f1)};
    };
    for (std::size_t b = 0; b < nb; ++b) {
        const auto [f0, f1] = frameRange(b == 0 ? 0.0 : bars.start_s[b], bars.end_s[b]);
        if (f1 <= f0) {
            continue;
        }
        double l = 0, m = 0, h = 0, o = 0;
        for (std::size_t i = f0; i < f1; ++i) {
            l += low[i];
            m += mid[i];
            h += high[i];
            o += flux[i];
        }
        cues.onset_db[b] = powerDb(o / double(f1 - f0) + 1e-6);
        const double n = static_cast<double>(f1 - f0);
        cues.low_db[b] = powerDb(l / n);
        cues.mid_db[b] = powerDb(m / n);
        cues.high_db[b] = powerDb(h / n);
    }

    // Kick onsets: per bin of the kick band (30-150 Hz), the level just after
    // each beat minus the valley in the half beat before it; the beat's rise
    // is the median over the bins (a held bass fills its own one or two bins
    // between kicks, the kick's pitch sweep rises in all of them), and the
    // band level after it within kick_level_db of the loud beats' level.
    const double floor = std::max(1e-12, 1e-6 * percentile(low, 0.99));
    std::vector<double> low_db(nf);
    for (std::size_t i = 0; i < nf; ++i) {
        low_db[i] = 10.0 * std::log10(low[i] + floor);
    }
    const double beat_period = bars.beat_period_s;
    const std::size_t kick_lo = std::max<std::size_t>(1, spec.binForHz(30.0));
    const std::size_t kick_hi = std::max(kick_lo + 1, spec.binForHz(150.0));
    const double bin_floor = floor / static_cast<double>(kick_hi - kick_lo);
    std::vector<double> bin_rise;
    std::vector<double> rise, level;
    std::vector<std::size_t> rise_bar;
    for (std::size_t b = 0; b < nb; ++b) {
        for (double t : bars.beats_s[b]) {
            const auto [a0, a1] = frameRange(t - 0.5 * beat_period, t - 0.025);
            const auto [p0, p1] = frameRange(t, t + 0.035);
            if (a1 <= a0 || p1 <= p0) {
                continue;
            }
            const double after = *std::max_element(low_db.begin() + p0, low_db.begin() + p1);
            bin_rise.clear();
            for (std::size_t k = kick_lo; k < kick_hi; ++k) {
                float lo = std::numeric_limits<float>::infinity(), hi = 0.0f;
                for (std::size_t i = a0; i < a1; ++i) {
                    lo = std::min(lo, spec.frame(i)[k]);
                }
                for (std::size_t i = p0; i < p1; ++i) {
                    hi = std::max(hi, spec.frame(i)[k]);
                }
                bin_rise.push_back(10.0 * std::log10((double(hi) * hi + bin_floor) /
                                                     (double(lo) * lo + bin_floor)));
            }
            const auto median = bin_rise.begin() + static_cast<std::ptrdiff_t>(bin_rise.size() / 2);
            std::nth_element(bin_rise.begin(), median, bin_rise.end());
            rise.push_back(*median);
            level.push_back(after);
            rise_bar.push_back(b);
        }
    }
    const double threshold =
        std::max(params.kick_min_flux_db, params.kick_rel * percentile(rise, 0.9));
    const double level_min = percentile(level, 0.9) - params.kick_level_db;
    std::vector<double> loud_rise;
    for (std::size_t j = 0; j < rise.size(); ++j) {
        if (level[j] > level_min) {
            loud_rise.push_back(rise[j]);
        }
    }
    const double threshold_loud =
        std::max(params.kick_min_flux_db, params.kick_rel * percentile(loud_rise, 0.9));
    std::vector<int> beats_in_bar(nb, 0), kicks_in_bar(nb, 0), loud_kicks_in_bar(nb, 0);
    for (std::size_t j = 0; j < rise.size(); ++j) {
        ++beats_in_bar[rise_bar[j]];
        kicks_in_bar[rise_bar[j]] += rise[j] > threshold && level[j] > level_min ? 1 : 0;
        loud_kicks_in_bar[rise_bar[j]] += rise[j] > threshold_loud && level[j] > level_min ? 1 : 0;
    }
    for (std::size_t b = 0; b < nb; ++b) {
        const double n = beats_in_bar[b];
        cues.kick[b] = n > 0 ? kicks_in_bar[b] / n : 0.0;
        cues.kick_loud[b] = n > 0 ? loud_kicks_in_bar[b] / n : 0.0;
    }
    if (auto log = logger("features"); log->should_log(spdlog::level::trace)) {
        // Per beat: rise over the valley / level re the loud beats' (p90), dB; "|" between bars.
        const double loud = level_min + params.kick_level_db;
        std::string line;
        for (std::size_t j = 0; j < rise.size(); ++j) {
            if (j > 0 && rise_bar[j] != rise_bar[j - 1]) {
                line += "|";
            }
            line += fmt::format(" {:.0f}/{:.0f}", rise[j], level[j] - loud);
        }
        log->trace(
            "kick rise threshold {:.1f} dB (over loud beats {:.1f}), level min p90-{:.0f}: {}",
            threshold, threshold_loud, params.kick_level_db, line);
    }
    return cues;
}

std::vector<Section> segmentArrangement(const TranceBarCues& cues, const TranceBars& bars,
                                        const TranceArrangementParams& params) {
    std::vector<Section> sections;
    const int nb = static_cast<int>(bars.size());
    if (nb == 0 || static_cast<int>(cues.kick.size()) != nb) {
        return sections;
    }
    std::vector<bool> flags(static_cast<std::size_t>(nb));
    for (int b = 0; b < nb; ++b) {
        flags[static_cast<std::size_t>(b)] =
            cues.kick[static_cast<std::size_t>(b)] >= params.kick_bar_min;
    }
    // Merge runs shorter than min_run_bars into their neighbours, shortest first.
    for (;;) {
        auto runs = runsOf(flags);
        if (runs.size() <= 1) {
            break;
        }
        auto shortest = std::min_element(runs.begin(), runs.end(), [](const Run& x, const Run& y) {
            return x.length() < y.length();
        });
        if (shortest->length() >= params.min_run_bars) {
            break;
        }
        for (int b = shortest->start; b < shortest->end; ++b) {
            flags[static_cast<std::size_t>(b)] = !shortest->kick;
        }
    }
    auto runs = runsOf(flags);
    const int phrase = std::max(1, params.phrase_bars);
    for (std::size_t r = 1; r < runs.size(); ++r) {
        const int j = runs[r].start;
        const int snapped = static_cast<int>(std::lround(double(j) / phrase)) * phrase;
        if (std::abs(snapped - j) <= params.snap_bars && snapped > runs[r - 1].start &&
            snapped < runs[r].end) {
            runs[r - 1].end = snapped;
            runs[r].start = snapped;
        }
    }

    struct Part {
        const char* label;
        int start;
        int end;
    };
    std::vector<Part> parts;
    // Intro/outro vs drop: the mean of the full-band and 150 Hz-4 kHz levels
    // (pads, bass harmonics and leads leave while the drums stay).
    std::vector<double> energy(cues.energy_db.size());
    for (std::size_t b = 0; b < energy.size(); ++b) {
        energy[b] = 0.5 * (cues.energy_db[b] + cues.mid_db[b]);
    }
    bool seen_drop = false;
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const Run& run = runs[r];
        const bool first = r == 0;
        const bool last = r + 1 == runs.size();
        if (!run.kick) {
            if (first && !last) {
                parts.push_back({"intro", run.start, run.end});
            } else if (last && seen_drop) {
                parts.push_back({"outro", run.start, run.end});
            } else {
                const int min_part = std::min(4, std::max(1, run.length() / 4));
                const int s = bestRampSplit(cues.high_db, run.start, run.end, phrase, min_part);
                const double c = s > 0 ? meanOver(cues.high_db, s, run.end) -
                                             meanOver(cues.high_db, run.start, s)
                                       : 0.0;
                if (s > 0 && c >= params.buildup_rise_db) {
                    parts.push_back({"breakdown", run.start, s});
                    parts.push_back({"buildup", s, run.end});
                } else {
                    // A single phrase: a buildup when its high band rises steeply.
                    const double slope = run.length() >= 2
                                             ? cues.high_db[static_cast<std::size_t>(run.end - 1)] -
                                                   cues.high_db[static_cast<std::size_t>(run.start)]
                                             : 0.0;
                    const bool rising =
                        run.length() <= phrase && slope >= 2.0 * params.buildup_rise_db;
                    parts.push_back({rising ? "buildup" : "breakdown", run.start, run.end});
                }
            }
            continue;
        }
        int a = run.start;
        int e = run.end;
        if (first) {
            auto [s, c] = bestSplit(energy, a, e, 1.0, phrase, std::min(4, run.length() / 2));
            if (s > 0 && c >= params.split_db) {
                parts.push_back({"intro", a, s});
                a = s;
            } else if (!last) {
                parts.push_back({"intro", a, e});
                continue;
            }
        }
        if (last) {
            auto [s, c] = bestSplit(energy, a, e, -1.0, phrase, std::min(4, (e - a) / 2));
            if (s > 0 && c >= params.split_db) {
                parts.push_back({"drop", a, s});
                parts.push_back({"outro", s, e});
                continue;
            }
        }
        parts.push_back({"drop", a, e});
        seen_drop = true;
    }

    for (std::size_t i = 0; i < parts.size(); ++i) {
        const Part& p = parts[i];
        if (p.end <= p.start) {
            continue;
        }
        Section s;
        s.label = p.label;
        s.start_bar = p.start;
        s.bars = p.end - p.start;
        s.start_s = p.start == 0 ? 0.0 : bars.start_s[static_cast<std::size_t>(p.start)];
        s.end_s = p.end >= nb ? bars.duration_s : bars.start_s[static_cast<std::size_t>(p.end)];
        if (!sections.empty() && sections.back().label == s.label) {
            sections.back().bars += s.bars;
            sections.back().end_s = s.end_s;
        } else {
            sections.push_back(s);
        }
    }
    return sections;
}

} // namespace styledna::core
