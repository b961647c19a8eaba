#pragma once
// Trains the style projection head (the architecture of models/projection_head.hpp:
//   Linear(D, H) -> LayerNorm(H) -> GELU (erf) -> Dropout(p) -> Linear(H, O) -> L2 normalise)
// with a triplet loss, and returns its weights in the torch-free layout of
// core/embed/projection_head.hpp (run them with embed::applyHead()).
//
// Data (HeadTrainingData mirrors profile::TrainingSet; models/ cannot include
// core/profile without a dependency cycle): n = class_id.size() rows of `dim`
// floats in `x`, row-major, already standardised per dimension by the caller;
// `x_augmented` is empty or one augmented view of every row (same size as x);
// class_id[i] is the row's class (user label, or the track when unlabelled);
// track_index[i] the track the row came from; `seed` drives every random choice.
//
// Method:
//  - Split by track: a seeded `validation_fraction` of the distinct tracks (rounded,
//    at least 1 and leaving at least 2 classes to train on) is held out; no row of a
//    held-out track is trained on. 0 (or fewer than 3 tracks) trains without
//    validation and returns the weights after the last epoch.
//  - PK batches: `p_classes` training classes drawn without replacement (all when
//    fewer), `k_per_class` rows of each, drawn without replacement when the class
//    has enough rows and with replacement when it has fewer. With
//    `augmented_positives` (and x_augmented given), each drawn row's augmented
//    view joins the batch as one more member of its class, so a batch holds up
//    to 2 * P * K embeddings; without it x_augmented is ignored.
//  - Loss: triplet, Euclidean distance between unit-norm outputs, `margin`, mean
//    over every anchor-positive pair of the batch (same class, different member).
//    Semi-hard mining per pair: the nearest negative farther than the positive but
//    within the margin; when there is none, the nearest (hardest) negative. With
//    identity classes, a track's `neighbour_tracks` nearest tracks are not negatives
//    (false-negative cancellation, see HeadTrainingParams).
//  - AdamW (learning_rate, weight_decay, torch's betas 0.9/0.999, eps 1e-8),
//    steps_per_epoch steps per epoch, at most max_epochs epochs.
//  - Early stopping, after every epoch, in eval mode (dropout off) on the held-out
//    tracks: validation loss = the same triplet loss over a fixed set of PK batches
//    of held-out rows (drawn once); precision@k = for each held-out row (original
//    views), the fraction of its `precision_k` nearest other held-out rows (cosine)
//    that share its class. `stop_on` chooses which one must improve (precision ties
//    go to the lower loss); after `patience` epochs without improvement training
//    stops, and the weights of the best epoch are returned; so it does, sooner, after
//    an epoch whose mean training loss is under `converged_loss`.
// Determinism: weights are initialised (torch's Linear default: uniform
// +-1/sqrt(fan_in); LayerNorm 1 and 0) and dropout masks drawn from a private
// CPU generator seeded with data.seed, batches from a std::mt19937_64 seeded with
// it; torch's global generator is never used. Two runs with the same data,
// params and seed on the same machine and thread count give bit-identical weights.
// Threads: LibTorch's intra-op thread count is process-wide; the call sets it to
// params.threads (0: leave as is) and restores the previous value on return, so
// concurrent trainers should use the same value. Otherwise reentrant.
// Cancellation: checked before every step (a step takes a few ms); returns
// kCancelled. Progress: epochs done / max_epochs, stage "training projection head".
// Errors: invalid data or params -> kInvalidArgument naming the field; LibTorch
// exceptions -> kInternal.

#include <cstdint>
#include <vector>

#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "core/embed/projection_head.hpp"

namespace styledna::models {

struct HeadTrainingData {
    int dim = 0;
    std::vector<float> x, x_augmented; // n x dim each (x_augmented may be empty)
    std::vector<int> class_id, track_index;
    std::uint64_t seed = 0;
    // Warm start (profile --append): training continues from these weights
    // instead of a seeded random initialisation; dims must match the params.
    embed::HeadWeights initial;
    // Classes drawn into every training batch (sorted; up to p_classes / 2 of
    // them, a seeded draw when there are more, ahead of the shuffled others): an
    // append's new tracks, so a short fine-tune sees them. Empty: plain PK batches.
    std::vector<int> focus_classes;
};

enum class HeadStopMetric { kValidationLoss, kValidationPrecision };

struct HeadTrainingParams {
    // learning_rate and patience: tried 2e-4 and 5 (issue 12, to cut the retrained build's
    // time): about half the epochs (tuning draw 41000, build seeds 3-5: 68 epochs in all
    // against 128) and on that draw the same figures (unlabelled track P@5 0.725 -> 0.725,
    // ARI 0.48 -> 0.58; labelled P@5 0.783 -> 0.783, ARI 0.86 -> 0.84), but on the suite's
    // draw 31000 (same seeds) unlabelled ARI 0.56 -> 0.46 and labelled P@5 0.867 -> 0.846,
    // segment P@5 0.812 -> 0.798: not equally good, so not adopted. Patience 5 alone (1e-4)
    // on draw 41000: 12 % fewer epochs, one labelled seed worse (ARI 0.79 -> 0.74).
    double margin = 0.2;         // triplet margin, in unit-sphere distance (0..2)
    int p_classes = 8;           // classes per batch (>= 2)
    int k_per_class = 4;         // rows per class per batch (>= 1)
    double learning_rate = 1e-4; // AdamW
    double weight_decay = 0.01;  // AdamW, decoupled
    int max_epochs = 60;         // >= 1
    int steps_per_epoch = 100;   // >= 1
    int patience = 8;            // epochs without improvement before stopping (>= 1)
    // Converged: after an epoch (with validation) whose mean training loss is under this,
    // training stops and the best epoch so far is returned; 0: off. At 0.001 (0.5 % of the
    // default margin) nearly every triplet of the epoch's batches is past the margin, so the
    // gradients have vanished and further epochs move the weights by weight decay and the odd
    // batch only; what early stopping then found were validation-loss ties (precision equal,
    // loss a little lower) among weights that differ by noise. Labelled builds get there
    // (four well-separated styles: the style DNA quality suite's labelled build reached
    // 0.0006 at epoch 12 and ran to epoch 34 on patience, best 26, precision 0.993 at both
    // epochs); identity-trained heads do not (0.003 after 16 epochs there), so it leaves them
    // as they were (their figures below are unchanged to the last digit). Measured on the
    // suite's tuning draws, labelled builds, build seeds 3-5, off -> on: 41000 epochs 23-30 ->
    // 9-11, track P@5 0.9375 -> 0.933 (one seed 0.9375 -> 0.925), segment P@5 0.898 -> 0.896,
    // ARI 0.98 -> 0.98; 52000 epochs 19-25 -> 12-14, P@5 0.996 -> 0.996, segment 0.982 ->
    // 0.980, ARI 1 -> 1; the suite's draw 31000: 34 -> 12 epochs (7.8 -> 2.8 s), P@5 1 -> 1,
    // segment 0.978 -> 0.968, ARI 1 -> 1. The 216-reference labelled build of
    // bench/profile/run_bench.sh had trained 28 epochs (7.6-11.2 s).
    double converged_loss = 0.001;
    // Patience on the precision metric counts epochs without a gain of min_gain_se standard
    // errors, sqrt(p (1 - p) / validation rows), over the precision of the last epoch that
    // reset it (0: any better epoch resets it, as on the loss metric). The best epoch is still
    // the best by improves() (precision, then loss); only the reset needs the gain. Why: a
    // precision@5 over ~860 validation rows moves by 0.001-0.002 from epoch to epoch by noise
    // alone, and each such step, or a validation-loss tie-break, restarted the patience (a
    // 216-reference labelled build, 1-minute references: precision 0.987 at epoch 4, then
    // steps of 0.001-0.002 to 0.997 at epoch 31, stopped at 39; replayed at 1 it stops at 17,
    // best 15, 0.994; bench/profile/run_bench.sh --tracks 215 --minutes 5: 28 -> 13 epochs,
    // 8.4-11.5 s -> 3.1-3.2 s). Measured on the style DNA quality suite (build seeds 3-5,
    // 0 -> 1): draw 31000 (the suite's) identical figures but one labelled segment P@5 (0.9585 ->
    // 0.9576, 15 -> 9 epochs), unlabelled 54 -> 46 epochs in all; tuning draw 41000 unlabelled
    // track P@5 0.942 -> 0.946, segment 0.910 -> 0.907, ARI 0.911 -> 0.911 (one seed 25 -> 14
    // epochs), labelled identical; unlabelled training 5.9 -> 4.7 s. bench_head_trainer's
    // identity-trained head: the same weights (digest unchanged), 14 epochs either way.
    double min_gain_se = 1.0;
    double validation_fraction = 0.2; // of the tracks, [0, 0.9]
    HeadStopMetric stop_on = HeadStopMetric::kValidationPrecision;
    int precision_k = 5; // neighbours for the validation precision (>= 1)
    int hidden_dim = 512;
    int output_dim = 256;
    double dropout = 0.1; // [0, 1)
    // Augmented views as extra positives (false: x_augmented is ignored and the other
    // segments of the same class are the only positives). The views' gain (+-6 dB), EQ tilt
    // (+-3 dB/octave) and low-pass (descriptor_backbone.hpp) span the level, tonal balance and
    // brightness by which masters of different styles differ, so training without them could
    // keep style cues; but real references also differ in level and balance by source
    // (loudness-normalised rips, remasters), which the views teach the head to ignore. Measured
    // on the style DNA quality suite (issue 12; mean of build seeds 3-5, with -> without):
    // tuning draws 52000 / 53000 / 54000: unlabelled track precision@5 0.74 -> 0.81, 0.72 ->
    // 0.78, 0.83 -> 0.82, labelled 0.92 -> 0.98, 0.78 -> 0.86, 0.83 -> 0.85; the suite's draw
    // (31000): unlabelled 0.75 -> 0.73, labelled 0.87 -> 0.82. Not a robust gain, so the views
    // stay on.
    bool augmented_positives = true;
    // LibTorch intra-op threads during training; 0 leaves them. 1 by default: the batches
    // are small (64 x 512), and with 2 OpenMP threads on a 2-core machine that is busy
    // elsewhere every step waited on a descheduled thread (93 ms/step against 8.6 ms/step
    // on 1 thread, bench_head_trainer, load average ~5).
    int threads = 1;
    // False-negative cancellation (Huynh et al. 2022), identity classes only (every class
    // exactly one track, as an unlabelled build passes them; ignored otherwise): for each
    // training track, its `neighbour_tracks` nearest other training tracks by cosine of the
    // mean of their (standardised) rows, and every track that counts it among its own, are
    // never its negatives. Why: trained to tell tracks apart, the head also pushed apart
    // tracks of one style, the nearest and so the hardest (semi-hard) negatives; the nearest
    // tracks in the input space are mostly of one style (the backbone's own precision@5 is
    // 0.85-0.96 on the quality suite's draws), so they stop being pushed away while every
    // other track still is. The count, not a share of the library, because it names the few
    // tracks a `similar` query should find. It only helps when the input space's neighbours
    // are mostly one style: on synthetic rows whose track cue outweighs the class
    // (test_head_trainer) the head got worse (0.94 -> 0.91).
    // Measured on the style DNA quality suite (issue 12; unlabelled builds, mean of build
    // seeds 3-5, 0 -> 6; backbone alone in brackets): tuning draw 41000 track precision@5
    // 0.85 -> 0.94 (0.85), ARI of the clusters 0.91 -> 0.91; 52000: 0.88 -> 0.97 (0.96),
    // 0.75 -> 0.98; 63000: 0.85 -> 0.90 (0.89), 0.82 -> 0.93; 74000: 0.96 -> 0.99 (0.89),
    // 0.84 -> 0.96. Other counts (41000 / 52000): 2: 0.88 / 0.93, ARI 1.0 / 0.94; 4: 0.93 /
    // 0.95, ARI 0.93 / 0.93; 8: 0.93 / 0.98, ARI 0.88 / 0.96; 10: 0.94 / 0.98, ARI 0.85 /
    // 0.86; 12 (41000): 0.93, ARI 0.81: the clusters blur past 6.
    // `attract_neighbours` also makes them positives (attraction, not just cancellation):
    // precision@5 a little higher (4: 0.95 / 0.98, 6: 0.94 / 1.0) but ARI lower (4: 0.88 /
    // 0.87, 6: 0.76 / 0.85): the head then pulls together whatever the backbone put close,
    // across styles too, and the clusters merge. Off.
    // Cost: the pairs are found once (a cosine matrix of the track means), the mining
    // reads one flag per pair of rows; ms/step unchanged within noise (5.7-6.3 against
    // 6.0-6.5, bench_head_trainer, 215 tracks, 8 fixed epochs, loaded VM). Early stopping
    // comes sooner: 14 epochs against 26 there, 8.6-8.8 s against 14.8-16.1 s in all.
    int neighbour_tracks = 6;
    bool attract_neighbours = false;
};

struct HeadTrainingReport {
    int epochs = 0;                  // epochs run
    int best_epoch = 0;              // 1-based epoch whose weights were returned
    long steps = 0;                  // optimiser steps run
    double train_loss = 0;           // mean training loss of the best epoch
    double validation_loss = 0;      // at the best epoch (0 without validation)
    double validation_precision = 0; // precision@k at the best epoch (0 without validation)
    bool stopped_early = false;
    int train_rows = 0, validation_rows = 0; // original rows (augmented views not counted)
    int train_tracks = 0, validation_tracks = 0;
    double seconds = 0;  // wall time of the call
    long parameters = 0; // trainable parameters of the head
};

// Returns the weights of the best epoch (the last one without validation). `report`
// may be null.
core::Result<embed::HeadWeights> trainProjectionHead(const HeadTrainingData& data,
                                                     const HeadTrainingParams& params,
                                                     HeadTrainingReport* report,
                                                     const core::CancellationToken& cancel = {},
                                                     const core::ProgressFn& progress = {});

} // namespace styledna::models
