#include "core/features/loudness_features.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>

#include "core/dsp/loudness_blocks.hpp"
#include "core/dsp/true_peak.hpp"

namespace styledna::core {
namespace {

constexpr std::size_t kMomentaryBlocks = 4;  // 400 ms
constexpr std::size_t kShortTermBlocks = 30; // 3 s

std::vector<FeatureInfo> makeInfos() {
    const auto scalar = [](const char* name, const char* unit, const char* description,
                           const char* move, bool per_section = false) {
        return FeatureInfo{name,       unit, "loudness", description, move, FeatureKind::kScalar,
                           per_section};
    };
    return {
        scalar("loudness_integrated_lufs", "LUFS",
               "Programme loudness per ITU-R BS.1770-4 / EBU R128: K-weighted, 400 ms blocks, "
               "absolute gate -70 LUFS, relative gate -10 LU. Mono counts as dual mono.",
               "Master gain / limiter input gain: up raises it dB for dB until the limiter works.",
               true),
        scalar("loudness_range_lu", "LU",
               "EBU Tech 3342 loudness range: spread (10th to 95th percentile) of 3 s short-term "
               "loudness, gated at -70 LUFS and -20 LU.",
               "Arrangement dynamics and bus compression: more compression or fuller breakdowns "
               "lower it."),
        scalar("loudness_short_term_max_lufs", "LUFS",
               "Loudest 3 s window (EBU short-term), windows every 100 ms.",
               "Master gain and limiting of the loudest part (usually the drop).", true),
        scalar("loudness_momentary_max_lufs", "LUFS",
               "Loudest 400 ms window (EBU momentary), windows every 100 ms.",
               "Master gain; transient-heavy moments (impacts, fills)."),
        scalar("true_peak_dbtp", "dBTP",
               "Highest inter-sample peak over all channels, 4x oversampled (BS.1770-4 Annex 2 "
               "structure, 49-tap Kaiser interpolator).",
               "Limiter ceiling / true-peak mode of the limiter; lower the ceiling to lower it."),
        scalar("sample_peak_dbfs", "dBFS", "Highest absolute sample over all channels.",
               "Limiter ceiling / master gain."),
        scalar("rms_dbfs", "dBFS",
               "RMS over all channels and samples, unweighted (full-scale sine = -3.01 dBFS).",
               "Master gain and limiter drive."),
        scalar("crest_factor_db", "dB",
               "Sample peak minus RMS of the whole track: how peaky the waveform is.",
               "Limiting / clipping lowers it; transient shapers and less limiting raise it."),
        scalar("plr_db", "dB", "Peak-to-loudness ratio: true peak minus integrated loudness.",
               "More limiting (and clipping) lowers it; a gentler master raises it."),
        FeatureInfo{"loudness_short_term_lufs", "LUFS", "loudness",
                    "Series: EBU short-term loudness of 3 s windows every 1 s (value i covers "
                    "[i, i + 3) s), floored at -70 LUFS.",
                    "Automation and arrangement: where the track gets louder or softer.",
                    FeatureKind::kSeries, false},
    };
}

class LoudnessFamily final : public FeatureFamily {
public:
    explicit LoudnessFamily(LoudnessParams params) : m_params(params), m_infos(makeInfos()) {}

    std::string_view name() const override { return "loudness"; }
    const std::vector<FeatureInfo>& describe() const override { return m_infos; }

    Status configure() override {
        if (!(m_params.series_hop_s >= 0.1) || !(m_params.lra_hop_s >= 0.1)) {
            return invalidArgument("loudness: series_hop_s and lra_hop_s must be >= 0.1 s");
        }
        if (!(m_params.floor_lufs < 0.0) || !(m_params.floor_db < 0.0)) {
            return invalidArgument("loudness: floors must be negative");
        }
        return Status::ok();
    }

    Status process(const AnalysisContext& ctx, TrackFeatures& out) override {
        const AudioBuffer& audio = ctx.audio();
        prepareBlocks(audio);
        if (ctx.cancel().isCancelled()) {
            return cancelledError("analysis cancelled");
        }
        const std::size_t n = audio.frames();
        const std::size_t blocks = m_blocks.size();
        const double integrated = integratedLoudnessLufs(m_blocks, 0, blocks);
        auto& v = out.values;
        v["loudness_integrated_lufs"] = floorLufs(integrated);
        v["loudness_range_lu"] =
            loudnessRangeLu(m_blocks, 0, blocks, hopBlocks(m_params.lra_hop_s));
        v["loudness_short_term_max_lufs"] =
            floorLufs(maxSlidingLoudnessLufs(m_blocks, kShortTermBlocks, 0, blocks));
        v["loudness_momentary_max_lufs"] =
            floorLufs(maxSlidingLoudnessLufs(m_blocks, kMomentaryBlocks, 0, blocks));

        double true_peak = 0.0, sample_peak = 0.0, sum_sq = 0.0;
        for (const auto& ch : audio.channels) {
            if (ctx.cancel().isCancelled()) {
                return cancelledError("analysis cancelled");
            }
            true_peak = std::max(true_peak, truePeakAmplitude(ch.data(), n));
            const auto [peak, sq] = peakAndSumSquares(ch.data(), n);
            sample_peak = std::max(sample_peak, peak);
            sum_sq += sq;
        }
        const double samples = static_cast<double>(n * audio.numChannels());
        const double tp_db = amplitudeToDb(true_peak, m_params.floor_db);
        const double sp_db = amplitudeToDb(sample_peak, m_params.floor_db);
        const double rms_db = samples > 0
                                  ? amplitudeToDb(std::sqrt(sum_sq / samples), m_params.floor_db)
                                  : m_params.floor_db;
        v["true_peak_dbtp"] = tp_db;
        v["sample_peak_dbfs"] = sp_db;
        v["rms_dbfs"] = rms_db;
        v["crest_factor_db"] = sample_peak > 0.0 ? sp_db - rms_db : 0.0;
        v["plr_db"] = std::isfinite(integrated) && integrated >= m_params.floor_lufs
                          ? tp_db - integrated
                          : 0.0;

        auto series = slidingLoudnessLufs(m_blocks, kShortTermBlocks,
                                          hopBlocks(m_params.series_hop_s), 0, blocks);
        for (auto& s : series) {
            s = floorLufs(s);
        }
        out.series["loudness_short_term_lufs"] = std::move(series);
        return Status::ok();
    }

    Status processSection(const AnalysisContext& ctx, double start_s, double end_s,
                          std::map<std::string, double>& out) override {
        prepareBlocks(ctx.audio());
        const auto [first, last] = m_blocks.rangeFor(start_s, end_s);
        out["loudness_integrated_lufs"] = floorLufs(integratedLoudnessLufs(m_blocks, first, last));
        out["loudness_short_term_max_lufs"] =
            floorLufs(maxSlidingLoudnessLufs(m_blocks, kShortTermBlocks, first, last));
        return Status::ok();
    }

private:
    void prepareBlocks(const AudioBuffer& audio) {
        const auto key = AudioIdentity::of(audio);
        if (key == m_key && m_blocks.sample_rate_hz > 0.0) {
            return;
        }
        std::array<const float*, 2> ch{nullptr, nullptr};
        std::array<double, 2> w{1.0, 1.0};
        std::size_t count = 0;
        if (audio.numChannels() == 1) {
            ch[0] = audio.channels[0].data();
            w[0] = 2.0; // dual mono
            count = 1;
        } else if (audio.numChannels() >= 2) {
            ch = {audio.channels[0].data(), audio.channels[1].data()};
            count = 2;
        }
        m_blocks = computeLoudnessBlocks(std::span<const float* const>(ch.data(), count),
                                         std::span<const double>(w.data(), count), audio.frames(),
                                         audio.sample_rate_hz);
        m_key = key;
    }

    static std::pair<double, double> peakAndSumSquares(const float* x, std::size_t n) {
        constexpr std::size_t kLanes = 8;
        float peak[kLanes] = {};
        double sq[kLanes] = {};
        std::size_t i = 0;
        for (; i + kLanes <= n; i += kLanes) {
            for (std::size_t l = 0; l < kLanes; ++l) {
                const float a = std::fabs(x[i + l]);
                peak[l] = peak[l] < a ? a : peak[l];
                sq[l] += static_cast<double>(x[i + l]) * x[i + l];
            }
        }
        double p = 0.0, s = 0.0;
        for (; i < n; ++i) {
            p = std::max(p, static_cast<double>(std::fabs(x[i])));
            s += static_cast<double>(x[i]) * x[i];
        }
        for (std::size_t l = 0; l < kLanes; ++l) {
            p = std::max(p, static_cast<double>(peak[l]));
            s += sq[l];
        }
        return {p, s};
    }

    std::size_t hopBlocks(double seconds) const {
        return std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(seconds * 10.0)));
    }

    double floorLufs(double lufs) const {
        return std::isfinite(lufs) ? std::max(lufs, m_params.floor_lufs) : m_params.floor_lufs;
    }

    // immutable after construction
    const LoudnessParams m_params;
    const std::vector<FeatureInfo> m_infos;
    // per-track cache, owned by the calling thread
    AudioIdentity m_key;
    LoudnessBlocks m_blocks;
};

} // namespace

std::unique_ptr<FeatureFamily> makeLoudnessFamily(LoudnessParams params) {
    return std::make_unique<LoudnessFamily>(params);
}

} // namespace styledna::core
