#pragma once
// The reference spread of each feature across all trance styles: what
// "tight" is measured against when a profile weighs its features
// (feature_weight.hpp).
//
// Contents: robust spread s_all = IQR / 1.349 (type-7 quantiles) of each
// feature's values over a fixed synthesizer draw: the four styles (uplifting,
// progressive, tech, psy) x the four varieties (style, wide_sidechain,
// wide_acid, wide_tempo) x `per_cell` seeds, each rendered
// (core::renderTrack(core::randomParams(style, seed, minutes, {}, variety)))
// and analysed (core::extractFeatures, 2 threads) on its mastered mix. Keys are
// the profile's names: whole-track features and "arrangement.*" as in
// feature_stats.hpp, section features as "section.<label>.<feature>".
// Features whose spread over the draw is 0, that fewer than 8 tracks
// reported, or that the synthesizer's master bus pins (sample and true peak:
// every track is soft-clipped to one ceiling) are left out (a weight against
// them would mean nothing).
// Known bias: the synthesizer varies mastering less than real releases do
// (integrated loudness spreads ~0.6 LU here), so mastering features weigh
// lighter in real profiles than they would against a real-music table.
//
// Generated: style_spread_table.cpp is written by bench/profile/make_style_spread.cpp
// (target make_style_spread; its header comment names the command line, the
// seeds and the analyser version). Regenerate it when a feature's definition
// changes; never edit it by hand. Threads: immutable data.

#include <optional>
#include <span>
#include <string_view>

namespace styledna::profile {

struct StyleSpread {
    std::string_view name;
    double robust_spread = 0.0; // IQR / 1.349 over the draw, in the feature's unit
    int count = 0;              // tracks of the draw that reported the feature
};

// Sorted by name (strict), every spread finite and > 0.
std::span<const StyleSpread> styleSpreadTable();

// What the table was generated from ("make_style_spread --per-cell 4 ...").
std::string_view styleSpreadSource();

// s_all of a name, or nullopt when the table does not hold it.
std::optional<double> styleSpread(std::string_view name);

} // namespace styledna::profile
