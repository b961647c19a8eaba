#include "server/separator_factory.hpp"

#include <filesystem>
#include <map>
#include <mutex>

#include "core/common/logging.hpp"

#ifdef STYLEDNA_HAVE_TORCH
#include "models/separator_learned.hpp"
#include "models/separator_trainer.hpp"
#endif

namespace styledna::server {
namespace {

core::Result<std::shared_ptr<const core::stems::Separator>>
makeLearned(const SeparatorConfig& config) {
#ifdef STYLEDNA_HAVE_TORCH
    if (config.learned_weights_path.empty()) {
        return core::failedPrecondition(
            "no weights for the learned separator (stylednad --separator-weights PATH)");
    }
    auto loaded = models::LearnedSeparator::load(config.learned_weights_path);
    if (!loaded) {
        return core::Status(loaded.status().code(),
                            "learned separator: " + loaded.status().message());
    }
    return std::shared_ptr<const core::stems::Separator>(std::move(loaded).value());
#else
    (void)config;
    return core::failedPrecondition(
        "the learned separator needs a build with LibTorch (-DSTYLEDNA_WITH_TORCH=ON); use dsp");
#endif
}

} // namespace

std::string defaultSeparatorWeightsPath() {
#ifdef STYLEDNA_SEPARATOR_WEIGHTS
    return STYLEDNA_SEPARATOR_WEIGHTS;
#else
    return "";
#endif
}

SeparatorFactory makeSeparatorFactory(const SeparatorConfig& config) {
    // Separators are immutable and reentrant: one instance per choice is shared.
    struct Cache {
        std::mutex mutex;
        std::map<std::string, std::shared_ptr<const core::stems::Separator>> made;
    };
    auto cache = std::make_shared<Cache>();
    return [config, cache](const std::string& requested)
               -> core::Result<std::shared_ptr<const core::stems::Separator>> {
        std::string choice = requested.empty() ? config.default_choice : requested;
        std::lock_guard lock(cache->mutex);
        if (auto it = cache->made.find(choice); it != cache->made.end()) {
            return it->second;
        }
        std::shared_ptr<const core::stems::Separator> made;
        if (choice == "learned" || choice == "auto") {
            auto learned = makeLearned(config);
            if (learned) {
                made = std::move(learned).value();
            } else if (choice == "learned") {
                return learned.status();
            } else {
                core::logger("stems")->info("separator: {}; using dsp", learned.status().message());
            }
        }
        if (!made) {
            auto dsp = core::stems::makeSeparator(choice == "auto" ? "dsp" : choice);
            if (!dsp) {
                return dsp.status();
            }
            made = std::move(dsp).value();
        }
        cache->made[choice] = made;
        return made;
    };
}

core::Result<SeparatorTrainingOutcome>
trainSeparatorWeights(const SeparatorTrainingRequest& request,
                      const core::CancellationToken& cancel, const core::ProgressFn& progress) {
#ifdef STYLEDNA_HAVE_TORCH
    if (request.out_path.empty()) {
        return core::invalidArgument("separator training needs an output path for the weights");
    }
    std::error_code ec;
    const auto parent = std::filesystem::path(request.out_path).parent_path();
    if (!parent.empty()) {
        std::filesystem::create_directories(parent, ec);
        if (ec) {
            return core::invalidArgument(request.out_path + ": cannot create its folder (" +
                                         ec.message() + ")");
        }
    }
    models::SeparatorTrainingOptions options;
    options.output_path = request.out_path;
    options.seed = request.seed;
    options.train_tracks = request.train_tracks;
    options.validation_tracks = request.validation_tracks;
    options.minutes = request.minutes;
    options.max_training_seconds = request.max_training_s;
    options.threads = 1; // LibTorch threads are process-wide; analyses use 1 as well
    if (auto st = models::validateTrainingOptions(options); !st.isOk()) {
        return st;
    }
    auto report = models::trainSeparator(options, cancel, progress);
    if (!report) {
        return report.status();
    }
    SeparatorTrainingOutcome out;
    out.weights_path = request.out_path;
    out.separator = report->separator_name;
    out.epochs = report->epochs;
    out.best_epoch = report->best_epoch;
    out.train_tracks = report->train_tracks;
    out.validation_tracks = report->validation_tracks;
    out.initial_validation_loss = report->initial_validation_loss;
    out.validation_loss = report->validation_loss;
    out.sdr_drums_db = report->validation_sdr_drums_db;
    out.sdr_bass_db = report->validation_sdr_bass_db;
    out.sdr_other_db = report->validation_sdr_other_db;
    out.parameters = report->parameters;
    out.seconds = report->seconds;
    out.stopped_early = report->stopped_early;
    out.stopped_on_time = report->stopped_on_time;
    return out;
#else
    (void)request;
    (void)cancel;
    (void)progress;
    return core::failedPrecondition(
        "training the learned separator needs a build with LibTorch (-DSTYLEDNA_WITH_TORCH=ON)");
#endif
}

} // namespace styledna::server
