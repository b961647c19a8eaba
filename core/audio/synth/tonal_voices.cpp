#include "core/audio/synth/tonal_voices.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/audio/synth/synth_dsp.hpp"
#include "core/audio/synth/synth_random.hpp"

namespace styledna::core::synth_detail {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr std::size_t kControlBlock = 16; // samples between filter coefficient updates

} // namespace

std::vector<float> renderBassNote(int midi_note, std::size_t frames, double rate_hz) {
    std::vector<float> out(frames);
    const double f0 = midiToHz(midi_note);
    BlepOsc saw;
    saw.setFrequency(f0, rate_hz);
    double sub_phase = 0.0;
    Biquad lp;
    const double attack = 0.001 * rate_hz;
    const double release_start = 0.88 * static_cast<double>(frames);
    const double release_len = std::max(1.0, static_cast<double>(frames) - release_start);
    const double env_step = std::exp(-1.0 / (0.045 * rate_hz));
    double env = 1.0;
    for (std::size_t i = 0; i < frames; ++i) {
        if (i % kControlBlock == 0) {
            const double cutoff = std::min(0.45 * rate_hz, f0 * (2.5 + 5.5 * env));
            lp.design(Biquad::Kind::kLowpass, cutoff, 0.9, rate_hz);
        }
        const double x = 0.55 * saw.saw() + 0.6 * std::sin(kTwoPi * sub_phase);
        sub_phase += f0 / rate_hz;
        sub_phase -= std::floor(sub_phase);
        const double t = static_cast<double>(i);
        double amp = std::min(1.0, t / attack);
        if (t > release_start) {
            amp *= std::max(0.0, 1.0 - (t - release_start) / release_len);
        }
        out[i] = static_cast<float>(lp.process(x) * amp);
        env *= env_step;
    }
    return out;
}

void addAcidLine(const AcidParams& acid, const std::vector<AcidEvent>& events, float* out,
                 std::size_t frames, double rate_hz, double bar_samples, double bar_offset) {
    if (events.empty()) {
        return;
    }
    LadderFilter ladder;
    BlepOsc osc;
    const double slide_coef = 1.0 - std::exp(-1.0 / (acid.slide_ms * 1e-3 * rate_hz));
    const double amp_coef = 1.0 - std::exp(-1.0 / (0.002 * rate_hz));
    const double log_ratio = std::log2(acid.cutoff_max_hz / acid.cutoff_min_hz);
    const double nyquist_guard = 0.42 * rate_hz;
    const double drive = dbToGain(acid.drive_db);
    const double drive_norm = std::sqrt(drive); // keeps the level roughly steady as drive rises
    double pitch = events.front().note;
    double target_pitch = pitch;
    double amp = 0.0, amp_target = 0.0;
    double filter_env = 0.0, filter_env_step = 1.0, env_depth = acid.env_mod_octaves;
    std::size_t next_event = 0;
    std::size_t gate_end = 0;
    osc.setFrequency(midiToHz(pitch), rate_hz);
    for (std::size_t i = 0; i < frames; ++i) {
        while (next_event < events.size() && events[next_event].onset == i) {
            const AcidEvent& e = events[next_event++];
            target_pitch = e.note;
            gate_end = e.gate_end;
            amp_target = e.accent ? 1.0 : 0.7;
            if (!e.legato) {
                pitch = target_pitch;
                const double decay_ms = e.accent ? 0.6 * acid.decay_ms : acid.decay_ms;
                filter_env = 1.0;
                filter_env_step = std::exp(-1.0 / (decay_ms * 1e-3 * rate_hz));
                env_depth = acid.env_mod_octaves * (e.accent ? 1.3 : 1.0);
            }
        }
        if (i >= gate_end) {
            amp_target = 0.0;
        }
        if (i % kControlBlock == 0) {
            if (pitch != target_pitch) {
                pitch += (target_pitch - pitch) * std::min(1.0, slide_coef * kControlBlock);
                if (std::abs(target_pitch - pitch) < 1e-3) {
                    pitch = target_pitch;
                }
            }
            osc.setFrequency(midiToHz(pitch), rate_hz);
            const double bar = bar_offset + static_cast<double>(i) / bar_samples;
            const double lfo = 0.5 - 0.5 * std::cos(kTwoPi * bar / acid.sweep_bars);
            const double octaves = log_ratio * lfo + env_depth * filter_env;
            ladder.setCutoff(std::min(nyquist_guard, acid.cutoff_min_hz * std::exp2(octaves)),
                             rate_hz);
        }
        const double x = acid.square_wave ? osc.square() : osc.saw();
        amp += (amp_target - amp) * amp_coef;
        double y = acid.three_pole ? ladder.process3(0.8 * x, acid.resonance)
                                   : ladder.process(0.8 * x, acid.resonance);
        if (drive > 1.0) {
            y = softSaturate(drive * y) / drive_norm;
        }
        out[i] += static_cast<float>(0.9 * y * amp);
        filter_env *= filter_env_step;
    }
}

StereoSegment renderSupersawChord(const std::vector<int>& midi_notes, int voices,
                                  double detune_cents, double spread, std::size_t frames,
                                  double rate_hz, std::uint64_t phase_seed) {
    StereoSegment seg{std::vector<float>(frames, 0.0f), std::vector<float>(frames, 0.0f)};
    Rng rng(phase_seed);
    const double norm =
        1.0 / std::sqrt(static_cast<double>(voices) * static_cast<double>(midi_notes.size()));
    std::vector<double> left(frames, 0.0), right(frames, 0.0);
    for (int note : midi_notes) {
        for (int v = 0; v < voices; ++v) {
            const double position = voices == 1 ? 0.0 : 2.0 * v / (voices - 1) - 1.0;
            const double cents = position * detune_cents;
            const double pan = position * spread;
            const double theta = (pan + 1.0) * std::numbers::pi / 4.0;
            const double gain_l = std::cos(theta) * norm;
            const double gain_r = std::sin(theta) * norm;
            BlepOsc osc;
            osc.phase = rng.uniform();
            osc.setFrequency(midiToHz(note + cents / 100.0), rate_hz);
            for (std::size_t i = 0; i < frames; ++i) {
                const double s = osc.saw();
                left[i] += gain_l * s;
                right[i] += gain_r * s;
            }
        }
    }
    const double attack = 0.005 * rate_hz;
    const double release = 0.008 * rate_hz;
    for (std::size_t i = 0; i < frames; ++i) {
        const double t = static_cast<double>(i);
        const double amp = std::min({1.0, t / attack, static_cast<double>(frames - i) / release});
        seg.left[i] = static_cast<float>(left[i] * amp);
        seg.right[i] = static_cast<float>(right[i] * amp);
    }
    return seg;
}

std::vector<float> renderPluck(int midi_note, double rate_hz) {
    const std::size_t frames = static_cast<std::size_t>(0.35 * rate_hz) + 1;
    std::vector<float> out(frames);
    BlepOsc a, b;
    a.setFrequency(midiToHz(midi_note + 0.08), rate_hz);
    b.setFrequency(midiToHz(midi_note - 0.08), rate_hz);
    b.phase = 0.37;
    Biquad lp;
    const double cutoff_step = std::exp(-1.0 / (0.070 * rate_hz));
    const double amp_step = std::exp(std::log(1e-3) / (0.35 * rate_hz));
    double cutoff_env = 1.0, amp = 1.0;
    for (std::size_t i = 0; i < frames; ++i) {
        if (i % kControlBlock == 0) {
            lp.design(Biquad::Kind::kLowpass, std::min(0.45 * rate_hz, 700.0 + 6300.0 * cutoff_env),
                      0.8, rate_hz);
        }
        const double attack = std::min(1.0, static_cast<double>(i) / (0.001 * rate_hz));
        out[i] = static_cast<float>(lp.process(0.5 * (a.saw() + b.saw())) * amp * attack);
        cutoff_env *= cutoff_step;
        amp *= amp_step;
    }
    return out;
}

} // namespace styledna::core::synth_detail
