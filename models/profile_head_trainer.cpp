#include "models/profile_head_trainer.hpp"

#include <algorithm>

namespace styledna::models {
namespace {
// The append fine-tune (see the header): one epoch of kAppendStepsPerClass steps
// per appended class (at least one class's worth, at most a full epoch).
constexpr int kAppendStepsPerClass = 25;
} // namespace

profile::HeadTrainer makeProfileHeadTrainer(const HeadTrainingParams& params) {
    return [params](profile::TrainingSet set, const core::CancellationToken& cancel,
                    const core::ProgressFn& progress) -> core::Result<profile::TrainedHead> {
        HeadTrainingData data;
        data.dim = set.dim;
        data.x = std::move(set.x);
        data.x_augmented = std::move(set.x_augmented);
        data.class_id = std::move(set.class_id);
        data.track_index = std::move(set.track_index);
        data.seed = set.seed;
        data.initial = std::move(set.initial_head);
        HeadTrainingParams run = params;
        if (!data.initial.empty()) {
            // Append: fine-tune the existing head briefly instead of retraining.
            const int appended = std::max<int>(1, static_cast<int>(set.appended_classes.size()));
            run.max_epochs = 1;
            run.steps_per_epoch = std::min(run.steps_per_epoch, kAppendStepsPerClass * appended);
            run.validation_fraction = 0.0;
            run.hidden_dim = data.initial.hidden_dim;
            run.output_dim = data.initial.output_dim;
            data.focus_classes = set.appended_classes;
        }
        HeadTrainingReport report;
        auto weights = trainProjectionHead(data, run, &report, cancel, progress);
        if (!weights) {
            return weights.status();
        }
        profile::TrainedHead head;
        head.weights = std::move(*weights);
        head.info.epochs = report.epochs;
        head.info.best_epoch = report.best_epoch;
        head.info.train_loss = report.train_loss;
        head.info.validation_loss = report.validation_loss;
        head.info.validation_precision = report.validation_precision;
        head.info.seconds = report.seconds;
        head.info.parameters = report.parameters;
        return head;
    };
}

} // namespace styledna::models
