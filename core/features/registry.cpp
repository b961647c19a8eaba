#include "core/features/registry.hpp"

namespace styledna::core {

std::vector<std::unique_ptr<FeatureFamily>> makeDefaultFamilies() {
    std::vector<std::unique_ptr<FeatureFamily>> families;
    return families;
}

const std::vector<FeatureInfo>& featureCatalog() {
    static const std::vector<FeatureInfo> catalog = [] {
        std::vector<FeatureInfo> all{
            {"duration_s", "s", "format", "Length of the decoded audio.", "Arrangement length.",
             FeatureKind::kScalar, false},
            {"peak_dbfs", "dBFS", "format", "Sample peak of the decoded audio, all channels.",
             "Master limiter ceiling / master gain.", FeatureKind::kScalar, false},
            {"rms_dbfs", "dBFS", "format", "RMS level over all channels and frames.",
             "Master gain, limiter drive.", FeatureKind::kScalar, false},
        };
        for (const auto& family : makeDefaultFamilies()) {
            const auto& infos = family->describe();
            all.insert(all.end(), infos.begin(), infos.end());
        }
        return all;
    }();
    return catalog;
}

} // namespace styledna::core
