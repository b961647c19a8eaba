#pragma once
// The issue 13 acceptance check (see gap_quality_run.cpp): Catch2 assertions
// inside, so call it from a TEST_CASE. separator: the stems' separator when
// with_stems (nullptr: the DSP one).

#include <memory>

#include "core/stems/separator.hpp"

namespace styledna::test {

void checkGapQuality(const std::shared_ptr<const core::stems::Separator>& separator,
                     bool with_stems);

} // namespace styledna::test
