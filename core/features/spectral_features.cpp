#include "core/features/spectral_features.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "core/dsp/decimate.hpp"
#include "core/dsp/fast_log.hpp"
#include "core/dsp/spectral_bands.hpp"
#include "core/dsp/stft.hpp"
#include "core/dsp/vector_math.hpp"

namespace styledna::core {
namespace {

struct NamedBand {
    const char* name;
    double lo_hz;
    double hi_hz;
};

constexpr NamedBand kTonalBands[] = {
    {"tonal_balance_sub_db", 20, 60},          {"tonal_balance_low_db", 60, 150},
    {"tonal_balance_low_mid_db", 150, 400},    {"tonal_balance_mid_db", 400, 1500},
    {"tonal_balance_high_mid_db", 1500, 5000}, {"tonal_balance_high_db", 5000, 10000},
    {"tonal_balance_air_db", 10000, 20000},
};
constexpr std::size_t kNumTonal = std::size(kTonalBands);
constexpr std::size_t kBassTonal = 2; // sub and low come from the bass spectrum
// Third-octave bands whose upper edge is at or below this come from the bass spectrum.
constexpr double kBassSpectrumMaxHz = 200.0;
constexpr StftParams kBassStft{1024, 256, WindowType::kHann};

struct ThirdOctave {
    double centre_hz;
    double lo_hz;
    double hi_hz;
};

// Bass-spectrum row layout (one row per bass STFT frame): [bass centroid
// numerator, bass centroid denominator, sub, low, third-octave bands from the
// bass spectrum], mean-square power (spectral_bands normalisation). The main
// spectrum keeps no rows: sections re-accumulate its frames (one vectorised
// pass in total), which is cheaper than per-frame band sums.
struct Layout {
    std::vector<ThirdOctave> third_main, third_bass;
    std::size_t bassCols() const { return 2 + kBassTonal + third_bass.size(); }
};

struct SpectrumSums {
    std::vector<double> main_power; // accumulated per-bin power of the main spectrum
    std::vector<double> bass;       // summed bass rows
    std::size_t main_frames = 0, bass_frames = 0;
};

constexpr std::size_t kLanes = kSumLanes;

std::vector<FeatureInfo> makeInfos() {
    const auto scalar = [](std::string name, const char* unit, std::string description,
                           const char* move, bool per_section) {
        return FeatureInfo{
            std::move(name),      unit,       "spectral", std::move(description), move,
            FeatureKind::kScalar, per_section};
    };
    std::vector<FeatureInfo> infos{
        scalar("spectral_centroid_hz", "Hz",
               "Power-weighted mean frequency of the long-term average spectrum (mono).",
               "Brightness: high-shelf / low-pass on the master or bright layers raise it.", true),
        scalar("spectral_rolloff_hz", "Hz",
               "Frequency below which 85 % of the long-term spectral power lies.",
               "High-frequency content: hats, air EQ, low-pass filters.", false),
        scalar("spectral_flatness", "",
               "Mean frame-wise Wiener entropy (geometric/arithmetic mean of power, "
               "20 Hz-16 kHz), 0 tonal .. 1 noise-like; white noise ~0.56.",
               "Noise layers, distortion and dense supersaws raise it; clean tones lower it.",
               false),
        scalar("spectral_flux", "",
               "Mean positive L2 change between consecutive unit-norm magnitude frames, 0..1.",
               "Busier arrangement and transients raise it; pads and sustained chords lower it.",
               false),
        scalar("spectral_tilt_db_per_octave", "dB/oct",
               "Slope of third-octave band energy (dB) versus octave, 50 Hz-16 kHz; pink noise 0, "
               "white noise +3.",
               "Tilt EQ on the master: more highs (or fewer lows) raise it.", true),
        scalar("bass_spectral_centroid_hz", "Hz",
               "Centroid of the 20-250 Hz region (kick and bass weight).",
               "Bass EQ: boosting the low-mids (150-250 Hz) raises it, sub boosts lower it.", true),
    };
    for (const auto& b : kTonalBands) {
        infos.push_back(scalar(b.name, "dB",
                               "Energy of " + std::to_string(static_cast<int>(b.lo_hz)) + "-" +
                                   std::to_string(static_cast<int>(b.hi_hz)) +
                                   " Hz relative to 20 Hz-20 kHz (all seven bands sum to 0 dB).",
                               "EQ of that band on the master or the instruments living there.",
                               true));
    }
    return infos;
}

class SpectralFamily final : public FeatureFamily {
public:
    explicit SpectralFamily(SpectralParams params) : m_params(params), m_infos(makeInfos()) {}

    std::string_view name() const override { return "spectral"; }
    const std::vector<FeatureInfo>& describe() const override { return m_infos; }

    Status configure() override {
        const auto& p = m_params;
        if (!(p.rolloff_fraction > 0.0 && p.rolloff_fraction < 1.0)) {
            return invalidArgument("spectral: rolloff_fraction must be in (0, 1)");
        }
        if (!(p.flatness_hi_hz > p.flatness_lo_hz) || !(p.tilt_hi_hz > p.tilt_lo_hz) ||
            !(p.bass_hi_hz > p.bass_lo_hz) || !(p.bass_hi_hz < 2 * kBassSpectrumMaxHz) ||
            !(p.bass_rate_hz >= 4.0 * kBassSpectrumMaxHz)) {
            return invalidArgument("spectral: band limits must be increasing and bass_rate_hz "
                                   ">= 800 Hz, bass_hi_hz < 400 Hz");
        }
        return Status::ok();
    }

    Status process(const AnalysisContext& ctx, TrackFeatures& out) override {
        if (auto s = prepare(ctx); !s.isOk()) {
            return s;
        }
        SpectrumSums all;
        all.main_power = m_ltas;
        all.main_frames = m_main_frames;
        sumBassRows(0.0, std::numeric_limits<double>::infinity(), all);
        auto& v = out.values;
        writeBandValues(all, v);
        v["spectral_rolloff_hz"] = m_rolloff_hz;
        v["spectral_flatness"] = m_flatness;
        v["spectral_flux"] = m_flux;
        return Status::ok();
    }

    Status processSection(const AnalysisContext& ctx, double start_s, double end_s,
                          std::map<std::string, double>& out) override {
        if (auto s = prepare(ctx); !s.isOk()) {
            return s;
        }
        SpectrumSums sums;
        const Spectrogram& spec = ctx.monoSpectrum();
        const auto [first, last] = frameRange(start_s, end_s, m_main_frame_rate, spec.num_frames);
        accumulatePower(spec, first, last, sums.main_power);
        sums.main_frames = last - first;
        sumBassRows(start_s, end_s, sums);
        writeBandValues(sums, out);
        return Status::ok();
    }

private:
    Status prepare(const AnalysisContext& ctx) {
        const AudioBuffer& audio = ctx.audio();
        const auto key = AudioIdentity::of(audio);
        if (key == m_key && m_prepared) {
            return Status::ok();
        }
        m_prepared = false;
        buildLayout(audio.sample_rate_hz);
        if (auto s = scanMainSpectrum(ctx); !s.isOk()) {
            return s;
        }
        scanBassSpectrum(ctx);
        m_key = key;
        m_prepared = true;
        return Status::ok();
    }

    void buildLayout(double rate_hz) {
        m_layout = {};
        const double nyquist = rate_hz / 2.0;
        const double half = std::pow(2.0, 1.0 / 6.0);
        for (int i = -30; i <= 30; ++i) {
            const double fc = 1000.0 * std::pow(2.0, i / 3.0);
            if (fc < m_params.tilt_lo_hz / half || fc > m_params.tilt_hi_hz * half ||
                fc * half > nyquist) {
                continue;
            }
            const ThirdOctave band{fc, fc / half, fc * half};
            (band.hi_hz <= kBassSpectrumMaxHz ? m_layout.third_bass : m_layout.third_main)
                .push_back(band);
        }
    }

    Status scanMainSpectrum(const AnalysisContext& ctx) {
        const Spectrogram& spec = ctx.monoSpectrum();
        const std::size_t bins = spec.num_bins;
        const std::size_t frames = spec.num_frames;
        m_main_frame_rate =
            spec.sample_rate_hz / static_cast<double>(std::max<std::size_t>(1, spec.hop));
        m_main_frames = frames;
        m_ltas.assign(bins, 0.0);
        m_rolloff_hz = m_flatness = m_flux = 0.0;
        m_main_bands.clear();
        m_main_freq.clear();
        if (frames == 0 || bins < 2) {
            return Status::ok();
        }
        const double bin_hz = spec.sample_rate_hz / static_cast<double>(spec.frame_size);
        for (std::size_t b = kBassTonal; b < kNumTonal; ++b) {
            m_main_bands.push_back(
                makeBandWeights(bins, bin_hz, kTonalBands[b].lo_hz, kTonalBands[b].hi_hz));
        }
        for (const auto& t : m_layout.third_main) {
            m_main_bands.push_back(makeBandWeights(bins, bin_hz, t.lo_hz, t.hi_hz));
        }
        m_main_freq.resize(bins);
        for (std::size_t k = 0; k < bins; ++k) {
            m_main_freq[k] = static_cast<double>(k) * bin_hz;
        }
        std::vector<float> scale(bins);
        for (std::size_t k = 0; k < bins; ++k) {
            scale[k] = static_cast<float>(hannPowerScale(spec.frame_size, k, bins));
        }
        const auto flat_lo = std::clamp<std::size_t>(
            static_cast<std::size_t>(std::ceil(m_params.flatness_lo_hz / bin_hz)), 1, bins - 1);
        const auto flat_hi = std::clamp<std::size_t>(
            static_cast<std::size_t>(std::floor(m_params.flatness_hi_hz / bin_hz)) + 1, flat_lo,
            bins - 1);
        const double silence = std::pow(10.0, m_params.silence_floor_dbfs / 10.0);

        std::vector<float> power(bins), norm_mag(bins), prev_mag(bins), diff(bins);
        // Long-term spectrum in the same pass, exactly as accumulatePower(spec,
        // 0, frames) sums it: float per-bin sums of 64 frames, scaled into double.
        std::vector<float> block(bins, 0.0f);
        bool prev_valid = false;
        double flat_sum = 0.0, flux_sum = 0.0;
        std::size_t flat_count = 0, flux_count = 0;
        for (std::size_t i = 0; i < frames; ++i) {
            if ((i & 1023) == 0 && ctx.cancel().isCancelled()) {
                return cancelledError("analysis cancelled");
            }
            const float* mag = spec.frame(i);
            for (std::size_t k = 0; k < bins; ++k) {
                power[k] = scale[k] * mag[k] * mag[k];
                block[k] += mag[k] * mag[k];
            }
            if (i % 64 == 63 || i + 1 == frames) {
                for (std::size_t k = 0; k < bins; ++k) {
                    m_ltas[k] += static_cast<double>(scale[k]) * block[k];
                    block[k] = 0.0f;
                }
            }
            const double total = laneSum(power.data(), bins);
            const bool loud = total > silence;
            if (loud) {
                flat_sum += flatness(power.data() + flat_lo, flat_hi - flat_lo);
                ++flat_count;
                for (std::size_t k = 0; k < bins; ++k) {
                    norm_mag[k] = mag[k] * mag[k];
                }
                const auto inv =
                    static_cast<float>(1.0 / std::sqrt(laneSum(norm_mag.data(), bins)));
                for (std::size_t k = 0; k < bins; ++k) {
                    norm_mag[k] = mag[k] * inv;
                }
                if (prev_valid) {
                    for (std::size_t k = 0; k < bins; ++k) {
                        // max(d, 0) without a branch (random signs mispredict).
                        const float d = norm_mag[k] - prev_mag[k];
                        const float rise = 0.5f * (d + std::fabs(d));
                        diff[k] = rise * rise;
                    }
                    flux_sum += std::sqrt(laneSum(diff.data(), bins));
                    ++flux_count;
                }
                std::swap(norm_mag, prev_mag);
            }
            prev_valid = loud;
        }
        m_flatness = flat_count ? flat_sum / static_cast<double>(flat_count) : 0.0;
        m_flux = flux_count ? flux_sum / static_cast<double>(flux_count) : 0.0;
        m_rolloff_hz = rolloff(m_ltas, bin_hz);
        return Status::ok();
    }

    static double flatness(const float* p, std::size_t n) {
        if (n == 0) {
            return 0.0;
        }
        const double mean = laneSum(p, n) / static_cast<double>(n);
        if (!(mean > 0.0)) {
            return 0.0;
        }
        const auto floor = static_cast<float>(1e-10 * mean); // -100 dB re. the mean
        float acc[kLanes] = {};
        std::size_t k = 0;
        for (; k + kLanes <= n; k += kLanes) {
            for (std::size_t l = 0; l < kLanes; ++l) {
                const float v = p[k + l] > floor ? p[k + l] : floor;
                acc[l] += fastLog2(v);
            }
        }
        double log_sum = 0.0;
        for (; k < n; ++k) {
            log_sum += fastLog2(std::max(p[k], floor));
        }
        for (float a : acc) {
            log_sum += a;
        }
        const double mean_log = log_sum / static_cast<double>(n);
        return std::clamp(std::exp2(mean_log - std::log2(mean)), 0.0, 1.0);
    }

    double rolloff(const std::vector<double>& ltas, double bin_hz) const {
        double total = 0.0;
        for (double p : ltas) {
            total += p;
        }
        if (!(total > 0.0)) {
            return 0.0;
        }
        const double target = m_params.rolloff_fraction * total;
        double cumulative = 0.0;
        for (std::size_t k = 0; k < ltas.size(); ++k) {
            if (cumulative + ltas[k] >= target) {
                // Bin k spans [(k - 1/2) d, (k + 1/2) d]; interpolate inside it.
                const double frac = ltas[k] > 0.0 ? (target - cumulative) / ltas[k] : 0.0;
                return std::max(0.0, (static_cast<double>(k) - 0.5 + frac) * bin_hz);
            }
            cumulative += ltas[k];
        }
        return static_cast<double>(ltas.size() - 1) * bin_hz;
    }

    void scanBassSpectrum(const AnalysisContext& ctx) {
        const auto& mono = ctx.mono();
        const double rate = ctx.sampleRateHz();
        const std::size_t factor = decimationFactorFor(rate, m_params.bass_rate_hz);
        const auto low = decimateTriangular(mono.data(), mono.size(), factor);
        const double low_rate = rate / static_cast<double>(factor);
        const Spectrogram spec = computeStft(low.data(), low.size(), low_rate, kBassStft);
        const std::size_t bins = spec.num_bins;
        const std::size_t cols = m_layout.bassCols();
        m_bass_frame_rate = low_rate / static_cast<double>(kBassStft.hop);
        m_bass_rows.assign(spec.num_frames * cols, 0.0);
        const double bin_hz = low_rate / static_cast<double>(kBassStft.frame_size);
        const auto centroid_band =
            makeBandWeights(bins, bin_hz, m_params.bass_lo_hz, m_params.bass_hi_hz);
        std::vector<BandWeights> bands;
        for (std::size_t b = 0; b < kBassTonal; ++b) {
            bands.push_back(
                makeBandWeights(bins, bin_hz, kTonalBands[b].lo_hz, kTonalBands[b].hi_hz));
        }
        for (const auto& t : m_layout.third_bass) {
            bands.push_back(makeBandWeights(bins, bin_hz, t.lo_hz, t.hi_hz));
        }
        // Only the bins up to the highest band edge matter here.
        std::size_t used = centroid_band.first_bin + centroid_band.weights.size();
        for (const auto& b : bands) {
            used = std::max(used, b.first_bin + b.weights.size());
        }
        used = std::min(used, bins);
        std::vector<double> scale(used), power(bins, 0.0);
        for (std::size_t k = 0; k < used; ++k) {
            scale[k] = hannPowerScale(kBassStft.frame_size, k, bins);
        }
        for (std::size_t i = 0; i < spec.num_frames; ++i) {
            const float* mag = spec.frame(i);
            for (std::size_t k = 0; k < used; ++k) {
                power[k] = scale[k] * static_cast<double>(mag[k]) * mag[k];
            }
            double* row = m_bass_rows.data() + i * cols;
            row[0] = centroid_band.weightedFrequencySum(power.data());
            row[1] = centroid_band.sum(power.data());
            for (std::size_t b = 0; b < bands.size(); ++b) {
                row[2 + b] = bands[b].sum(power.data());
            }
        }
    }

    static std::pair<std::size_t, std::size_t> frameRange(double start_s, double end_s,
                                                          double frame_rate, std::size_t frames) {
        const auto index = [&](double t) {
            if (!(t > 0.0)) {
                return std::size_t{0};
            }
            const double i = std::ceil(t * frame_rate - 1e-9);
            return i >= static_cast<double>(frames) ? frames : static_cast<std::size_t>(i);
        };
        const std::size_t first = index(start_s);
        return {first, std::max(first, index(end_s))};
    }

    void sumBassRows(double start_s, double end_s, SpectrumSums& s) const {
        const std::size_t bc = m_layout.bassCols();
        s.bass.assign(bc, 0.0);
        const auto [bf, bl] =
            frameRange(start_s, end_s, m_bass_frame_rate, m_bass_rows.size() / bc);
        for (std::size_t i = bf; i < bl; ++i) {
            for (std::size_t c = 0; c < bc; ++c) {
                s.bass[c] += m_bass_rows[i * bc + c];
            }
        }
        s.bass_frames = bl - bf;
    }

    void writeBandValues(const SpectrumSums& s, std::map<std::string, double>& v) const {
        const double main_scale = s.main_frames ? 1.0 / static_cast<double>(s.main_frames) : 0.0;
        const double bass_scale = s.bass_frames ? 1.0 / static_cast<double>(s.bass_frames) : 0.0;
        const std::vector<double>& p = s.main_power;
        double weighted = 0.0, total = 0.0;
        for (std::size_t k = 0; k < p.size() && k < m_main_freq.size(); ++k) {
            weighted += m_main_freq[k] * p[k];
            total += p[k];
        }
        const auto mainBand = [&](std::size_t index) {
            return index < m_main_bands.size() && !p.empty()
                       ? m_main_bands[index].sum(p.data()) * main_scale
                       : 0.0;
        };
        v["spectral_centroid_hz"] = total > 0.0 ? weighted / total : 0.0;
        v["bass_spectral_centroid_hz"] = s.bass[1] > 0.0 ? s.bass[0] / s.bass[1] : 0.0;
        double energy[kNumTonal];
        double band_total = 0.0;
        for (std::size_t b = 0; b < kNumTonal; ++b) {
            energy[b] = b < kBassTonal ? s.bass[2 + b] * bass_scale : mainBand(b - kBassTonal);
            band_total += energy[b];
        }
        for (std::size_t b = 0; b < kNumTonal; ++b) {
            v[kTonalBands[b].name] =
                band_total > 0.0 && energy[b] > 0.0
                    ? std::max(m_params.band_floor_db, 10.0 * std::log10(energy[b] / band_total))
                    : m_params.band_floor_db;
        }
        // Tilt: least squares of band level (dB) on log2(centre frequency).
        std::vector<std::pair<double, double>> points; // (octave, energy)
        for (std::size_t t = 0; t < m_layout.third_bass.size(); ++t) {
            points.emplace_back(std::log2(m_layout.third_bass[t].centre_hz),
                                s.bass[2 + kBassTonal + t] * bass_scale);
        }
        for (std::size_t t = 0; t < m_layout.third_main.size(); ++t) {
            points.emplace_back(std::log2(m_layout.third_main[t].centre_hz),
                                mainBand(kNumTonal - kBassTonal + t));
        }
        v["spectral_tilt_db_per_octave"] = tiltSlope(points);
    }

    double tiltSlope(const std::vector<std::pair<double, double>>& points) const {
        double max_energy = 0.0;
        for (const auto& p : points) {
            max_energy = std::max(max_energy, p.second);
        }
        if (!(max_energy > 0.0)) {
            return 0.0;
        }
        const double keep = max_energy * std::pow(10.0, m_params.band_floor_db / 10.0);
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (const auto& [x, e] : points) {
            if (e > keep) {
                const double y = 10.0 * std::log10(e);
                n += 1;
                sx += x;
                sy += y;
                sxx += x * x;
                sxy += x * y;
            }
        }
        const double den = n * sxx - sx * sx;
        return n >= 2 && den > 0.0 ? (n * sxy - sx * sy) / den : 0.0;
    }

    // immutable
    const SpectralParams m_params;
    const std::vector<FeatureInfo> m_infos;
    // per-track cache, owned by the calling thread
    AudioIdentity m_key;
    bool m_prepared = false;
    Layout m_layout;
    std::vector<double> m_ltas; // whole-track per-bin power sum
    std::size_t m_main_frames = 0;
    std::vector<BandWeights> m_main_bands; // tonal 2..6, then third_main
    std::vector<double> m_main_freq;
    std::vector<double> m_bass_rows;
    double m_main_frame_rate = 1.0, m_bass_frame_rate = 1.0;
    double m_rolloff_hz = 0.0, m_flatness = 0.0, m_flux = 0.0;
};

} // namespace

std::unique_ptr<FeatureFamily> makeSpectralFamily(SpectralParams params) {
    return std::make_unique<SpectralFamily>(params);
}

} // namespace styledna::core
