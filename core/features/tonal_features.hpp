#pragma once
// Tonal family: key and tuning.
//
// Inputs: ctx.monoSpectrum() (2048/512 Hann) only. Its 21.5 Hz bins do not
// resolve semitones below ~300 Hz, but the family works on interpolated
// spectral peaks (sub-bin frequencies) rather than on bins, and in trance the
// chords sit above the 150 Hz high-pass anyway; a second, longer STFT was not
// needed to meet the accuracy targets, so none is computed.
// Outputs (registry names):
//   key             label, "A minor" / "Eb major"
//   key_tonic_pc    0..11, C = 0
//   key_is_minor    1 minor, 0 major
//   key_confidence  0..1 = clamp(s1, 0, 1) * min(1, (s1 - s2) / 0.1), s1/s2 the
//                   best and second-best key scores (correlations, see below)
//   tuning_hz       reference A4 from the spectral peaks' deviation from 12-TET
// Method: spectral peaks 100 Hz - 5 kHz -> tuning -> 36-bin HPCP (Gomez 2006,
// 4 harmonics, cosine window) referenced to that tuning -> folded to 12 pitch
// classes -> Pearson correlation with the 24 rotated "edma" profiles
// (Faraldo et al. 2016), plus, when out.grid (written by the rhythm family,
// which runs first) has downbeats, the best correlation of each key's tonic
// triad with the chroma of the first or of the last bar of the 8-bar phrases:
// profiles alone cannot tell A minor from C major when the chords share one
// scale, and trance phrases open or close on the tonic chord. See core/dsp/chroma.hpp,
// key_estimation.hpp.
// Threads: one thread at a time per instance.

#include <memory>

#include "core/dsp/chroma.hpp"
#include "core/features/feature_family.hpp"

namespace styledna::core {

struct TonalParams {
    SpectralPeakParams peaks;         // 100 Hz - 5 kHz, every 4th frame, 40 peaks
    HpcpParams hpcp;                  // 36 bins, 4 harmonics
    double tuning_min_hz = 200.0;     // peaks below are too coarse for tuning
    double min_duration_s = 1.0;      // shorter input: no key (confidence 0)
    int phrase_bars = 8;              // phrase length on the grid, bars
    double phrase_start_weight = 0.5; // weight of the tonic-triad match at phrase starts
    bool use_phrase_ends = false;     // also try the last bar of each phrase as the tonic
};

class TonalFamily : public FeatureFamily {
public:
    using Params = TonalParams;

    explicit TonalFamily(Params params = {});

    std::string_view name() const override { return "tonal"; }
    const std::vector<FeatureInfo>& describe() const override;
    Status configure() override;
    Status process(const AnalysisContext& ctx, TrackFeatures& out) override;

private:
    // immutable after configure()
    Params m_params;
};

std::unique_ptr<FeatureFamily> makeTonalFamily(TonalParams params = {});

} // namespace styledna::core
