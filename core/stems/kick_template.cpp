#include "core/stems/kick_template.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/dsp/biquad_cascade.hpp"
#include "core/dsp/decimate.hpp"

namespace styledna::core::stems {
namespace {

constexpr std::size_t kMinBeats = 8;

std::size_t samplesFor(double ms, double rate_hz) {
    return static_cast<std::size_t>(std::lround(ms * 1e-3 * rate_hz));
}

double dot(const float* a, const float* b, std::size_t n) {
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        s += static_cast<double>(a[i]) * b[i];
    }
    return s;
}

// Elementwise median over the segments of y starting at `starts` (length len).
std::vector<float> medianTemplate(const std::vector<float>& y,
                                  const std::vector<std::ptrdiff_t>& starts, std::size_t len) {
    std::vector<float> tpl(len, 0.0f);
    std::vector<float> column(starts.size());
    const std::size_t mid = starts.size() / 2;
    for (std::size_t j = 0; j < len; ++j) {
        for (std::size_t b = 0; b < starts.size(); ++b) {
            column[b] = y[static_cast<std::size_t>(starts[b]) + j];
        }
        std::nth_element(column.begin(), column.begin() + static_cast<std::ptrdiff_t>(mid),
                         column.end());
        tpl[j] = column[mid];
    }
    return tpl;
}

// The shift in [-range, range] that maximises <y[start + shift ..], tpl[0, span)>.
std::ptrdiff_t bestShift(const std::vector<float>& y, std::ptrdiff_t start,
                         const std::vector<float>& tpl, std::size_t span, std::ptrdiff_t range) {
    const auto n = static_cast<std::ptrdiff_t>(y.size());
    double best = -std::numeric_limits<double>::infinity();
    std::ptrdiff_t best_shift = 0;
    for (std::ptrdiff_t s = -range; s <= range; ++s) {
        const std::ptrdiff_t a = start + s;
        if (a < 0 || a + static_cast<std::ptrdiff_t>(span) > n) {
            continue;
        }
        const double c = dot(y.data() + a, tpl.data(), span);
        if (c > best) {
            best = c;
            best_shift = s;
        }
    }
    return best_shift;
}

} // namespace

Result<KickEstimate> estimateKick(const std::vector<float>& mono, double rate_hz,
                                  const std::vector<double>& beats_s, double beat_period_s,
                                  const KickTemplateParams& params,
                                  const CancellationToken& cancel) {
    KickEstimate out;
    const std::size_t n = mono.size();
    if (beats_s.size() < kMinBeats || !(beat_period_s > 0) || n == 0 ||
        !(params.band_hz < 0.45 * rate_hz)) {
        return out;
    }
    // Zero-phase low-pass (forward and backward): subtracting the estimate
    // must cancel the kick's low band in phase.
    std::vector<float> y(n);
    BiquadCascade lowpass({butterworthLowpass(params.band_hz, rate_hz)});
    lowpass.process(mono.data(), y.data(), n);
    std::reverse(y.begin(), y.end());
    lowpass.reset();
    lowpass.process(y.data(), y.data(), n);
    std::reverse(y.begin(), y.end());

    const std::size_t pre = samplesFor(params.pre_ms, rate_hz);
    const std::size_t body = samplesFor(
        std::min(params.tail_fraction * beat_period_s * 1e3, params.max_length_ms), rate_hz);
    const std::size_t len = pre + body;
    const std::size_t factor = std::max<std::size_t>(1, decimationFactorFor(rate_hz, 5512.5));
    const auto search = static_cast<std::ptrdiff_t>(samplesFor(params.search_ms, rate_hz));
    if (len < 4 * factor || len + 2 * static_cast<std::size_t>(search) >= n) {
        return out;
    }

    // 1. Beats whose first 60 ms carry low-band energy near the loudest beats'.
    const std::size_t e_pre = samplesFor(10.0, rate_hz);
    const std::size_t e_len = e_pre + samplesFor(60.0, rate_hz);
    std::vector<std::ptrdiff_t> starts; // segment starts (beat - pre)
    std::vector<double> energy;
    for (double t : beats_s) {
        const auto onset = static_cast<std::ptrdiff_t>(std::llround(t * rate_hz));
        const std::ptrdiff_t start = onset - static_cast<std::ptrdiff_t>(pre);
        if (start - search < 0 ||
            start + search + static_cast<std::ptrdiff_t>(len) > static_cast<std::ptrdiff_t>(n) ||
            onset < static_cast<std::ptrdiff_t>(e_pre)) {
            continue;
        }
        const float* e = y.data() + (onset - static_cast<std::ptrdiff_t>(e_pre));
        starts.push_back(start);
        energy.push_back(dot(e, e, e_len));
    }
    if (starts.size() < kMinBeats) {
        return out;
    }
    std::vector<double> sorted = energy;
    const auto p90 = static_cast<std::ptrdiff_t>(0.9 * static_cast<double>(sorted.size() - 1));
    std::nth_element(sorted.begin(), sorted.begin() + p90, sorted.end());
    const double floor =
        sorted[static_cast<std::size_t>(p90)] * std::pow(10.0, -params.presence_db / 10.0);
    std::vector<std::ptrdiff_t> kick_starts;
    for (std::size_t b = 0; b < starts.size(); ++b) {
        if (energy[b] >= floor && energy[b] > 0) {
            kick_starts.push_back(starts[b]);
        }
    }
    if (kick_starts.size() < kMinBeats || cancel.isCancelled()) {
        return out;
    }
    // Beats for the median, spread evenly over the track.
    const std::size_t used = std::min(params.max_template_beats, kick_starts.size());
    std::vector<std::size_t> chosen(used);
    for (std::size_t i = 0; i < used; ++i) {
        chosen[i] = i * kick_starts.size() / used;
    }
    const auto pick = [&](const std::vector<std::ptrdiff_t>& s) {
        std::vector<std::ptrdiff_t> r(used);
        for (std::size_t i = 0; i < used; ++i) {
            r[i] = s[chosen[i]];
        }
        return r;
    };

    // 2. Coarse alignment on the decimated band, then two full-rate rounds.
    const std::vector<float> yd = decimateTriangular(y.data(), n, factor);
    std::vector<std::ptrdiff_t> coarse(kick_starts.size());
    {
        std::vector<std::ptrdiff_t> ds(used);
        const auto picked = pick(kick_starts);
        for (std::size_t i = 0; i < used; ++i) {
            ds[i] = picked[i] / static_cast<std::ptrdiff_t>(factor);
        }
        const std::size_t len_d = len / factor;
        const std::vector<float> tpl_d = medianTemplate(yd, ds, len_d);
        const std::size_t span_d =
            std::min(len_d, samplesFor(params.align_ms + params.pre_ms, rate_hz) / factor);
        const auto range_d = search / static_cast<std::ptrdiff_t>(factor);
        for (std::size_t b = 0; b < kick_starts.size(); ++b) {
            const std::ptrdiff_t s = bestShift(
                yd, kick_starts[b] / static_cast<std::ptrdiff_t>(factor), tpl_d, span_d, range_d);
            coarse[b] = kick_starts[b] + s * static_cast<std::ptrdiff_t>(factor);
        }
    }
    if (cancel.isCancelled()) {
        return out;
    }
    const std::size_t span = std::min(len, samplesFor(params.align_ms + params.pre_ms, rate_hz));
    std::vector<std::ptrdiff_t> aligned = coarse;
    std::vector<float> tpl;
    for (int round = 0; round < 2; ++round) {
        tpl = medianTemplate(y, pick(aligned), len);
        const auto range = static_cast<std::ptrdiff_t>(round == 0 ? factor : factor / 2 + 1);
        for (std::size_t b = 0; b < aligned.size(); ++b) {
            aligned[b] += bestShift(y, aligned[b], tpl, span, range);
        }
    }
    tpl = medianTemplate(y, pick(aligned), len);

    // 3. Fade in over the pre-roll, fade out at the end.
    const std::size_t fade = std::min(samplesFor(params.fade_ms, rate_hz), len / 2);
    for (std::size_t j = 0; j < pre; ++j) {
        const double x = static_cast<double>(j) / static_cast<double>(pre);
        tpl[j] *= static_cast<float>(0.5 - 0.5 * std::cos(M_PI * x));
    }
    for (std::size_t j = 0; j < fade; ++j) {
        const double x = static_cast<double>(j) / static_cast<double>(fade);
        tpl[len - fade + j] *= static_cast<float>(0.5 + 0.5 * std::cos(M_PI * x));
    }
    const double tpl_energy = dot(tpl.data(), tpl.data(), len);
    if (!(tpl_energy > 0)) {
        return out;
    }
    // A kick decays: the template's first decay_check_ms after the onset must
    // hold min_decay_db more energy than its last decay_check_ms before the
    // fade (a steady tone aligned on every beat does not).
    const std::size_t check = std::min(samplesFor(params.decay_check_ms, rate_hz), body / 3);
    const std::size_t tail_start = len - fade - check;
    const double head = dot(tpl.data() + pre, tpl.data() + pre, check);
    const double tail = dot(tpl.data() + tail_start, tpl.data() + tail_start, check);
    if (check == 0 || head < tail * std::pow(10.0, params.min_decay_db / 10.0)) {
        return out;
    }

    // 4. Per-beat gains.
    out.kick.assign(n, 0.0f);
    out.template_length = len;
    for (std::ptrdiff_t start : aligned) {
        const float* seg = y.data() + start;
        const double c = dot(seg, tpl.data(), len);
        const double e = dot(seg, seg, len);
        if (!(c > 0) || c < params.min_correlation * std::sqrt(e * tpl_energy)) {
            continue;
        }
        const auto g = static_cast<float>(c / tpl_energy);
        float* dst = out.kick.data() + start;
        for (std::size_t j = 0; j < len; ++j) {
            dst[j] += g * tpl[j];
        }
        out.onsets.push_back(static_cast<std::size_t>(start));
    }
    if (out.onsets.empty()) {
        out.kick.clear();
    }
    return out;
}

} // namespace styledna::core::stems
