#include "core/gap/gap_causes.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/features/trance_sidechain.hpp"
#include "core/gap/gap_report.hpp"

namespace styledna::gap {

namespace {

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}
bool contains(std::string_view s, std::string_view part) {
    return s.find(part) != std::string_view::npos;
}

struct Role {
    std::string_view feature;
    FeatureRole role;
    const char* category;
};

// Style choices and descriptive values; everything else is a mix property.
constexpr std::array kRoles{
    Role{"tempo_bpm", FeatureRole::kStyle, kCategoryRhythm},
    Role{"swing_ratio", FeatureRole::kStyle, kCategoryRhythm},
    Role{"four_on_floor_score", FeatureRole::kStyle, kCategoryRhythm},
    Role{"onset_rate_hz", FeatureRole::kStyle, kCategoryRhythm},
    Role{"beat_deviation_ms", FeatureRole::kStyle, kCategoryRhythm},
    Role{"sidechain_release_ms", FeatureRole::kStyle, kCategorySidechain},
    Role{"acid_score", FeatureRole::kStyle, kCategorySoundDesign},
    Role{"acid_present", FeatureRole::kStyle, kCategorySoundDesign},
    Role{"supersaw_detune_cents", FeatureRole::kStyle, kCategorySoundDesign},
    Role{"key", FeatureRole::kStyle, kCategorySoundDesign},
    Role{"mode", FeatureRole::kStyle, kCategorySoundDesign},
    Role{"tuning_hz", FeatureRole::kStyle, kCategorySoundDesign},
    Role{"breakdown_bars", FeatureRole::kStyle, kCategoryArrangement},
    Role{"buildup_bars", FeatureRole::kStyle, kCategoryArrangement},
    Role{"intro_bars", FeatureRole::kStyle, kCategoryArrangement},
    Role{"outro_bars", FeatureRole::kStyle, kCategoryArrangement},
    Role{"drop_gain_db", FeatureRole::kStyle, kCategoryArrangement},
    Role{"phrase_alignment", FeatureRole::kStyle, kCategoryArrangement},
    Role{"length_bars", FeatureRole::kDescriptive, kCategoryArrangement},
    Role{"duration_s", FeatureRole::kDescriptive, kCategoryArrangement},
    Role{"key_is_minor", FeatureRole::kDescriptive, kCategorySoundDesign},
    Role{"key_tonic_pc", FeatureRole::kDescriptive, kCategorySoundDesign},
    Role{"key_confidence", FeatureRole::kDescriptive, kCategorySoundDesign},
    Role{"tempo_confidence", FeatureRole::kDescriptive, kCategoryRhythm},
    Role{"downbeat_confidence", FeatureRole::kDescriptive, kCategoryRhythm},
    Role{"spectral_flux", FeatureRole::kDescriptive, kCategoryTonalBalance},
    Role{"peak_dbfs", FeatureRole::kDescriptive, kCategoryLoudness},
};

struct CauseRule {
    std::string_view feature;
    int direction; // +1 above the references, -1 below
    const char* id;
};

constexpr std::array kCauseRules{
    CauseRule{"tonal_balance_low_mid_db", +1, "low_mid_buildup"},
    CauseRule{"bass_spectral_centroid_hz", +1, "low_mid_buildup"},
    CauseRule{"tonal_balance_low_mid_db", -1, "thin_low_mids"},
    CauseRule{"stereo_width_low", +1, "wide_low_end"},
    CauseRule{"low_end_correlation", -1, "wide_low_end"},
    CauseRule{"low_end_mono_ok", -1, "wide_low_end"},
    CauseRule{"mono_fold_loss_db", -1, "wide_low_end"},
    CauseRule{"sidechain_depth_db", -1, "weak_sidechain"},
    CauseRule{"sidechain_rate_per_beat", -1, "weak_sidechain"},
    CauseRule{"sidechain_depth_db", +1, "heavy_sidechain"},
    // More of the bass's low end in the kick's cells: they mask each other
    // (a weak or missing duck, or a bass note on the kick).
    CauseRule{"kick_bass_overlap_db", +1, "kick_bass_clash"},
    CauseRule{"supersaw_width", -1, "narrow_stereo"},
    CauseRule{"stereo_width_high", -1, "narrow_stereo"},
    CauseRule{"stereo_width_mid", -1, "narrow_stereo"},
    CauseRule{"stereo_width", -1, "narrow_stereo"},
    CauseRule{"stereo_correlation", +1, "narrow_stereo"},
    CauseRule{"mono_fold_loss_db", +1, "narrow_stereo"},
    CauseRule{"supersaw_width", +1, "wide_stereo"},
    CauseRule{"stereo_width_high", +1, "wide_stereo"},
    CauseRule{"stereo_width_mid", +1, "wide_stereo"},
    CauseRule{"stereo_width", +1, "wide_stereo"},
    CauseRule{"stereo_correlation", -1, "wide_stereo"},
    CauseRule{"loudness_integrated_lufs", -1, "quiet_master"},
    CauseRule{"rms_dbfs", -1, "quiet_master"},
    CauseRule{"loudness_short_term_max_lufs", -1, "quiet_master"},
    CauseRule{"loudness_momentary_max_lufs", -1, "quiet_master"},
    CauseRule{"mean_energy_db", -1, "quiet_master"},
    CauseRule{"plr_db", +1, "quiet_master"},
    CauseRule{"crest_factor_db", +1, "quiet_master"},
    CauseRule{"loudness_integrated_lufs", +1, "loud_master"},
    CauseRule{"rms_dbfs", +1, "loud_master"},
    CauseRule{"loudness_short_term_max_lufs", +1, "loud_master"},
    CauseRule{"loudness_momentary_max_lufs", +1, "loud_master"},
    CauseRule{"mean_energy_db", +1, "loud_master"},
    CauseRule{"plr_db", -1, "loud_master"},
    CauseRule{"crest_factor_db", -1, "loud_master"},
    CauseRule{"tonal_balance_high_mid_db", +1, "harsh_highs"},
    CauseRule{"tonal_balance_high_db", +1, "harsh_highs"},
    CauseRule{"spectral_centroid_hz", +1, "harsh_highs"},
    CauseRule{"spectral_tilt_db_per_octave", +1, "harsh_highs"},
    CauseRule{"spectral_rolloff_hz", +1, "harsh_highs"},
    CauseRule{"tonal_balance_high_mid_db", -1, "dull_highs"},
    CauseRule{"tonal_balance_high_db", -1, "dull_highs"},
    CauseRule{"spectral_centroid_hz", -1, "dull_highs"},
    CauseRule{"spectral_tilt_db_per_octave", -1, "dull_highs"},
    CauseRule{"spectral_rolloff_hz", -1, "dull_highs"},
    CauseRule{"tonal_balance_sub_db", +1, "boomy_low_end"},
    CauseRule{"tonal_balance_low_db", +1, "boomy_low_end"},
    CauseRule{"tonal_balance_sub_db", -1, "thin_low_end"},
    CauseRule{"tonal_balance_low_db", -1, "thin_low_end"},
    CauseRule{"breakdown_bars", -1, "short_breakdown"},
    CauseRule{"arrangement.breakdown_bars", -1, "short_breakdown"},
    CauseRule{"breakdown_bars", +1, "long_breakdown"},
    CauseRule{"arrangement.breakdown_bars", +1, "long_breakdown"},
    CauseRule{"drop_gain_db", -1, "weak_drop"},
    CauseRule{"arrangement.drop_gain_db", -1, "weak_drop"},
};

struct ExplainedBy {
    std::string_view broad_cause;
    std::string_view feature;
    const char* specific_cause;
};

constexpr std::array kExplainedBy{
    ExplainedBy{"wide_stereo", "stereo_correlation", "wide_low_end"},
    ExplainedBy{"wide_stereo", "stereo_width", "wide_low_end"},
    // A stereo bass's harmonics widen 120 Hz-2 kHz too (alone in intros and outros).
    ExplainedBy{"wide_stereo", "stereo_width_mid", "wide_low_end"},
    // ... and the supersaw band the width of the pads is read in.
    ExplainedBy{"wide_stereo", "supersaw_width", "wide_low_end"},
    // Bands are shares of the signal's total: a low-mid boost on the bass lowers
    // the bass's sub and low shares by as much as it raises its own.
    // A shallower duck leaves more of the bass under the kick.
    ExplainedBy{"kick_bass_clash", "kick_bass_overlap_db", "weak_sidechain"},
    ExplainedBy{"thin_low_end", "tonal_balance_sub_db", "low_mid_buildup"},
    ExplainedBy{"thin_low_end", "tonal_balance_low_db", "low_mid_buildup"},
    ExplainedBy{"dull_highs", "spectral_centroid_hz", "low_mid_buildup"},
    ExplainedBy{"dull_highs", "spectral_rolloff_hz", "low_mid_buildup"},
    ExplainedBy{"dull_highs", "spectral_tilt_db_per_octave", "low_mid_buildup"},
};

struct CauseName {
    std::string_view id;
    const char* title;
    const char* category;
};

constexpr std::array kCauseNames{
    CauseName{"low_mid_buildup", "Muddy low mids", kCategoryTonalBalance},
    CauseName{"thin_low_mids", "Thin low mids", kCategoryTonalBalance},
    CauseName{"wide_low_end", "Stereo in the low end", kCategoryLowEnd},
    CauseName{"weak_sidechain", "Weak sidechain pump", kCategorySidechain},
    CauseName{"kick_bass_clash", "Kick and bass clash", kCategoryLowEnd},
    CauseName{"heavy_sidechain", "Heavy sidechain pump", kCategorySidechain},
    CauseName{"narrow_stereo", "Narrow stereo image", kCategoryStereo},
    CauseName{"wide_stereo", "Very wide stereo image", kCategoryStereo},
    CauseName{"quiet_master", "Quiet master", kCategoryLoudness},
    CauseName{"loud_master", "Loud, squashed master", kCategoryLoudness},
    CauseName{"harsh_highs", "Harsh highs", kCategoryTonalBalance},
    CauseName{"dull_highs", "Dull highs", kCategoryTonalBalance},
    CauseName{"boomy_low_end", "Boomy low end", kCategoryLowEnd},
    CauseName{"thin_low_end", "Thin low end", kCategoryLowEnd},
    CauseName{"short_breakdown", "Short breakdown", kCategoryArrangement},
    CauseName{"long_breakdown", "Long breakdown", kCategoryArrangement},
    CauseName{"weak_drop", "Drop lands softly", kCategoryArrangement},
    CauseName{"energy_envelope", "Energy curve differs", kCategoryArrangement},
};

struct Words {
    std::string_view feature;
    const char* words;
};

constexpr std::array kWords{
    Words{"loudness_integrated_lufs", "integrated loudness"},
    Words{"loudness_range_lu", "loudness range"},
    Words{"loudness_short_term_max_lufs", "loudest 3 s"},
    Words{"loudness_momentary_max_lufs", "loudest 400 ms"},
    Words{"true_peak_dbtp", "true peak"},
    Words{"sample_peak_dbfs", "sample peak"},
    Words{"rms_dbfs", "RMS level"},
    Words{"crest_factor_db", "crest factor"},
    Words{"plr_db", "peak-to-loudness ratio"},
    Words{"mean_energy_db", "mean level"},
    Words{"spectral_centroid_hz", "spectral centroid"},
    Words{"spectral_rolloff_hz", "85 % roll-off"},
    Words{"spectral_flatness", "spectral flatness"},
    Words{"spectral_tilt_db_per_octave", "spectral tilt"},
    Words{"bass_spectral_centroid_hz", "bass centroid (20-250 Hz)"},
    Words{"tonal_balance_sub_db", "sub (20-60 Hz)"},
    Words{"tonal_balance_low_db", "lows (60-150 Hz)"},
    Words{"tonal_balance_low_mid_db", "low mids (150-400 Hz)"},
    Words{"tonal_balance_mid_db", "mids (400-1500 Hz)"},
    Words{"tonal_balance_high_mid_db", "high mids (1.5-5 kHz)"},
    Words{"tonal_balance_high_db", "highs (5-10 kHz)"},
    Words{"tonal_balance_air_db", "air (10-20 kHz)"},
    Words{"stereo_width", "stereo width"},
    Words{"stereo_correlation", "left/right correlation"},
    Words{"stereo_width_low", "stereo width below 120 Hz"},
    Words{"stereo_width_mid", "stereo width 120 Hz-2 kHz"},
    Words{"stereo_width_high", "stereo width above 2 kHz"},
    Words{"low_end_correlation", "low-end correlation"},
    Words{"mono_fold_loss_db", "mono fold-down loss"},
    Words{"low_end_mono_ok", "mono low end"},
    Words{"tempo_bpm", "tempo"},
    Words{"swing_ratio", "swing"},
    Words{"four_on_floor_score", "four-on-the-floor"},
    Words{"onset_rate_hz", "onset rate"},
    Words{"beat_deviation_ms", "timing deviation"},
    Words{"sidechain_depth_db", "sidechain depth"},
    Words{"kick_bass_overlap_db", "kick/bass overlap (40-120 Hz)"},
    Words{"sidechain_release_ms", "sidechain release"},
    Words{"sidechain_rate_per_beat", "ducks per beat"},
    Words{"acid_score", "acid score"},
    Words{"acid_present", "acid line"},
    Words{"supersaw_width", "supersaw width"},
    Words{"supersaw_detune_cents", "supersaw detune"},
    Words{"tuning_hz", "tuning"},
    Words{"breakdown_bars", "breakdown"},
    Words{"buildup_bars", "buildup"},
    Words{"intro_bars", "intro"},
    Words{"outro_bars", "outro"},
    Words{"drop_gain_db", "drop gain over the breakdown"},
    Words{"phrase_alignment", "phrase alignment"},
    Words{"arrangement.breakdown_bars", "breakdown"},
    Words{"arrangement.buildup_bars", "buildup"},
    Words{"arrangement.intro_bars", "intro"},
    Words{"arrangement.outro_bars", "outro"},
    Words{"arrangement.drop_bars", "drop"},
    Words{"arrangement.length_bars", "track length"},
    Words{"arrangement.section_count", "number of sections"},
    Words{"arrangement.drop_gain_db", "drop gain over the breakdown"},
};

std::string capitalised(std::string s) {
    if (!s.empty()) {
        s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    }
    return s;
}

} // namespace

FeatureClass classifyFeature(std::string_view feature) {
    for (const auto& r : kRoles) {
        if (r.feature == feature) {
            return {r.role, r.category};
        }
    }
    if (startsWith(feature, "arrangement.")) {
        return {FeatureRole::kStyle, kCategoryArrangement};
    }
    if (contains(feature, "sidechain")) {
        return {FeatureRole::kMix, kCategorySidechain};
    }
    if (contains(feature, "low_end") || contains(feature, "stereo_width_low") ||
        contains(feature, "kick") || feature == "bass_spectral_centroid_hz" ||
        feature == "tonal_balance_sub_db" || feature == "tonal_balance_low_db") {
        return {FeatureRole::kMix, kCategoryLowEnd};
    }
    if (contains(feature, "stereo") || contains(feature, "width") || contains(feature, "mono")) {
        return {FeatureRole::kMix, kCategoryStereo};
    }
    if (contains(feature, "loudness") || contains(feature, "lufs") || contains(feature, "peak") ||
        contains(feature, "rms") || contains(feature, "crest") || contains(feature, "plr") ||
        contains(feature, "energy")) {
        return {FeatureRole::kMix, kCategoryLoudness};
    }
    if (contains(feature, "tonal_balance") || contains(feature, "spectral")) {
        return {FeatureRole::kMix, kCategoryTonalBalance};
    }
    return {FeatureRole::kMix, kCategorySoundDesign};
}

Cause causeOf(std::string_view feature, int direction) {
    std::string id;
    if (startsWith(feature, "arrangement.energy_curve.")) {
        id = "energy_envelope";
    }
    for (const auto& r : kCauseRules) {
        if (id.empty() && r.feature == feature && r.direction == direction) {
            id = r.id;
        }
    }
    if (!id.empty()) {
        for (const auto& n : kCauseNames) {
            if (n.id == id) {
                return {id, n.title, n.category};
            }
        }
    }
    Cause c;
    // arrangement.intro_bars, intro_bars and arrangement.intro_count are one cause
    auto base = startsWith(feature, "arrangement.") ? feature.substr(12) : feature;
    for (std::string_view suffix : {"_bars", "_count"}) {
        if (base.size() > suffix.size() && base.substr(base.size() - suffix.size()) == suffix &&
            base != "length_bars" && base != "section_count") {
            base = base.substr(0, base.size() - suffix.size());
            c.id = std::string(direction > 0 ? "long_" : "short_").append(base);
            c.title = std::string(direction > 0 ? "Long " : "Short ").append(base);
            c.category = kCategoryArrangement;
            return c;
        }
    }
    c.id = std::string(base).append(direction > 0 ? "_high" : "_low");
    c.title = capitalised(featureWords(feature)).append(direction > 0 ? " high" : " low");
    c.category = classifyFeature(feature).category;
    return c;
}

Cause namedCause(std::string_view id) {
    for (const auto& n : kCauseNames) {
        if (n.id == id) {
            return {std::string(id), n.title, n.category};
        }
    }
    return {std::string(id), std::string(id), kCategorySoundDesign};
}

std::string explainingCause(std::string_view cause_id, std::string_view feature) {
    for (const auto& e : kExplainedBy) {
        if (e.broad_cause == cause_id && e.feature == feature) {
            return e.specific_cause;
        }
    }
    return {};
}

double minimumMeaningfulDifference(std::string_view feature, std::string_view unit, double target) {
    if (unit.empty()) { // a stem-only feature the mix registry does not know: its name's unit
        auto ends = [&](std::string_view suffix) {
            return feature.size() > suffix.size() &&
                   feature.substr(feature.size() - suffix.size()) == suffix;
        };
        unit = ends("_db") ? "dB" : ends("_hz") ? "Hz" : ends("_ms") ? "ms" : unit;
    }
    if (feature == "low_end_mono_ok" || feature == "acid_present") {
        return 0.5;
    }
    if (feature.size() > 6 && feature.substr(feature.size() - 6) == "_count") {
        return 1.0; // one section more or less
    }
    if (unit == "dB" || unit == "dBFS" || unit == "LUFS" || unit == "LU" || unit == "dBTP") {
        return 0.5;
    }
    if (unit == "dB/oct") {
        return 0.1;
    }
    if (unit == "Hz") {
        return std::max(0.5, 0.02 * std::abs(target));
    }
    if (unit == "BPM") {
        return 0.5;
    }
    if (unit == "bars") {
        return 2.0;
    }
    if (unit == "cents") {
        return 2.0;
    }
    if (unit == "ms") {
        return std::max(2.0, 0.05 * std::abs(target));
    }
    if (unit == "1/beat") {
        return 0.1;
    }
    if (unit == "s") {
        return 1.0;
    }
    return 0.02;
}

double measurementResolution(std::string_view feature, std::string_view unit, double target) {
    const double meaningful = minimumMeaningfulDifference(feature, unit, target);
    if (feature == "sidechain_depth_db") {
        const double floor_db = core::TranceSidechainParams{}.min_significant_db;
        if (std::abs(target) < floor_db) {
            return std::max(meaningful, floor_db);
        }
    }
    return meaningful;
}

std::string featureWords(std::string_view feature) {
    for (const auto& w : kWords) {
        if (w.feature == feature) {
            return w.words;
        }
    }
    std::string out(feature);
    std::replace(out.begin(), out.end(), '_', ' ');
    return out;
}

std::string placeWords(std::string_view section, std::string_view stem) {
    std::string out;
    if (!stem.empty()) {
        out.append("the ").append(stem).append(" stem");
    }
    if (!section.empty()) {
        out.append(stem.empty() ? "the " : " in the ").append(section);
    }
    return out;
}

} // namespace styledna::gap
