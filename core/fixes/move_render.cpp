#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/fixes/move.hpp"

namespace styledna::fixes {
namespace {

core::BiquadCoefficients normalised(double b0, double b1, double b2, double a0, double a1,
                                    double a2) {
    return {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
}

double duckGainDb(const Move& move, double t_s) {
    const double tau_s = std::max(1e-3, move.release_ms / 1000.0) / std::log(10.0);
    return move.gain_db * std::exp(-t_s / tau_s);
}

void applySections(std::vector<float>& x, const std::vector<core::BiquadCoefficients>& sections) {
    core::BiquadCascade cascade(sections);
    cascade.process(x.data(), x.data(), x.size());
}

} // namespace

Move scaledMove(const Move& move, double strength) {
    Move m = move;
    m.gain_db *= strength;
    m.width = 1.0 + (move.width - 1.0) * strength;
    return m;
}

core::BiquadCoefficients peakingEq(double f, double gain_db, double q, double rate) {
    const double a = std::pow(10.0, gain_db / 40.0);
    const double w = 2 * std::numbers::pi * f / rate;
    const double alpha = std::sin(w) / (2 * q);
    const double c = std::cos(w);
    return normalised(1 + alpha * a, -2 * c, 1 - alpha * a, 1 + alpha / a, -2 * c, 1 - alpha / a);
}

core::BiquadCoefficients lowShelf(double f, double gain_db, double q, double rate) {
    const double a = std::pow(10.0, gain_db / 40.0);
    const double w = 2 * std::numbers::pi * f / rate;
    const double alpha = std::sin(w) / (2 * q);
    const double c = std::cos(w);
    const double s = 2 * std::sqrt(a) * alpha;
    return normalised(a * ((a + 1) - (a - 1) * c + s), 2 * a * ((a - 1) - (a + 1) * c),
                      a * ((a + 1) - (a - 1) * c - s), (a + 1) + (a - 1) * c + s,
                      -2 * ((a - 1) + (a + 1) * c), (a + 1) + (a - 1) * c - s);
}

core::BiquadCoefficients highShelf(double f, double gain_db, double q, double rate) {
    const double a = std::pow(10.0, gain_db / 40.0);
    const double w = 2 * std::numbers::pi * f / rate;
    const double alpha = std::sin(w) / (2 * q);
    const double c = std::cos(w);
    const double s = 2 * std::sqrt(a) * alpha;
    return normalised(a * ((a + 1) + (a - 1) * c + s), -2 * a * ((a - 1) + (a + 1) * c),
                      a * ((a + 1) + (a - 1) * c - s), (a + 1) - (a - 1) * c + s,
                      2 * ((a - 1) - (a + 1) * c), (a + 1) - (a - 1) * c - s);
}

PowerGain movePowerGain(const Move& move, double hz, double rate, double beat_s) {
    auto squared = [](double v) { return v * v; };
    switch (move.kind) {
    case MoveKind::kBell: {
        const double g = squared(
            core::magnitudeAt(peakingEq(move.freq_hz, move.gain_db, move.q, rate), hz, rate));
        return {g, g};
    }
    case MoveKind::kLowShelf: {
        const double g = squared(
            core::magnitudeAt(lowShelf(move.freq_hz, move.gain_db, move.q, rate), hz, rate));
        return {g, g};
    }
    case MoveKind::kHighShelf: {
        const double g = squared(
            core::magnitudeAt(highShelf(move.freq_hz, move.gain_db, move.q, rate), hz, rate));
        return {g, g};
    }
    case MoveKind::kBassMono: {
        double g = 1;
        for (const auto& s : core::linkwitzRileyHighpass(move.freq_hz, rate)) {
            g *= squared(core::magnitudeAt(s, hz, rate));
        }
        return {1.0, g};
    }
    case MoveKind::kWidth:
        return {1.0, squared(move.width)};
    case MoveKind::kGain: {
        const double g = std::pow(10.0, move.gain_db / 10.0);
        return {g, g};
    }
    case MoveKind::kDuck: {
        if (beat_s <= 0) {
            return {};
        }
        constexpr int kSteps = 256;
        double sum = 0;
        for (int i = 0; i < kSteps; ++i) {
            sum += std::pow(10.0, duckGainDb(move, (i + 0.5) * beat_s / kSteps) / 10.0);
        }
        return {sum / kSteps, sum / kSteps};
    }
    }
    return {};
}

void renderMoves(core::AudioBuffer& audio, const std::vector<Move>& moves,
                 const std::vector<double>& beat_times_s) {
    const double rate = audio.sample_rate_hz;
    const std::size_t n = audio.frames();
    for (const auto& move : moves) {
        switch (move.kind) {
        case MoveKind::kBell:
        case MoveKind::kLowShelf:
        case MoveKind::kHighShelf: {
            const auto c = move.kind == MoveKind::kBell
                               ? peakingEq(move.freq_hz, move.gain_db, move.q, rate)
                           : move.kind == MoveKind::kLowShelf
                               ? lowShelf(move.freq_hz, move.gain_db, move.q, rate)
                               : highShelf(move.freq_hz, move.gain_db, move.q, rate);
            for (auto& ch : audio.channels) {
                applySections(ch, {c});
            }
            break;
        }
        case MoveKind::kBassMono:
        case MoveKind::kWidth: {
            if (audio.numChannels() != 2) {
                break;
            }
            auto& l = audio.channels[0];
            auto& r = audio.channels[1];
            std::vector<float> side(n);
            for (std::size_t i = 0; i < n; ++i) {
                side[i] = 0.5f * (l[i] - r[i]);
            }
            std::vector<float> new_side = side;
            if (move.kind == MoveKind::kBassMono) {
                applySections(new_side, core::linkwitzRileyHighpass(move.freq_hz, rate));
            } else {
                for (auto& s : new_side) {
                    s = static_cast<float>(s * move.width);
                }
            }
            for (std::size_t i = 0; i < n; ++i) {
                const float mid = 0.5f * (l[i] + r[i]);
                l[i] = mid + new_side[i];
                r[i] = mid - new_side[i];
            }
            break;
        }
        case MoveKind::kGain: {
            const auto g = static_cast<float>(std::pow(10.0, move.gain_db / 20.0));
            for (auto& ch : audio.channels) {
                for (auto& v : ch) {
                    v *= g;
                }
            }
            break;
        }
        case MoveKind::kDuck: {
            std::vector<float> gain(n, 1.0f);
            for (std::size_t b = 0; b < beat_times_s.size(); ++b) {
                const auto start = static_cast<std::size_t>(std::max(0.0, beat_times_s[b] * rate));
                const std::size_t end =
                    b + 1 < beat_times_s.size()
                        ? static_cast<std::size_t>(std::max(0.0, beat_times_s[b + 1] * rate))
                        : n;
                for (std::size_t i = start; i < std::min(end, n); ++i) {
                    gain[i] = static_cast<float>(
                        std::pow(10.0, duckGainDb(move, double(i - start) / rate) / 20.0));
                }
            }
            for (auto& ch : audio.channels) {
                for (std::size_t i = 0; i < n; ++i) {
                    ch[i] *= gain[i];
                }
            }
            break;
        }
        }
    }
}

} // namespace styledna::fixes
