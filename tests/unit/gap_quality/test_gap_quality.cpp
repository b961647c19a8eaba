// Issue 13 acceptance: gap analysis finds each synthesizer flaw among the top 3
// gaps and spares clean WIPs (gap_quality_run.cpp says how). Mix and sections
// only; STYLEDNA_GAP_STEMS=1 adds DSP-separated stems. Asserted on the test
// draw; STYLEDNA_GAP_DRAW=tuning or confirm runs another draw (manual: the
// confirm draw reaches 28/28 but clean 10/12 mix-only and 25/28 with DSP
// stems, see test_gap_quality_learned.cpp for the causes).
#include <catch2/catch.hpp>

#include <cstdlib>

#include "unit/gap_quality/gap_quality_run.hpp"

TEST_CASE("gap analysis finds each synthesizer flaw and spares clean WIPs", "[gap_quality]") {
    styledna::test::checkGapQuality(nullptr, std::getenv("STYLEDNA_GAP_STEMS") != nullptr);
}
