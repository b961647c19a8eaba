// Benchmark: separation quality and speed of the DSP separator on held-out
// synthesized trance tracks, against the targets and the same-run
// floor of the work no STFT-mask separator can avoid.
//
// Tracks: --tracks (default 12) renders, styles in turn (uplifting,
// progressive, tech, psy), seeds --seed-base + i (default 91000: never used
// for tuning; tuning used seeds 500-520 and the unit tests 300-302), no
// flaws, --minutes long (default 5). Truth at mix scale: each pre-master stem
// times 10^(master_gain_db / 20); the mix is soft-clipped and quantised on top,
// so the truth stems do not sum to the mix exactly: the "clip residual" column
// is the SDR of that scaled pre-master sum against the mix (a ceiling no
// separator can pass on the sum).
//
// Quality: plain SDR per stem (core/stems/sdr.hpp), per track and the median
// over tracks (overall and per style). Targets: drums >= 8 dB, bass >= 8 dB.
//
// Speed: separation of the decoded mix with the analysis's beat grid as a
// hint (what analyzeDecoded runs), on --threads workers (default 2), best of
// --repeats (default 1) per track, buffers recycled between tracks. The beat
// grid comes from the rhythm family beforehand (timed on its own line: what
// `styledna separate` adds without an analysis). Floor (same run, same
// threads): the complex STFT of L and R and four inverse FFTs per hop (drums
// and bass, two channels) at the separator's frame size, windows and overlap-
// add included, no masks. Budget: 1 s per 5-minute track on 2 threads.
//
// Stem overhead (the product's budget): on the first track, the full
// analysis (analyzeDecoded: every family, the embedding) with and without
// AnalyzeOptions::stems, interleaved, best of --analysis-repeats (default 3),
// and the two parts of the difference on their own: separation with the
// analysis's grid and measureStemFeatures on the stems. The overhead (with -
// without) is printed against its 1 s budget per 5-minute track on 2 threads
// and as a multiple of the same-run floor above. --analysis-repeats 0 skips it.
//
// Usage: bench_separation [--minutes M] [--tracks N] [--seed-base S]
//                         [--threads T] [--repeats R] [--analysis-repeats A]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/analysis/track_analysis.hpp"
#include "core/audio/synth/trance_synth.hpp"
#include "core/features/analysis_context.hpp"
#include "core/features/rhythm_features.hpp"
#include "core/stems/dsp_separator.hpp"
#include "core/stems/real_fft.hpp"
#include "core/stems/sdr.hpp"
#include "core/stems/stem_features.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace styledna::core;
using namespace styledna::core::stems;

constexpr double kBudgetPer5MinS = 1.0;
constexpr double kTargetSdrDb = 8.0;

double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

double median(std::vector<double> v) {
    if (v.empty()) {
        return NAN;
    }
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

AudioBuffer scaled(const AudioBuffer& b, double gain) {
    AudioBuffer out = b;
    for (auto& ch : out.channels) {
        for (float& s : ch) {
            s = static_cast<float>(s * gain);
        }
    }
    return out;
}

// Forward STFT of two channels and four inverse FFTs per hop, with the
// separator's windows and overlap-add: the floor of any STFT-mask separator.
double floorSeconds(const AudioBuffer& mix, std::size_t size, int threads) {
    const std::size_t n = mix.frames();
    const std::size_t hop = size / 2;
    const std::size_t frames = (n + size - 1) / hop;
    std::vector<std::vector<float>> outs(4, std::vector<float>(n, 0.0f));
    const auto t0 = Clock::now();
    const auto work = [&](std::size_t first, std::size_t last) {
        RealFft fft(size);
        std::vector<float> frame(size), time(size), window(size);
        for (std::size_t j = 0; j < size; ++j) {
            window[j] = static_cast<float>(std::sqrt(
                0.5 -
                0.5 * std::cos(2 * M_PI * static_cast<double>(j) / static_cast<double>(size))));
        }
        std::vector<std::complex<float>> spec(size / 2 + 1);
        for (std::size_t i = first; i < last; ++i) {
            const auto start =
                static_cast<std::ptrdiff_t>(i * hop) - static_cast<std::ptrdiff_t>(size - hop);
            for (std::size_t c = 0; c < 2; ++c) {
                for (std::size_t j = 0; j < size; ++j) {
                    const std::ptrdiff_t t = start + static_cast<std::ptrdiff_t>(j);
                    frame[j] = t >= 0 && t < static_cast<std::ptrdiff_t>(n)
                                   ? mix.channels[c][static_cast<std::size_t>(t)] * window[j]
                                   : 0.0f;
                }
                fft.forward(frame.data(), spec.data());
                for (std::size_t stem = 0; stem < 2; ++stem) {
                    fft.inverse(spec.data(), time.data());
                    float* dst = outs[stem * 2 + c].data();
                    for (std::size_t j = 0; j < size; ++j) {
                        const std::ptrdiff_t t = start + static_cast<std::ptrdiff_t>(j);
                        if (t >= 0 && t < static_cast<std::ptrdiff_t>(n)) {
                            dst[t] += time[j] * window[j];
                        }
                    }
                }
            }
        }
    };
    std::vector<std::thread> pool;
    for (int w = 1; w < threads; ++w) {
        pool.emplace_back(work, frames * static_cast<std::size_t>(w) / threads,
                          frames * static_cast<std::size_t>(w + 1) / threads);
    }
    work(0, frames / static_cast<std::size_t>(threads));
    for (auto& t : pool) {
        t.join();
    }
    return seconds(t0, Clock::now());
}

struct OverheadTimes {
    double without_s = INFINITY, with_s = INFINITY, separate_s = INFINITY, features_s = INFINITY;
};

// Full analysis with and without stems (interleaved), separation and stem
// features alone; best of `repeats` each.
Result<OverheadTimes> measureOverhead(const AudioBuffer& mix, int threads, int repeats) {
    DecodedAudio decoded;
    decoded.audio = mix;
    decoded.source.sample_rate_hz = mix.sample_rate_hz;
    decoded.source.channels = static_cast<int>(mix.numChannels());
    decoded.source.duration_s = mix.durationS();
    OverheadTimes t;
    TrackFeatures features;
    for (int r = 0; r < repeats; ++r) {
        for (const bool stems : {false, true}) {
            AnalyzeOptions options;
            options.threads = threads;
            options.stems = stems;
            const auto t0 = Clock::now();
            auto analysis = analyzeDecoded(decoded, options, {}, {});
            const double s = seconds(t0, Clock::now());
            if (!analysis) {
                return analysis.status();
            }
            (stems ? t.with_s : t.without_s) = std::min(stems ? t.with_s : t.without_s, s);
            features = std::move(analysis->features);
        }
        DspSeparatorParams params;
        params.threads = threads;
        SeparationHints hints;
        hints.grid = &features.grid;
        const auto s0 = Clock::now();
        auto separated = DspSeparator(params).separate(mix, hints, {}, {});
        const auto s1 = Clock::now();
        if (!separated) {
            return separated.status();
        }
        auto measured = measureStemFeatures(*separated, features);
        const auto s2 = Clock::now();
        recycleStems(*separated);
        if (!measured) {
            return measured.status();
        }
        t.separate_s = std::min(t.separate_s, seconds(s0, s1));
        t.features_s = std::min(t.features_s, seconds(s1, s2));
    }
    return t;
}

} // namespace

int main(int argc, char** argv) {
    double minutes = 5.0;
    int tracks = 12;
    std::uint64_t seed_base = 91000;
    int threads = 2;
    int repeats = 1;
    int analysis_repeats = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const char* value = argv[i + 1];
        if (flag == "--minutes") {
            minutes = std::atof(value);
        } else if (flag == "--tracks") {
            tracks = std::atoi(value);
        } else if (flag == "--seed-base") {
            seed_base = std::strtoull(value, nullptr, 10);
        } else if (flag == "--threads") {
            threads = std::atoi(value);
        } else if (flag == "--repeats") {
            repeats = std::max(1, std::atoi(value));
        } else if (flag == "--analysis-repeats") {
            analysis_repeats = std::max(0, std::atoi(value));
        } else {
            std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    const TranceStyle styles[] = {TranceStyle::kUplifting, TranceStyle::kProgressive,
                                  TranceStyle::kTech, TranceStyle::kPsy};
    DspSeparatorParams params;
    params.threads = threads;
    const DspSeparator separator(params);
    std::printf("separator %s, %d tracks of %.2f min, seeds %llu.., %d threads\n",
                separator.name().c_str(), tracks, minutes,
                static_cast<unsigned long long>(seed_base), threads);
    std::printf("%-12s %6s %8s %8s %8s %8s %8s %8s %8s %8s\n", "style", "seed", "drums", "bass",
                "other", "clip", "grid_s", "sep_s", "floor_s", "sep/flr");
    std::map<std::string, std::vector<double>> sdr;
    std::map<std::string, std::map<std::string, std::vector<double>>> by_style;
    std::vector<double> sep_per_5min, ratio_floor;
    AudioBuffer first_mix;
    double first_floor_s = NAN;
    for (int t = 0; t < tracks; ++t) {
        const TranceStyle style = styles[t % 4];
        const std::uint64_t seed = seed_base + static_cast<std::uint64_t>(t);
        auto track = renderTrack(randomParams(style, seed, minutes, {}));
        if (!track) {
            std::fprintf(stderr, "render failed: %s\n", track.status().message().c_str());
            return 1;
        }
        const double gain = std::pow(10.0, track->truth.master_gain_db / 20.0);
        const AudioBuffer truth_drums = scaled(track->drums, gain);
        const AudioBuffer truth_bass = scaled(track->bass, gain);
        const AudioBuffer truth_other = scaled(track->other, gain);
        AudioBuffer truth_sum = truth_drums;
        for (std::size_t c = 0; c < 2; ++c) {
            for (std::size_t i = 0; i < truth_sum.frames(); ++i) {
                truth_sum.channels[c][i] += truth_bass.channels[c][i] + truth_other.channels[c][i];
            }
        }
        const double clip_sdr = sdrDb(truth_sum, track->mix);

        const auto g0 = Clock::now();
        BeatGrid grid;
        {
            AnalysisContext ctx(track->mix, 1);
            RhythmFamily rhythm;
            TrackFeatures f;
            if (!rhythm.configure().isOk() || !rhythm.process(ctx, f).isOk()) {
                std::fprintf(stderr, "rhythm failed\n");
                return 1;
            }
            grid = f.grid;
        }
        const double grid_s = seconds(g0, Clock::now());
        SeparationHints hints;
        hints.grid = &grid;
        double best = INFINITY;
        Stems stems;
        for (int r = 0; r < repeats; ++r) {
            recycleStems(stems);
            const auto s0 = Clock::now();
            auto result = separator.separate(track->mix, hints, {}, {});
            best = std::min(best, seconds(s0, Clock::now()));
            if (!result) {
                std::fprintf(stderr, "separate failed: %s\n", result.status().message().c_str());
                return 1;
            }
            stems = std::move(result).value();
        }
        const double floor_s =
            floorSeconds(track->mix, dspFrameSize(params, track->mix.sample_rate_hz), threads);
        const double d = sdrDb(truth_drums, stems.drums);
        const double b = sdrDb(truth_bass, stems.bass);
        const double o = sdrDb(truth_other, stems.other);
        const std::string name(styleName(style));
        sdr["drums"].push_back(d);
        sdr["bass"].push_back(b);
        sdr["other"].push_back(o);
        by_style[name]["drums"].push_back(d);
        by_style[name]["bass"].push_back(b);
        by_style[name]["other"].push_back(o);
        const double per_5min = best * 5.0 * 60.0 / track->mix.durationS();
        sep_per_5min.push_back(per_5min);
        ratio_floor.push_back(best / floor_s);
        std::printf("%-12s %6llu %8.2f %8.2f %8.2f %8.2f %8.3f %8.3f %8.3f %8.2f\n", name.c_str(),
                    static_cast<unsigned long long>(seed), d, b, o, clip_sdr, grid_s, best, floor_s,
                    best / floor_s);
        std::fflush(stdout);
        recycleStems(stems);
        if (t == 0) {
            first_mix = track->mix;
            first_floor_s = floor_s;
        }
    }
    std::printf("\nmedian SDR (dB)   drums    bass   other\n");
    for (const auto& [style, m] : by_style) {
        std::printf("%-16s %7.2f %7.2f %7.2f\n", style.c_str(), median(m.at("drums")),
                    median(m.at("bass")), median(m.at("other")));
    }
    const double md = median(sdr["drums"]);
    const double mb = median(sdr["bass"]);
    std::printf("%-16s %7.2f %7.2f %7.2f\n", "all", md, mb, median(sdr["other"]));
    std::printf("target           %7.2f %7.2f       -   (drums/target %.2f, bass/target %.2f)\n",
                kTargetSdrDb, kTargetSdrDb, md / kTargetSdrDb, mb / kTargetSdrDb);
    const double t5 = median(sep_per_5min);
    std::printf("\nseparation per 5-min track (median): %.3f s = %.2fx the %.1f s budget, "
                "%.2fx the same-run floor (STFT + ISTFT)\n",
                t5, t5 / kBudgetPer5MinS, kBudgetPer5MinS, median(ratio_floor));
    if (analysis_repeats > 0 && first_mix.frames() > 0) {
        auto o = measureOverhead(first_mix, threads, analysis_repeats);
        if (!o) {
            std::fprintf(stderr, "analysis failed: %s\n", o.status().message().c_str());
            return 1;
        }
        const double to5 = 5.0 * 60.0 / first_mix.durationS();
        const double overhead = (o->with_s - o->without_s) * to5;
        std::printf("\nfull analysis, first track, best of %d, per 5-min track:\n"
                    "  without stems %.3f s, with stems %.3f s\n"
                    "  separation alone %.3f s, stem features alone %.3f s (sum %.3f s)\n"
                    "stem overhead (with - without): %.3f s = %.2fx the %.1f s budget, "
                    "%.2fx the same-run floor (STFT + ISTFT)\n",
                    analysis_repeats, o->without_s * to5, o->with_s * to5, o->separate_s * to5,
                    o->features_s * to5, (o->separate_s + o->features_s) * to5, overhead,
                    overhead / kBudgetPer5MinS, kBudgetPer5MinS,
                    (o->with_s - o->without_s) / first_floor_s);
    }
    return 0;
}
