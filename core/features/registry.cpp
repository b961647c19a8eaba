#include "core/features/registry.hpp"

#include "core/features/loudness_features.hpp"
#include "core/features/rhythm_features.hpp"
#include "core/features/spectral_features.hpp"
#include "core/features/stereo_features.hpp"
#include "core/features/tonal_features.hpp"
#include "core/features/trance_features.hpp"

namespace styledna::core {

std::vector<std::unique_ptr<FeatureFamily>> makeDefaultFamilies() {
    std::vector<std::unique_ptr<FeatureFamily>> families;
    families.push_back(makeLoudnessFamily());
    families.push_back(makeSpectralFamily());
    families.push_back(makeStereoFamily());
    families.push_back(makeRhythmFamily());
    families.push_back(makeTonalFamily());  // reads the downbeats rhythm wrote
    families.push_back(makeTranceFamily()); // reads the grid; writes the sections
    return families;
}

const std::vector<std::string>& familyDependencies(std::string_view family) {
    static const std::vector<std::string> kNone;
    static const std::vector<std::string> kGrid{"rhythm"}; // downbeats, beat grid
    return (family == "tonal" || family == "trance") ? kGrid : kNone;
}

const std::vector<FeatureInfo>& featureCatalog() {
    static const std::vector<FeatureInfo> catalog = [] {
        std::vector<FeatureInfo> all{
            {"duration_s", "s", "format", "Length of the decoded audio.", "Arrangement length.",
             FeatureKind::kScalar, false},
            {"peak_dbfs", "dBFS", "format", "Sample peak of the decoded audio, all channels.",
             "Master limiter ceiling / master gain.", FeatureKind::kScalar, false},
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
