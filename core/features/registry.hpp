#pragma once
// The feature registry: every feature family in dependency order, and the flat
// list of every feature they declare. `styledna features`, the docs and the
// gap analyzer read featureCatalog(); the extractor runs makeDefaultFamilies().

#include <memory>
#include <vector>

#include "core/features/feature_family.hpp"

namespace styledna::core {

// In run order: loudness, spectral, stereo, rhythm, tonal, trance.
std::vector<std::unique_ptr<FeatureFamily>> makeDefaultFamilies();

// Every feature of every default family (including format/level facts).
const std::vector<FeatureInfo>& featureCatalog();

} // namespace styledna::core
