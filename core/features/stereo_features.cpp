#include "core/features/stereo_features.hpp"

#include "core/features/stereo_sums.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/dsp/biquad_cascade.hpp"
#include "core/dsp/decimate.hpp"
#include "core/dsp/spectral_bands.hpp"
#include "core/dsp/stft.hpp"

namespace styledna::core {
namespace {

std::vector<FeatureInfo> makeInfos() {
    const auto scalar = [](const char* name, const char* unit, const char* description,
                           const char* move, bool per_section) {
        return FeatureInfo{name,       unit, "stereo", description, move, FeatureKind::kScalar,
                           per_section};
    };
    return {
        scalar("stereo_width", "",
               "Side energy share E(S) / (E(M) + E(S)), M = (L+R)/2, S = (L-R)/2: 0 mono, 0.5 "
               "one channel only or uncorrelated channels, 1 out of phase.",
               "Stereo wideners, panning, supersaw spread raise it; mono-izing lowers it.", true),
        scalar("stereo_correlation", "", "Pearson correlation of left and right, -1..1.",
               "Wideners, Haas delays and unison spread lower it.", true),
        scalar("stereo_width_low", "", "Side energy share in 20-120 Hz.",
               "Mono the bass/sub (utility or mid/side EQ below 120 Hz) to lower it.", true),
        scalar("stereo_width_mid", "", "Side energy share in 120 Hz-2 kHz.",
               "Panning and widening of chords, pads and leads.", true),
        scalar("stereo_width_high", "", "Side energy share above 2 kHz.",
               "Hats, reverbs, wide supersaws and stereo FX.", true),
        scalar("low_end_correlation", "", "Pearson correlation of left and right in 20-120 Hz.",
               "Stereo or phase-shifted bass lowers it; mono the low end to fix.", true),
        scalar("mono_fold_loss_db", "dB",
               "Level change when folded to mono: 10 log10(E(M) / mean(E(L), E(R))), <= 0; "
               "0 for mono, -3 for uncorrelated, very negative for out-of-phase content.",
               "Phase problems, extreme wideners; fix with mono bass and less widening.", false),
        scalar("low_end_mono_ok", "",
               "1 when the 20-120 Hz band is essentially mono (correlation >= 0.9 and side "
               "share <= 0.05), else 0.",
               "Mono the sub/bass below 120 Hz.", false),
    };
}

class StereoFamily final : public FeatureFamily {
public:
    explicit StereoFamily(StereoParams params) : m_params(params), m_infos(makeInfos()) {}

    std::string_view name() const override { return "stereo"; }
    const std::vector<FeatureInfo>& describe() const override { return m_infos; }

    Status configure() override {
        const auto& p = m_params;
        if (!(p.low_band_floor_hz > 0.0 && p.low_hz > p.low_band_floor_hz &&
              p.high_hz > p.low_hz)) {
            return invalidArgument("stereo: need 0 < low_band_floor_hz < low_hz < high_hz");
        }
        if (!(p.decimated_rate_hz > 4.0 * p.low_hz)) {
            return invalidArgument("stereo: decimated_rate_hz must exceed 4 * low_hz");
        }
        return Status::ok();
    }

    Status process(const AnalysisContext& ctx, TrackFeatures& out) override {
        if (auto s = prepare(ctx); !s.isOk()) {
            return s;
        }
        auto& v = out.values;
        const PairSums all = writeValues(ctx, 0.0, std::numeric_limits<double>::infinity(), v);
        v["mono_fold_loss_db"] = foldLossDb(all);
        v["low_end_mono_ok"] = v["low_end_correlation"] >= m_params.low_end_correlation_min &&
                                       v["stereo_width_low"] <= m_params.low_end_width_max
                                   ? 1.0
                                   : 0.0;
        return Status::ok();
    }

    Status processSection(const AnalysisContext& ctx, double start_s, double end_s,
                          std::map<std::string, double>& out) override {
        if (auto s = prepare(ctx); !s.isOk()) {
            return s;
        }
        (void)writeValues(ctx, start_s, end_s, out);
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
        prepareLowBand(ctx);
        if (ctx.cancel().isCancelled()) {
            return cancelledError("analysis cancelled");
        }
        prepareSpectralBands(ctx);
        m_key = key;
        m_prepared = true;
        return Status::ok();
    }

    void prepareLowBand(const AnalysisContext& ctx) {
        const AudioBuffer& audio = ctx.audio();
        const double rate = audio.sample_rate_hz;
        const std::size_t factor = decimationFactorFor(rate, m_params.decimated_rate_hz);
        m_low_rate = rate / static_cast<double>(factor);
        std::vector<BiquadCoefficients> chain{
            butterworthHighpass(m_params.low_band_floor_hz, m_low_rate)};
        for (const auto& c : linkwitzRileyLowpass(m_params.low_hz, m_low_rate)) {
            chain.push_back(c);
        }
        const auto lowBand = [&](const std::vector<float>& x) {
            auto y = decimateTriangular(x.data(), x.size(), factor);
            BiquadCascade filter(chain);
            filter.process(y.data(), y.data(), y.size());
            return y;
        };
        m_low_l.clear();
        m_low_r.clear();
        if (audio.numChannels() >= 1) {
            m_low_l = lowBand(audio.channels[0]);
        }
        if (audio.numChannels() >= 2) {
            m_low_r = lowBand(audio.channels[1]);
        }
    }

    void prepareSpectralBands(const AnalysisContext& ctx) {
        m_band_mid = m_band_high = BandWeights{};
        m_track_mid.clear();
        m_track_side.clear();
        m_track_frames = 0;
        m_frame_rate = 1.0;
        if (!ctx.isStereo()) {
            return; // side is all zeros: the spectral widths are 0 without an STFT
        }
        const Spectrogram& mid = ctx.monoSpectrum();
        const Spectrogram& side = ctx.sideSpectrum();
        const std::size_t bins = mid.num_bins;
        if (mid.num_frames == 0 || bins < 2) {
            return;
        }
        m_frame_rate = mid.frameRateHz();
        const double bin_hz = mid.sample_rate_hz / static_cast<double>(mid.frame_size);
        m_band_mid = makeBandWeights(bins, bin_hz, m_params.low_hz, m_params.high_hz);
        m_band_high = makeBandWeights(bins, bin_hz, m_params.high_hz, mid.sample_rate_hz / 2.0);
        accumulatePower(mid, 0, mid.num_frames, m_track_mid);
        accumulatePower(side, 0, side.num_frames, m_track_side);
        m_track_frames = mid.num_frames;
    }

    PairSums fullBandSums(const AnalysisContext& ctx, std::size_t first, std::size_t last) const {
        const AudioBuffer& audio = ctx.audio();
        if (audio.numChannels() == 0) {
            return {};
        }
        const float* l = audio.channels[0].data();
        const float* r = audio.numChannels() >= 2 ? audio.channels[1].data() : l;
        return pairSums(l, r, first, std::min(last, audio.frames()));
    }

    PairSums lowBandSums(std::size_t first, std::size_t last) const {
        if (m_low_l.empty()) {
            return {};
        }
        const float* r = m_low_r.empty() ? m_low_l.data() : m_low_r.data();
        return pairSums(m_low_l.data(), r, first, std::min(last, m_low_l.size()));
    }

    bool silent(double mean_square) const {
        return !(mean_square > std::pow(10.0, m_params.silence_floor_dbfs / 10.0));
    }

    double silenceMeanSquare() const { return std::pow(10.0, m_params.silence_floor_dbfs / 10.0); }
    double width(const PairSums& s) const { return sideShare(s, silenceMeanSquare()); }
    double correlation(const PairSums& s) const {
        return core::correlation(s, silenceMeanSquare());
    }

    double foldLossDb(const PairSums& s) const {
        const double mean = 0.5 * (s.ll + s.rr);
        if (s.n <= 0 || silent(mean / s.n)) {
            return 0.0;
        }
        const double mid = 0.25 * (s.ll + s.rr + 2.0 * s.lr);
        if (!(mid > 0.0)) {
            return m_params.floor_db;
        }
        return std::clamp(10.0 * std::log10(mid / mean), m_params.floor_db, 0.0);
    }

    double spectralWidth(const BandWeights& band, const std::vector<double>& mid,
                         const std::vector<double>& side, std::size_t frames) const {
        if (frames == 0 || band.empty() || mid.empty() || side.empty()) {
            return 0.0;
        }
        const double m = band.sum(mid.data());
        const double s = band.sum(side.data());
        if (silent((m + s) / static_cast<double>(frames))) { // mean square in the band
            return 0.0;
        }
        return std::clamp(s / (m + s), 0.0, 1.0);
    }

    // Writes the per-section set of values; returns the full-band sums used.
    PairSums writeValues(const AnalysisContext& ctx, double start_s, double end_s,
                         std::map<std::string, double>& v) const {
        const double rate = ctx.sampleRateHz();
        const auto index = [](double t, double per_s, std::size_t size) {
            if (!(t > 0.0)) {
                return std::size_t{0};
            }
            const double i = std::ceil(t * per_s - 1e-9);
            return i >= static_cast<double>(size) ? size : static_cast<std::size_t>(i);
        };
        const std::size_t frames = ctx.audio().frames();
        const std::size_t first = index(start_s, rate, frames);
        const PairSums full = fullBandSums(ctx, first, std::max(first, index(end_s, rate, frames)));
        v["stereo_width"] = width(full);
        v["stereo_correlation"] = correlation(full);

        const std::size_t lf = index(start_s, m_low_rate, m_low_l.size());
        const PairSums low =
            lowBandSums(lf, std::max(lf, index(end_s, m_low_rate, m_low_l.size())));
        v["stereo_width_low"] = width(low);
        v["low_end_correlation"] = correlation(low);

        if (start_s <= 0.0 && !std::isfinite(end_s)) {
            v["stereo_width_mid"] =
                spectralWidth(m_band_mid, m_track_mid, m_track_side, m_track_frames);
            v["stereo_width_high"] =
                spectralWidth(m_band_high, m_track_mid, m_track_side, m_track_frames);
            return full;
        }
        std::vector<double> mid, side;
        std::size_t count = 0;
        if (ctx.isStereo() && m_track_frames > 0) {
            const Spectrogram& ms = ctx.monoSpectrum();
            const Spectrogram& ss = ctx.sideSpectrum();
            const std::size_t ff = index(start_s, m_frame_rate, ms.num_frames);
            const std::size_t fl = std::max(ff, index(end_s, m_frame_rate, ms.num_frames));
            accumulatePower(ms, ff, fl, mid);
            accumulatePower(ss, ff, fl, side);
            count = fl - ff;
        }
        v["stereo_width_mid"] = spectralWidth(m_band_mid, mid, side, count);
        v["stereo_width_high"] = spectralWidth(m_band_high, mid, side, count);
        return full;
    }

    // immutable
    const StereoParams m_params;
    const std::vector<FeatureInfo> m_infos;
    // per-track cache, owned by the calling thread
    AudioIdentity m_key;
    bool m_prepared = false;
    double m_low_rate = 1.0;
    std::vector<float> m_low_l, m_low_r;
    double m_frame_rate = 1.0;
    BandWeights m_band_mid, m_band_high;
    std::vector<double> m_track_mid, m_track_side; // whole-track per-bin power (mean square)
    std::size_t m_track_frames = 0;
};

} // namespace

std::unique_ptr<FeatureFamily> makeStereoFamily(StereoParams params) {
    return std::make_unique<StereoFamily>(params);
}

} // namespace styledna::core
