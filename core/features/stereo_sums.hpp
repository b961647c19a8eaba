#pragma once
// L/R sums over a stretch of samples and the stereo measures made from them:
// the one implementation of side share and L/R correlation that the mix's
// stereo family and the per-stem features (core/stems) both use.
//
// pairSums: sums of l^2, r^2, l r, l, r in double over [first, last), from
// float partial sums in 8 lanes over blocks of 2048 samples (vectorised),
// folded into double per block (~1e-7 relative error per block).
// sideShare: E(S) / (E(M) + E(S)), M = (L+R)/2, S = (L-R)/2, clamped to 0..1;
// 0 when the mean square of the pair is at or below silence_mean_square.
// correlation: Pearson of L and R, -1..1; 1 when both sides are silent (at or
// below silence_mean_square), 0 when only one is.
// Threads: pure functions.

#include <cstddef>

namespace styledna::core {

struct PairSums {
    double ll = 0, rr = 0, lr = 0, l = 0, r = 0;
    double n = 0;
};

PairSums pairSums(const float* l, const float* r, std::size_t first, std::size_t last);
double sideShare(const PairSums& s, double silence_mean_square);
double correlation(const PairSums& s, double silence_mean_square);

} // namespace styledna::core
