#include "models/separator_trainer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <mutex>
#include <random>
#include <thread>

#include <ATen/CPUGeneratorImpl.h>

#include "core/audio/synth/trance_synth.hpp"
#include "core/common/logging.hpp"
#include "core/stems/sdr.hpp"
#include "models/separator_learned.hpp"
#include "models/separator_net_torch.hpp"
#include "models/torch_threads_guard.hpp"

namespace styledna::models {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kRenderStage = "rendering training tracks";
constexpr std::string_view kTrainStage = "training separator";
constexpr std::string_view kScoreStage = "scoring separator";
constexpr double kRenderShare = 0.15;
constexpr double kScoreShare = 0.05;
constexpr std::uint64_t kMinTrackSeed = std::uint64_t{1} << 20;
constexpr double kMagnitudeEps = 1e-12;

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Portable (std::uniform_int_distribution is not): the top 53 bits scaled to [0, n).
std::size_t uniformIndex(std::mt19937_64& rng, std::size_t n) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    return std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)));
}

double uniform01(std::mt19937_64& rng) {
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

double seconds(Clock::time_point a) {
    return std::chrono::duration<double>(Clock::now() - a).count();
}

double median(std::vector<double> v) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

// What track i of the training set is: style, seed, variety, flaws.
core::SynthParams trackParams(const SeparatorTrainingOptions& o, int i) {
    constexpr core::TranceStyle kStyles[] = {core::TranceStyle::kUplifting,
                                             core::TranceStyle::kProgressive,
                                             core::TranceStyle::kTech, core::TranceStyle::kPsy};
    constexpr core::SynthVariety kVarieties[] = {core::SynthVariety::kWideSidechain,
                                                 core::SynthVariety::kWideAcid,
                                                 core::SynthVariety::kWideTempo};
    constexpr core::SynthFlaw kFlaws[] = {
        core::SynthFlaw::kMuddyBass,     core::SynthFlaw::kWideLowEnd,
        core::SynthFlaw::kWeakSidechain, core::SynthFlaw::kNarrowSupersaw,
        core::SynthFlaw::kQuietMaster,   core::SynthFlaw::kHarshHighs,
        core::SynthFlaw::kShortBreakdown};
    std::uint64_t seed = splitmix64(o.seed + static_cast<std::uint64_t>(i) * 0x632be59bd9b4e019ULL);
    if (seed < kMinTrackSeed) {
        seed += kMinTrackSeed;
    }
    std::mt19937_64 rng(seed);
    core::SynthVariety variety = core::SynthVariety::kStyle;
    if (uniform01(rng) < o.variety_probability) {
        variety = kVarieties[uniformIndex(rng, std::size(kVarieties))];
    }
    std::vector<core::SynthFlaw> flaws;
    if (uniform01(rng) < o.flaw_probability) {
        flaws.push_back(kFlaws[uniformIndex(rng, std::size(kFlaws))]);
    }
    return core::randomParams(kStyles[i % 4], seed, o.minutes, flaws, variety);
}

// One rendered track, as the loss sees it.
struct TrackData {
    torch::Tensor features; // [2 bands, frames + 2 R], padded with kFeaturePad
    torch::Tensor mix;      // [1, bands, frames], normalised band magnitudes
    torch::Tensor truth;    // [3, bands, frames], same scale
    std::int64_t frames = 0;
    double minutes = 0;
};

void scale(core::AudioBuffer& b, float gain) {
    for (auto& ch : b.channels) {
        for (float& s : ch) {
            s *= gain;
        }
    }
}

core::Result<TrackData> prepareTrack(const SeparatorFrontend& frontend, int radius,
                                     const core::SynthParams& params,
                                     const core::CancellationToken& cancel) {
    auto track = core::renderTrack(params, &cancel);
    if (!track) {
        return track.status();
    }
    const auto gain = static_cast<float>(std::pow(10.0, track->truth.master_gain_db / 20.0));
    auto features = frontend.features(track->mix, 1, cancel);
    if (!features) {
        return features.status();
    }
    const auto frames = static_cast<std::int64_t>(frontend.frames(track->mix.frames()));
    const std::int64_t bands = frontend.config().bands;
    TrackData data;
    data.frames = frames;
    data.minutes = track->mix.durationS() / 60.0;
    data.features = torch::full({2 * bands, frames + 2 * radius}, kFeaturePad, torch::kFloat32);
    data.features.narrow(1, radius, frames)
        .copy_(torch::from_blob(features->data(), {2 * bands, frames}, torch::kFloat32));
    auto mix = frontend.bandMagnitudes(track->mix, 1, cancel);
    if (!mix) {
        return mix.status();
    }
    data.mix = torch::from_blob(mix->data(), {1, bands, frames}, torch::kFloat32).clone();
    data.truth = torch::empty({kSeparatorStems, bands, frames}, torch::kFloat32);
    core::AudioBuffer* stems[] = {&track->drums, &track->bass, &track->other};
    for (int s = 0; s < kSeparatorStems; ++s) {
        scale(*stems[s], gain);
        auto m = frontend.bandMagnitudes(*stems[s], 1, cancel);
        if (!m) {
            return m.status();
        }
        data.truth[s].copy_(torch::from_blob(m->data(), {bands, frames}, torch::kFloat32));
    }
    const double norm = data.mix.mean().item<double>() + kMagnitudeEps;
    data.mix /= norm;
    data.truth /= norm;
    return data;
}

// Renders tracks [first, last) on `threads` workers; out[i - first] is track i.
core::Status renderTracks(const SeparatorTrainingOptions& o, const SeparatorFrontend& frontend,
                          int first, int last, std::vector<TrackData>& out,
                          const core::CancellationToken& cancel, const core::ProgressFn& progress) {
    const int count = last - first;
    out.assign(static_cast<std::size_t>(count), {});
    std::atomic<int> next{0};
    std::atomic<int> done{0};
    std::mutex status_mutex;
    core::Status status;
    const int radius = o.net.receptiveRadius();
    auto work = [&] {
        for (int k = next++; k < count; k = next++) {
            if (cancel.isCancelled()) {
                return;
            }
            auto data = prepareTrack(frontend, radius, trackParams(o, first + k), cancel);
            if (!data) {
                std::lock_guard lock(status_mutex);
                if (status.isOk()) {
                    status = data.status();
                }
                return;
            }
            out[static_cast<std::size_t>(k)] = std::move(*data);
            const int finished = ++done;
            if (progress) {
                std::lock_guard lock(status_mutex);
                progress(static_cast<double>(finished) / count, kRenderStage);
            }
        }
    };
    std::vector<std::thread> pool;
    for (int w = 1; w < o.threads; ++w) {
        pool.emplace_back(work);
    }
    work();
    for (auto& t : pool) {
        t.join();
    }
    if (cancel.isCancelled()) {
        return core::cancelledError("separator training cancelled");
    }
    return status;
}

torch::Tensor maskedLoss(const torch::Tensor& masks, const torch::Tensor& mix,
                         const torch::Tensor& truth) {
    return (masks * mix - truth).abs().mean();
}

double validationLoss(const detail::SeparatorNetTensors& net, const SeparatorNetConfig& config,
                      const std::vector<TrackData>& tracks) {
    torch::NoGradGuard no_grad;
    double sum = 0;
    for (const auto& t : tracks) {
        const auto masks = detail::separatorMasks(net, config, t.features.unsqueeze(0));
        sum += maskedLoss(masks, t.mix.unsqueeze(0), t.truth.unsqueeze(0)).item<double>();
    }
    return tracks.empty() ? 0.0 : sum / static_cast<double>(tracks.size());
}

struct Batch {
    torch::Tensor x, mix, truth;
};

Batch drawBatch(const std::vector<TrackData>& tracks, int batch_size, int chunk, int radius,
                std::mt19937_64& rng) {
    std::vector<torch::Tensor> x, mix, truth;
    for (int b = 0; b < batch_size; ++b) {
        const auto& t = tracks[uniformIndex(rng, tracks.size())];
        const std::int64_t length = std::min<std::int64_t>(chunk, t.frames);
        const auto start = static_cast<std::int64_t>(
            uniformIndex(rng, static_cast<std::size_t>(t.frames - length + 1)));
        x.push_back(t.features.narrow(1, start, length + 2 * radius));
        mix.push_back(t.mix.narrow(2, start, length));
        truth.push_back(t.truth.narrow(2, start, length));
    }
    return {torch::stack(x), torch::stack(mix), torch::stack(truth)};
}

void setLearningRate(torch::optim::AdamW& optimizer, double lr) {
    for (auto& group : optimizer.param_groups()) {
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    }
}

std::string trainingNote(const SeparatorTrainingOptions& o, const SeparatorTrainingReport& r) {
    char note[512];
    std::snprintf(note, sizeof(note),
                  "trainSeparator seed=%llu train_tracks=%d validation_tracks=%d minutes=%.3g "
                  "flaw_probability=%.3g variety_probability=%.3g chunk_frames=%d batch_size=%d "
                  "learning_rate=%.3g epochs=%d best_epoch=%d steps=%ld validation_loss=%.5f",
                  static_cast<unsigned long long>(o.seed), o.train_tracks, o.validation_tracks,
                  o.minutes, o.flaw_probability, o.variety_probability, o.chunk_frames,
                  o.batch_size, o.learning_rate, r.epochs, r.best_epoch, r.steps,
                  r.validation_loss);
    return note;
}

core::Status scoreSeparator(const SeparatorTrainingOptions& o, const NamedTensorArchive& archive,
                            SeparatorTrainingReport& r, const core::CancellationToken& cancel,
                            const core::ProgressFn& progress) {
    LearnedSeparatorOptions separator_options;
    separator_options.threads = o.threads;
    separator_options.torch_threads = 0; // keep the training's count
    auto separator = LearnedSeparator::fromArchive(archive, "trained weights", separator_options);
    if (!separator) {
        return separator.status();
    }
    r.separator_name = (*separator)->name();
    std::vector<double> drums, bass, other;
    for (int v = 0; v < o.validation_tracks; ++v) {
        auto track = core::renderTrack(trackParams(o, o.train_tracks + v), &cancel);
        if (!track) {
            return track.status();
        }
        auto stems = (*separator)->separate(track->mix, cancel);
        if (!stems) {
            return stems.status();
        }
        const auto gain = static_cast<float>(std::pow(10.0, track->truth.master_gain_db / 20.0));
        scale(track->drums, gain);
        scale(track->bass, gain);
        scale(track->other, gain);
        drums.push_back(core::stems::sdrDb(track->drums, stems->drums));
        bass.push_back(core::stems::sdrDb(track->bass, stems->bass));
        other.push_back(core::stems::sdrDb(track->other, stems->other));
        core::reportProgress(progress, static_cast<double>(v + 1) / o.validation_tracks,
                             kScoreStage);
    }
    r.validation_sdr_drums_db = median(drums);
    r.validation_sdr_bass_db = median(bass);
    r.validation_sdr_other_db = median(other);
    return core::Status::ok();
}

core::ProgressFn subRange(const core::ProgressFn& progress, double a, double b) {
    if (!progress) {
        return {};
    }
    return [progress, a, b](double f, std::string_view stage) { progress(a + f * (b - a), stage); };
}

core::Status train(const SeparatorTrainingOptions& o, SeparatorTrainingReport& r,
                   const core::CancellationToken& cancel, const core::ProgressFn& progress) {
    const auto log = core::logger("models");
    const SeparatorNetConfig& config = o.net;
    const SeparatorFrontend frontend(config.frontend);
    const int radius = config.receptiveRadius();

    const auto render_start = Clock::now();
    std::vector<TrackData> training, validation;
    const auto render_progress = subRange(progress, 0.0, kRenderShare);
    if (auto s = renderTracks(o, frontend, 0, o.train_tracks, training, cancel,
                              subRange(render_progress, 0.0, 0.85));
        !s.isOk()) {
        return s;
    }
    if (auto s = renderTracks(o, frontend, o.train_tracks, o.train_tracks + o.validation_tracks,
                              validation, cancel, subRange(render_progress, 0.85, 1.0));
        !s.isOk()) {
        return s;
    }
    r.render_seconds = seconds(render_start);
    r.train_tracks = o.train_tracks;
    r.validation_tracks = o.validation_tracks;
    for (const auto& t : training) {
        r.train_minutes += t.minutes;
    }

    const auto train_start = Clock::now();
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(o.seed);
    detail::SeparatorNetTensors net = detail::initSeparatorNet(config, gen);
    r.parameters = config.parameterCount();
    torch::optim::AdamW optimizer(
        net.parameters(), torch::optim::AdamWOptions(o.learning_rate).weight_decay(o.weight_decay));
    std::mt19937_64 rng(o.seed);
    double lr = o.learning_rate;

    r.initial_validation_loss = validationLoss(net, config, validation);
    detail::SeparatorNetTensors best = net.clone();
    double best_loss = r.initial_validation_loss;
    r.validation_loss = best_loss;
    int without_improvement = 0;
    const auto train_progress = subRange(progress, kRenderShare, 1.0 - kScoreShare);
    for (int epoch = 1; epoch <= o.max_epochs; ++epoch) {
        double loss_sum = 0;
        for (int step = 0; step < o.steps_per_epoch; ++step) {
            if (cancel.isCancelled()) {
                return core::cancelledError("separator training cancelled");
            }
            const Batch batch = drawBatch(training, o.batch_size, o.chunk_frames, radius, rng);
            const auto loss =
                maskedLoss(detail::separatorMasks(net, config, batch.x), batch.mix, batch.truth);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            const double step_loss = loss.item<double>();
            loss_sum += step_loss;
            ++r.steps;
            if (r.steps % 25 == 0) {
                log->debug("separator training: step {} loss {:.5f}", r.steps, step_loss);
            }
        }
        r.epochs = epoch;
        const double train_loss = loss_sum / o.steps_per_epoch;
        const double validation_loss = validationLoss(net, config, validation);
        log->info("separator training: epoch {} train loss {:.5f} validation loss {:.5f} "
                  "lr {:.2g} ({:.0f} s)",
                  epoch, train_loss, validation_loss, lr, seconds(train_start));
        if (validation_loss < best_loss || r.best_epoch == 0) {
            best.copyFrom(net);
            best_loss = validation_loss;
            r.best_epoch = epoch;
            r.train_loss = train_loss;
            r.validation_loss = validation_loss;
            without_improvement = 0;
        } else {
            lr *= 0.5;
            setLearningRate(optimizer, lr);
            if (++without_improvement >= o.patience) {
                r.stopped_early = epoch < o.max_epochs;
                break;
            }
        }
        core::reportProgress(train_progress, static_cast<double>(epoch) / o.max_epochs,
                             kTrainStage);
        if (o.max_training_seconds > 0 && seconds(train_start) >= o.max_training_seconds) {
            r.stopped_on_time = epoch < o.max_epochs;
            break;
        }
    }
    r.training_seconds = seconds(train_start);

    const NamedTensorArchive archive = detail::separatorArchive(best, config, trainingNote(o, r));
    const auto score_start = Clock::now();
    if (auto s = scoreSeparator(o, archive, r, cancel, subRange(progress, 1.0 - kScoreShare, 1.0));
        !s.isOk()) {
        return s;
    }
    r.scoring_seconds = seconds(score_start);
    if (!o.output_path.empty()) {
        // Written beside the target and renamed, so a crash never leaves a half file
        // where a separator would load it.
        const std::string partial = o.output_path + ".partial";
        if (auto s = writeNamedTensorArchive(partial, archive); !s.isOk()) {
            std::error_code ignored;
            std::filesystem::remove(partial, ignored);
            return s;
        }
        std::error_code ec;
        std::filesystem::rename(partial, o.output_path, ec);
        if (ec) {
            return core::internalError(o.output_path + ": cannot write the weights (" +
                                       ec.message() + ")");
        }
    }
    return core::Status::ok();
}

} // namespace

core::Status validateTrainingOptions(const SeparatorTrainingOptions& o) {
    if (auto s = validateNetConfig(o.net); !s.isOk()) {
        return s;
    }
    auto bad = [](std::string m) { return core::invalidArgument("separator training: " + m); };
    if (o.train_tracks < 1 || o.validation_tracks < 1) {
        return bad("train_tracks and validation_tracks must be >= 1");
    }
    if (!(o.minutes >= 0.25 && o.minutes <= 20)) {
        return bad("minutes must be in 0.25..20");
    }
    if (!(o.flaw_probability >= 0 && o.flaw_probability <= 1) ||
        !(o.variety_probability >= 0 && o.variety_probability <= 1)) {
        return bad("flaw_probability and variety_probability must be in [0, 1]");
    }
    if (o.chunk_frames < 1 || o.batch_size < 1) {
        return bad("chunk_frames and batch_size must be >= 1");
    }
    if (!(o.learning_rate > 0) || !(o.weight_decay >= 0)) {
        return bad("learning_rate must be positive and weight_decay >= 0");
    }
    if (o.max_epochs < 1 || o.steps_per_epoch < 1 || o.patience < 1) {
        return bad("max_epochs, steps_per_epoch and patience must be >= 1");
    }
    if (!(o.max_training_seconds >= 0) || o.threads < 1 || o.threads > 64) {
        return bad("max_training_seconds must be >= 0 and threads in 1..64");
    }
    return core::Status::ok();
}

core::Result<SeparatorTrainingReport> trainSeparator(const SeparatorTrainingOptions& options,
                                                     const core::CancellationToken& cancel,
                                                     const core::ProgressFn& progress) {
    const auto start = Clock::now();
    if (auto s = validateTrainingOptions(options); !s.isOk()) {
        return s;
    }
    SeparatorTrainingReport report;
    core::Status status;
    try {
        TorchThreadsGuard threads(options.threads);
        status = train(options, report, cancel, progress);
    } catch (const c10::Error& e) {
        status =
            core::internalError(std::string("separator training: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        status = core::internalError(std::string("separator training: ") + e.what());
    }
    if (!status.isOk()) {
        return status;
    }
    report.seconds = seconds(start);
    core::logger("models")->info(
        "separator training: {} epochs ({} steps), best {} (validation loss {:.5f} from {:.5f}), "
        "median SDR drums {:.2f} bass {:.2f} other {:.2f} dB, {} parameters, {:.1f} s",
        report.epochs, report.steps, report.best_epoch, report.validation_loss,
        report.initial_validation_loss, report.validation_sdr_drums_db,
        report.validation_sdr_bass_db, report.validation_sdr_other_db, report.parameters,
        report.seconds);
    return report;
}

} // namespace styledna::models
