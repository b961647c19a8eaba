#pragma once
// Synthetic inputs for the profile tests: hand-filled analyses (features,
// labels, sections, energy series, levels) and backbone embeddings drawn
// around chosen centres. Deterministic in their seeds (std::mt19937_64 with
// explicit arithmetic, no std:: distributions).

#include <cstdint>
#include <string>
#include <vector>

#include "core/profile/profile.hpp"

namespace styledna::test {

// Gaussian-ish noise: sum of 12 uniforms - 6 (Irwin-Hall), deterministic.
class NoiseSource {
public:
    explicit NoiseSource(std::uint64_t seed) : m_state(seed * 2654435761ULL + 1) {}
    double uniform();
    double normal();

private:
    std::uint64_t m_state;
};

struct SyntheticTrack {
    double tempo_bpm = 138.0;
    double acid_score = 0.1;
    double supersaw_width = 0.6;
    double sidechain_depth_db = 6.0;
    std::string key = "A minor";
    double rms_dbfs = -9.0;
    double sample_peak_dbfs = -0.8;
    double true_peak_dbtp = -0.6;
    double sample_rate_hz = 44100.0;
    int bars = 128; // sections: intro 16, breakdown 32, buildup 16, drop 48, outro 16 scaled
};

// An analysis with the fields the profile reads. Sections: intro, breakdown,
// buildup, drop, drop (the track has two drops: per-section values 1 and 3 of
// "mean_energy_db" offsets so their mean is testable), outro; series
// "energy_per_bar_db" one value per bar rising through the track.
core::TrackAnalysis syntheticAnalysis(int index, const SyntheticTrack& t);

// An embedding of `segments` segments of dim `dim` around `centre` (dim
// values): each segment = centre + track_offset + segment noise (sigma in
// units of the centre's scale), augmented = segment + small noise.
embed::TrackEmbedding syntheticEmbedding(const std::vector<float>& centre, int segments,
                                         double track_sigma, double segment_sigma,
                                         std::uint64_t seed);

// A random direction scaled by `scale` (dim values).
std::vector<float> randomCentre(int dim, double scale, std::uint64_t seed);

// Unit rows around k mutually orthogonal unit centres (n_per rows each),
// Gaussian spread sigma per dim, renormalised; truth receives each row's cluster.
std::vector<std::vector<float>> blobRows(int dim, int k, int n_per, double sigma,
                                         std::uint64_t seed, std::vector<int>& truth);

// `n` references in `k` sub-styles (track i in sub-style i % k), each with a
// synthetic analysis (tempo 128 + 8 * sub-style, acid on sub-style 1) and
// embedding around the sub-style's centre; labels "style<c>" when labelled.
std::vector<profile::Reference> syntheticReferences(int n, int k, bool labelled, std::uint64_t seed,
                                                    int dim = 16, int segments = 12);

// Gives the first `count` references stems "bass" and "other" (the bass
// only on even indices): whole-track values tonal_balance_low_mid_db and
// sidechain_depth_db derived from the track index, and the mix's sections
// with per-section tonal_balance_low_mid_db.
void addSyntheticStems(std::vector<profile::Reference>& refs, int count);

} // namespace styledna::test
