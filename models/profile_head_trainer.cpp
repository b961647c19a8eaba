#include "models/profile_head_trainer.hpp"

namespace styledna::models {

profile::HeadTrainer makeProfileHeadTrainer(const HeadTrainingParams& params) {
    return [params](const profile::TrainingSet& set, const core::CancellationToken& cancel,
                    const core::ProgressFn& progress) -> core::Result<profile::TrainedHead> {
        HeadTrainingData data;
        data.dim = set.dim;
        data.x = set.x;
        data.x_augmented = set.x_augmented;
        data.class_id = set.class_id;
        data.track_index = set.track_index;
        data.seed = set.seed;
        HeadTrainingReport report;
        auto weights = trainProjectionHead(data, params, &report, cancel, progress);
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
