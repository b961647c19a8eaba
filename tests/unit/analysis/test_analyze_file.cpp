// The CLI's path on a synthesized track: analyzeFile(path) -> hash, format
// facts, every registered feature, sections; JSON round trip of the result.

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "core/analysis/track_analysis.hpp"
#include "core/audio/audio_writer.hpp"
#include "unit/analysis/ground_truth_set.hpp"
#include "unit/test_support.hpp"

using namespace styledna;

namespace {

// Bit-identical, NaN-aware ("not measurable" reads NaN on both sides).
bool sameValues(const std::map<std::string, double>& a, const std::map<std::string, double>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (const auto& [k, v] : a) {
        const auto it = b.find(k);
        if (it == b.end() || !(v == it->second || (std::isnan(v) && std::isnan(it->second)))) {
            return false;
        }
    }
    return true;
}

bool isSidechain(const std::string& name) {
    return name.rfind("sidechain_", 0) == 0;
}

const char* const kRequiredFeatures[] = {"tempo_bpm",
                                         "tempo_confidence",
                                         "onset_rate_hz",
                                         "four_on_floor_score",
                                         "swing_ratio",
                                         "key_confidence",
                                         "tuning_hz",
                                         "loudness_integrated_lufs",
                                         "loudness_range_lu",
                                         "loudness_short_term_max_lufs",
                                         "true_peak_dbtp",
                                         "crest_factor_db",
                                         "plr_db",
                                         "spectral_centroid_hz",
                                         "spectral_rolloff_hz",
                                         "spectral_flatness",
                                         "spectral_flux",
                                         "spectral_tilt_db_per_octave",
                                         "tonal_balance_sub_db",
                                         "tonal_balance_low_db",
                                         "tonal_balance_low_mid_db",
                                         "tonal_balance_mid_db",
                                         "tonal_balance_high_mid_db",
                                         "tonal_balance_high_db",
                                         "tonal_balance_air_db",
                                         "stereo_width",
                                         "stereo_correlation",
                                         "stereo_width_low",
                                         "stereo_width_mid",
                                         "stereo_width_high",
                                         "low_end_correlation",
                                         "mono_fold_loss_db",
                                         "sidechain_depth_db",
                                         "sidechain_release_ms",
                                         "sidechain_rate_per_beat",
                                         "acid_score",
                                         "acid_present",
                                         "supersaw_width",
                                         "supersaw_detune_cents",
                                         "breakdown_bars",
                                         "buildup_bars",
                                         "drop_gain_db",
                                         "intro_bars",
                                         "length_bars"};

void checkSameFeatures(const core::TrackFeatures& a, const core::TrackFeatures& b) {
    // JSON numbers round-trip doubles exactly (shortest representation that
    // parses back to the same double): exact equality.
    CHECK(a.values == b.values);
    CHECK(a.labels == b.labels);
    CHECK(a.series == b.series);
    CHECK(a.grid.tempo_bpm == b.grid.tempo_bpm);
    CHECK(a.grid.first_downbeat_s == b.grid.first_downbeat_s);
    CHECK(a.grid.beats_per_bar == b.grid.beats_per_bar);
    CHECK(a.grid.beat_times_s == b.grid.beat_times_s);
    CHECK(a.grid.downbeat_times_s == b.grid.downbeat_times_s);
    REQUIRE(a.sections.size() == b.sections.size());
    for (std::size_t i = 0; i < a.sections.size(); ++i) {
        CHECK(a.sections[i].label == b.sections[i].label);
        CHECK(a.sections[i].start_s == b.sections[i].start_s);
        CHECK(a.sections[i].end_s == b.sections[i].end_s);
        CHECK(a.sections[i].start_bar == b.sections[i].start_bar);
        CHECK(a.sections[i].bars == b.sections[i].bars);
        CHECK(sameValues(a.sections[i].values, b.sections[i].values));
    }
}

} // namespace

TEST_CASE("analyzeFile on a synth track: hash, format, every feature, sections, JSON",
          "[analysis][ground_truth][analyze_file]") {
    const auto& track = test::shortTrack(44100.0);
    const auto dir = test::tempDir("analyze-file");
    const auto path = (dir / "track.wav").string();
    REQUIRE(core::writeAudioFile(path, track.mix).isOk());

    auto result = core::analyzeFile(path);
    INFO(result.status().toString());
    REQUIRE(result.isOk());
    const auto& a = *result;

    CHECK(a.content_hash.size() == 64); // SHA-256, hex
    CHECK(a.content_hash.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(a.path == path);
    CHECK(a.analyzer_version == core::kAnalyzerVersion);
    CHECK(a.format.container == "WAV");
    CHECK(a.format.encoding == "PCM_16");
    CHECK(a.format.channels == 2);
    CHECK(a.format.sample_rate_hz == 44100.0);
    CHECK(a.format.frames == static_cast<std::int64_t>(track.mix.frames()));
    CHECK(a.format.duration_s == Approx(track.truth.duration_s).margin(1.0 / 44100.0));
    CHECK(a.format.file_size_bytes == static_cast<std::int64_t>(std::filesystem::file_size(path)));
    CHECK(a.analysis_channels == 2);
    CHECK(a.analysis_sample_rate_hz == 44100.0);
    CHECK(std::isfinite(a.peak_dbfs));
    CHECK(std::isfinite(a.rms_dbfs));

    const auto& f = a.features;
    for (const char* name : kRequiredFeatures) {
        INFO(name);
        CHECK(f.values.count(name) == 1);
    }
    REQUIRE(f.labels.count("key") == 1);
    CHECK_FALSE(f.labels.at("key").empty());
    for (const auto& [name, v] : f.values) {
        INFO(name << " = " << v);
        CHECK(std::isfinite(v));
    }
    REQUIRE(f.series.count("energy_per_bar_db") == 1);
    CHECK_FALSE(f.series.at("energy_per_bar_db").empty());
    for (const auto& [name, series] : f.series) {
        for (double v : series) {
            INFO(name);
            CHECK(std::isfinite(v));
        }
    }
    CHECK_FALSE(f.grid.beat_times_s.empty());
    CHECK_FALSE(f.grid.downbeat_times_s.empty());
    // 0.5 BPM absolute, the set's tempo criterion.
    CHECK(f.grid.tempo_bpm == Approx(track.truth.params.tempo_bpm).margin(0.5));
    REQUIRE_FALSE(f.sections.empty());
    for (const auto& s : f.sections) {
        CHECK_FALSE(s.values.empty());
        for (const auto& [name, v] : s.values) {
            INFO(s.label << " " << name << " = " << v);
            // The sidechain reads "not measurable" (NaN) in a section whose
            // ducked band is too quiet to show a duck (trance_sidechain.hpp).
            CHECK((std::isfinite(v) || (std::isnan(v) && isSidechain(name))));
        }
    }
    std::printf("GT analyzeFile: %s, %zu features, %zu sections, %zu beats, tempo %.2f (truth "
                "%.2f), key %s, %.2f s\n",
                a.content_hash.substr(0, 12).c_str(), f.values.size(), f.sections.size(),
                f.grid.beat_times_s.size(), f.grid.tempo_bpm, track.truth.params.tempo_bpm,
                f.labels.at("key").c_str(), a.analysis_time_s);

    // Through text, as the store and the CLI's --json do.
    const auto text = core::analysisToJson(a).dump();
    auto back = core::analysisFromJson(nlohmann::json::parse(text));
    INFO(back.status().toString());
    REQUIRE(back.isOk());
    CHECK(back->content_hash == a.content_hash);
    CHECK(back->path == a.path);
    CHECK(back->analyzer_version == a.analyzer_version);
    CHECK(back->format.container == a.format.container);
    CHECK(back->format.encoding == a.format.encoding);
    CHECK(back->format.channels == a.format.channels);
    CHECK(back->format.sample_rate_hz == a.format.sample_rate_hz);
    CHECK(back->format.frames == a.format.frames);
    CHECK(back->format.duration_s == a.format.duration_s);
    CHECK(back->analysis_channels == a.analysis_channels);
    CHECK(back->peak_dbfs == a.peak_dbfs);
    CHECK(back->rms_dbfs == a.rms_dbfs);
    checkSameFeatures(back->features, a.features);
    std::filesystem::remove_all(dir);
}

TEST_CASE("Stem features survive the JSON round trip exactly", "[analysis][json][stems]") {
    core::TrackAnalysis a;
    a.content_hash = "abc";
    a.format.container = "WAV";
    a.format.encoding = "PCM_16";
    a.stems.separator = "dsp-hpss/1";
    core::TrackFeatures bass;
    bass.values["bass_spectral_centroid_hz"] = 118.25;
    bass.values["stereo_width_low"] = std::nan("");
    core::Section intro;
    intro.label = "intro";
    intro.start_s = 0.0;
    intro.end_s = 13.9;
    intro.start_bar = 0;
    intro.bars = 8;
    intro.values["tonal_balance_low_mid_db"] = -7.5;
    bass.sections.push_back(intro);
    a.stems.stems["bass"] = bass;
    a.stems.stems["other"].values["supersaw_width"] = 0.71;

    auto back = core::analysisFromJson(nlohmann::json::parse(core::analysisToJson(a).dump()));
    REQUIRE(back.isOk());
    CHECK(back->stems.separator == "dsp-hpss/1");
    REQUIRE(back->stems.stems.size() == 2);
    const auto& b = back->stems.stems.at("bass");
    CHECK(b.values.at("bass_spectral_centroid_hz") == 118.25);
    CHECK(std::isnan(b.values.at("stereo_width_low")));
    REQUIRE(b.sections.size() == 1);
    CHECK(b.sections[0].label == "intro");
    CHECK(b.sections[0].end_s == 13.9);
    CHECK(b.sections[0].bars == 8);
    CHECK(b.sections[0].values.at("tonal_balance_low_mid_db") == -7.5);
    CHECK(back->stems.stems.at("other").values.at("supersaw_width") == 0.71);

    core::TrackAnalysis none;
    none.content_hash = "x";
    none.format.container = "WAV";
    none.format.encoding = "PCM_16";
    const auto doc = core::analysisToJson(none);
    CHECK_FALSE(doc.contains("stems"));
}
