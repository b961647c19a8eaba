// Benchmark: OpenL3 backbone (music, mel256, 6144-d) time per 5-minute track on CPU.
//
// Embeds `--seconds` of synthetic 48 kHz audio (default 60 s: a full track takes
// minutes) with the given hop through OpenL3Backbone::embedSignal(), on 1 and 2
// LibTorch threads, and extrapolates to a 5-minute track by its window count (301
// windows at hop 1 s, centred). The network's cost does not depend on the audio or
// the weight values, so seeded random weights stand in unless --weights names a
// converted archive. Prints a table; never asserts on time.
//
// Usage: bench_openl3 [--seconds S] [--hop S] [--batch N] [--threads-list 1,2]
//                     [--weights FILE]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "models/openl3_backbone.hpp"

namespace {

using namespace styledna;
using Clock = std::chrono::steady_clock;

std::vector<float> synthTrack(double seconds) {
    const auto n = static_cast<std::size_t>(seconds * 48000);
    std::vector<float> x(n);
    std::mt19937 rng(1);
    std::normal_distribution<float> noise(0.0f, 0.05f);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / 48000.0;
        const double kick = std::exp(-12.0 * std::fmod(t, 0.4651)) * std::sin(2 * M_PI * 55.0 * t);
        x[i] = static_cast<float>(0.5 * kick + 0.2 * std::sin(2 * M_PI * 440.0 * t)) + noise(rng);
    }
    return x;
}

} // namespace

int main(int argc, char** argv) {
    double seconds = 60.0;
    models::OpenL3Params params;
    std::vector<int> thread_counts = {1, 2};
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--seconds") {
            seconds = std::atof(value.c_str());
        } else if (flag == "--hop") {
            params.hop_s = std::atof(value.c_str());
        } else if (flag == "--batch") {
            params.batch_windows = std::atoi(value.c_str());
        } else if (flag == "--weights") {
            params.weights_path = value;
        } else if (flag == "--threads-list") {
            thread_counts.clear();
            std::stringstream ss(value);
            for (std::string item; std::getline(ss, item, ',');) {
                thread_counts.push_back(std::atoi(item.c_str()));
            }
        } else {
            std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    const auto audio = synthTrack(seconds);
    std::printf("OpenL3 music/mel256/6144 backbone, %.0f s of audio, hop %.2f s, centred, "
                "batch %d, %s weights\n",
                seconds, params.hop_s, params.batch_windows,
                params.weights_path.empty() ? "random" : "converted");
    std::printf("%8s %8s %10s %12s %16s %14s\n", "threads", "windows", "wall s", "s/window",
                "s per 5-min trk", "x real time");
    for (const int threads : thread_counts) {
        params.threads = threads;
        auto backbone = params.weights_path.empty()
                            ? models::OpenL3Backbone::createRandom(params, 1)
                            : models::OpenL3Backbone::load(params);
        if (!backbone.isOk()) {
            std::fprintf(stderr, "%s\n", backbone.status().toString().c_str());
            return 1;
        }
        // Warm-up: oneDNN builds its kernels on the first call.
        (void)(*backbone)->embedWindows(std::vector<float>(audio.begin(), audio.begin() + 48000));
        const auto start = Clock::now();
        auto result = (*backbone)->embedSignal(audio);
        const double wall = std::chrono::duration<double>(Clock::now() - start).count();
        if (!result.isOk()) {
            std::fprintf(stderr, "%s\n", result.status().toString().c_str());
            return 1;
        }
        const int windows = result->windows();
        const int track_windows = (*backbone)->windowCount(300 * 48000);
        const double per_window = wall / windows;
        std::printf("%8d %8d %10.2f %12.3f %16.1f %14.2f\n", threads, windows, wall, per_window,
                    per_window * track_windows, 300.0 / (per_window * track_windows));
    }
    std::printf("(s per 5-min track = s/window x %d windows%s)\n",
                models::OpenL3Backbone::createRandom(params, 1).value()->windowCount(300 * 48000),
                seconds < 300 ? ", extrapolated from the measured span" : "");
    return 0;
}
