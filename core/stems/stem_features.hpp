#pragma once
// Per-stem features: the mix's feature definitions measured on separated (or
// producer-exported) stems, whole track and per section of the mix.
//
// Same definitions, streamed: the values are those of the spectral family
// (core/features/spectral_features.hpp), the stereo family (stereo_features.hpp),
// the trance family's sidechain fold-and-fit (trance_sidechain.hpp) and
// supersaw width (trance_supersaw.hpp) on each stem, computed by one streaming
// pass per stem (stem_scan.hpp) instead of an AnalysisContext per stem, which
// cost 1-2.5 s per 5-minute track (three stereo 2048/512 STFT pairs, ~1 GB of
// fresh pages). Only the features listed in stemFeatureCatalog() are kept.
// Where the computation differs from the mix's (values move by a few tenths
// of a dB / a few percent; tests/unit/stems/test_stem_features_reference.cpp
// checks them against the families on the stems, with tolerances):
//   * The main spectrum (centroid, tonal balance from 150 Hz up, overlap cells,
//     supersaw ratio, the sidechain's side-vs-mono decision) uses the shared
//     STFT's frames 2048 Hann but hop 2048 instead of 512 (1 frame in 4; the
//     trance family's decision already reads 1 frame in 4). Long-term
//     averages need no more; measured differences on synth stems: tonal
//     balance <= 0.1 dB, centroids <= 2 %, widths <= 0.01.
//   * The bass stem's sidechain envelope runs on the mono stem decimated to
//     ~11 kHz (triangular kernel, core/dsp/decimate.hpp); its 1 ms blocks last
//     as long as at 44.1 kHz (11 vs 44 samples), the 40-400 Hz band is intact.
// Sections where a stem is nearly silent (e.g. drums in a breakdown) read
// mostly what the first/last frame's window reaches of the loud neighbouring
// section; those values depend on frame placement with either hop.
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
// A stem's sidechain is "not measurable" (NaN depth and release: JSON null,
// skipped by profiles and gap reports) where its band is too quiet against
// the mix's mean power to show a duck (trance_sidechain.hpp: the stem's
// envelope takes the mix of the three stems as its reference_db), and its
// depth is capped at the band's range above the mix's level - 60 dB (what a
// separated stem holds under that is separation residue; the mix's own fit
// uses - 80 dB).
// Supersaw width on other: the breakdowns (>= 4 bars), else the drops, else
// the whole track, as in the trance family.
// kick_bass_overlap_db: 10 log10(sum min(Pd, Pb) / sum Pb) over the 2048/2048
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
// Threads: two workers (the caller: drums then bass; one thread: other); the
// function is reentrant. Cost per 5-minute stereo 44.1 kHz track on 2 threads:
// about 0.5x the mix's own analysis in the same run (bench/stems/bench_separation
// prints both; the AnalysisContext-per-stem version took 1.7x).
// Cancellation: returns cancelledError().

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
