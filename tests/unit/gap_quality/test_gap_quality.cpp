// Issue 13 acceptance: gap analysis finds each synthesizer flaw among the top 3
// gaps and spares clean WIPs (gap_quality_run.cpp says how). Mix and sections
// only; STYLEDNA_GAP_STEMS=1 adds DSP-separated stems.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "unit/gap_quality/gap_quality_run.hpp"

TEST_CASE("gap analysis finds each synthesizer flaw and spares clean WIPs", "[gap_quality]") {
    styledna::test::checkGapQuality(nullptr, std::getenv("STYLEDNA_GAP_STEMS") != nullptr);
}
