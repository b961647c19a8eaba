// Diagnostic tool for the sidechain low band (issue 11): renders wide-sidechain
// tracks of the synthesizer by seed and shows, on one section's beats (truth
// grid), what the kick-cancelled low band of trance_sidechain.hpp reads on the
// pre-master stems and on the master, beside the whole analyser's reading.
// It answers "is the duck in the bass, lost to the kick's removal, or lost to
// the master clipper?" for one track in seconds, where the generalization
// suites take minutes.
//
// Usage: sidechain_probe [--section intro] [--minutes 1.5] [--side] [--debug|--trace] [--dump DIR]
//        SEED...
//   seed S is track S % 1000 of the wide-sidechain draw at S - S % 1000
//   (test::wideTrackParams, as the generalization suites draw it).
// Prints, per seed: the truth (sidechain JSON, master gain); the stems' level
// per section; the 100-300 Hz power of each stem folded over the section's
// beats (4 ms bins from -20 ms); the low band's fit on the bass stem, drums +
// bass, the master's mid (with and without the clipper-slope correction) and
// the drums alone; the analyser's reading of the
// master and of the same mix without the master clipper. With --side, first
// the share of samples the clip gate keeps (4 ms bins) and the two side bands'
// folds and fits over the section's beats, on the master and on the unclipped
// mix (the fold is empty where the band reads no significant duck). --debug
// logs every band fit of the analyser (spdlog debug level); --trace adds the
// arrangement's per-beat kick rises (which bars count as kick bars). --dump DIR writes
// the whole track's mid signals and the section's beats for offline study
// (dumpTrack; read by tests/tools/sidechain_slope_model.py). Exit status 0, 1
// on a bad argument, a failed render or a failed dump.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/audio/synth/trance_synth.hpp"
#include "core/common/logging.hpp"
#include "core/dsp/band_envelope.hpp"
#include "core/features/extractor.hpp"
#include "core/features/trance_sidechain.hpp"
#include "unit/generalization/wide_set.hpp"

using namespace styledna;

namespace {

std::vector<float> midOf(const core::AudioBuffer& b) {
    std::vector<float> m(b.frames());
    for (std::size_t i = 0; i < m.size(); ++i) {
        m[i] = 0.5f * (b.channels[0][i] + b.channels[1][i]);
    }
    return m;
}

// 100-300 Hz power of x folded over `beats`, 4 ms bins from -20 ms to +220 ms.
void printFold(const char* what, const std::vector<float>& x, double rate,
               const std::vector<double>& beats) {
    core::ButterworthBand band(100.0, 300.0, 4, rate);
    std::vector<float> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        y[i] = band.process(x[i]);
    }
    constexpr int kBins = 60;
    const auto width = static_cast<long>(std::lround(4e-3 * rate));
    std::vector<double> acc(kBins, 0.0);
    long count = 0;
    for (double t : beats) {
        const long s0 = std::lround((t - 0.020) * rate);
        if (s0 < 0 || s0 + kBins * width > static_cast<long>(y.size())) {
            continue;
        }
        for (int m = 0; m < kBins; ++m) {
            for (long i = s0 + m * width; i < s0 + (m + 1) * width; ++i) {
                acc[static_cast<std::size_t>(m)] += static_cast<double>(y[i]) * y[i];
            }
        }
        ++count;
    }
    std::printf("  fold %-12s", what);
    for (double a : acc) {
        const double mean = a / static_cast<double>(std::max(1L, count * width));
        std::printf(" %.1f", 10.0 * std::log10(mean + 1e-30));
    }
    std::printf("\n");
}

// The stems' sum at the master gain, 6 dB down so nothing clips: the mix
// without the master clipper.
core::AudioBuffer unclippedMix(const core::RenderedTrack& track) {
    core::AudioBuffer unclipped = track.mix;
    const auto gain = static_cast<float>(0.5 * std::pow(10.0, track.truth.master_gain_db / 20.0));
    for (std::size_t c = 0; c < unclipped.channels.size(); ++c) {
        for (std::size_t i = 0; i < unclipped.frames(); ++i) {
            unclipped.channels[c][i] =
                gain * (track.drums.channels[c][i] + track.bass.channels[c][i] +
                        track.other.channels[c][i]);
        }
    }
    return unclipped;
}

// The side bands' folds (main and alt band, each fitted alone) of the master
// and of the unclipped mix over `beats`, 4 ms bins from -20 ms, beside each
// band's fit: where the master's dip comes from.
void printSideFolds(const core::RenderedTrack& track, const std::string& section,
                    const std::vector<double>& beats, double period) {
    const double rate = track.mix.sample_rate_hz;
    auto sideOf = [](const core::AudioBuffer& b) {
        std::vector<float> s(b.frames());
        for (std::size_t i = 0; i < s.size(); ++i) {
            s[i] = 0.5f * (b.channels[0][i] - b.channels[1][i]);
        }
        return s;
    };
    const core::AudioBuffer unclipped = unclippedMix(track);
    const core::TranceSidechainParams scp;
    const std::pair<const char*, const core::AudioBuffer*> mixes[] = {{"master", &track.mix},
                                                                      {"unclipped", &unclipped}};
    for (const auto& [name, audio] : mixes) {
        const auto mid = midOf(*audio);
        const auto side = sideOf(*audio);
        const auto env = core::computeSidechainEnvelope(mid, &side, rate, scp);
        {
            // Kept samples per 4 ms bin (share of the bin's samples), pooled over beats.
            std::printf("  %s kept %%", name);
            for (int j = 0; j < 60; ++j) {
                double k = 0.0;
                double all = 0.0;
                for (double t : beats) {
                    const long b0 = std::lround((t - 0.020) / env.block_s) + 4 * j;
                    for (long b = b0; b < b0 + 4; ++b) {
                        if (b >= 0 && b < static_cast<long>(env.kept.size())) {
                            k += env.kept[static_cast<std::size_t>(b)];
                            all += env.block_s * rate;
                        }
                    }
                }
                std::printf(" %.0f", all > 0 ? 100.0 * k / all : 0.0);
            }
            std::printf("\n");
        }
        for (int band = 0; band < 2; ++band) {
            core::TranceSidechainEnvelope one = env;
            if (band == 1) {
                one.power = env.power_alt;
            }
            one.power_alt.clear();
            const auto r = core::analyseSidechain(one, beats, period, scp);
            std::printf("  %s side band %d over the %s (%zu beats): depth %.2f dB, release %.1f "
                        "ms, gated share %.2f\n   fold",
                        name, band, section.c_str(), beats.size(), r.depth_db, r.release_ms,
                        r.gated_dip_share);
            for (std::size_t j = 0; j + 4 <= r.fold_db.size() && j < 240; j += 4) {
                double p = 0.0;
                for (std::size_t k = j; k < j + 4; ++k) {
                    p += std::pow(10.0, r.fold_db[k] / 10.0);
                }
                std::printf(" %.1f", 10.0 * std::log10(p / 4.0));
            }
            std::printf("\n");
        }
    }
}

} // namespace

constexpr const char* kUsage = "usage: sidechain_probe [--section NAME] [--minutes M] [--side] "
                               "[--debug|--trace] [--dump DIR] SEED...\n";

// Writes the mid of the master, of the unclipped mix, of the bass and of the
// drums (raw float32, one file each) and the section's beats (text, then a
// "# period P rate R" line) under dir as S_mid.f32, S_uc.f32, S_bass.f32,
// S_drums.f32 and S_beats.txt for seed S. False when a file cannot be written.
bool dumpTrack(const std::string& dir, std::uint64_t seed, const core::RenderedTrack& track,
               const std::vector<double>& beats, double period) {
    const std::string stem = dir + "/" + std::to_string(seed) + "_";
    const std::pair<const char*, std::vector<float>> signals[] = {
        {"mid", midOf(track.mix)},
        {"uc", midOf(unclippedMix(track))},
        {"bass", midOf(track.bass)},
        {"drums", midOf(track.drums)}};
    for (const auto& [name, v] : signals) {
        FILE* f = std::fopen((stem + name + ".f32").c_str(), "wb");
        if (f == nullptr) {
            return false;
        }
        const bool ok = std::fwrite(v.data(), sizeof(float), v.size(), f) == v.size();
        if (std::fclose(f) != 0 || !ok) {
            return false;
        }
    }
    FILE* f = std::fopen((stem + "beats.txt").c_str(), "w");
    if (f == nullptr) {
        return false;
    }
    for (double t : beats) {
        std::fprintf(f, "%.6f\n", t);
    }
    std::fprintf(f, "# period %.6f rate %.1f\n", period, track.mix.sample_rate_hz);
    return std::fclose(f) == 0;
}

int main(int argc, char** argv) {
    std::string section = "intro";
    double minutes = 1.5;
    bool side_folds = false;
    std::string dump_dir;
    std::vector<std::uint64_t> seeds;
    for (int a = 1; a < argc; ++a) {
        const std::string arg = argv[a];
        if (arg == "--section" && a + 1 < argc) {
            section = argv[++a];
        } else if (arg == "--side") {
            side_folds = true;
        } else if (arg == "--dump" && a + 1 < argc) {
            dump_dir = argv[++a];
        } else if (arg == "--debug") {
            core::configureLogging("debug", "");
        } else if (arg == "--trace") {
            core::configureLogging("trace", "");
        } else if (arg == "--minutes" && a + 1 < argc) {
            minutes = std::atof(argv[++a]);
        } else if (!arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos) {
            seeds.push_back(std::strtoull(arg.c_str(), nullptr, 10));
        } else {
            std::fputs(kUsage, stderr);
            return 1;
        }
    }
    if (seeds.empty()) {
        std::fputs(kUsage, stderr);
        return 1;
    }
    for (const auto seed : seeds) {
        const auto params =
            test::wideTrackParams(core::SynthVariety::kWideSidechain, seed - seed % 1000,
                                  static_cast<int>(seed % 1000), minutes);
        auto track = core::renderTrack(params);
        if (!track.isOk()) {
            std::fprintf(stderr, "seed %llu: %s\n", static_cast<unsigned long long>(seed),
                         track.status().message().c_str());
            return 1;
        }
        const auto& truth = track->truth;
        const auto j = truth.toJson();
        std::printf("=== seed %llu: truth depth %.2f dB, release %.1f ms, master gain %+.2f dB\n"
                    "  sidechain %s\n",
                    static_cast<unsigned long long>(seed), truth.sidechain_depth_db,
                    truth.sidechain_release_ms, truth.master_gain_db,
                    j["sidechain"].dump().c_str());
        const double rate = track->mix.sample_rate_hz;
        const double period = 60.0 / truth.params.tempo_bpm;
        auto levelOf = [&](const core::AudioBuffer& b, double from, double to) {
            double e = 0.0;
            std::size_t n = 0;
            for (auto i = static_cast<std::size_t>(from * rate);
                 i < static_cast<std::size_t>(to * rate) && i < b.frames(); ++i, ++n) {
                const double x = b.channels[0][i] + b.channels[1][i];
                e += x * x;
            }
            return 10.0 * std::log10(e / static_cast<double>(std::max<std::size_t>(n, 1)) + 1e-30);
        };
        std::vector<double> beats;
        for (const auto& sec : j["sections"]) {
            const double from = sec["start_s"].get<double>();
            const double to = sec["end_s"].get<double>();
            const auto label = sec["label"].get<std::string>();
            std::printf("  %-10s %6.2f-%6.2f s: drums %6.1f, bass %6.1f, other %6.1f dB\n",
                        label.c_str(), from, to, levelOf(track->drums, from, to),
                        levelOf(track->bass, from, to), levelOf(track->other, from, to));
            if (label == section && beats.empty()) {
                for (double t = from + period; t < to - period; t += period) {
                    beats.push_back(t);
                }
            }
        }
        if (beats.empty()) {
            std::printf("  no section '%s'\n", section.c_str());
            continue;
        }
        if (side_folds) {
            printSideFolds(*track, section, beats, period);
        }
        if (!dump_dir.empty() && !dumpTrack(dump_dir, seed, *track, beats, period)) {
            std::fprintf(stderr, "seed %llu: cannot write under %s\n",
                         static_cast<unsigned long long>(seed), dump_dir.c_str());
            return 1;
        }
        const auto bass = midOf(track->bass);
        const auto drums = midOf(track->drums);
        const auto master = midOf(track->mix);
        std::vector<float> both(bass.size());
        for (std::size_t i = 0; i < both.size(); ++i) {
            both[i] = drums[i] + bass[i];
        }
        std::printf("  %zu beats of the %s, 100-300 Hz power (dB), 4 ms bins from -20 ms:\n",
                    beats.size(), section.c_str());
        printFold("bass", bass, rate, beats);
        printFold("drums", drums, rate, beats);
        printFold("master", master, rate, beats);
        core::TranceSidechainParams no_slope;
        no_slope.low_slope_correction = false;
        const core::TranceSidechainParams with_slope;
        const std::tuple<const char*, const std::vector<float>*, const core::TranceSidechainParams*>
            signals[] = {{"bass", &bass, &with_slope},
                         {"drums+bass", &both, &with_slope},
                         {"master", &master, &with_slope},
                         {"master (no slope correction)", &master, &no_slope},
                         {"drums", &drums, &with_slope}};
        for (const auto& [name, x, scp] : signals) {
            auto env = core::computeSidechainEnvelope(*x, nullptr, rate, *scp);
            core::addKickCancelledLowBand(env, *x, rate, beats, beats, period, *scp);
            const auto r = core::analyseLowBand(env, period, *scp, beats);
            std::printf("  low band on %-12s depth %5.2f dB, release %6.1f ms\n", name, r.depth_db,
                        r.release_ms);
        }
        // The analyser on the master, and on the same mix without the master
        // clipper (the stems' sum at the master gain, 6 dB down so nothing
        // clips): a reading that the second loses is the clipper's.
        const core::AudioBuffer unclipped = unclippedMix(*track);
        const std::pair<const char*, const core::AudioBuffer*> mixes[] = {
            {"master", &track->mix}, {"unclipped mix (-6 dB)", &unclipped}};
        for (const auto& [name, audio] : mixes) {
            auto f = core::extractFeatures(*audio, core::ExtractOptions{2});
            if (!f.isOk()) {
                std::fprintf(stderr, "seed %llu: %s\n", static_cast<unsigned long long>(seed),
                             f.status().message().c_str());
                return 1;
            }
            std::printf("  analyser on the %s: depth %.2f dB, release %.1f ms\n", name,
                        f->values.at("sidechain_depth_db"), f->values.at("sidechain_release_ms"));
        }
    }
    return 0;
}
