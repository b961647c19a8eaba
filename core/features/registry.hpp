#pragma once
// The feature registry: every feature family in dependency order, and the flat
// list of every feature they declare. `styledna features`, the docs and the
// gap analyzer read featureCatalog(); the extractor runs makeDefaultFamilies().

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/features/feature_family.hpp"

namespace styledna::core {

// In run order: loudness, spectral, stereo, rhythm, tonal, trance.
std::vector<std::unique_ptr<FeatureFamily>> makeDefaultFamilies();

// Names of the families whose output `family` reads (their values, grid or
// sections); the extractor runs a family only after these. Declared here, once.
const std::vector<std::string>& familyDependencies(std::string_view family);

// Every feature of every default family (including format/level facts).
const std::vector<FeatureInfo>& featureCatalog();

} // namespace styledna::core
