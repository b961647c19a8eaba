#pragma once
// DescriptorBackbone ("descriptor-v2"): a weight-free embedding backbone of
// hand-built audio descriptors, computed from the analysis's shared magnitude
// spectrograms (core/features/analysis_context.hpp: STFT 2048/512 Hann at
// 44.1 kHz, mono = (L + R) / 2 and side = (L - R) / 2). It computes no STFT of
// its own; it reads each spectrogram frame once. Band powers are taken on
// pooled bins of at most 1/40 octave (descriptor_frames.hpp: single STFT bins
// below 2.5 kHz, then pairs, fours and eights up to 20 kHz), every triangle
// evaluated at the pooled bin's centre.
//
// Segments (TrackEmbedding in track_embedding.hpp): windows of segment_s
// (default 4 s: two bars at 120 BPM, enough for a 16-step pattern and stable
// spectral statistics) every hop_s (default 2 s), segment i covering
// [i hop_s, i hop_s + segment_s); windows running past the end are dropped,
// and a track shorter than segment_s gives one segment [0, duration]. A
// segment reads the STFT frames whose centre time lies in its window.
//
// Per-segment vector: kDescriptorDim = 311 floats, the blocks of
// kDescriptorBlocks concatenated in this order (raw units, not normalised:
// the profile standardises each dimension):
//   offset dim  block
//     0    40  log_mel_mean_db   mean over frames of 10 log10(band power), 40
//                                HTK-mel triangles (peak 1) 20 Hz - 20 kHz;
//                                power floor -100 dB (a full-scale sine in
//                                one band reads -3 dB)
//    40    40  log_mel_std_db    standard deviation of the same over frames
//    80    13  mfcc_mean_db      mean of c0..c12, DCT-II (orthonormal) of the
//                                per-frame log-mel dB
//    93    91  mfcc_cov_db2      covariance of c0..c12 over frames, upper
//                                triangle row by row: (0,0) (0,1) .. (0,12)
//                                (1,1) .. (12,12)
//   184     6  chroma_dft_mean   |X_k|, k = 1..6, of the 12-point DFT of the
//                                segment's mean chroma (pitch-class share of
//                                each frame's chroma power, bins 200 Hz -
//                                5 kHz, each split linearly in pitch between
//                                its two nearest semitones of 12-TET at A4 =
//                                440 Hz, octaves folded): key-invariant (a
//                                transposition rotates the chroma, which only
//                                changes the phases); k = 1 is 1 for a single
//                                pitch class, 0 for a flat chroma. The key
//                                itself is left out: it is drawn per track and
//                                says nothing about style
//   190     6  chroma_dft_frame  mean over frames of the same magnitudes of
//                                each frame's chroma (the chords' shape)
//   196     4  onset_mean_db     onset strength per frame: sum over the mel
//                                bands of a band group of the rise in log-mel
//                                dB from the previous frame (half-wave
//                                rectified; levels clamped at 60 dB below
//                                the segment's loudest band, so steady tones
//                                leaking into near-empty bands read no onsets
//                                and the block ignores gain); mean per group
//                                of mel bands by centre: low (< 150 Hz: kick,
//                                bass), low-mid (150 Hz - 1 kHz), high-mid
//                                (1 - 5 kHz), high (>= 5 kHz: hats)
//   200     4  onset_std_db      standard deviation of the same
//   204    64  onset_pattern_db  group-major [group][step]: mean onset strength
//                                of the frames nearest each sixteenth of a
//                                4-beat bar, step 0 on the downbeat, from the
//                                beat grid of the features (tempo,
//                                first_downbeat_s; constant tempo); without a
//                                valid grid every step holds the group's mean
//   268    32  beat_envelope_db  group-major [group][phase], the onset band
//                                groups above x 8 eighths of a beat from the
//                                grid: mean level (dB, 10 log10 of the
//                                group's power, clamped 60 dB below its
//                                loudest frame in the segment) of the frames
//                                whose centre lies in that eighth, minus the
//                                mean over the eighths: the shape of the beat
//                                (kick decay in the low group, sidechain
//                                pumping in the mid groups, bass and hat
//                                rhythm), independent of gain; 0 without a
//                                valid grid
//   300     1  tempo_log2_bpm    log2 of the grid's tempo (BPM), the same for
//                                every segment of a track: the first cue by
//                                which dance styles differ; log2 so equal
//                                ratios are equal steps; 7 (128 BPM) without a
//                                valid grid
//   301     6  side_share        side / (mid + side) power over the segment in
//                                6 bands (mel bands by centre: < 120 Hz,
//                                120 - 500 Hz, 500 Hz - 2 kHz, 2 - 5 kHz,
//                                5 - 10 kHz, >= 10 kHz): 0 = mono, 0.5 =
//                                uncorrelated L/R, 1 = L = -R; 0 for mono
//                                audio and silence
//   307     4  loudness_db       [level, level std, crest, dynamic range] of
//                                the frame power (sum of the mel bands): level
//                                = 10 log10(mean power); std of the frame
//                                levels; crest = loudest frame over the mean
//                                (46 ms frames, not samples); dynamic range =
//                                95th - 10th percentile of the frame levels
// Logs of per-frame values use fastLog2 (core/dsp/fast_log.hpp, error
// < 0.015 dB); segment-level logs are exact.
//
// Augmented view (`augmented` of each segment), for contrastive training. One
// draw per segment from a generator seeded with (audio_seed, segment index),
// applied to the magnitude spectrogram, so no new STFT is needed:
//   time shift   the window moves by U(-0.5, 0.5) s, rounded to whole frames
//                (11.6 ms) and clamped to the track: exact, the frames are the
//                STFT frames of the shifted window.
//   gain         U(-6, 6) dB on every bin: exact (the STFT is linear).
//   EQ tilt      U(-3, 3) dB/octave around 1 kHz, gain(f) = tilt * log2(f /
//                1 kHz) dB with f clamped to 20 Hz - 20 kHz.
//   low-pass     with probability 0.5, cutoff log-uniform 4 - 16 kHz,
//                |H(f)|^2 = 1 / (1 + (f / fc)^4) (2nd-order Butterworth
//                magnitude, 12 dB/octave).
//   pink noise   with probability 0.5, added last, in power: expected
//                mean-square power per bin proportional to 1 / f (20 Hz -
//                20 kHz), total at U(20, 40) dB below the segment's (processed)
//                mean frame power. Mono noise: added to the mid only.
// Why the spectral versions are faithful for these descriptors: a filter
// whose response is smooth across the Hann window's main lobe (+-2 bins,
// +-43 Hz) and whose impulse response is short against the 46 ms window
// multiplies each bin's magnitude by |H(f_k)|; the tilt and the low-pass are
// such filters (below ~100 Hz one 21.5 Hz bin spans up to an octave, so the
// tilt is as coarse there as every descriptor is). Weighting a pooled bin at
// its centre errs by at most 0.04 dB for the tilt (1/80 octave from the
// centre at 3 dB/octave) and 0.15 dB for the low-pass (12 dB/octave). Independent noise adds its
// power to a bin's power in expectation (the cross term has zero mean); every descriptor pools
// power over at least a few bins and frames, so the expectation stands in for a noise draw (a real
// draw would also add a little frame-to-frame variance to the std and covariance blocks). Gain,
// tilt and low-pass apply to mid and side alike. A view's weighting is one factor per pooled bin,
// so an augmented view costs what the original costs. Gain, tilt, shift always apply (their ranges
// include no change); noise and low-pass each with probability 0.5, so half the views keep the full
// bandwidth and the clean floor.
//
// descriptor-v1 (analyser 0.5.0) had 290 dimensions: raw chroma mean/std (24)
// instead of the DFT magnitudes, and neither beat envelope nor tempo.
//
// Pooling: TrackEmbedding::track = mean of the segments' values; sections =
// mean per section label of the segments whose centre lies in a section of
// that label (TrackFeatures::sections, from the arrangement family).
// Cost: one read of both spectrograms below 20 kHz, then per frame and view
// (the original and, at the default layout, two augmented windows) about
// 1,500 multiply-adds on 8-frame SIMD blocks. bench/bench_analysis prints it
// ("of which embedding"): 44 ms for a 5-minute stereo track on the 2-core
// build VM (the same run's mono STFT: 189 ms); 55 ms of CPU with the VM
// heavily loaded. Measured on descriptor-v1; v2 adds, per frame of each
// segment and view, the beat envelope's four band sums and logs and a 6 x 12
// chroma DFT (about 200 operations; every frame lies in two segments), an
// estimated 15-20 % more: not re-measured yet.
// Threads: process() is const and reentrant; a backbone may serve several
// threads at once.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/audio/audio_buffer.hpp"
#include "core/common/status.hpp"
#include "core/dsp/stft.hpp"
#include "core/embed/track_embedding.hpp"
#include "core/features/track_features.hpp"

namespace styledna::embed {

inline constexpr const char* kDescriptorBackboneName = "descriptor-v2";

struct DescriptorBlock {
    const char* name;
    int offset;
    int dim;
    const char* unit;
};

inline constexpr std::array<DescriptorBlock, 13> kDescriptorBlocks{{
    {"log_mel_mean_db", 0, 40, "dB"},
    {"log_mel_std_db", 40, 40, "dB"},
    {"mfcc_mean_db", 80, 13, "dB"},
    {"mfcc_cov_db2", 93, 91, "dB^2"},
    {"chroma_dft_mean", 184, 6, "share"},
    {"chroma_dft_frame", 190, 6, "share"},
    {"onset_mean_db", 196, 4, "dB/frame"},
    {"onset_std_db", 200, 4, "dB/frame"},
    {"onset_pattern_db", 204, 64, "dB/frame"},
    {"beat_envelope_db", 268, 32, "dB"},
    {"tempo_log2_bpm", 300, 1, "log2(BPM)"},
    {"side_share", 301, 6, "share"},
    {"loudness_db", 307, 4, "dB"},
}};
inline constexpr int kDescriptorDim = 311;

// "log_mel_mean_db[3]" for dimension 3; "" outside [0, kDescriptorDim).
std::string descriptorDimensionName(int index);

struct DescriptorParams {
    double segment_s = 4.0; // 0.5 .. 60
    double hop_s = 2.0;     // 0.1 .. segment_s
    bool augment = true;    // false: `augmented` stays empty
};

// What the backbone reads. The spectrograms must outlive process().
struct DescriptorInput {
    const core::Spectrogram* mono = nullptr;              // required
    const core::Spectrogram* side = nullptr;              // same geometry; nullptr for mono audio
    double duration_s = 0.0;                              // of the analysed audio
    const core::BeatGrid* grid = nullptr;                 // optional: onset pattern phase
    const std::vector<core::Section>* sections = nullptr; // optional: section pooling
    std::uint64_t audio_seed = 0;                         // see audioSeed()
};

// One segment's augmentation draw (see the header comment for the ranges).
struct Augmentation {
    double shift_s = 0.0; // requested; the applied shift is whole frames, clamped
    double gain_db = 0.0;
    double tilt_db_per_octave = 0.0;
    bool lowpass = false;
    double lowpass_hz = 0.0; // drawn even when !lowpass (the stream stays fixed)
    bool noise = false;
    double noise_snr_db = 0.0; // drawn even when !noise
};
Augmentation drawAugmentation(std::uint64_t audio_seed, std::size_t segment_index);

// A reproducible seed from the audio itself: a hash of its length, channel
// count, rate and 64 evenly spaced samples of each channel.
std::uint64_t audioSeed(const core::AudioBuffer& audio);

// [start_s, end_s) of every segment of a track of duration_s (see the header
// comment); empty for duration_s <= 0.
struct SegmentSpan {
    double start_s = 0.0;
    double end_s = 0.0;
};
std::vector<SegmentSpan> segmentLayout(double duration_s, double segment_s, double hop_s);

// track = mean of the segments' values; sections = mean per label of the
// segments whose centre lies in a section with that label. Replaces both.
void poolEmbedding(TrackEmbedding& embedding, const std::vector<core::Section>& sections);

class DescriptorBackbone {
public:
    explicit DescriptorBackbone(DescriptorParams params = {}) : m_params(params) {}

    const DescriptorParams& params() const { return m_params; }
    // Checks the parameter ranges; process() fails the same way when not OK.
    core::Status configure() const;
    // The embedding of one track: backbone "descriptor-v2", dim kDescriptorDim,
    // segments with values (and augmented views when params().augment),
    // pooled track and sections. A track without frames (duration 0) gives no
    // segments and an empty track vector. Fails on a missing mono spectrogram
    // or a side spectrogram of another geometry.
    core::Result<TrackEmbedding> process(const DescriptorInput& input) const;

private:
    DescriptorParams m_params;
};

} // namespace styledna::embed
