// Benchmark: quality and speed of the learned separator (models/separator_*)
// on held-out synthesized trance tracks, side by side with the DSP separator
// and the band-mask oracle, against the targets; optionally trains
// the weights first.
//
// Tracks: --tracks (default 12), styles in turn (uplifting, progressive, tech,
// psy), seeds --seed-base + i (default 91000, the DSP bench's: the trainer's
// seeds are splitmix64 draws >= 2^20, never these), no flaws, --minutes long
// (default 5). Truth at mix scale: each pre-master stem x 10^(master_gain_db /
// 20). Quality: plain SDR per stem (core/stems/sdr.hpp), per track and the
// median over tracks. Targets: drums >= 8 dB, bass >= 8 dB for the better
// separator.
// Columns: learned (--weights), dsp (DspSeparator with the analysis's beat grid
// hint, as analyzeDecoded runs it), oracle (--oracle: the truth stems' band
// magnitudes as masks through the learned separator's own STFT and bands: the
// ceiling of any network with this frontend).
// Speed: separation time per track (STFT stages on --threads workers, the
// network on --torch-threads LibTorch threads, default 2 and 1), and scaled
// to a 5-minute track; --log debug prints the split (features, network,
// masked ISTFT). Budget: a few seconds per 5-minute track on 2 cores. The
// first track pays the page faults of fresh stem buffers; later ones reuse
// the large-buffer pool (stems are recycled), as the daemon does.
//
// Training (--train OUT): runs trainSeparator first with --seed,
// --train-tracks, --validation-tracks, --train-minutes, --max-train-s,
// --max-epochs, --steps-per-epoch, --hidden and the threads, writes OUT and
// evaluates it (unless --weights names another file).
//
// Usage: bench_learned_separator [--weights W] [--train OUT ...] [--oracle 1]
//            [--dsp 0|1] [--minutes M] [--tracks N] [--seed-base S] [--threads T]
//            [--torch-threads T] [--log debug]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/audio/synth/trance_synth.hpp"
#include "core/common/logging.hpp"
#include "core/features/analysis_context.hpp"
#include "core/features/rhythm_features.hpp"
#include "core/stems/dsp_separator.hpp"
#include "core/stems/sdr.hpp"
#include "models/separator_frontend.hpp"
#include "models/separator_learned.hpp"
#include "models/separator_trainer.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace styledna;
using namespace styledna::core;
using namespace styledna::core::stems;

constexpr double kTargetSdrDb = 8.0;

double seconds(Clock::time_point a) {
    return std::chrono::duration<double>(Clock::now() - a).count();
}

double median(std::vector<double> v) {
    if (v.empty()) {
        return NAN;
    }
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

void scale(AudioBuffer& b, double gain) {
    for (auto& ch : b.channels) {
        for (float& s : ch) {
            s = static_cast<float>(s * gain);
        }
    }
}

struct Scores {
    std::vector<double> drums, bass, other, seconds_per_5min;
    void add(const RenderedTrack& truth, const Stems& stems, double s, double minutes) {
        drums.push_back(sdrDb(truth.drums, stems.drums));
        bass.push_back(sdrDb(truth.bass, stems.bass));
        other.push_back(sdrDb(truth.other, stems.other));
        seconds_per_5min.push_back(s * 5.0 / minutes);
    }
};

// The truth stems' band magnitudes as masks (normalised to sum to 1 per band).
Stems oracle(const models::SeparatorFrontend& frontend, const RenderedTrack& t) {
    const std::size_t bands = static_cast<std::size_t>(frontend.config().bands);
    const std::size_t frames = frontend.frames(t.mix.frames());
    const CancellationToken cancel;
    const auto d = *frontend.bandMagnitudes(t.drums, 2, cancel);
    const auto b = *frontend.bandMagnitudes(t.bass, 2, cancel);
    const auto o = *frontend.bandMagnitudes(t.other, 2, cancel);
    std::vector<float> md(bands * frames), mb(bands * frames);
    for (std::size_t i = 0; i < md.size(); ++i) {
        const float sum = d[i] + b[i] + o[i] + 1e-12f;
        md[i] = d[i] / sum;
        mb[i] = b[i] / sum;
    }
    Stems stems;
    (void)frontend.applyMasks(t.mix, md, mb, stems.drums, stems.bass, 2, cancel);
    stems.other = t.mix;
    for (std::size_t c = 0; c < t.mix.numChannels(); ++c) {
        for (std::size_t i = 0; i < t.mix.frames(); ++i) {
            stems.other.channels[c][i] -= stems.drums.channels[c][i] + stems.bass.channels[c][i];
        }
    }
    return stems;
}

} // namespace

int main(int argc, char** argv) {
    double minutes = 5.0;
    int tracks = 12;
    std::uint64_t seed_base = 91000;
    int threads = 2;
    int torch_threads = 1;
    bool run_dsp = true, run_oracle = false;
    std::string weights, train_out;
    models::SeparatorTrainingOptions train;
    train.threads = 2;
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
        } else if (flag == "--weights") {
            weights = value;
        } else if (flag == "--dsp") {
            run_dsp = std::atoi(value) != 0;
        } else if (flag == "--oracle") {
            run_oracle = std::atoi(value) != 0;
        } else if (flag == "--train") {
            train_out = value;
        } else if (flag == "--seed") {
            train.seed = std::strtoull(value, nullptr, 10);
        } else if (flag == "--train-tracks") {
            train.train_tracks = std::atoi(value);
        } else if (flag == "--validation-tracks") {
            train.validation_tracks = std::atoi(value);
        } else if (flag == "--train-minutes") {
            train.minutes = std::atof(value);
        } else if (flag == "--max-train-s") {
            train.max_training_seconds = std::atof(value);
        } else if (flag == "--max-epochs") {
            train.max_epochs = std::atoi(value);
        } else if (flag == "--steps-per-epoch") {
            train.steps_per_epoch = std::atoi(value);
        } else if (flag == "--batch-size") {
            train.batch_size = std::atoi(value);
        } else if (flag == "--learning-rate") {
            train.learning_rate = std::atof(value);
        } else if (flag == "--hidden") {
            train.net.hidden = std::atoi(value);
        } else if (flag == "--torch-threads") {
            torch_threads = std::atoi(value);
        } else if (flag == "--log") {
            configureLogging(value, "");
        } else if (flag == "--fft-size") {
            train.net.frontend.fft_size = std::atoi(value);
        } else if (flag == "--bands") {
            train.net.frontend.bands = std::atoi(value);
        } else if (flag == "--linear-bins") {
            train.net.frontend.linear_bins = std::atoi(value);
        } else if (flag == "--train-threads") {
            train.threads = std::atoi(value);
        } else {
            std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    if (!train_out.empty()) {
        train.output_path = train_out;
        std::printf("training: seed %llu, %d + %d tracks of %.2f min, cap %.0f s, %d threads\n",
                    static_cast<unsigned long long>(train.seed), train.train_tracks,
                    train.validation_tracks, train.minutes, train.max_training_seconds,
                    train.threads);
        std::fflush(stdout);
        auto report = models::trainSeparator(train);
        if (!report) {
            std::fprintf(stderr, "training failed: %s\n", report.status().message().c_str());
            return 1;
        }
        const auto& r = *report;
        std::printf("trained %s: %ld parameters, %d epochs (%ld steps, best %d%s), validation "
                    "loss %.5f -> %.5f; median SDR on %d held-out tracks: drums %.2f, bass "
                    "%.2f, other %.2f dB; %.1f min of audio; render %.1f s, train %.1f s, "
                    "score %.1f s\n",
                    r.separator_name.c_str(), r.parameters, r.epochs, r.steps, r.best_epoch,
                    r.stopped_on_time ? ", time cap" : (r.stopped_early ? ", early stop" : ""),
                    r.initial_validation_loss, r.validation_loss, r.validation_tracks,
                    r.validation_sdr_drums_db, r.validation_sdr_bass_db, r.validation_sdr_other_db,
                    r.train_minutes, r.render_seconds, r.training_seconds, r.scoring_seconds);
        if (weights.empty()) {
            weights = train_out;
        }
    }
    std::unique_ptr<models::LearnedSeparator> learned;
    if (!weights.empty()) {
        models::LearnedSeparatorOptions options;
        options.threads = threads;
        options.torch_threads = torch_threads;
        auto loaded = models::LearnedSeparator::load(weights, options);
        if (!loaded) {
            std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
            return 1;
        }
        learned = std::move(*loaded);
    }
    DspSeparatorParams dsp_params;
    dsp_params.threads = threads;
    const DspSeparator dsp(dsp_params);
    const models::SeparatorFrontend frontend(learned ? learned->config().frontend
                                                     : train.net.frontend);
    std::printf("%d tracks of %.2f min, seeds %llu.., %d threads; learned %s (%ld parameters)\n",
                tracks, minutes, static_cast<unsigned long long>(seed_base), threads,
                learned ? learned->name().c_str() : "-", learned ? learned->parameterCount() : 0L);
    std::printf("%-12s %6s | %-23s | %-23s | %-17s\n", "", "", "learned drums/bass/other",
                "dsp drums/bass/other", "oracle d/b/o");
    const TranceStyle styles[] = {TranceStyle::kUplifting, TranceStyle::kProgressive,
                                  TranceStyle::kTech, TranceStyle::kPsy};
    Scores learned_scores, dsp_scores, oracle_scores;
    for (int t = 0; t < tracks; ++t) {
        const TranceStyle style = styles[t % 4];
        const std::uint64_t seed = seed_base + static_cast<std::uint64_t>(t);
        auto track = renderTrack(randomParams(style, seed, minutes, {}));
        if (!track) {
            std::fprintf(stderr, "render failed: %s\n", track.status().message().c_str());
            return 1;
        }
        const double gain = std::pow(10.0, track->truth.master_gain_db / 20.0);
        scale(track->drums, gain);
        scale(track->bass, gain);
        scale(track->other, gain);
        const double track_minutes = track->mix.durationS() / 60.0;
        std::printf("%-12s %6llu |", std::string(styleName(style)).c_str(),
                    static_cast<unsigned long long>(seed));
        if (learned) {
            const auto t0 = Clock::now();
            auto stems = learned->separate(track->mix);
            const double s = seconds(t0);
            if (!stems) {
                std::fprintf(stderr, "learned: %s\n", stems.status().message().c_str());
                return 1;
            }
            learned_scores.add(*track, *stems, s, track_minutes);
            recycleStems(*stems);
            std::printf(" %6.2f %6.2f %6.2f %4.2fs |", learned_scores.drums.back(),
                        learned_scores.bass.back(), learned_scores.other.back(), s);
        } else {
            std::printf(" %23s |", "-");
        }
        if (run_dsp) {
            BeatGrid grid;
            {
                AnalysisContext ctx(track->mix, 1);
                RhythmFamily rhythm;
                TrackFeatures f;
                if (rhythm.configure().isOk() && rhythm.process(ctx, f).isOk()) {
                    grid = f.grid;
                }
            }
            SeparationHints hints;
            hints.grid = &grid;
            const auto t0 = Clock::now();
            auto stems = dsp.separate(track->mix, hints, {}, {});
            const double s = seconds(t0);
            if (!stems) {
                std::fprintf(stderr, "dsp: %s\n", stems.status().message().c_str());
                return 1;
            }
            dsp_scores.add(*track, *stems, s, track_minutes);
            recycleStems(*stems);
            std::printf(" %6.2f %6.2f %6.2f %4.2fs |", dsp_scores.drums.back(),
                        dsp_scores.bass.back(), dsp_scores.other.back(), s);
        } else {
            std::printf(" %23s |", "-");
        }
        if (run_oracle) {
            const Stems stems = oracle(frontend, *track);
            oracle_scores.add(*track, stems, 0, track_minutes);
            std::printf(" %5.2f %5.2f %5.2f", oracle_scores.drums.back(), oracle_scores.bass.back(),
                        oracle_scores.other.back());
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    auto summary = [](const char* name, const Scores& s) {
        if (s.drums.empty()) {
            return;
        }
        std::printf("%-8s median SDR drums %6.2f dB, bass %6.2f dB, other %6.2f dB; "
                    "%.2f s per 5-min track (median)\n",
                    name, median(s.drums), median(s.bass), median(s.other),
                    median(s.seconds_per_5min));
    };
    std::printf("\n");
    summary("learned", learned_scores);
    summary("dsp", dsp_scores);
    summary("oracle", oracle_scores);
    const double best_drums =
        std::max(learned_scores.drums.empty() ? -1e9 : median(learned_scores.drums),
                 dsp_scores.drums.empty() ? -1e9 : median(dsp_scores.drums));
    const double best_bass =
        std::max(learned_scores.bass.empty() ? -1e9 : median(learned_scores.bass),
                 dsp_scores.bass.empty() ? -1e9 : median(dsp_scores.bass));
    std::printf("targets (better of the two): drums %.2f dB (%s 8), bass %.2f dB (%s 8)\n",
                best_drums, best_drums >= kTargetSdrDb ? ">=" : "<", best_bass,
                best_bass >= kTargetSdrDb ? ">=" : "<");
    return 0;
}
