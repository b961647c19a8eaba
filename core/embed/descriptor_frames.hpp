#pragma once
// Internals of the descriptor backbone (descriptor_backbone.hpp; read its
// header for the vector layout), part 1: band filterbanks over one STFT
// geometry and the per-frame band powers ("rows") of one view of the
// spectrogram (the original or an augmented one). Part 2, the statistics of a
// segment, is descriptor_stats.hpp. Not a public API; tests reach it only
// through DescriptorBackbone.
//
// Pooled bins: each frame's squared magnitudes are first summed into bins of
// at most 1/40 octave (single STFT bins below 2.5 kHz, pairs to 5 kHz, 4 to
// 10 kHz, 8 above; only bins up to 20 kHz). Every band below is defined on
// these pooled bins at their centre frequency, so the per-view work does not
// grow with the wide high bands, and a spectral weighting that is smooth in
// log frequency (gain, tilt, low-pass) is applied per pooled bin.
// Power scale: every band power is a mean-square power (core/dsp/
// spectral_bands.hpp, hannPowerScale): a full-scale sine reads 0.5 in the band
// that holds it, whatever the frame size and rate.
// Row (one frame of one view, kRowSize floats, linear power):
//   [kRowMel, +40)    mel band powers (HTK mel triangles, peak 1)
//   [kRowChroma, +12) pitch-class powers, C = 0 .. B = 11
//   [kRowSide, +6)    side-signal power through the mel triangles of each
//                     stereo band (the mid power of the band is the sum of
//                     its mel rows); 0 for mono audio
// Threads: Filterbank is immutable after construction; every function is
// reentrant.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace styledna::embed::detail {

inline constexpr int kMelBands = 40;
inline constexpr double kMelMinHz = 20.0;
inline constexpr double kMelMaxHz = 20000.0; // or the Nyquist frequency when lower
inline constexpr int kMfccCoefficients = 13;
inline constexpr int kMfccCovariance = kMfccCoefficients * (kMfccCoefficients + 1) / 2;
inline constexpr int kPitchClasses = 12;
inline constexpr double kChromaMinHz = 200.0;
inline constexpr double kChromaMaxHz = 5000.0;
inline constexpr int kOnsetBands = 4;
// Onset strength ignores log-mel levels more than this below the segment's
// loudest band (and is therefore independent of the segment's gain): without
// it, the phase-dependent leakage of steady tones into near-empty bands reads
// as onsets.
inline constexpr float kOnsetRangeDb = 60.0f;
inline constexpr int kPatternSteps = 16;
inline constexpr int kChromaHarmonics = 6; // |DFT| bins 1 .. 6 of a 12-bin chroma vector
inline constexpr int kBeatPhases = 8;      // eighths of a beat (thirty-seconds)
// Beat envelope levels more than this below the group's loudest frame of the
// segment read as that floor, so near-empty bands do not dominate the shape.
inline constexpr float kEnvelopeRangeDb = 60.0f;
// log2 BPM written when the features have no beat grid: 128 BPM, the centre
// of dance-music tempi, so a missing grid is not an outlier after
// standardisation.
inline constexpr float kNoGridLog2Bpm = 7.0f;
inline constexpr int kStereoBands = 6;
inline constexpr int kLoudnessValues = 4;
// Power floor of every log: -100 dB re a mean-square power of 1 (a full-scale
// sine is -3 dB), just under the 16-bit quantisation floor.
inline constexpr float kPowerFloor = 1e-10f;

// Band edges by mel-band centre frequency (a mel band belongs to the band its
// centre lies in; mel bands are in frequency order, so each group is a
// contiguous run of them): onsets low | low-mid | high-mid | high, stereo 6.
inline constexpr std::array<double, kOnsetBands - 1> kOnsetSplitsHz{150.0, 1000.0, 5000.0};
inline constexpr std::array<double, kStereoBands - 1> kStereoSplitsHz{120.0, 500.0, 2000.0, 5000.0,
                                                                      10000.0};

inline constexpr int kRowMel = 0;
inline constexpr int kRowChroma = kRowMel + kMelBands;
inline constexpr int kRowSide = kRowChroma + kPitchClasses;
inline constexpr int kRowSize = kRowSide + kStereoBands;

// Triangular filterbanks as runs: run r holds the pooled bins between two
// consecutive triangle centres (or edges); a bin at fraction alpha of the way
// through its run gives alpha of its power to the run's upper triangle and
// 1 - alpha to its lower one, so each triangle is the sum of two half runs
// and the weights of a view are one factor per pooled bin.
struct Run {
    std::uint32_t first = 0; // pooled bins [first, last)
    std::uint32_t last = 0;
    int lower = -1; // band receiving 1 - alpha (-1: none)
    int upper = -1; // band receiving alpha (-1: none)
};

// First and one-past-last mel band of a group.
struct BandRun {
    int first = 0;
    int last = 0;
};

class Filterbank {
public:
    // num_bins = frame_size / 2 + 1 of a Spectrogram at rate_hz.
    Filterbank(std::size_t frame_size, std::size_t num_bins, double rate_hz);

    // STFT bins [0, usedBins()) are read; pooled bin j sums bins
    // [m_pool_first[j], m_pool_first[j + 1]).
    std::size_t usedBins() const { return m_pool_first.back(); }
    std::size_t numPooled() const { return m_pool_hz.size(); }
    double pooledHz(std::size_t j) const { return m_pool_hz[j]; }
    // Hann power scale of each pooled bin: the weights of the original view.
    const std::vector<float>& baseFactors() const { return m_scale; }
    // First STFT bin of pooled bin j (j <= numPooled()).
    std::uint32_t poolFirst(std::size_t j) const { return m_pool_first[j]; }
    // Pooled bins [first, last) all `width` STFT bins wide, in order.
    struct PoolRun {
        std::uint32_t first = 0;
        std::uint32_t last = 0;
        std::uint32_t width = 0;
    };
    const std::vector<PoolRun>& poolRuns() const { return m_pool_runs; }

    const std::vector<Run>& melRuns() const { return m_mel_runs; }
    const std::vector<Run>& semitoneRuns() const { return m_semitone_runs; }
    const std::vector<float>& melAlpha() const { return m_mel_alpha; }           // per pooled bin
    const std::vector<float>& semitoneAlpha() const { return m_semitone_alpha; } // per pooled bin
    // Pitch class of semitone band s (semitone runs' band indices).
    int pitchClass(int s) const { return m_pitch_class[static_cast<std::size_t>(s)]; }
    int numSemitones() const { return m_num_semitones; }

    // kMelBands + 2 edges: band b spans edges [b, b + 2], centred on b + 1.
    const std::vector<double>& melEdgesHz() const { return m_mel_edges_hz; }
    const std::array<BandRun, kOnsetBands>& onsetRuns() const { return m_onset_runs; }
    const std::array<BandRun, kStereoBands>& stereoRuns() const { return m_stereo_runs; }
    // Expected row of a pink noise (mean-square power of bin k proportional to
    // 1 / f_k over 20 Hz - 20 kHz) whose mel band powers sum to 1.
    const std::array<float, kRowSize>& pinkRow() const { return m_pink_row; }

private:
    std::vector<std::uint32_t> m_pool_first; // numPooled() + 1 bin boundaries
    std::vector<PoolRun> m_pool_runs;
    std::vector<double> m_pool_hz;
    std::vector<float> m_scale;
    std::vector<double> m_mel_edges_hz;
    std::vector<Run> m_mel_runs, m_semitone_runs;
    std::vector<float> m_mel_alpha, m_semitone_alpha;
    int m_first_midi = 0;
    int m_num_semitones = 0;
    std::vector<int> m_pitch_class;
    std::array<BandRun, kOnsetBands> m_onset_runs{};
    std::array<BandRun, kStereoBands> m_stereo_runs{};
    std::array<float, kRowSize> m_pink_row{};
};

// Rows are computed for blocks of kBlockFrames frames at once, the frames in
// the lanes of every vector operation (no horizontal sums, and the branches of
// the runs are shared by the block).
inline constexpr std::size_t kBlockFrames = 8;

// Pooled squared magnitudes of a block of frames, transposed: pooled bin j of
// block frame l at [j * kBlockFrames + l]; frames past the end are zero.
struct PooledBlock {
    explicit PooledBlock(const Filterbank& fb)
        : values(fb.numPooled() * kBlockFrames), frames(fb.numPooled() * kBlockFrames),
          squares(fb.usedBins()) {}
    std::vector<float> values;
    std::vector<float> frames;  // scratch: the block's pooled bins, frame by frame
    std::vector<float> squares; // scratch: one frame's squared magnitudes
};
// magnitudes[l] = magnitude row of block frame l (num <= kBlockFrames rows);
// next (optional, kBlockFrames entries, null where none) = the rows the
// caller reads next, prefetched meanwhile so memory latency overlaps the work.
void poolBlock(const Filterbank& fb, const float* const* magnitudes, std::size_t num,
               const float* const* next, PooledBlock& out);

// Scratch for computeRows (sized for one Filterbank).
struct RowScratch {
    explicit RowScratch(const Filterbank& fb);
    std::vector<float> weighted;  // numPooled() x kBlockFrames
    std::vector<float> semitones; // numSemitones() x kBlockFrames
    std::vector<float> side_mel;  // kMelBands x kBlockFrames
    std::vector<float> lanes;     // kRowSize x kBlockFrames
};

// The rows of the frames of a block (mid from the mono spectrum; side
// likewise, or nullptr for mono audio), each pooled bin weighted by factor[j]
// (Filterbank::baseFactors() for the original view). Writes rows for block
// frames [lane_first, lane_last) to rows + (l - lane_first) * kRowSize.
void computeRows(const Filterbank& fb, const float* factor, const PooledBlock& mid,
                 const PooledBlock* side, std::size_t lane_first, std::size_t lane_last,
                 RowScratch& scratch, float* rows);

} // namespace styledna::embed::detail
