// The widened sidechain's truth (SynthTruth::sidechain_depth_db and
// sidechain_release_ms, measured on the gain curve the synthesizer applies)
// against what the ducked bus carries on the drops' beats, where the trance
// family's detector folds: the same track rendered with the duck and without
// it (depth 0, everything else equal) gives the realised gain reduction as
// the power ratio of the ducked bus, per beat.
//
// Measured on seeds 10000-10039 (the visible draw): a compressor's gain
// depends on its key (the kick) only, not on the bus level, and the bus
// carries it to within 0.05 dB where its attack is 4 ms or more; its peak comes
// 6-25 ms after the onset. The chord/lead/FX bus is high-passed (150 Hz, 4th
// order) after the duck, so a fast duck into it (attack under ~4 ms, or a
// steep law) rings the filter: the bus dips deeper than the gain law for a few
// ms, by up to 1.9 dB (a 12.7 dB exponential duck with a 1.2 ms attack read
// 14.6 dB). That transient lies inside the detector's 8 ms guard; the truth
// records the law (what a listener hears as the pump), not the ring. A duck on
// the bass alone (no filter after it) is carried exactly.

#include <algorithm>
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "core/audio/synth/trance_synth.hpp"

using namespace styledna::core;

namespace {

struct Realised {
    double depth_db = 0;   // median over drop beats of the peak gain reduction
    double release_ms = 0; // median onset to 90 % recovery (dB)
    double peak_at_ms = 0; // median time of the peak after the onset
    int beats = 0;
};

// Per-beat gain reduction of `ducked` against `clean` (same bus, same notes)
// from the power ratio over 16-sample blocks (0.36 ms at 44.1 kHz).
Realised realised(const std::vector<float>& ducked, const std::vector<float>& clean,
                  const SynthTruth& truth, double rate) {
    constexpr std::size_t kBlock = 16;
    const double beat_s = 60.0 / truth.params.tempo_bpm;
    const double ms_per_block = kBlock * 1e3 / rate;
    std::vector<double> depths, releases, peaks;
    for (const auto& sec : truth.sections) {
        if (sec.label != "drop") {
            continue;
        }
        // The drop's first bar is left out, as by the detector (its crash).
        for (double t = sec.start_s + 4.0 * beat_s; t + beat_s <= sec.end_s; t += beat_s) {
            const auto start = static_cast<std::size_t>(std::lround(t * rate));
            const auto blocks = static_cast<std::size_t>(beat_s * rate) / kBlock;
            std::vector<double> gr(blocks, 0.0);
            for (std::size_t b = 0; b < blocks; ++b) {
                double pd = 0.0, pc = 0.0;
                for (std::size_t i = start + b * kBlock; i < start + (b + 1) * kBlock; ++i) {
                    pd += static_cast<double>(ducked[i]) * ducked[i];
                    pc += static_cast<double>(clean[i]) * clean[i];
                }
                gr[b] = pc > 0.0 && pd > 0.0 ? -10.0 * std::log10(pd / pc) : 0.0;
            }
            const auto peak = std::max_element(gr.begin(), gr.end());
            const auto rec =
                std::find_if(peak, gr.end(), [&](double g) { return g <= 0.1 * *peak; });
            depths.push_back(*peak);
            peaks.push_back(static_cast<double>(peak - gr.begin()) * ms_per_block);
            releases.push_back(static_cast<double>(rec - gr.begin()) * ms_per_block);
        }
    }
    auto median = [](std::vector<double> v) {
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
        return v[v.size() / 2];
    };
    Realised r;
    r.beats = static_cast<int>(depths.size());
    if (r.beats > 0) {
        r.depth_db = median(depths);
        r.release_ms = median(releases);
        r.peak_at_ms = median(peaks);
    }
    return r;
}

} // namespace

TEST_CASE("wide sidechain truth is the gain law the ducked bus carries on the drops",
          "[synth][sidechain][truth]") {
    const TranceStyle styles[] = {TranceStyle::kUplifting, TranceStyle::kProgressive,
                                  TranceStyle::kTech, TranceStyle::kPsy};
    int compressors = 0, bass_only = 0, tracks = 0;
    for (std::uint64_t seed = 10000; seed < 10040 && tracks < 12; ++seed) {
        SynthParams p =
            randomParams(styles[seed % 4], seed, 0.75, {}, SynthVariety::kWideSidechain);
        if (!(p.sidechain_depth_db >= 1.0)) {
            continue;
        }
        ++tracks;
        const bool compressor = p.sidechain.source == DuckSource::kCompressor;
        const bool bass = p.sidechain.bus == DuckBus::kBassOnly;
        compressors += compressor;
        bass_only += bass;
        auto ducked = renderTrack(p);
        REQUIRE(ducked.isOk());
        SynthParams p0 = p;
        p0.sidechain_depth_db = 0.0;
        auto clean = renderTrack(p0);
        REQUIRE(clean.isOk());
        const auto& d = bass ? ducked->bass.channels[0] : ducked->other.channels[0];
        const auto& c = bass ? clean->bass.channels[0] : clean->other.channels[0];
        const SynthTruth& truth = ducked->truth;
        const Realised r = realised(d, c, truth, ducked->mix.sample_rate_hz);
        INFO("seed " << seed << " " << duckSourceName(p.sidechain.source) << " "
                     << duckShapeName(p.sidechain.shape) << " " << duckBusName(p.sidechain.bus)
                     << " attack " << p.sidechain.attack_ms << " ms: realised " << r.depth_db
                     << " dB, " << r.release_ms << " ms (peak at " << r.peak_at_ms << " ms) over "
                     << r.beats << " beats; truth " << truth.sidechain_depth_db << " dB, "
                     << truth.sidechain_release_ms << " ms");
        REQUIRE(r.beats >= 8);
        const double excess = r.depth_db - truth.sidechain_depth_db;
        if (bass || (compressor && p.sidechain.attack_ms >= 4.0)) {
            // Absolute 0.1 dB: the 16-sample blocks average the steepest
            // peak (an exponential law without attack) over 0.36 ms.
            CHECK(std::abs(excess) <= 0.1);
        } else {
            // The high-pass after the duck can only deepen it, by at most
            // 1.9 dB on this draw (header); 2.5 dB absolute bounds it.
            CHECK(excess >= -0.1);
            CHECK(excess <= 2.5);
        }
        // Relative 5 %: the ring shifts the peak the recovery is timed from
        // (-4 % on a 0.2 ms-attack cosine law); exact elsewhere to 1 ms.
        CHECK(std::abs(r.release_ms - truth.sidechain_release_ms) <=
              0.05 * truth.sidechain_release_ms);
        if (compressor) {
            // A kick-keyed compressor peaks after the onset (a volume shaper
            // at it); 2.5 ms at the earliest on this draw (a hard tech kick
            // into a 0.6 ms attack).
            CHECK(r.peak_at_ms >= 2.0);
        }
    }
    CHECK(tracks == 12);
    CHECK(compressors >= 3);
    CHECK(bass_only >= 1);
}
