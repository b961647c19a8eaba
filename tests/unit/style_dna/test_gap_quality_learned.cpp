// Issue 13 acceptance with the daemon's default stems: the same check as
// unit.gap_quality (gap_quality_run.cpp), every track separated by the learned
// separator with the committed weights (models/weights/separator_v1.sdnt).
// Hidden from unit.style_dna; ctest runs it as unit.gap_quality.learned on
// the test draw (~2-3 min). Flaws 28/28 (4/4 per flaw) and clean WIPs 12/12
// on the test, tuning and confirm draws (STYLEDNA_GAP_DRAW=...). Before the
// acid ladder fix (synth_dsp.hpp) the confirm draw read 27/28 and 10/12: the
// naive ladder self-oscillated at Nyquist in the intro and outro, power above
// 20 kHz that the spectral centroid counted as harsh highs.
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
