#include "core/features/tonal_features.hpp"

#include <algorithm>
#include <cmath>

#include "core/dsp/key_estimation.hpp"

namespace styledna::core {

TonalAnalysis analyseKey(const Spectrogram& spec, const std::vector<double>& downbeats,
                         const TonalParams& params) {
    TonalAnalysis result;
    const PeakFrames peaks = findSpectralPeaks(spec, params.peaks);
    if (peaks.peaks.empty()) {
        return result;
    }
    result.has_peaks = true;
    const double tuning_hz = estimateTuningHz(peaks, params.tuning_min_hz);
    const int bps = params.hpcp.bins_per_semitone;
    const std::size_t size = static_cast<std::size_t>(12 * bps);
    const auto rows = hpcpFrames(peaks, tuning_hz, params.hpcp);
    const auto global = foldToPitchClasses(meanRows(rows, size, 0, peaks.numFrames()), bps);
    // Cadence points: the first and the last bar of every `phrase_bars`
    // bars of the grid the rhythm family wrote (none without a grid).
    const double rows_per_s = spec.frameRateHz() / static_cast<double>(params.peaks.frame_step);
    auto barChroma = [&](std::size_t bar, std::vector<double>& acc) {
        if (bar + 1 >= downbeats.size()) {
            return false;
        }
        const auto first = static_cast<std::size_t>(std::ceil(downbeats[bar] * rows_per_s));
        const auto last = static_cast<std::size_t>(std::ceil(downbeats[bar + 1] * rows_per_s));
        const auto pcs = foldToPitchClasses(meanRows(rows, size, first, last), bps);
        for (std::size_t pc = 0; pc < 12; ++pc) {
            acc[pc] += pcs[pc];
        }
        return true;
    };
    std::vector<double> start(12, 0.0), end(12, 0.0);
    bool have_start = false, have_end = false;
    const auto phrase = static_cast<std::size_t>(params.phrase_bars);
    for (std::size_t bar = 0; bar < downbeats.size(); bar += phrase) {
        have_start = barChroma(bar, start) || have_start;
        have_end = (bar + phrase >= 1 && barChroma(bar + phrase - 1, end)) || have_end;
    }
    result.tuning_hz = tuning_hz;
    result.key = estimateKey(global, have_start ? start : std::vector<double>{},
                             have_end ? end : std::vector<double>{}, params.phrase_start_weight,
                             params.phrase_end_weight);
    return result;
}

TonalFamily::TonalFamily(Params params) : m_params(params) {}

const std::vector<FeatureInfo>& TonalFamily::describe() const {
    static const std::vector<FeatureInfo> infos{
        {"key", "", "tonal",
         "Estimated key, e.g. \"A minor\": 36-bin HPCP of spectral peaks (100 Hz - 5 kHz); key "
         "signature from the diatonic template, major or minor from the EDM key profiles of "
         "Faraldo et al. 2016 (edma) and the tonic triad at phrase starts and ends.",
         "Transpose (not a mixer move).", FeatureKind::kLabel, false},
        {"key_tonic_pc", "", "tonal", "Tonic pitch class of the key, 0 = C .. 11 = B.",
         "Transpose.", FeatureKind::kScalar, false},
        {"key_is_minor", "", "tonal", "1 for a minor key, 0 for major.", "Harmony, not mixing.",
         FeatureKind::kScalar, false},
        {"key_confidence", "", "tonal",
         "0..1: the key's score (clamped) times min(1, margin over the relative key's score / "
         "0.1). Low for atonal, drum-only or modulating material.",
         "Louder, clearer chords and bass raise it; noise and FX lower it.", FeatureKind::kScalar,
         false},
        {"tuning_hz", "Hz", "tonal",
         "Reference A4 from the spectral peaks' deviation from the equal-tempered grid (440 for "
         "standard tuning).",
         "Synth master tune / sample pitch.", FeatureKind::kScalar, false},
    };
    return infos;
}

Status TonalFamily::configure() {
    const auto& p = m_params;
    if (!(p.peaks.min_hz > 0.0 && p.peaks.max_hz > p.peaks.min_hz && p.peaks.max_peaks > 0 &&
          p.peaks.frame_step > 0)) {
        return invalidArgument("tonal: need 0 < peaks.min_hz < peaks.max_hz, max_peaks and "
                               "frame_step > 0");
    }
    if (!(p.hpcp.bins_per_semitone >= 1 && p.hpcp.bins_per_semitone <= 10 &&
          p.hpcp.harmonics >= 1 && p.hpcp.window_semitones > 0.0 && p.hpcp.harmonic_decay > 0.0 &&
          p.hpcp.harmonic_decay <= 1.0)) {
        return invalidArgument("tonal: hpcp needs 1..10 bins per semitone, harmonics >= 1, "
                               "window > 0, 0 < harmonic_decay <= 1");
    }
    if (!(p.phrase_bars >= 1 && p.phrase_start_weight >= 0.0 && p.phrase_end_weight >= 0.0)) {
        return invalidArgument("tonal: need phrase_bars >= 1 and phrase weights >= 0");
    }
    return Status::ok();
}

Status TonalFamily::process(const AnalysisContext& ctx, TrackFeatures& out) {
    out.labels["key"] = "";
    out.values["key_tonic_pc"] = 0.0;
    out.values["key_is_minor"] = 0.0;
    out.values["key_confidence"] = 0.0;
    out.values["tuning_hz"] = 440.0;
    if (ctx.audio().empty() || ctx.audio().durationS() < m_params.min_duration_s) {
        return Status::ok();
    }
    const Spectrogram& spec = ctx.monoSpectrum();
    if (ctx.cancel().isCancelled()) {
        return cancelledError("tonal: cancelled");
    }
    const TonalAnalysis key_analysis = analyseKey(spec, out.grid.downbeat_times_s, m_params);
    if (!key_analysis.has_peaks) {
        return Status::ok();
    }
    const double tuning_hz = key_analysis.tuning_hz;
    const KeyEstimate& key = key_analysis.key;
    out.values["tuning_hz"] = tuning_hz;
    if (!key.valid) {
        return Status::ok();
    }
    out.labels["key"] = keyLabel(key.tonic_pc, key.minor);
    out.values["key_tonic_pc"] = key.tonic_pc;
    out.values["key_is_minor"] = key.minor ? 1.0 : 0.0;
    out.values["key_confidence"] = std::clamp(key.correlation, 0.0, 1.0) *
                                   std::clamp((key.correlation - key.second) / 0.1, 0.0, 1.0);
    return Status::ok();
}

std::unique_ptr<FeatureFamily> makeTonalFamily(TonalParams params) {
    return std::make_unique<TonalFamily>(params);
}

} // namespace styledna::core
