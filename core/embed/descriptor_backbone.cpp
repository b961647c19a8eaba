#include "core/embed/descriptor_backbone.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "core/embed/descriptor_stats.hpp"

namespace styledna::embed {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// splitmix64 as a generator: portable and bit-identical everywhere (no std::
// distributions, whose output differs between standard libraries).
class SplitMix {
public:
    explicit SplitMix(std::uint64_t seed) : m_state(seed) {}
    double uniform(double lo, double hi) {
        m_state += 0x9E3779B97F4A7C15ull;
        const double u = static_cast<double>(splitmix64(m_state) >> 11) * 0x1.0p-53;
        return lo + (hi - lo) * u;
    }

private:
    std::uint64_t m_state;
};

class Fnv1a {
public:
    void add(std::uint64_t word) {
        for (int i = 0; i < 8; ++i) {
            m_hash = (m_hash ^ ((word >> (8 * i)) & 0xFFu)) * 0x100000001B3ull;
        }
    }
    std::uint64_t value() const { return m_hash; }

private:
    std::uint64_t m_hash = 0xCBF29CE484222325ull;
};

// Weight of each pooled bin in an augmented view: the power scale times the
// augmentation's gain, tilt and low-pass at the bin's centre.
std::vector<float> viewFactors(const detail::Filterbank& fb, const Augmentation& aug) {
    std::vector<float> factor(fb.numPooled());
    constexpr double kLn10Over10 = 0.23025850929940458;
    for (std::size_t j = 0; j < factor.size(); ++j) {
        const double f = fb.pooledHz(j);
        const double octaves = std::log2(std::clamp(f, 20.0, 20000.0) / 1000.0);
        double p = std::exp(kLn10Over10 * (aug.gain_db + aug.tilt_db_per_octave * octaves));
        if (aug.lowpass) {
            const double x = f / aug.lowpass_hz;
            p /= 1.0 + x * x * x * x;
        }
        factor[j] = static_cast<float>(p * fb.baseFactors()[j]);
    }
    return factor;
}

// Adds an augmentation's pink noise to the rows of one view, in place.
void addNoise(const detail::Filterbank& fb, const Augmentation& aug, std::vector<float>& rows,
              std::size_t n) {
    if (!aug.noise || n == 0) {
        return;
    }
    double signal = 0.0;
    for (std::size_t t = 0; t < n; ++t) {
        for (int b = 0; b < detail::kMelBands; ++b) {
            signal += rows[t * detail::kRowSize + detail::kRowMel + b];
        }
    }
    signal /= static_cast<double>(n);
    const auto noise = static_cast<float>(signal * std::pow(10.0, -aug.noise_snr_db / 10.0));
    const auto& pink = fb.pinkRow();
    for (std::size_t t = 0; t < n; ++t) {
        for (int i = 0; i < detail::kRowSize; ++i) {
            rows[t * detail::kRowSize + i] += noise * pink[i];
        }
    }
}

struct FrameRange {
    std::size_t first = 0;
    std::size_t last = 0;
};

// The frames whose centre lies in each span; the only span of a track shorter
// than one window takes every frame.
std::vector<FrameRange> frameRanges(const std::vector<SegmentSpan>& spans, double frame_rate_hz,
                                    std::size_t num_frames, bool whole_track) {
    std::vector<FrameRange> ranges;
    for (const auto& s : spans) {
        if (whole_track) {
            ranges.push_back({0, num_frames});
            continue;
        }
        const auto frameAt = [&](double t) {
            const double f = std::ceil(t * frame_rate_hz - 1e-9);
            return std::min(num_frames, static_cast<std::size_t>(std::max(0.0, f)));
        };
        FrameRange r{frameAt(s.start_s), frameAt(s.end_s)};
        r.first = std::min(r.first, num_frames - 1);
        r.last = std::max(r.last, r.first + 1);
        ranges.push_back(r);
    }
    return ranges;
}

// One augmented view while the frame pass fills it.
struct AugmentedView {
    std::size_t segment = 0;
    FrameRange frames;
    Augmentation aug;
    std::vector<float> factor; // while active
    std::vector<float> rows;   // while active
};

// The augmented windows (each segment's frames moved by its draw's shift,
// clamped to the track), in order of their first frame.
std::vector<AugmentedView> planViews(const std::vector<FrameRange>& ranges,
                                     std::uint64_t audio_seed, std::size_t num_frames,
                                     double frame_rate_hz) {
    std::vector<AugmentedView> views;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        AugmentedView v;
        v.segment = i;
        v.aug = drawAugmentation(audio_seed, i);
        const auto len = static_cast<long long>(ranges[i].last - ranges[i].first);
        const long long shift = std::llround(v.aug.shift_s * frame_rate_hz);
        const long long first = std::clamp(static_cast<long long>(ranges[i].first) + shift, 0LL,
                                           static_cast<long long>(num_frames) - len);
        v.frames = {static_cast<std::size_t>(first), static_cast<std::size_t>(first + len)};
        views.push_back(std::move(v));
    }
    std::stable_sort(views.begin(), views.end(),
                     [](const auto& a, const auto& b) { return a.frames.first < b.frames.first; });
    return views;
}

// The descriptor of a finished augmented view (its noise added last); frees
// its rows.
void finishView(const detail::Filterbank& fb, const detail::PatternClock& clock, AugmentedView& v,
                std::vector<float>& out) {
    const std::size_t n = v.frames.last - v.frames.first;
    addNoise(fb, v.aug, v.rows, n);
    const auto derived = detail::deriveFrames(v.rows.data(), n);
    out.resize(kDescriptorDim);
    detail::segmentDescriptor(fb, v.rows.data(), derived, 0, n, v.frames.first, clock, out.data());
    v.rows = {};
    v.factor = {};
}

// One pass over the frames, in blocks: returns the original rows of every
// frame and finishes every augmented view (into e.segments[].augmented) from
// the same pooled blocks, so each spectrogram frame is read from memory once.
std::vector<float> framePass(const detail::Filterbank& fb, const core::Spectrogram& mono,
                             const core::Spectrogram* side, const detail::PatternClock& clock,
                             std::vector<AugmentedView>& views, TrackEmbedding& e) {
    constexpr std::size_t kBlock = detail::kBlockFrames;
    const std::size_t num_frames = mono.num_frames;
    std::vector<float> rows(num_frames * detail::kRowSize);
    detail::PooledBlock mid_block(fb), side_block(fb);
    detail::RowScratch scratch(fb);
    std::vector<std::size_t> active;
    std::size_t next_view = 0;
    // Pools frames [t0, t1) of a spectrogram; its next block is prefetched
    // meanwhile.
    auto pool = [&](const core::Spectrogram& spec, std::size_t t0, std::size_t t1,
                    detail::PooledBlock& out) {
        const float* frames[kBlock] = {};
        const float* next[kBlock] = {};
        for (std::size_t t = t0; t < t1; ++t) {
            frames[t - t0] = spec.frame(t);
            next[t - t0] = t + kBlock < num_frames ? spec.frame(t + kBlock) : nullptr;
        }
        detail::poolBlock(fb, frames, t1 - t0, next, out);
    };
    for (std::size_t t0 = 0; t0 < num_frames; t0 += kBlock) {
        const std::size_t t1 = std::min(num_frames, t0 + kBlock);
        pool(mono, t0, t1, mid_block);
        if (side != nullptr) {
            pool(*side, t0, t1, side_block);
        }
        const detail::PooledBlock* sp = side != nullptr ? &side_block : nullptr;
        detail::computeRows(fb, fb.baseFactors().data(), mid_block, sp, 0, t1 - t0, scratch,
                            rows.data() + t0 * detail::kRowSize);
        for (; next_view < views.size() && views[next_view].frames.first < t1; ++next_view) {
            auto& v = views[next_view];
            v.factor = viewFactors(fb, v.aug);
            v.rows.resize((v.frames.last - v.frames.first) * detail::kRowSize);
            active.push_back(next_view);
        }
        for (std::size_t a : active) {
            auto& v = views[a];
            const std::size_t first = std::max(t0, v.frames.first);
            const std::size_t last = std::min(t1, v.frames.last);
            detail::computeRows(fb, v.factor.data(), mid_block, sp, first - t0, last - t0, scratch,
                                v.rows.data() + (first - v.frames.first) * detail::kRowSize);
            if (last == v.frames.last) {
                finishView(fb, clock, v, e.segments[v.segment].augmented);
            }
        }
        std::erase_if(active, [&](std::size_t a) { return views[a].frames.last <= t1; });
    }
    return rows;
}

} // namespace

std::string descriptorDimensionName(int index) {
    for (const auto& b : kDescriptorBlocks) {
        if (index >= b.offset && index < b.offset + b.dim) {
            return std::string(b.name) + "[" + std::to_string(index - b.offset) + "]";
        }
    }
    return "";
}

Augmentation drawAugmentation(std::uint64_t audio_seed, std::size_t segment_index) {
    SplitMix rng(splitmix64(audio_seed ^ splitmix64(segment_index + 1)));
    Augmentation a;
    a.shift_s = rng.uniform(-0.5, 0.5);
    a.gain_db = rng.uniform(-6.0, 6.0);
    a.tilt_db_per_octave = rng.uniform(-3.0, 3.0);
    a.lowpass = rng.uniform(0.0, 1.0) < 0.5;
    a.lowpass_hz = 4000.0 * std::exp2(rng.uniform(0.0, 2.0));
    a.noise = rng.uniform(0.0, 1.0) < 0.5;
    a.noise_snr_db = rng.uniform(20.0, 40.0);
    return a;
}

std::uint64_t audioSeed(const core::AudioBuffer& audio) {
    Fnv1a h;
    const std::size_t frames = audio.frames();
    h.add(frames);
    h.add(audio.numChannels());
    h.add(std::bit_cast<std::uint64_t>(audio.sample_rate_hz));
    constexpr std::size_t kSamples = 64;
    for (const auto& ch : audio.channels) {
        for (std::size_t i = 0; i < kSamples && frames > 0; ++i) {
            h.add(std::bit_cast<std::uint32_t>(ch[(frames - 1) * i / (kSamples - 1)]));
        }
    }
    return splitmix64(h.value());
}

std::vector<SegmentSpan> segmentLayout(double duration_s, double segment_s, double hop_s) {
    std::vector<SegmentSpan> spans;
    if (!(duration_s > 0.0) || !(segment_s > 0.0) || !(hop_s > 0.0)) {
        return spans;
    }
    if (duration_s < segment_s) {
        spans.push_back({0.0, duration_s});
        return spans;
    }
    const auto count =
        static_cast<std::size_t>(std::floor((duration_s - segment_s) / hop_s + 1e-9));
    for (std::size_t i = 0; i <= count; ++i) {
        const double start = static_cast<double>(i) * hop_s;
        spans.push_back({start, start + segment_s});
    }
    return spans;
}

void poolEmbedding(TrackEmbedding& embedding, const std::vector<core::Section>& sections) {
    embedding.track.clear();
    embedding.sections.clear();
    if (embedding.segments.empty()) {
        return;
    }
    const std::size_t dim = embedding.segments.front().values.size();
    auto mean = [dim](const std::vector<const SegmentEmbedding*>& members) {
        std::vector<double> acc(dim, 0.0);
        for (const auto* s : members) {
            for (std::size_t i = 0; i < dim && i < s->values.size(); ++i) {
                acc[i] += s->values[i];
            }
        }
        std::vector<float> out(dim);
        for (std::size_t i = 0; i < dim; ++i) {
            out[i] = static_cast<float>(acc[i] / static_cast<double>(members.size()));
        }
        return out;
    };
    std::vector<const SegmentEmbedding*> all;
    std::map<std::string, std::vector<const SegmentEmbedding*>> by_label;
    for (const auto& seg : embedding.segments) {
        all.push_back(&seg);
        const double centre = 0.5 * (seg.start_s + seg.end_s);
        for (const auto& sec : sections) {
            if (centre >= sec.start_s && centre < sec.end_s) {
                by_label[sec.label].push_back(&seg);
                break;
            }
        }
    }
    embedding.track = mean(all);
    for (const auto& [label, members] : by_label) {
        embedding.sections[label] = mean(members);
    }
}

core::Status DescriptorBackbone::configure() const {
    if (!(m_params.segment_s >= 0.5 && m_params.segment_s <= 60.0)) {
        return core::invalidArgument("descriptor backbone: segment_s must be in 0.5..60 s");
    }
    if (!(m_params.hop_s >= 0.1 && m_params.hop_s <= m_params.segment_s)) {
        return core::invalidArgument("descriptor backbone: hop_s must be in 0.1 s..segment_s");
    }
    return core::Status::ok();
}

core::Result<TrackEmbedding> DescriptorBackbone::process(const DescriptorInput& input) const {
    if (auto s = configure(); !s.isOk()) {
        return s;
    }
    if (input.mono == nullptr) {
        return core::invalidArgument("descriptor backbone: no mono spectrogram");
    }
    const core::Spectrogram& mono = *input.mono;
    const core::Spectrogram* side = input.side;
    if (side != nullptr &&
        (side->num_frames != mono.num_frames || side->num_bins != mono.num_bins ||
         side->frame_size != mono.frame_size || side->hop != mono.hop ||
         side->sample_rate_hz != mono.sample_rate_hz)) {
        return core::invalidArgument(
            "descriptor backbone: side spectrogram geometry differs from the mono one");
    }
    TrackEmbedding e;
    e.backbone = kDescriptorBackboneName;
    e.dim = kDescriptorDim;
    e.segment_s = m_params.segment_s;
    e.hop_s = m_params.hop_s;
    const std::size_t num_frames = mono.num_frames;
    const auto spans = segmentLayout(input.duration_s, m_params.segment_s, m_params.hop_s);
    if (num_frames == 0 || mono.num_bins == 0 || spans.empty()) {
        return e;
    }
    const detail::Filterbank fb(mono.frame_size, mono.num_bins, mono.sample_rate_hz);
    const auto ranges =
        frameRanges(spans, mono.frameRateHz(), num_frames, input.duration_s < m_params.segment_s);
    detail::PatternClock clock;
    clock.frame_period_s = 1.0 / mono.frameRateHz();
    if (input.grid != nullptr && input.grid->valid()) {
        clock.first_downbeat_s = input.grid->first_downbeat_s;
        clock.beat_period_s = input.grid->beatPeriodS();
    }
    e.segments.resize(spans.size());
    for (std::size_t i = 0; i < spans.size(); ++i) {
        e.segments[i].start_s = spans[i].start_s;
        e.segments[i].end_s = spans[i].end_s;
    }

    auto views = m_params.augment
                     ? planViews(ranges, input.audio_seed, num_frames, mono.frameRateHz())
                     : std::vector<AugmentedView>{};
    const auto rows = framePass(fb, mono, side, clock, views, e);
    const auto derived = detail::deriveFrames(rows.data(), num_frames);
    for (std::size_t i = 0; i < spans.size(); ++i) {
        auto& out = e.segments[i].values;
        out.resize(kDescriptorDim);
        detail::segmentDescriptor(fb, rows.data(), derived, ranges[i].first, ranges[i].last, 0,
                                  clock, out.data());
    }
    poolEmbedding(e, input.sections != nullptr ? *input.sections : std::vector<core::Section>{});
    return e;
}

} // namespace styledna::embed
