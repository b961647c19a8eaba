#include "core/features/extractor.hpp"

#include <future>

#include "core/features/registry.hpp"

namespace styledna::core {
namespace {

Status runFamily(FeatureFamily& family, const AnalysisContext& ctx, TrackFeatures& out) {
    if (ctx.cancel().isCancelled()) {
        return cancelledError("analysis cancelled");
    }
    auto s = family.process(ctx, out);
    if (!s.isOk()) {
        return Status(s.code(), std::string(family.name()) + " features: " + s.message());
    }
    return s;
}

} // namespace

Result<TrackFeatures> extractFeatures(const AudioBuffer& audio, const ExtractOptions& options,
                                      const CancellationToken& cancel, const ProgressFn& progress) {
    if (audio.numChannels() == 0 || audio.numChannels() > 2) {
        return invalidArgument("feature extraction needs mono or stereo audio");
    }
    auto families = makeDefaultFamilies();
    for (auto& f : families) {
        if (auto s = f->configure(); !s.isOk()) {
            return s;
        }
    }
    AnalysisContext ctx(audio, std::max(1, options.threads), cancel);
    TrackFeatures out;

    // The first family (loudness) is independent of the rest: overlap it.
    std::future<Status> side_job;
    TrackFeatures side_out;
    std::size_t first = 0;
    if (options.threads >= 2 && !families.empty() && families[0]->name() == "loudness") {
        side_job =
            std::async(std::launch::async, [&] { return runFamily(*families[0], ctx, side_out); });
        first = 1;
    }
    Status status = Status::ok();
    for (std::size_t i = first; i < families.size() && status.isOk(); ++i) {
        status = runFamily(*families[i], ctx, out);
        reportProgress(progress, 0.9 * static_cast<double>(i + 1) / families.size(),
                       families[i]->name());
    }
    if (side_job.valid()) {
        Status side = side_job.get();
        if (status.isOk()) {
            status = side;
        }
        out.values.insert(side_out.values.begin(), side_out.values.end());
        out.labels.insert(side_out.labels.begin(), side_out.labels.end());
        out.series.insert(side_out.series.begin(), side_out.series.end());
    }
    if (!status.isOk()) {
        return status;
    }
    for (auto& section : out.sections) {
        for (auto& family : families) {
            if (cancel.isCancelled()) {
                return cancelledError("analysis cancelled");
            }
            if (auto s =
                    family->processSection(ctx, section.start_s, section.end_s, section.values);
                !s.isOk()) {
                return s;
            }
        }
    }
    reportProgress(progress, 1.0, "features");
    return out;
}

} // namespace styledna::core
