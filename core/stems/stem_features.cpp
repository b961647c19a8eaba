#include "core/stems/stem_features.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <thread>

#include "core/features/analysis_context.hpp"
#include "core/features/spectral_features.hpp"
#include "core/features/stereo_features.hpp"
#include "core/features/trance_sidechain.hpp"
#include "core/features/trance_supersaw.hpp"

namespace styledna::core::stems {
namespace {

constexpr double kOverlapLoHz = 40.0;
constexpr double kOverlapHiHz = 120.0;
constexpr double kOverlapFloorDb = -100.0;

const char* const kTonalBands[] = {"sub", "low", "low_mid", "mid", "high_mid", "high", "air"};

std::vector<StemFeatureInfo> buildCatalog() {
    std::vector<StemFeatureInfo> c;
    const auto add = [&c](const char* stem, std::string name, const char* unit,
                          const char* category, std::string what, std::string move) {
        c.push_back({stem, FeatureInfo{std::move(name), unit, category, std::move(what),
                                       std::move(move), FeatureKind::kScalar, true}});
    };
    for (const char* stem : {"drums", "bass", "other"}) {
        for (const char* band : kTonalBands) {
            std::string name = "tonal_balance_";
            name.append(band).append("_db");
            std::string what = "Share of the ";
            what.append(stem)
                .append(" stem's energy in the ")
                .append(band)
                .append(" band (spectral family's band edges), relative to the stem's own total.");
            std::string move = "EQ on the ";
            move.append(stem).append(" bus in that band.");
            add(stem, std::move(name), "dB", "spectral", std::move(what), std::move(move));
        }
    }
    add("drums", "spectral_centroid_hz", "Hz", "spectral",
        "Power-weighted mean frequency of the drums stem.",
        "Hat/cymbal level and brightness against kick and claps.");
    add("drums", "kick_bass_overlap_db", "dB", "low_end",
        "10 log10 of the share of the bass stem's 40-120 Hz energy in STFT cells where the "
        "drums stem is at least as loud (sum of min(kick, bass) power over bass power).",
        "Deeper or longer sidechain on the bass, EQ notch in the bass at the kick's "
        "fundamental, shorter kick tail: all lower it.");
    add("bass", "bass_spectral_centroid_hz", "Hz", "spectral",
        "Centroid of the bass stem's 20-250 Hz long-term spectrum.",
        "Bass EQ / filter cutoff: cutting 200-400 Hz mud or lowering the cutoff lowers it.");
    add("bass", "stereo_width_low", "", "stereo",
        "Side share of the bass stem's energy in 20-120 Hz (0 mono).",
        "Utility/mono-maker below 120 Hz on the bass lowers it.");
    add("bass", "low_end_correlation", "", "stereo",
        "Correlation of the bass stem's L and R in 20-120 Hz (1 mono).",
        "Remove stereo wideners / phase effects on the bass; mono the low end.");
    add("bass", "sidechain_depth_db", "dB", "sidechain",
        "Peak gain reduction of the beat-synchronous duck fitted on the bass stem's 40-400 Hz "
        "envelope (drops).",
        "Sidechain compressor / volume shaper on the bass: depth.");
    add("bass", "sidechain_release_ms", "ms", "sidechain",
        "Time from the kick to 90 % recovery of the bass stem's duck.",
        "Sidechain release on the bass.");
    add("other", "spectral_centroid_hz", "Hz", "spectral",
        "Power-weighted mean frequency of the other stem (chords, leads, FX).",
        "Synth brightness: filter cutoffs, high shelf on the music bus.");
    add("other", "stereo_width", "", "stereo", "Side share of the other stem's energy (0 mono).",
        "Stereo spread of pads and supersaws.");
    add("other", "supersaw_width", "", "stereo",
        "Stereo spread 0..1 of the chords on the other stem (trance family definition).",
        "Supersaw unison spread / stereo width.");
    add("other", "sidechain_depth_db", "dB", "sidechain",
        "Peak gain reduction of the duck fitted on the other stem (drops).",
        "Sidechain compressor / volume shaper on pads and leads: depth.");
    add("other", "sidechain_release_ms", "ms", "sidechain",
        "Time from the kick to 90 % recovery of the other stem's duck.",
        "Sidechain release on pads and leads.");
    return c;
}

std::set<std::string> namesFor(const std::string& stem) {
    std::set<std::string> names;
    for (const auto& f : stemFeatureCatalog()) {
        if (f.stem == stem) {
            names.insert(f.info.name);
        }
    }
    return names;
}

void keepOnly(std::map<std::string, double>& values, const std::set<std::string>& names) {
    for (auto it = values.begin(); it != values.end();) {
        it = names.count(it->first) != 0 ? std::next(it) : values.erase(it);
    }
}

// Beats for the sidechain fold: the drops minus their first bar, else all.
std::vector<double> sidechainBeats(const TrackFeatures& mix, int min_beats) {
    std::vector<double> beats;
    for (const Section& sec : mix.sections) {
        if (sec.label != "drop") {
            continue;
        }
        const double skip_to = sec.start_s + mix.grid.barPeriodS();
        for (double t : mix.grid.beat_times_s) {
            if (t >= skip_to && t < sec.end_s) {
                beats.push_back(t);
            }
        }
    }
    if (static_cast<int>(beats.size()) < min_beats) {
        beats = mix.grid.beat_times_s;
    }
    return beats;
}

std::vector<double> beatsIn(const BeatGrid& grid, double start_s, double end_s) {
    std::vector<double> beats;
    for (double t : grid.beat_times_s) {
        if (t >= start_s && t < end_s) {
            beats.push_back(t);
        }
    }
    return beats;
}

struct StemJob {
    std::string name;
    const AudioBuffer* audio = nullptr;
    std::unique_ptr<AnalysisContext> ctx;
    TrackFeatures out;
    Status status;
};

Status runFamilies(StemJob& job, const TrackFeatures& mix) {
    const AnalysisContext& ctx = *job.ctx;
    std::vector<std::unique_ptr<FeatureFamily>> families;
    families.push_back(makeSpectralFamily());
    if (job.name != "drums") {
        families.push_back(makeStereoFamily());
    }
    for (auto& f : families) {
        Status st = f->configure();
        if (st.isOk()) {
            st = f->process(ctx, job.out);
        }
        if (!st.isOk()) {
            return st;
        }
    }
    for (const Section& sec : mix.sections) {
        Section s;
        s.label = sec.label;
        s.start_s = sec.start_s;
        s.end_s = sec.end_s;
        s.start_bar = sec.start_bar;
        s.bars = sec.bars;
        for (auto& f : families) {
            Status st = f->processSection(ctx, sec.start_s, sec.end_s, s.values);
            if (!st.isOk()) {
                return st;
            }
        }
        job.out.sections.push_back(std::move(s));
    }
    if (ctx.cancel().isCancelled()) {
        return cancelledError("stem analysis cancelled");
    }

    if (job.name != "drums") {
        TranceSidechainParams sc;
        if (job.name == "bass") {
            sc.band_lo_hz = 40.0;
            sc.band_hi_hz = 400.0;
            sc.side_min_rel_db = 1e9; // mono path: the bass's side is not what is ducked
        }
        const double period = mix.grid.beatPeriodS();
        double depth = 0.0, release = 0.0;
        if (mix.grid.valid()) {
            const auto env = computeSidechainEnvelope(ctx, sc);
            const auto whole = analyseSidechain(env, sidechainBeats(mix, sc.min_beats), period, sc);
            depth = whole.depth_db;
            release = whole.release_ms;
            for (Section& s : job.out.sections) {
                const auto part = analyseSidechain(env, beatsIn(mix.grid, s.start_s, s.end_s),
                                                   period, sc, &whole);
                s.values["sidechain_depth_db"] = part.depth_db;
                s.values["sidechain_release_ms"] = part.release_ms;
            }
        }
        job.out.values["sidechain_depth_db"] = depth;
        job.out.values["sidechain_release_ms"] = release;
    }
    if (job.name == "other") {
        const TranceSupersawParams ss;
        std::vector<std::pair<double, double>> ranges;
        for (const char* label : {"breakdown", "drop"}) {
            int covered = 0;
            for (const Section& sec : mix.sections) {
                if (sec.label == label) {
                    ranges.emplace_back(sec.start_s, sec.end_s);
                    covered += sec.bars;
                }
            }
            if (covered >= 4) {
                break;
            }
            ranges.clear();
        }
        if (ranges.empty()) {
            ranges.emplace_back(0.0, job.audio->durationS());
        }
        job.out.values["supersaw_width"] =
            spreadFromWidthRatio(supersawWidthRatio(ctx, ranges, ss));
        for (Section& s : job.out.sections) {
            s.values["supersaw_width"] =
                spreadFromWidthRatio(supersawWidthRatio(ctx, {{s.start_s, s.end_s}}, ss));
        }
    }
    const auto names = namesFor(job.name);
    keepOnly(job.out.values, names);
    for (Section& s : job.out.sections) {
        keepOnly(s.values, names);
    }
    job.out.labels.clear();
    job.out.series.clear();
    return Status::ok();
}

// kick_bass_overlap_db over frames [first, last) of the two mono spectrograms.
double overlapDb(const Spectrogram& drums, const Spectrogram& bass, std::size_t first,
                 std::size_t last) {
    const std::size_t frames = std::min({drums.num_frames, bass.num_frames, last});
    const auto lo =
        static_cast<std::size_t>(std::ceil(kOverlapLoHz * bass.frame_size / bass.sample_rate_hz));
    const auto hi = std::min(
        bass.num_bins - 1,
        static_cast<std::size_t>(std::floor(kOverlapHiHz * bass.frame_size / bass.sample_rate_hz)));
    double shared = 0.0, total = 0.0;
    for (std::size_t i = first; i < frames; ++i) {
        const float* d = drums.frame(i);
        const float* b = bass.frame(i);
        for (std::size_t k = lo; k <= hi; ++k) {
            const double pb = static_cast<double>(b[k]) * b[k];
            const double pd = static_cast<double>(d[k]) * d[k];
            shared += std::min(pb, pd);
            total += pb;
        }
    }
    if (!(total > 0) || !(shared > 0)) {
        return kOverlapFloorDb;
    }
    return std::max(kOverlapFloorDb, 10.0 * std::log10(shared / total));
}

} // namespace

const std::vector<StemFeatureInfo>& stemFeatureCatalog() {
    static const std::vector<StemFeatureInfo> catalog = buildCatalog();
    return catalog;
}

Result<std::map<std::string, TrackFeatures>>
measureStemFeatures(const Stems& stems, const TrackFeatures& mix, const CancellationToken& cancel) {
    const std::size_t n = stems.drums.frames();
    for (const AudioBuffer* b : {&stems.bass, &stems.other}) {
        if (b->frames() != n || b->sample_rate_hz != stems.drums.sample_rate_hz ||
            b->numChannels() != stems.drums.numChannels()) {
            return invalidArgument("stem features: stems differ in length, rate or channels");
        }
    }
    std::vector<StemJob> jobs(3);
    jobs[0].name = "drums";
    jobs[0].audio = &stems.drums;
    jobs[1].name = "bass";
    jobs[1].audio = &stems.bass;
    jobs[2].name = "other";
    jobs[2].audio = &stems.other;
    for (StemJob& job : jobs) {
        job.ctx = std::make_unique<AnalysisContext>(*job.audio, 1, cancel);
    }
    {
        std::vector<std::thread> threads;
        for (std::size_t j = 1; j < jobs.size(); ++j) {
            threads.emplace_back([&, j] { jobs[j].status = runFamilies(jobs[j], mix); });
        }
        jobs[0].status = runFamilies(jobs[0], mix);
        for (auto& t : threads) {
            t.join();
        }
    }
    if (cancel.isCancelled()) {
        return cancelledError("stem analysis cancelled");
    }
    for (const StemJob& job : jobs) {
        if (!job.status.isOk()) {
            std::string message = job.name;
            message.append(" stem: ").append(job.status.message());
            return Status(job.status.code(), std::move(message));
        }
    }
    const Spectrogram& drums_spec = jobs[0].ctx->monoSpectrum();
    const Spectrogram& bass_spec = jobs[1].ctx->monoSpectrum();
    jobs[0].out.values["kick_bass_overlap_db"] =
        overlapDb(drums_spec, bass_spec, 0, drums_spec.num_frames);
    for (Section& s : jobs[0].out.sections) {
        const auto first = static_cast<std::size_t>(
            std::max(0.0, std::ceil(s.start_s * drums_spec.frameRateHz())));
        const auto last =
            static_cast<std::size_t>(std::max(0.0, std::ceil(s.end_s * drums_spec.frameRateHz())));
        s.values["kick_bass_overlap_db"] = overlapDb(drums_spec, bass_spec, first, last);
    }
    std::map<std::string, TrackFeatures> out;
    for (StemJob& job : jobs) {
        out[job.name] = std::move(job.out);
    }
    return out;
}

} // namespace styledna::core::stems
