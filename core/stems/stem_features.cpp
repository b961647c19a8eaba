#include "core/stems/stem_features.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <system_error>
#include <thread>

#include "core/common/large_buffers.hpp"
#include "core/dsp/decimate.hpp"
#include "core/features/trance_sidechain.hpp"
#include "core/features/trance_supersaw.hpp"
#include "core/stems/stem_scan.hpp"

namespace styledna::core::stems {
namespace {

constexpr double kOverlapFloorDb = -100.0;
constexpr std::size_t kStemHop = 2048;           // main STFT hop of the stem scans
constexpr double kBassSpectrumRateHz = 5512.5;   // SpectralParams / StereoParams decimation
constexpr double kBassSidechainRateHz = 11025.0; // bass sidechain envelope rate
// A separated stem holds nothing reliable this far under the mix (learned
// masks leave the bass near zero on every kick, ~90 dB under its level): the
// sidechain depth is capped at the band's range above it (trance_sidechain.hpp).
constexpr double kStemNoiseFloorRelDb = -60.0;

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
    MainScan main;
    TrackFeatures out;
    Status status;
    // The mix's mean power (mono, full band, dB): the sidechain's level
    // floors are relative to it (trance_sidechain.hpp, "Not measurable").
    double mix_power_db = std::numeric_limits<double>::quiet_NaN();
};

// Mean power of the mix's mono, (L + R) / 2 of drums + bass + other, in dB;
// NaN for digital silence.
double mixPowerDb(const Stems& stems) {
    const std::size_t n = stems.drums.frames();
    const std::size_t channels = stems.drums.numChannels();
    if (n == 0 || channels == 0) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const std::size_t used = std::min<std::size_t>(channels, 2);
    double energy = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        double m = 0.0;
        for (std::size_t c = 0; c < used; ++c) {
            m += static_cast<double>(stems.drums.channels[c][i]) + stems.bass.channels[c][i] +
                 stems.other.channels[c][i];
        }
        m /= static_cast<double>(used);
        energy += m * m;
    }
    return energy > 0.0 ? 10.0 * std::log10(energy / static_cast<double>(n))
                        : std::numeric_limits<double>::quiet_NaN();
}

std::vector<float> decimateMono(const AudioBuffer& audio, std::size_t factor) {
    std::vector<float> mono = decimateTriangular(audio.channels[0].data(), audio.frames(), factor);
    if (audio.numChannels() >= 2) {
        const auto r = decimateTriangular(audio.channels[1].data(), audio.frames(), factor);
        for (std::size_t i = 0; i < mono.size(); ++i) {
            mono[i] = 0.5f * (mono[i] + r[i]);
        }
    }
    return mono;
}

// Sidechain depth and release on the whole track (drops) and per section.
void measureSidechain(const TranceSidechainEnvelope& env, const TrackFeatures& mix,
                      const TranceSidechainParams& sc, StemJob& job) {
    double depth = 0.0, release = 0.0;
    const double period = mix.grid.beatPeriodS();
    if (mix.grid.valid()) {
        const auto whole = analyseSidechain(env, sidechainBeats(mix, sc.min_beats), period, sc);
        depth = whole.depth_db;
        release = whole.release_ms;
        for (Section& s : job.out.sections) {
            const auto part =
                analyseSidechain(env, beatsIn(mix.grid, s.start_s, s.end_s), period, sc, &whole);
            s.values["sidechain_depth_db"] = part.depth_db;
            s.values["sidechain_release_ms"] = part.release_ms;
        }
    } else {
        for (Section& s : job.out.sections) {
            s.values["sidechain_depth_db"] = 0.0;
            s.values["sidechain_release_ms"] = 0.0;
        }
    }
    job.out.values["sidechain_depth_db"] = depth;
    job.out.values["sidechain_release_ms"] = release;
}

// The bass stem's sidechain: the mono path (band 40-400 Hz) on the mono stem
// decimated to ~11 kHz, whose 1 ms blocks (11 samples at 11025 Hz) last
// exactly as long as at 44.1 kHz (44 samples).
void bassSidechain(const TrackFeatures& mix, StemJob& job) {
    TranceSidechainParams sc;
    sc.band_lo_hz = 40.0;
    sc.band_hi_hz = 400.0;
    sc.side_min_rel_db = 1e9; // mono path: the bass's side is not what is ducked
    sc.low_band_lo_hz = 0.0;  // no low-band candidate on a stem (no exposed beats)
    sc.noise_floor_rel_db = kStemNoiseFloorRelDb;
    const AudioBuffer& audio = *job.audio;
    if (!mix.grid.valid() || audio.frames() == 0 || audio.numChannels() == 0) {
        measureSidechain({}, mix, sc, job);
        return;
    }
    const std::size_t factor = decimationFactorFor(audio.sample_rate_hz, kBassSidechainRateHz);
    const auto mid = decimateMono(audio, factor);
    auto env = computeSidechainEnvelope(mid, nullptr,
                                        audio.sample_rate_hz / static_cast<double>(factor), sc);
    env.reference_db = job.mix_power_db; // floors re the mix, not the stem itself
    measureSidechain(env, mix, sc, job);
}

// The other stem's sidechain: the trance family's side-or-mono decision on
// the scan's decision powers, then its envelope at the full rate.
void otherSidechain(const TrackFeatures& mix, StemJob& job) {
    TranceSidechainParams sc;
    sc.low_band_lo_hz = 0.0; // no low-band candidate on a stem (no exposed beats)
    sc.noise_floor_rel_db = kStemNoiseFloorRelDb;
    const AudioBuffer& audio = *job.audio;
    if (!mix.grid.valid() || audio.frames() == 0 || audio.numChannels() == 0) {
        measureSidechain({}, mix, sc, job);
        return;
    }
    const bool stereo = audio.numChannels() >= 2;
    const bool from_side =
        stereo && job.main.decision_side > 0 &&
        job.main.decision_side >= job.main.decision_mid * std::pow(10.0, sc.side_min_rel_db / 10.0);
    const std::size_t n = audio.frames();
    std::vector<float> mid, side;
    reserveLarge(mid, n);
    mid.resize(n);
    const float* l = audio.channels[0].data();
    const float* r = stereo ? audio.channels[1].data() : l;
    for (std::size_t i = 0; i < n; ++i) {
        mid[i] = 0.5f * (l[i] + r[i]);
    }
    if (from_side) {
        reserveLarge(side, n);
        side.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            side[i] = 0.5f * (l[i] - r[i]);
        }
    }
    auto env = computeSidechainEnvelope(mid, from_side ? &side : nullptr, audio.sample_rate_hz, sc);
    env.reference_db = job.mix_power_db; // floors re the mix, not the stem itself
    recycleLarge(mid);
    recycleLarge(side);
    measureSidechain(env, mix, sc, job);
}

// Supersaw width ratio over time ranges, from the scan's per-frame 1-8 kHz
// sums (the trance family's frame rule: frames ceil(a / hop_s) .. ceil(e / hop_s)).
double widthRatio(const MainScan& scan, const std::vector<TimeRange>& ranges) {
    if (scan.saw_mid.empty()) {
        return 0.0;
    }
    const double hop_s = 1.0 / scan.frameRateHz();
    const auto frames = static_cast<double>(scan.saw_mid.size());
    double s_sum = 0.0, m_sum = 0.0;
    for (const auto& [a, e] : ranges) {
        const auto f0 = static_cast<std::size_t>(std::clamp(std::ceil(a / hop_s), 0.0, frames));
        const auto f1 = static_cast<std::size_t>(std::clamp(std::ceil(e / hop_s), 0.0, frames));
        for (std::size_t i = f0; i < f1; ++i) {
            m_sum += scan.saw_mid[i];
            s_sum += scan.saw_side[i];
        }
    }
    return m_sum > 0 ? s_sum / m_sum : 0.0;
}

void otherSupersaw(const TrackFeatures& mix, StemJob& job) {
    std::vector<TimeRange> ranges;
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
    job.out.values["supersaw_width"] = spreadFromWidthRatio(widthRatio(job.main, ranges));
    for (Section& s : job.out.sections) {
        s.values["supersaw_width"] =
            spreadFromWidthRatio(widthRatio(job.main, {{s.start_s, s.end_s}}));
    }
}

Status measureStem(StemJob& job, const TrackFeatures& mix, const CancellationToken& cancel) {
    const AudioBuffer& audio = *job.audio;
    std::vector<TimeRange> ranges;
    for (const Section& sec : mix.sections) {
        ranges.emplace_back(sec.start_s, sec.end_s);
        Section s;
        s.label = sec.label;
        s.start_s = sec.start_s;
        s.end_s = sec.end_s;
        s.start_bar = sec.start_bar;
        s.bars = sec.bars;
        job.out.sections.push_back(std::move(s));
    }
    MainScanParams params;
    params.hop = kStemHop;
    params.side = job.name == "other";
    params.low_cells = job.name != "other";
    if (!scanMainSpectrum(audio, ranges, params, cancel, job.main)) {
        return cancelledError("stem analysis cancelled");
    }
    const double rate = audio.sample_rate_hz;
    const std::size_t factor = decimationFactorFor(rate, kBassSpectrumRateHz);
    const double low_rate = rate / static_cast<double>(factor);
    const bool stereo = audio.numChannels() >= 2;
    {
        std::vector<float> l_low, r_low, mono_low;
        if (audio.frames() > 0) {
            l_low = decimateTriangular(audio.channels[0].data(), audio.frames(), factor);
            if (stereo) {
                r_low = decimateTriangular(audio.channels[1].data(), audio.frames(), factor);
            }
        }
        mono_low = l_low;
        for (std::size_t i = 0; i < r_low.size(); ++i) {
            mono_low[i] = 0.5f * (l_low[i] + r_low[i]);
        }
        const BassScan bass = scanBassSpectrum(mono_low, low_rate, ranges);
        writeSpectralValues(job.main, bass, 0, job.out.values);
        for (std::size_t s = 0; s < job.out.sections.size(); ++s) {
            writeSpectralValues(job.main, bass, 1 + s, job.out.sections[s].values);
        }
        if (job.name == "bass") {
            const LowBandPair band = lowBandPair(std::move(l_low), std::move(r_low), low_rate);
            writeLowBandValues(band, 0.0, std::numeric_limits<double>::infinity(), job.out.values);
            for (Section& s : job.out.sections) {
                writeLowBandValues(band, s.start_s, s.end_s, s.values);
            }
        }
    }
    if (cancel.isCancelled()) {
        return cancelledError("stem analysis cancelled");
    }
    if (job.name == "bass") {
        bassSidechain(mix, job);
    }
    if (job.name == "other") {
        const std::size_t n = audio.frames();
        const float* l = n > 0 ? audio.channels[0].data() : nullptr;
        const float* r = stereo ? audio.channels[1].data() : l;
        job.out.values["stereo_width"] = stereoWidth(l, r, 0, n);
        for (Section& s : job.out.sections) {
            const std::size_t first = indexAtOrAfter(s.start_s, rate, n);
            s.values["stereo_width"] =
                stereoWidth(l, r, first, std::max(first, indexAtOrAfter(s.end_s, rate, n)));
        }
        otherSidechain(mix, job);
        otherSupersaw(mix, job);
    }
    const auto names = namesFor(job.name);
    keepOnly(job.out.values, names);
    for (Section& s : job.out.sections) {
        keepOnly(s.values, names);
    }
    return Status::ok();
}

// kick_bass_overlap_db over frames [first, last) of the two stems' low cells.
double overlapDb(const MainScan& drums, const MainScan& bass, std::size_t first, std::size_t last) {
    const std::size_t cells = std::min(drums.cell_count, bass.cell_count);
    const std::size_t frames = std::min({drums.frames, bass.frames, last});
    double shared = 0.0, total = 0.0;
    for (std::size_t i = first; i < frames; ++i) {
        const float* d = drums.low_cells.data() + i * drums.cell_count;
        const float* b = bass.low_cells.data() + i * bass.cell_count;
        for (std::size_t k = 0; k < cells; ++k) {
            const double pb = b[k];
            const double pd = d[k];
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
    const double mix_power_db = mixPowerDb(stems);
    for (StemJob& job : jobs) {
        job.mix_power_db = mix_power_db;
    }
    // Two workers: drums then bass on the caller, other (two spectra, the
    // full-rate sidechain) on its own thread.
    {
        std::thread other;
        try {
            other = std::thread([&] { jobs[2].status = measureStem(jobs[2], mix, cancel); });
        } catch (const std::system_error&) {
            jobs[2].status = measureStem(jobs[2], mix, cancel);
        }
        for (std::size_t j = 0; j < 2; ++j) {
            jobs[j].status = measureStem(jobs[j], mix, cancel);
        }
        if (other.joinable()) {
            other.join();
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
    const MainScan& drums = jobs[0].main;
    const MainScan& bass = jobs[1].main;
    jobs[0].out.values["kick_bass_overlap_db"] = overlapDb(drums, bass, 0, drums.frames);
    const double frame_rate = drums.frameRateHz();
    for (Section& s : jobs[0].out.sections) {
        const auto first =
            static_cast<std::size_t>(std::max(0.0, std::ceil(s.start_s * frame_rate)));
        const auto last = static_cast<std::size_t>(std::max(0.0, std::ceil(s.end_s * frame_rate)));
        s.values["kick_bass_overlap_db"] = overlapDb(drums, bass, first, last);
    }
    std::map<std::string, TrackFeatures> out;
    for (StemJob& job : jobs) {
        out[job.name] = std::move(job.out);
    }
    return out;
}

} // namespace styledna::core::stems
