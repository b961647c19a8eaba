#include "core/stems/stem_scan.hpp"

#include <algorithm>
#include <cmath>
#include <complex>

#include "core/dsp/batch_fft.hpp"
#include "core/dsp/biquad_cascade.hpp"
#include "core/dsp/spectral_bands.hpp"
#include "core/dsp/stft.hpp"
#include "core/features/stereo_sums.hpp"
#include "core/stems/real_fft.hpp"

namespace styledna::core::stems {
namespace {

constexpr double kOverlapLoHz = 40.0;
constexpr double kOverlapHiHz = 120.0;
constexpr double kSawLoHz = 1000.0; // TranceSupersawParams defaults
constexpr double kSawHiHz = 8000.0;
constexpr double kDecisionLoHz = 200.0; // TranceSidechainParams band defaults
constexpr double kDecisionHiHz = 6000.0;
constexpr std::size_t kDecisionStride = 4 * 512; // bandPower: every 4th frame of hop 512
constexpr double kBandFloorDb = -100.0;          // SpectralParams::band_floor_db
constexpr double kSilenceMeanSquare = 1e-9;      // StereoParams::silence_floor_dbfs -90
constexpr StftParams kBassStft{1024, 256, WindowType::kHann};

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

std::size_t binForHz(double hz, std::size_t frame_size, double rate, std::size_t bins) {
    const double k = std::round(hz * static_cast<double>(frame_size) / rate);
    return static_cast<std::size_t>(std::clamp(k, 0.0, static_cast<double>(bins - 1)));
}

// Frame ranges [first, last) of each section, and elementary segments between
// every boundary, so one accumulator per segment serves the whole stem and
// every section.
struct Segments {
    std::vector<std::size_t> cuts; // ascending, first 0, last frames
    std::vector<std::pair<std::size_t, std::size_t>> section_frames;

    Segments(const std::vector<TimeRange>& sections, double frame_rate, std::size_t frames) {
        cuts = {0, frames};
        for (const auto& [a, e] : sections) {
            const std::size_t first = indexAtOrAfter(a, frame_rate, frames);
            const std::size_t last = std::max(first, indexAtOrAfter(e, frame_rate, frames));
            section_frames.emplace_back(first, last);
            cuts.push_back(first);
            cuts.push_back(last);
        }
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    }
    std::size_t count() const { return cuts.size() - 1; }
    // Segment j covers [cuts[j], cuts[j + 1]).
    template <class T>
    void total(const std::vector<std::vector<T>>& seg, std::size_t first, std::size_t last,
               std::vector<T>& out) const {
        for (std::size_t j = 0; j < count(); ++j) {
            if (cuts[j] >= first && cuts[j + 1] <= last) {
                for (std::size_t k = 0; k < out.size(); ++k) {
                    out[k] += seg[j][k];
                }
            }
        }
    }
};

} // namespace

std::size_t indexAtOrAfter(double t, double per_s, std::size_t size) {
    if (!(t > 0.0)) {
        return 0;
    }
    const double i = std::ceil(t * per_s - 1e-9);
    return i >= static_cast<double>(size) ? size : static_cast<std::size_t>(i);
}

bool scanMainSpectrum(const AudioBuffer& stem, const std::vector<TimeRange>& sections,
                      const MainScanParams& params, const CancellationToken& cancel,
                      MainScan& out) {
    const std::size_t n = stem.frames();
    const std::size_t size = params.frame_size;
    const std::size_t bins = size / 2 + 1;
    const double rate = stem.sample_rate_hz;
    out = MainScan{};
    out.rate_hz = rate;
    out.frame_size = size;
    out.hop = params.hop;
    out.frames = n == 0 || stem.numChannels() == 0 ? 0 : n / params.hop + 1;
    out.power.assign(1 + sections.size(), std::vector<double>(bins, 0.0));
    out.power_frames.assign(1 + sections.size(), 0);
    const Segments segments(sections, out.frameRateHz(), out.frames);
    out.power_frames[0] = out.frames;
    for (std::size_t s = 0; s < sections.size(); ++s) {
        out.power_frames[1 + s] =
            segments.section_frames[s].second - segments.section_frames[s].first;
    }
    if (out.frames == 0) {
        return true;
    }
    const float* left = stem.channels[0].data();
    const float* right = stem.numChannels() >= 2 ? stem.channels[1].data() : left;
    const bool side = params.side && stem.numChannels() >= 2;
    const std::size_t frames = out.frames;

    if (params.low_cells) {
        out.cell_lo =
            static_cast<std::size_t>(std::ceil(kOverlapLoHz * static_cast<double>(size) / rate));
        const auto hi = std::min(bins - 1, static_cast<std::size_t>(std::floor(
                                               kOverlapHiHz * static_cast<double>(size) / rate)));
        out.cell_count = hi >= out.cell_lo ? hi - out.cell_lo + 1 : 0;
        out.low_cells.assign(frames * out.cell_count, 0.0f);
    }
    const std::size_t saw0 = binForHz(kSawLoHz, size, rate, bins);
    const std::size_t saw1 = binForHz(kSawHiHz, size, rate, bins);
    const std::size_t dec0 = binForHz(kDecisionLoHz, size, rate, bins);
    const std::size_t dec1 = binForHz(kDecisionHiHz, size, rate, bins);
    if (side) {
        out.saw_mid.assign(frames, 0.0);
        out.saw_side.assign(frames, 0.0);
    }

    const std::vector<float> window = makeWindow(WindowType::kHann, size);
    std::vector<float> scale(bins);
    for (std::size_t k = 0; k < bins; ++k) {
        scale[k] = static_cast<float>(hannPowerScale(size, k, bins));
    }
    // Frames in batches of BatchRealFft::kBatch (one per SIMD lane), then
    // each frame's bookkeeping in order.
    constexpr std::size_t kB = BatchRealFft::kBatch;
    BatchRealFft fft(size);
    std::vector<float> mid_frames(kB * size), side_frames(side ? kB * size : 0);
    std::vector<float> mid_power(kB * bins), side_power(side ? kB * bins : 0);
    std::vector<std::vector<double>> seg_power(segments.count(), std::vector<double>(bins, 0.0));
    std::size_t seg = 0;
    const auto half = static_cast<std::ptrdiff_t>(size / 2);
    for (std::size_t i0 = 0; i0 < frames; i0 += kB) {
        if ((i0 & 255) == 0 && cancel.isCancelled()) {
            return false;
        }
        const std::size_t count = std::min(kB, frames - i0);
        for (std::size_t l = 0; l < count; ++l) {
            const std::ptrdiff_t start = static_cast<std::ptrdiff_t>((i0 + l) * params.hop) - half;
            const bool inside = start >= 0 && static_cast<std::size_t>(start) + size <= n;
            float* mid_frame = mid_frames.data() + l * size;
            float* side_frame = side ? side_frames.data() + l * size : nullptr;
            for (std::size_t j = 0; j < size; ++j) {
                const std::ptrdiff_t t = start + static_cast<std::ptrdiff_t>(j);
                float lv = 0.0f, rv = 0.0f;
                if (inside || (t >= 0 && static_cast<std::size_t>(t) < n)) {
                    lv = left[t];
                    rv = right[t];
                }
                mid_frame[j] = 0.5f * (lv + rv) * window[j];
                if (side) {
                    side_frame[j] = 0.5f * (lv - rv) * window[j];
                }
            }
        }
        fft.forwardPower(mid_frames.data(), count, mid_power.data());
        if (side) {
            fft.forwardPower(side_frames.data(), count, side_power.data());
        }
        for (std::size_t l = 0; l < count; ++l) {
            const std::size_t i = i0 + l;
            while (i >= segments.cuts[seg + 1]) {
                ++seg;
            }
            const float* power = mid_power.data() + l * bins;
            double* acc = seg_power[seg].data();
            for (std::size_t k = 0; k < bins; ++k) {
                acc[k] += static_cast<double>(scale[k] * power[k]);
            }
            if (out.cell_count > 0) {
                std::copy_n(power + out.cell_lo, out.cell_count,
                            out.low_cells.begin() +
                                static_cast<std::ptrdiff_t>(i * out.cell_count));
            }
            if (side) {
                const float* side_pw = side_power.data() + l * bins;
                double m = 0.0, sd = 0.0;
                for (std::size_t k = saw0; k < saw1; ++k) {
                    m += static_cast<double>(power[k]);
                    sd += static_cast<double>(side_pw[k]);
                }
                out.saw_mid[i] = m;
                out.saw_side[i] = sd;
                if ((i * params.hop) % kDecisionStride == 0) {
                    for (std::size_t k = dec0; k < dec1; ++k) {
                        out.decision_mid += static_cast<double>(power[k]);
                        out.decision_side += static_cast<double>(side_pw[k]);
                    }
                }
            }
        }
    }
    segments.total(seg_power, 0, frames, out.power[0]);
    for (std::size_t s = 0; s < sections.size(); ++s) {
        segments.total(seg_power, segments.section_frames[s].first,
                       segments.section_frames[s].second, out.power[1 + s]);
    }
    return true;
}

BassScan scanBassSpectrum(const std::vector<float>& mono_low, double low_rate_hz,
                          const std::vector<TimeRange>& sections) {
    BassScan out;
    out.sums.assign(1 + sections.size(), {0.0, 0.0, 0.0, 0.0});
    out.frames.assign(1 + sections.size(), 0);
    const std::size_t n = mono_low.size();
    const std::size_t size = kBassStft.frame_size;
    const std::size_t frames = n == 0 ? 0 : n / kBassStft.hop + 1;
    if (frames == 0) {
        return out;
    }
    const std::size_t bins = size / 2 + 1;
    const double bin_hz = low_rate_hz / static_cast<double>(size);
    const auto centroid = makeBandWeights(bins, bin_hz, 20.0, 250.0);
    const auto sub = makeBandWeights(bins, bin_hz, kTonalBands[0].lo_hz, kTonalBands[0].hi_hz);
    const auto low = makeBandWeights(bins, bin_hz, kTonalBands[1].lo_hz, kTonalBands[1].hi_hz);
    std::size_t used = centroid.first_bin + centroid.weights.size();
    for (const auto* b : {&sub, &low}) {
        used = std::max(used, b->first_bin + b->weights.size());
    }
    used = std::min(used, bins);
    std::vector<double> scale(used), power(bins, 0.0);
    for (std::size_t k = 0; k < used; ++k) {
        scale[k] = hannPowerScale(size, k, bins);
    }
    const std::vector<float> window = makeWindow(kBassStft.window, size);
    RealFft fft(size);
    std::vector<float> frame(size);
    std::vector<std::complex<float>> spec(bins);
    const Segments segments(sections, low_rate_hz / static_cast<double>(kBassStft.hop), frames);
    std::vector<std::vector<double>> seg(segments.count(), std::vector<double>(4, 0.0));
    std::size_t j = 0;
    const auto half = static_cast<std::ptrdiff_t>(size / 2);
    for (std::size_t i = 0; i < frames; ++i) {
        while (i >= segments.cuts[j + 1]) {
            ++j;
        }
        const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(i * kBassStft.hop) - half;
        for (std::size_t q = 0; q < size; ++q) {
            const std::ptrdiff_t t = start + static_cast<std::ptrdiff_t>(q);
            frame[q] = t >= 0 && static_cast<std::size_t>(t) < n ? mono_low[t] * window[q] : 0.0f;
        }
        fft.forward(frame.data(), spec.data());
        for (std::size_t k = 0; k < used; ++k) {
            const float mag = std::abs(spec[k]);
            power[k] = scale[k] * static_cast<double>(mag) * mag;
        }
        seg[j][0] += centroid.weightedFrequencySum(power.data());
        seg[j][1] += centroid.sum(power.data());
        seg[j][2] += sub.sum(power.data());
        seg[j][3] += low.sum(power.data());
    }
    const auto fill = [&](std::size_t index, std::size_t first, std::size_t last) {
        std::vector<double> total(4, 0.0);
        segments.total(seg, first, last, total);
        std::copy(total.begin(), total.end(), out.sums[index].begin());
        out.frames[index] = last - first;
    };
    fill(0, 0, frames);
    for (std::size_t s = 0; s < sections.size(); ++s) {
        fill(1 + s, segments.section_frames[s].first, segments.section_frames[s].second);
    }
    return out;
}

void writeSpectralValues(const MainScan& main, const BassScan& bass, std::size_t index,
                         std::map<std::string, double>& v) {
    const std::vector<double>& p = main.power[index];
    const std::size_t main_frames = main.power_frames[index];
    const std::size_t bass_frames = bass.frames[index];
    const auto& b = bass.sums[index];
    const double main_scale = main_frames ? 1.0 / static_cast<double>(main_frames) : 0.0;
    const double bass_scale = bass_frames ? 1.0 / static_cast<double>(bass_frames) : 0.0;
    const double bin_hz =
        main.frame_size > 0 ? main.rate_hz / static_cast<double>(main.frame_size) : 0.0;
    double weighted = 0.0, total = 0.0;
    for (std::size_t k = 0; k < p.size(); ++k) {
        weighted += static_cast<double>(k) * bin_hz * p[k];
        total += p[k];
    }
    v["spectral_centroid_hz"] = total > 0.0 ? weighted / total : 0.0;
    v["bass_spectral_centroid_hz"] = b[1] > 0.0 ? b[0] / b[1] : 0.0;
    double energy[kNumTonal];
    double band_total = 0.0;
    for (std::size_t t = 0; t < kNumTonal; ++t) {
        if (t < kBassTonal) {
            energy[t] = b[2 + t] * bass_scale;
        } else if (main.frames > 0 && p.size() >= 2) {
            energy[t] =
                makeBandWeights(p.size(), bin_hz, kTonalBands[t].lo_hz, kTonalBands[t].hi_hz)
                    .sum(p.data()) *
                main_scale;
        } else {
            energy[t] = 0.0;
        }
        band_total += energy[t];
    }
    for (std::size_t t = 0; t < kNumTonal; ++t) {
        v[kTonalBands[t].name] =
            band_total > 0.0 && energy[t] > 0.0
                ? std::max(kBandFloorDb, 10.0 * std::log10(energy[t] / band_total))
                : kBandFloorDb;
    }
}

double stereoWidth(const float* l, const float* r, std::size_t first, std::size_t last) {
    return sideShare(pairSums(l, r, first, last), kSilenceMeanSquare);
}

LowBandPair lowBandPair(std::vector<float> l_low, std::vector<float> r_low, double low_rate_hz) {
    std::vector<BiquadCoefficients> chain{butterworthHighpass(20.0, low_rate_hz)};
    for (const auto& c : linkwitzRileyLowpass(120.0, low_rate_hz)) {
        chain.push_back(c);
    }
    LowBandPair out;
    out.rate_hz = low_rate_hz;
    out.l = std::move(l_low);
    out.r = std::move(r_low);
    for (auto* x : {&out.l, &out.r}) {
        BiquadCascade filter(chain);
        filter.process(x->data(), x->data(), x->size());
    }
    return out;
}

void writeLowBandValues(const LowBandPair& band, double start_s, double end_s,
                        std::map<std::string, double>& v) {
    PairSums s;
    if (!band.l.empty()) {
        const std::size_t size = band.l.size();
        const std::size_t first = indexAtOrAfter(start_s, band.rate_hz, size);
        const std::size_t last = std::max(first, indexAtOrAfter(end_s, band.rate_hz, size));
        const float* r = band.r.empty() ? band.l.data() : band.r.data();
        s = pairSums(band.l.data(), r, first, last);
    }
    v["stereo_width_low"] = sideShare(s, kSilenceMeanSquare);
    v["low_end_correlation"] = correlation(s, kSilenceMeanSquare);
}

} // namespace styledna::core::stems
