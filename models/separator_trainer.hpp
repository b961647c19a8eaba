#pragma once
// Trains the learned separator's mask network (separator_net.hpp) on stems
// rendered by the trance synthesizer and writes its weights file.
//
// Data: train_tracks + validation_tracks tracks, track i of style
// (uplifting, progressive, tech, psy)[i % 4], synth seed
// splitmix64(seed + i) (>= 2^20, so never one of the small seeds the
// benchmarks and tests use), `minutes` long (the synthesizer's arrangements
// are at least 32 bars: ~55 s at 140 BPM); with probability
// variety_probability a widened SynthVariety (wide_sidechain, wide_acid,
// wide_tempo) and with probability flaw_probability one random SynthFlaw, all
// drawn from the track's seed. Held-out tracks are the last
// validation_tracks indices: whole tracks with seeds of their own.
// Truth per track: each pre-master stem x 10^(master_gain_db / 20) (the mix
// is that sum, soft-clipped and quantised). Per track the features, the mix's
// band magnitudes and the three truth stems' band magnitudes
// (separator_frontend.hpp) are kept, magnitudes divided by the track's mean
// mix band magnitude (~12 MB per minute of audio at the default config).
//
// Loss: L1 between the masked mix band magnitudes (mask_s x |X|) and the truth
// stem's band magnitudes, mean over stems, bands and frames.
// Training: batches of batch_size chunks of chunk_frames frames (+-R context
// frames), chunks drawn uniformly (track, then start). AdamW (learning_rate,
// weight_decay, betas 0.9/0.999); after an epoch without a better validation
// loss the learning rate halves. Validation loss = the same loss over every
// frame of every held-out track, after every epoch; after `patience` epochs
// without improvement, after max_epochs, or once max_training_seconds of
// training have passed, the best epoch's weights are written to output_path
// (when not empty; written to output_path + ".partial" and renamed, so the
// path holds either the old file or the complete new one). Then every held-out track is separated
// with them (LearnedSeparator) and the median plain SDR (core/stems/sdr.hpp) per stem is reported.
// Determinism: weights are initialised from a private generator seeded with
// `seed`, chunks drawn from a std::mt19937_64 seeded with it; the global torch
// generator is never used. Same options, machine and thread count: identical
// weights, except that a max_training_seconds cap stops after a wall-clock
// dependent epoch.
// Threads: tracks are rendered on `threads` workers; LibTorch runs `threads`
// intra-op threads (process-wide while training; restored on return).
// Cancellation: checked between tracks and before every step (~0.1-0.5 s);
// returns kCancelled and writes nothing. Progress: 0 -> 1 with stages
// "rendering training tracks", "training separator", "scoring separator".
// Errors: bad options -> kInvalidArgument naming the field; an unwritable
// output -> the archive writer's error; LibTorch exceptions -> kInternal.

#include <cstdint>
#include <string>

#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "models/separator_net.hpp"

namespace styledna::models {

struct SeparatorTrainingOptions {
    std::string output_path; // weights file written at the end; empty: not written
    std::uint64_t seed = 1;
    int train_tracks = 48;            // >= 1
    int validation_tracks = 8;        // >= 1
    double minutes = 1.0;             // per track, 0.25..20
    double flaw_probability = 0.35;   // [0, 1]
    double variety_probability = 0.5; // [0, 1]
    SeparatorNetConfig net;           // architecture and frontend
    int chunk_frames = 128;           // output frames per chunk, >= 1
    int batch_size = 16;              // chunks per step, >= 1
    double learning_rate = 1e-3;      // AdamW, > 0
    double weight_decay = 1e-4;       // AdamW, >= 0
    int max_epochs = 40;              // >= 1
    int steps_per_epoch = 50;         // >= 1
    int patience = 4;                 // >= 1
    double max_training_seconds = 0;  // wall-clock cap on the epochs; 0: none
    int threads = 1;                  // rendering workers and LibTorch threads, >= 1
};

struct SeparatorTrainingReport {
    int epochs = 0;     // epochs run
    int best_epoch = 0; // 1-based epoch whose weights were written
    long steps = 0;
    double initial_validation_loss = 0; // before the first step
    double train_loss = 0;              // mean over the best epoch's steps
    double validation_loss = 0;         // at the best epoch
    bool stopped_early = false;         // patience ran out
    bool stopped_on_time = false;       // max_training_seconds ran out
    int train_tracks = 0, validation_tracks = 0;
    double train_minutes = 0; // audio rendered for training
    // Median plain SDR over the held-out tracks, dB.
    double validation_sdr_drums_db = 0, validation_sdr_bass_db = 0, validation_sdr_other_db = 0;
    long parameters = 0;
    std::string separator_name; // LearnedSeparator::name() of the weights
    double render_seconds = 0, training_seconds = 0, scoring_seconds = 0, seconds = 0;
};

core::Status validateTrainingOptions(const SeparatorTrainingOptions& options);

core::Result<SeparatorTrainingReport> trainSeparator(const SeparatorTrainingOptions& options,
                                                     const core::CancellationToken& cancel = {},
                                                     const core::ProgressFn& progress = {});

} // namespace styledna::models
