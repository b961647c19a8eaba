#include "core/embed/descriptor_frames.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/dsp/spectral_bands.hpp"

namespace styledna::embed::detail {
namespace {

double hzToMel(double hz) {
    return 2595.0 * std::log10(1.0 + hz / 700.0);
}
double melToHz(double mel) {
    return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
}
double midiOf(double hz) {
    return 12.0 * std::log2(hz / 440.0) + 69.0;
}

// Width in STFT bins of the pooled bin starting at frequency hz.
std::uint32_t poolWidth(double hz) {
    return hz < 2500.0 ? 1 : hz < 5000.0 ? 2 : hz < 10000.0 ? 4 : 8;
}

// Runs over the pooled bins from position(hz) -> (run index, alpha), run < 0
// outside every run; run r feeds bands r - 1 (1 - alpha) and r (alpha) of
// `bands`.
template <class Position>
void buildRuns(const std::vector<double>& pooled_hz, int bands, Position position,
               std::vector<Run>& runs, std::vector<float>& alpha) {
    alpha.assign(pooled_hz.size(), 0.0f);
    int previous = -1;
    for (std::size_t j = 0; j < pooled_hz.size(); ++j) {
        const auto [r, a] = position(pooled_hz[j]);
        if (r < 0) {
            previous = -1;
            continue;
        }
        alpha[j] = static_cast<float>(a);
        const auto index = static_cast<std::uint32_t>(j);
        if (r == previous && runs.back().last == index) {
            runs.back().last = index + 1;
        } else {
            runs.push_back({index, index + 1, r >= 1 ? r - 1 : -1, r < bands ? r : -1});
        }
        previous = r;
    }
}

// Four frames of one pooled bin or band: a GCC/Clang vector, so the lane loops
// below compile to packed SIMD on any target (memcpy loads: no aliasing or
// alignment assumptions).
using Lanes4 = float __attribute__((vector_size(16)));
constexpr std::size_t kVectors = kBlockFrames / 4;
static_assert(kBlockFrames % 4 == 0);

inline Lanes4 load4(const float* p) {
    Lanes4 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store4(float* p, Lanes4 v) {
    std::memcpy(p, &v, sizeof v);
}
// Adds each run's halves to its two bands, lane by lane: p and bands hold
// kBlockFrames lanes per pooled bin / band.
void accumulateRuns(const std::vector<Run>& runs, const float* alpha, const float* p,
                    float* bands) {
    constexpr std::size_t L = kBlockFrames;
    for (const Run& r : runs) {
        Lanes4 sum[kVectors] = {}, upper[kVectors] = {};
        for (std::uint32_t j = r.first; j < r.last; ++j) {
            const Lanes4 a = Lanes4{} + alpha[j];
            for (std::size_t v = 0; v < kVectors; ++v) {
                const Lanes4 x = load4(p + j * L + 4 * v);
                sum[v] += x;
                upper[v] += a * x;
            }
        }
        for (std::size_t v = 0; v < kVectors; ++v) {
            if (r.lower >= 0) {
                float* b = bands + static_cast<std::size_t>(r.lower) * L + 4 * v;
                store4(b, load4(b) + (sum[v] - upper[v]));
            }
            if (r.upper >= 0) {
                float* b = bands + static_cast<std::size_t>(r.upper) * L + 4 * v;
                store4(b, load4(b) + upper[v]);
            }
        }
    }
}
std::array<BandRun, 8> groupRuns(const std::vector<double>& edges, const double* splits,
                                 int groups) {
    std::array<BandRun, 8> runs{};
    int g = 0;
    for (int b = 0; b < kMelBands; ++b) {
        while (g < groups - 1 && edges[b + 1] >= splits[g]) {
            runs[g].last = b;
            ++g;
            runs[g].first = b;
        }
        runs[g].last = b + 1;
    }
    for (++g; g < groups; ++g) {
        runs[g] = {kMelBands, kMelBands}; // no mel band centred this high
    }
    return runs;
}
} // namespace

Filterbank::Filterbank(std::size_t frame_size, std::size_t num_bins, double rate_hz) {
    const double bin_hz = rate_hz / static_cast<double>(frame_size);
    const double max_hz = std::min(kMelMaxHz, 0.5 * rate_hz);
    const auto end = std::min(num_bins, static_cast<std::size_t>(max_hz / bin_hz) + 1);
    for (std::size_t k = 0; k < end;) {
        const std::size_t next = std::min<std::size_t>(end, k + poolWidth(k * bin_hz));
        m_pool_first.push_back(static_cast<std::uint32_t>(k));
        m_pool_hz.push_back(0.5 * static_cast<double>(k + next - 1) * bin_hz);
        m_scale.push_back(static_cast<float>(core::hannPowerScale(frame_size, k, num_bins)));
        k = next;
    }
    m_pool_first.push_back(static_cast<std::uint32_t>(end));
    for (std::size_t j = 0; j < numPooled(); ++j) {
        const std::uint32_t width = m_pool_first[j + 1] - m_pool_first[j];
        if (m_pool_runs.empty() || m_pool_runs.back().width != width) {
            m_pool_runs.push_back(
                {static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(j), width});
        }
        m_pool_runs.back().last = static_cast<std::uint32_t>(j + 1);
    }

    const double mel_lo = hzToMel(kMelMinHz), mel_hi = hzToMel(max_hz);
    for (int i = 0; i < kMelBands + 2; ++i) {
        m_mel_edges_hz.push_back(melToHz(mel_lo + (mel_hi - mel_lo) * i / (kMelBands + 1)));
    }
    const auto& e = m_mel_edges_hz;
    buildRuns(
        m_pool_hz, kMelBands,
        [&e](double f) -> std::pair<int, double> {
            if (f <= e.front() || f > e.back()) {
                return {-1, 0.0};
            }
            const auto r =
                static_cast<int>(std::lower_bound(e.begin(), e.end(), f) - e.begin()) - 1;
            return {r, (f - e[r]) / (e[r + 1] - e[r])};
        },
        m_mel_runs, m_mel_alpha);

    const double chroma_max_hz = std::min(kChromaMaxHz, 0.5 * rate_hz);
    for (double f : m_pool_hz) {
        if (f >= kChromaMinHz && f < chroma_max_hz) {
            const int m = static_cast<int>(std::floor(midiOf(f)));
            if (m_num_semitones == 0) {
                m_first_midi = m;
            }
            m_num_semitones = m - m_first_midi + 2;
        }
    }
    const int first_midi = m_first_midi;
    for (int st = 0; st < m_num_semitones; ++st) {
        m_pitch_class.push_back((first_midi + st) % 12);
    }
    buildRuns(
        m_pool_hz, m_num_semitones,
        [first_midi, chroma_max_hz](double f) -> std::pair<int, double> {
            if (f < kChromaMinHz || f >= chroma_max_hz) {
                return {-1, 0.0};
            }
            const double x = midiOf(f);
            const double m = std::floor(x);
            return {static_cast<int>(m) - first_midi + 1, x - m};
        },
        m_semitone_runs, m_semitone_alpha);

    const auto onset = groupRuns(m_mel_edges_hz, kOnsetSplitsHz.data(), kOnsetBands);
    const auto stereo = groupRuns(m_mel_edges_hz, kStereoSplitsHz.data(), kStereoBands);
    std::copy_n(onset.begin(), kOnsetBands, m_onset_runs.begin());
    std::copy_n(stereo.begin(), kStereoBands, m_stereo_runs.begin());

    // Pink noise: mean-square power of bin k proportional to 1 / f_k.
    PooledBlock pink(*this);
    std::vector<float> ones(numPooled(), 1.0f);
    for (std::size_t j = 0; j < numPooled(); ++j) {
        for (std::uint32_t k = std::max<std::uint32_t>(1, m_pool_first[j]); k < m_pool_first[j + 1];
             ++k) {
            const double f = k * bin_hz;
            if (f >= kMelMinHz && f <= kMelMaxHz) {
                pink.values[j * kBlockFrames] += static_cast<float>(1.0 / f);
            }
        }
    }
    RowScratch scratch(*this);
    computeRows(*this, ones.data(), pink, nullptr, 0, 1, scratch, m_pink_row.data());
    double mel_total = 0.0;
    for (int b = 0; b < kMelBands; ++b) {
        mel_total += m_pink_row[kRowMel + b];
    }
    for (auto& v : m_pink_row) {
        v = mel_total > 0.0 ? static_cast<float>(v / mel_total) : 0.0f;
    }
}

namespace {

// out[i] = in[2 i] + in[2 i + 1] for i < n; may run in place (out == in).
void pairSums(const float* in, std::size_t n, float* out) {
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const Lanes4 a = load4(in + 2 * i), b = load4(in + 2 * i + 4);
        const Lanes4 even = __builtin_shufflevector(a, b, 0, 2, 4, 6);
        const Lanes4 odd = __builtin_shufflevector(a, b, 1, 3, 5, 7);
        store4(out + i, even + odd);
    }
    for (; i < n; ++i) {
        out[i] = in[2 * i] + in[2 * i + 1];
    }
}

// Rows r0..r3 (contiguous, n floats each) into lanes l0..l0+3 of the
// transposed block (element j of row r at [j * kBlockFrames + l0 + r]).
void transpose4(const float* r0, const float* r1, const float* r2, const float* r3, std::size_t n,
                float* block, std::size_t l0) {
    constexpr std::size_t L = kBlockFrames;
    std::size_t j = 0;
    for (; j + 4 <= n; j += 4) {
        const Lanes4 a = load4(r0 + j), b = load4(r1 + j), c = load4(r2 + j), d = load4(r3 + j);
        const Lanes4 ab_lo = __builtin_shufflevector(a, b, 0, 4, 1, 5);
        const Lanes4 ab_hi = __builtin_shufflevector(a, b, 2, 6, 3, 7);
        const Lanes4 cd_lo = __builtin_shufflevector(c, d, 0, 4, 1, 5);
        const Lanes4 cd_hi = __builtin_shufflevector(c, d, 2, 6, 3, 7);
        store4(block + (j + 0) * L + l0, __builtin_shufflevector(ab_lo, cd_lo, 0, 1, 4, 5));
        store4(block + (j + 1) * L + l0, __builtin_shufflevector(ab_lo, cd_lo, 2, 3, 6, 7));
        store4(block + (j + 2) * L + l0, __builtin_shufflevector(ab_hi, cd_hi, 0, 1, 4, 5));
        store4(block + (j + 3) * L + l0, __builtin_shufflevector(ab_hi, cd_hi, 2, 3, 6, 7));
    }
    for (; j < n; ++j) {
        block[j * L + l0 + 0] = r0[j];
        block[j * L + l0 + 1] = r1[j];
        block[j * L + l0 + 2] = r2[j];
        block[j * L + l0 + 3] = r3[j];
    }
}

} // namespace
void poolBlock(const Filterbank& fb, const float* const* magnitudes, std::size_t num,
               const float* const* next, PooledBlock& out) {
    constexpr std::size_t L = kBlockFrames;
    const std::size_t pooled = fb.numPooled();
    const std::size_t used = fb.usedBins();
    for (std::size_t l = 0; l < L; ++l) {
        float* row = out.frames.data() + l * pooled;
        if (l >= num) {
            std::fill(row, row + pooled, 0.0f);
            continue;
        }
        const float* m = magnitudes[l];
        if (next != nullptr && next[l] != nullptr) {
            for (std::size_t k = 0; k < used; k += 16) {
                __builtin_prefetch(next[l] + k);
            }
        }
        // Squares, then each run of equal-width pooled bins by repeated pair
        // sums in place (width 2^p: p passes), all vectorised.
        float* q = out.squares.data();
        for (std::size_t k = 0; k < used; ++k) {
            q[k] = m[k] * m[k];
        }
        for (const auto& run : fb.poolRuns()) {
            float* base = q + fb.poolFirst(run.first);
            const std::size_t n = run.last - run.first;
            if (std::has_single_bit(run.width)) {
                for (std::uint32_t w = run.width; w > 1; w /= 2) {
                    pairSums(base, n * w / 2, base);
                }
            } else { // a group cut short by the top of the range: one pooled bin
                for (std::uint32_t k = 1; k < run.width; ++k) {
                    base[0] += base[k];
                }
            }
            std::copy(base, base + n, row + run.first);
        }
    }
    for (std::size_t l = 0; l < L; l += 4) {
        const float* r = out.frames.data() + l * pooled;
        transpose4(r, r + pooled, r + 2 * pooled, r + 3 * pooled, pooled, out.values.data(), l);
    }
}

RowScratch::RowScratch(const Filterbank& fb)
    : weighted(fb.numPooled() * kBlockFrames),
      semitones(static_cast<std::size_t>(fb.numSemitones()) * kBlockFrames),
      side_mel(kMelBands * kBlockFrames), lanes(kRowSize * kBlockFrames) {}

void computeRows(const Filterbank& fb, const float* factor, const PooledBlock& mid,
                 const PooledBlock* side, std::size_t lane_first, std::size_t lane_last,
                 RowScratch& scratch, float* rows) {
    constexpr std::size_t L = kBlockFrames;
    const std::size_t n = fb.numPooled();
    float* w = scratch.weighted.data();
    float* semitones = scratch.semitones.data();
    float* lanes = scratch.lanes.data(); // kRowSize x L: the rows, lane-major
    float* side_mel = scratch.side_mel.data();
    auto weigh = [&](const PooledBlock& q) {
        for (std::size_t j = 0; j < n; ++j) {
            const Lanes4 f = Lanes4{} + factor[j];
            for (std::size_t v = 0; v < kVectors; ++v) {
                store4(w + j * L + 4 * v, f * load4(q.values.data() + j * L + 4 * v));
            }
        }
    };
    auto addLanes = [](float* into, const float* from) {
        for (std::size_t v = 0; v < kVectors; ++v) {
            store4(into + 4 * v, load4(into + 4 * v) + load4(from + 4 * v));
        }
    };
    std::fill(scratch.lanes.begin(), scratch.lanes.end(), 0.0f);
    std::fill(scratch.semitones.begin(), scratch.semitones.end(), 0.0f);
    weigh(mid);
    accumulateRuns(fb.melRuns(), fb.melAlpha().data(), w, lanes + kRowMel * L);
    accumulateRuns(fb.semitoneRuns(), fb.semitoneAlpha().data(), w, semitones);
    for (int st = 0; st < fb.numSemitones(); ++st) {
        addLanes(lanes + (kRowChroma + fb.pitchClass(st)) * L,
                 semitones + static_cast<std::size_t>(st) * L);
    }
    if (side != nullptr) {
        std::fill(scratch.side_mel.begin(), scratch.side_mel.end(), 0.0f);
        weigh(*side);
        accumulateRuns(fb.melRuns(), fb.melAlpha().data(), w, side_mel);
        for (int g = 0; g < kStereoBands; ++g) {
            for (int b = fb.stereoRuns()[g].first; b < fb.stereoRuns()[g].last; ++b) {
                addLanes(lanes + (kRowSide + g) * L, side_mel + static_cast<std::size_t>(b) * L);
            }
        }
    }
    for (std::size_t l = lane_first; l < lane_last; ++l) {
        float* row = rows + (l - lane_first) * kRowSize;
        for (int i = 0; i < kRowSize; ++i) {
            row[i] = lanes[static_cast<std::size_t>(i) * L + l];
        }
    }
}

} // namespace styledna::embed::detail
