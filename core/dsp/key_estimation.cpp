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

KeyEstimate estimateKey(const std::vector<double>& pcs,
                        const std::vector<std::vector<double>>& cadence_chromas,
                        double tonic_weight) {
    KeyEstimate est;
    if (pcs.size() != 12) {
        return est;
    }
    bool use_tonic = tonic_weight > 0.0 && !cadence_chromas.empty();
    for (const auto& c : cadence_chromas) {
        use_tonic = use_tonic && c.size() == 12;
    }
    const double norm = 1.0 / (1.0 + (use_tonic ? tonic_weight : 0.0));
    double best = -2.0, second = -2.0;
    for (int mode = 0; mode < 2; ++mode) {
        for (int tonic = 0; tonic < 12; ++tonic) {
            double r = pearson(pcs, mode == 0 ? kEdmaMajor : kEdmaMinor, tonic);
            if (use_tonic) {
                double triad = -1.0;
                for (const auto& c : cadence_chromas) {
                    triad =
                        std::max(triad, pearson(c, mode == 0 ? kMajorTriad : kMinorTriad, tonic));
                }
                r += tonic_weight * triad;
            }
            r *= norm;
            if (r > best) {
                second = best;
                best = r;
                est.tonic_pc = tonic;
                est.minor = mode == 1;
            } else if (r > second) {
                second = r;
            }
        }
    }
    double spread = 0.0;
    for (double v : pcs) {
        spread = std::max(spread, std::abs(v - pcs[0]));
    }
    est.valid = spread > 0.0;
    est.correlation = est.valid ? best : 0.0;
    est.second = est.valid ? second : 0.0;
    return est;
}

} // namespace styledna::core
