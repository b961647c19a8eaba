#pragma once
// Runs one feature family over a buffer the way the extractor does
// (configure, process, then processSection per requested range).

#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "core/features/analysis_context.hpp"
#include "core/features/feature_family.hpp"

namespace styledna::test {

inline core::TrackFeatures runFamily(core::FeatureFamily& family, const core::AudioBuffer& audio) {
    REQUIRE(family.configure().isOk());
    core::AnalysisContext ctx(audio);
    core::TrackFeatures out;
    const auto status = family.process(ctx, out);
    INFO(status.toString());
    REQUIRE(status.isOk());
    return out;
}

// Whole track in `track`, then one map per [start, end) section.
inline std::vector<std::map<std::string, double>>
runSections(core::FeatureFamily& family, const core::AudioBuffer& audio,
            const std::vector<std::pair<double, double>>& ranges, core::TrackFeatures& track) {
    REQUIRE(family.configure().isOk());
    core::AnalysisContext ctx(audio);
    REQUIRE(family.process(ctx, track).isOk());
    std::vector<std::map<std::string, double>> out;
    for (const auto& [a, b] : ranges) {
        std::map<std::string, double> values;
        REQUIRE(family.processSection(ctx, a, b, values).isOk());
        out.push_back(std::move(values));
    }
    return out;
}

// Every value finite (no NaN / inf leaks out of a family).
inline void requireFinite(const std::map<std::string, double>& values) {
    for (const auto& [name, v] : values) {
        INFO(name << " = " << v);
        REQUIRE(std::isfinite(v));
    }
}

} // namespace styledna::test
