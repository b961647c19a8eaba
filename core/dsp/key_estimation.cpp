#include "core/dsp/key_estimation.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace styledna::core {
namespace {

// Faraldo et al. 2016 "edma" profiles, index 0 = tonic.
constexpr std::array<double, 12> kEdmaMajor{0.16519551, 0.04749026, 0.08293076, 0.06687112,
                                            0.09994645, 0.09274123, 0.05294487, 0.13159476,
                                            0.05218986, 0.07443653, 0.06940723, 0.0642515};
constexpr std::array<double, 12> kEdmaMinor{0.17235348, 0.05336489, 0.0761009,  0.10043649,
                                            0.05621498, 0.08527853, 0.0497915,  0.13451001,
                                            0.07458916, 0.05003023, 0.09187879, 0.05545106};

constexpr std::array<double, 12> kDiatonic{1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1};
constexpr std::array<double, 12> kMajorTriad{1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0};
constexpr std::array<double, 12> kMinorTriad{1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0};

double pearson(const std::vector<double>& x, const std::array<double, 12>& profile, int tonic) {
    double mx = 0.0, my = 0.0;
    for (int i = 0; i < 12; ++i) {
        mx += x[static_cast<std::size_t>(i)];
        my += profile[static_cast<std::size_t>(i)];
    }
    mx /= 12.0;
    my /= 12.0;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (int i = 0; i < 12; ++i) {
        const double a = x[static_cast<std::size_t>((i + tonic) % 12)] - mx;
        const double b = profile[static_cast<std::size_t>(i)] - my;
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    return sxx > 0.0 && syy > 0.0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

} // namespace

std::string keyLabel(int tonic_pc, bool minor) {
    static const char* kNames[12] = {"C",  "C#", "D",  "Eb", "E",  "F",
                                     "F#", "G",  "Ab", "A",  "Bb", "B"};
    return std::string(kNames[((tonic_pc % 12) + 12) % 12]) + (minor ? " minor" : " major");
}

KeyEstimate estimateKey(const std::vector<double>& pcs, const std::vector<double>& phrase_starts,
                        const std::vector<double>& phrase_ends, double start_weight,
                        double end_weight) {
    KeyEstimate est;
    if (pcs.size() != 12) {
        return est;
    }
    double spread = 0.0;
    for (double v : pcs) {
        spread = std::max(spread, std::abs(v - pcs[0]));
    }
    if (!(spread > 0.0)) {
        return est;
    }
    int major_tonic = 0;
    double best_fit = -2.0;
    for (int tonic = 0; tonic < 12; ++tonic) {
        const double fit = pearson(pcs, kDiatonic, tonic);
        if (fit > best_fit) {
            best_fit = fit;
            major_tonic = tonic;
        }
    }
    const bool use_start = start_weight > 0.0 && phrase_starts.size() == 12;
    const bool use_end = end_weight > 0.0 && phrase_ends.size() == 12;
    const double norm =
        1.0 / (1.0 + (use_start ? start_weight : 0.0) + (use_end ? end_weight : 0.0));
    auto score = [&](int tonic, bool minor) {
        const auto& triad = minor ? kMinorTriad : kMajorTriad;
        double r = pearson(pcs, minor ? kEdmaMinor : kEdmaMajor, tonic);
        if (use_start) {
            r += start_weight * pearson(phrase_starts, triad, tonic);
        }
        if (use_end) {
            r += end_weight * pearson(phrase_ends, triad, tonic);
        }
        return r * norm;
    };
    const int minor_tonic = (major_tonic + 9) % 12;
    const double major_score = score(major_tonic, false);
    const double minor_score = score(minor_tonic, true);
    est.minor = minor_score > major_score;
    est.tonic_pc = est.minor ? minor_tonic : major_tonic;
    est.correlation = std::max(major_score, minor_score);
    est.second = std::min(major_score, minor_score);
    est.valid = true;
    return est;
}

} // namespace styledna::core
