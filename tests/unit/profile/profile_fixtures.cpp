#include "unit/profile/profile_fixtures.hpp"

#include <cmath>

namespace styledna::test {

double NoiseSource::uniform() {
    // splitmix64 step
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
}

double NoiseSource::normal() {
    double acc = 0.0;
    for (int i = 0; i < 12; ++i) {
        acc += uniform();
    }
    return acc - 6.0;
}

core::TrackAnalysis syntheticAnalysis(int index, const SyntheticTrack& t) {
    core::TrackAnalysis a;
    a.content_hash = "hash-" + std::to_string(index);
    a.path = "/refs/track_" + std::to_string(index) + ".wav";
    a.format.container = "WAV";
    a.format.channels = 2;
    a.format.sample_rate_hz = t.sample_rate_hz;
    a.rms_dbfs = t.rms_dbfs;
    a.peak_dbfs = t.sample_peak_dbfs;
    auto& f = a.features;
    f.values["tempo_bpm"] = t.tempo_bpm;
    f.values["acid_score"] = t.acid_score;
    f.values["acid_present"] = t.acid_score >= 0.5 ? 1.0 : 0.0;
    f.values["supersaw_width"] = t.supersaw_width;
    f.values["sidechain_depth_db"] = t.sidechain_depth_db;
    f.values["rms_dbfs"] = t.rms_dbfs;
    f.values["sample_peak_dbfs"] = t.sample_peak_dbfs;
    f.values["true_peak_dbtp"] = t.true_peak_dbtp;
    f.values["drop_gain_db"] = 4.0;
    f.values["key_tonic_pc"] = 9;
    f.labels["key"] = t.key;
    const int unit = t.bars / 8; // 16 bars at 128
    const struct {
        const char* label;
        int bars;
        double energy;
    } plan[] = {{"intro", unit, -14},   {"breakdown", 2 * unit, -16}, {"buildup", unit, -12},
                {"drop", 2 * unit, -9}, {"drop", unit, -7},           {"outro", unit, -14}};
    int bar = 0;
    for (const auto& p : plan) {
        core::Section s;
        s.label = p.label;
        s.start_bar = bar;
        s.bars = p.bars;
        s.start_s = bar * 240.0 / t.tempo_bpm;
        s.end_s = (bar + p.bars) * 240.0 / t.tempo_bpm;
        s.values["mean_energy_db"] = p.energy;
        s.values["supersaw_width"] = t.supersaw_width;
        f.sections.push_back(s);
        bar += p.bars;
    }
    std::vector<double> energy;
    for (int b = 0; b < bar; ++b) {
        energy.push_back(-20.0 + 10.0 * b / bar);
    }
    f.series["energy_per_bar_db"] = energy;
    return a;
}

std::vector<float> randomCentre(int dim, double scale, std::uint64_t seed) {
    NoiseSource noise(seed);
    std::vector<float> c(static_cast<std::size_t>(dim));
    double norm = 0.0;
    for (auto& v : c) {
        v = static_cast<float>(noise.normal());
        norm += double(v) * v;
    }
    for (auto& v : c) {
        v = static_cast<float>(v * scale / std::sqrt(norm));
    }
    return c;
}

embed::TrackEmbedding syntheticEmbedding(const std::vector<float>& centre, int segments,
                                         double track_sigma, double segment_sigma,
                                         std::uint64_t seed) {
    NoiseSource noise(seed);
    embed::TrackEmbedding e;
    e.backbone = "descriptor-v2";
    e.dim = static_cast<int>(centre.size());
    e.segment_s = 10.0;
    e.hop_s = 5.0;
    std::vector<float> track(centre.size());
    for (std::size_t j = 0; j < centre.size(); ++j) {
        track[j] = static_cast<float>(centre[j] + track_sigma * noise.normal());
    }
    e.track.assign(centre.size(), 0.0f);
    for (int s = 0; s < segments; ++s) {
        embed::SegmentEmbedding seg;
        seg.start_s = 5.0 * s;
        seg.end_s = seg.start_s + 10.0;
        for (std::size_t j = 0; j < centre.size(); ++j) {
            seg.values.push_back(static_cast<float>(track[j] + segment_sigma * noise.normal()));
            seg.augmented.push_back(
                static_cast<float>(seg.values.back() + 0.1 * segment_sigma * noise.normal()));
            e.track[j] += seg.values.back() / static_cast<float>(segments);
        }
        e.segments.push_back(std::move(seg));
    }
    return e;
}

std::vector<std::vector<float>> blobRows(int dim, int k, int n_per, double sigma,
                                         std::uint64_t seed, std::vector<int>& truth) {
    NoiseSource noise(seed);
    std::vector<std::vector<float>> rows;
    truth.clear();
    std::vector<std::vector<float>> centres;
    for (int c = 0; c < k; ++c) {
        // Gram-Schmidt against the earlier centres: orthogonal, so "well
        // separated" holds for every seed (k <= dim).
        auto centre = randomCentre(dim, 1.0, seed * 31 + static_cast<std::uint64_t>(c));
        for (const auto& other : centres) {
            double dot = 0.0;
            for (std::size_t j = 0; j < centre.size(); ++j) {
                dot += double(centre[j]) * other[j];
            }
            for (std::size_t j = 0; j < centre.size(); ++j) {
                centre[j] = static_cast<float>(centre[j] - dot * other[j]);
            }
        }
        double centre_norm = 0.0;
        for (const float v : centre) {
            centre_norm += double(v) * v;
        }
        for (auto& v : centre) {
            v = static_cast<float>(v / std::sqrt(centre_norm));
        }
        centres.push_back(centre);
        for (int i = 0; i < n_per; ++i) {
            std::vector<float> row(centre);
            double norm = 0.0;
            for (auto& v : row) {
                v = static_cast<float>(v + sigma * noise.normal());
                norm += double(v) * v;
            }
            for (auto& v : row) {
                v = static_cast<float>(v / std::sqrt(norm));
            }
            rows.push_back(std::move(row));
            truth.push_back(c);
        }
    }
    return rows;
}

std::vector<profile::Reference> syntheticReferences(int n, int k, bool labelled, std::uint64_t seed,
                                                    int dim, int segments) {
    std::vector<std::vector<float>> centres;
    for (int c = 0; c < k; ++c) {
        centres.push_back(randomCentre(dim, 4.0, seed * 7 + static_cast<std::uint64_t>(c)));
    }
    std::vector<profile::Reference> refs;
    for (int i = 0; i < n; ++i) {
        const int c = i % k;
        NoiseSource jitter(seed * 1000 + static_cast<std::uint64_t>(i));
        SyntheticTrack t;
        t.tempo_bpm = 128.0 + 8.0 * c + jitter.normal() * 0.5;
        t.acid_score = c == 1 ? 0.8 + 0.05 * jitter.normal() : 0.1 + 0.02 * jitter.normal();
        t.supersaw_width = 0.5 + 0.05 * jitter.normal();
        t.sidechain_depth_db = 6.0 + jitter.normal();
        t.key = (i % 3 == 0) ? "F minor" : "A minor";
        profile::Reference r;
        r.label = labelled ? std::string("style").append(std::to_string(c)) : std::string();
        r.analysis = syntheticAnalysis(i, t);
        r.embedding = syntheticEmbedding(centres[static_cast<std::size_t>(c)], segments, 0.4, 0.5,
                                         seed * 100000 + static_cast<std::uint64_t>(i));
        refs.push_back(std::move(r));
    }
    return refs;
}

void addSyntheticStems(std::vector<profile::Reference>& refs, int count) {
    for (int i = 0; i < count && i < static_cast<int>(refs.size()); ++i) {
        auto& a = refs[static_cast<std::size_t>(i)].analysis;
        a.stems.separator = "test";
        for (const char* stem : {"bass", "other"}) {
            if (std::string(stem) == "bass" && i % 2 != 0) {
                continue;
            }
            core::TrackFeatures f;
            f.values["tonal_balance_low_mid_db"] = -10.0 + 0.25 * i;
            f.values["sidechain_depth_db"] = 5.0 + 0.5 * i;
            for (const auto& mix_section : a.features.sections) {
                core::Section s = mix_section;
                s.values = {{"tonal_balance_low_mid_db", -11.0 + 0.25 * i}};
                f.sections.push_back(s);
            }
            a.stems.stems[stem] = std::move(f);
        }
    }
}

} // namespace styledna::test
