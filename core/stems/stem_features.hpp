#pragma once
// Per-stem features: the mix's feature definitions measured on separated (or
// producer-exported) stems, whole track and per section of the mix.
//
// Reuse, not re-definition: tonal balance and centroids come from the
// spectral family (core/features/spectral_features.hpp), widths and low-end
// correlation from the stereo family (stereo_features.hpp), sidechain depth
// from the trance family's fold-and-fit (trance_sidechain.hpp) and supersaw
// width from trance_supersaw.hpp, each run on an AnalysisContext of the stem.
// Only the features listed in stemFeatureCatalog() are kept.
//
// Stems ("drums", "bass", "other") and what is measured on each:
//   drums: spectral_centroid_hz, tonal_balance_<band>_db (7 bands),
//          kick_bass_overlap_db (below)
//   bass:  bass_spectral_centroid_hz, tonal_balance_<band>_db,
//          stereo_width_low, low_end_correlation, sidechain_depth_db,
//          sidechain_release_ms
//   other: spectral_centroid_hz, tonal_balance_<band>_db, stereo_width,
//          supersaw_width, sidechain_depth_db, sidechain_release_ms
// Tonal balance bands are relative to the stem's own 20 Hz-20 kHz energy.
// Sidechain on a stem: beats of the mix's grid in the drop sections (first bar
// of each drop skipped: crash), all beats when fewer than min_beats; on bass
// the fold is taken on the mono 40-400 Hz band (the kick is in the drums stem);
// on other with the mix defaults (side 200 Hz-6 kHz when the side carries it).
// The bass stem's fold also holds the bass line's own rhythm (a rolling or
// offbeat bass is silent on the kick), so its depth reads larger than the
// duck (synth: ~29 dB for an 8 dB duck); it tracks the duck's changes (8 -> 2 dB
// duck: 29 -> 23 dB), which is what a comparison with references uses.
// Supersaw width on other: the breakdowns (>= 4 bars), else the drops, else
// the whole track, as in the trance family.
// kick_bass_overlap_db: 10 log10(sum min(Pd, Pb) / sum Pb) over the 2048/512
//   STFT cells (frames x bins) with 40-120 Hz, Pd / Pb the drums / bass stem's
//   mono power: the share of the bass's low-end energy that sits in the same
//   time-frequency cells as an equally loud kick. <= 0 dB; floor -100 dB
//   (no bass). 0 dB: the kick and bass fight in every cell.
// Per section: for each section of the mix (same labels, bounds and order)
// the stem's per-section values of the same features where the source
// family has them (tonal balance, centroids, widths, correlation, sidechain,
// supersaw width, overlap).
// Grid: the mix's grid is needed for sidechain and sections; without one
// (invalid grid) sidechain values are 0 and sections are those given.
// Threads: the three stems run on their own threads; the function is
// reentrant. Cancellation: returns cancelledError().

#include <map>
#include <string>
#include <vector>

#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "core/features/feature_info.hpp"
#include "core/features/track_features.hpp"
#include "core/stems/separator.hpp"

namespace styledna::core::stems {

struct StemFeatureInfo {
    std::string stem; // "drums" | "bass" | "other"
    FeatureInfo info;
};

const std::vector<StemFeatureInfo>& stemFeatureCatalog();

// stems: same rate and length; mix: the mix's features (grid, sections).
// Returns stem name -> that stem's TrackFeatures (values and sections).
Result<std::map<std::string, TrackFeatures>>
measureStemFeatures(const Stems& stems, const TrackFeatures& mix,
                    const CancellationToken& cancel = {});

} // namespace styledna::core::stems
