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
//                   scores of the chosen key and of its relative key (see below)
//   tuning_hz       reference A4 from the spectral peaks' deviation from 12-TET
// Method: spectral peaks 100 Hz - 5 kHz -> tuning -> 36-bin HPCP (Gomez 2006,
// 4 harmonics, cosine window) referenced to that tuning -> folded to 12 pitch
// classes -> key signature from the diatonic template, then major or minor of
// that relative pair from the "edma" profiles (Faraldo et al. 2016) plus, when
// out.grid (written by the rhythm family, which runs first) has downbeats, the
// tonic triad's match with the chroma of the first and of the last bar of the
// 8-bar phrases (see core/dsp/key_estimation.hpp for why each step).
// Threads: one thread at a time per instance.

#include <memory>

#include "core/dsp/chroma.hpp"
#include "core/dsp/key_estimation.hpp"
#include "core/features/feature_family.hpp"

namespace styledna::core {

struct TonalParams {
    SpectralPeakParams peaks;         // 100 Hz - 5 kHz, every 4th frame, 40 peaks
    HpcpParams hpcp;                  // 36 bins, 4 harmonics
    double tuning_min_hz = 200.0;     // peaks below are too coarse for tuning
    double min_duration_s = 1.0;      // shorter input: no key (confidence 0)
    int phrase_bars = 8;              // phrase length on the grid, bars
    double phrase_start_weight = 1.0; // weight of the tonic-triad match at phrase starts, >= 0
    double phrase_end_weight = 0.5;   // weight of the tonic-triad match at phrase ends, >= 0
};

struct TonalAnalysis {
    bool has_peaks = false; // false: no spectral peaks (silence), key and tuning unset
    double tuning_hz = 440.0;
    KeyEstimate key;
};

// The family's whole computation on a mono magnitude spectrogram (2048/512
// Hann) and the downbeats the rhythm family found (seconds; may be empty).
TonalAnalysis analyseKey(const Spectrogram& spec, const std::vector<double>& downbeats,
                         const TonalParams& params = {});

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
