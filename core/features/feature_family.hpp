#pragma once
// FeatureFamily: one family of related features (rhythm, tonal, loudness,
// spectral, stereo, trance), self-describing like an Essentia algorithm.
//
// Lifecycle: constructed with typed Params (defaults sane), configure() validates
// them once; process() may then be called any number of times, from one thread
// at a time per instance. process() reads the shared AnalysisContext and writes
// its values/labels/series into `out`; it may read what earlier families wrote
// (the extractor runs families in dependency order: loudness, spectral, stereo,
// rhythm, tonal, trance/sections last, which reads out.grid).
// processSection() computes the per_section features over [start_s, end_s).
// Errors: return a Status; never throw. Honour ctx.cancel() in long loops.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "core/features/analysis_context.hpp"
#include "core/features/feature_info.hpp"
#include "core/features/track_features.hpp"

namespace styledna::core {

class FeatureFamily {
public:
    virtual ~FeatureFamily() = default;
    virtual std::string_view name() const = 0;
    virtual const std::vector<FeatureInfo>& describe() const = 0;
    virtual Status configure() { return Status::ok(); }
    virtual Status process(const AnalysisContext& ctx, TrackFeatures& out) = 0;
    virtual Status processSection(const AnalysisContext& /*ctx*/, double /*start_s*/,
                                  double /*end_s*/, std::map<std::string, double>& /*out*/) {
        return Status::ok();
    }
};

} // namespace styledna::core
