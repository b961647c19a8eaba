// Truth JSON and writing a rendered track to disk.

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/audio/audio_writer.hpp"
#include "core/audio/synth/music_theory.hpp"
#include "core/audio/synth/trance_synth.hpp"

namespace styledna::core {

namespace sd = synth_detail;

nlohmann::json SynthTruth::toJson() const {
    using nlohmann::json;
    const SynthParams& p = params;
    json j;
    j["style"] = styleName(p.style);
    j["seed"] = p.seed;
    j["minutes_requested"] = p.minutes;
    j["tempo_bpm"] = p.tempo_bpm;
    j["beats_per_bar"] = 4;
    j["first_downbeat_s"] = first_downbeat_s;
    j["key"] = sd::keyName(p.tonic_pc, p.mode);
    j["tonic"] = sd::pitchClassName(p.tonic_pc);
    j["tonic_pc"] = p.tonic_pc;
    j["mode"] = keyModeName(p.mode);
    json numerals = json::array(), names = json::array(), roots = json::array(),
         tones = json::array();
    for (int degree : p.progression) {
        numerals.push_back(sd::romanNumeral(p.mode, degree));
        names.push_back(sd::chordName(p.tonic_pc, p.mode, degree));
        const auto pcs = sd::triadPitchClasses(p.tonic_pc, p.mode, degree);
        roots.push_back(pcs[0]);
        tones.push_back(json::array({pcs[0], pcs[1], pcs[2]}));
    }
    j["progression"] = numerals;
    j["progression_degrees"] = p.progression;
    j["progression_chords"] = names;
    j["chord_root_pcs"] = roots;
    j["chord_tone_pcs"] = tones;
    j["chord_bars"] = p.chord_bars;

    j["bass_type"] = bassTypeName(p.bass_type);
    j["acid_present"] = p.bass_type == BassType::kAcid;
    if (p.bass_type == BassType::kAcid) {
        const AcidParams& a = p.acid;
        auto density = [&](auto pred) {
            return static_cast<double>(std::count_if(a.pattern.begin(), a.pattern.end(), pred)) /
                   static_cast<double>(std::max<std::size_t>(1, a.pattern.size()));
        };
        json steps = json::array();
        for (const AcidStep& s : a.pattern) {
            steps.push_back({{"semitones", s.semitones},
                             {"gate", s.gate},
                             {"accent", s.accent},
                             {"slide", s.slide}});
        }
        j["acid"] = {{"waveform", a.square_wave ? "square" : "saw"},
                     {"root_midi", a.root_midi},
                     {"cutoff_min_hz", a.cutoff_min_hz},
                     {"cutoff_max_hz", a.cutoff_max_hz},
                     {"sweep_bars", a.sweep_bars},
                     {"resonance", a.resonance},
                     {"env_mod_octaves", a.env_mod_octaves},
                     {"decay_ms", a.decay_ms},
                     {"slide_ms", a.slide_ms},
                     {"filter", a.three_pole ? "ladder_18db" : "ladder_24db"},
                     {"drive_db", a.drive_db},
                     {"accent_density", density([](const AcidStep& st) { return st.accent; })},
                     {"slide_density", density([](const AcidStep& st) { return st.slide; })},
                     {"gate_density", density([](const AcidStep& st) { return st.gate; })},
                     {"level_db_target", a.level_db},
                     {"level_db", acid_level_db},
                     {"pattern", steps}};
    } else {
        j["acid"] = nullptr;
    }
    j["supersaw_voices"] = p.supersaw_voices;
    j["detune_cents"] = p.detune_cents;
    j["stereo_spread"] = p.stereo_spread;
    j["lead_arp"] = p.lead_arp;
    j["drum_pattern"] = drumPatternName(p.drum_pattern);
    j["triplet_hats"] = p.triplet_hats;
    j["sixteenth_hats"] = p.sixteenth_hats;
    j["open_hats"] = p.open_hats;
    j["swing"] = p.swing;
    j["kick"] = {
        {"start_hz", p.kick_start_hz}, {"end_hz", p.kick_end_hz}, {"decay_ms", p.kick_decay_ms}};
    // Realised on the applied gain curve (see SynthTruth); equal to the
    // draw's targets for a volume shaper, measured for a compressor.
    j["sidechain_depth_db"] = sidechain_depth_db;
    j["sidechain_release_ms"] = sidechain_release_ms;
    const SidechainParams& sc = p.sidechain;
    j["sidechain"] = {{"shape", duckShapeName(sc.shape)},
                      {"source", duckSourceName(sc.source)},
                      {"bus", duckBusName(sc.bus)},
                      {"attack_ms", sc.attack_ms},
                      {"hold_ms", sc.hold_ms},
                      {"knee_db", sc.knee_db},
                      {"ratio", sc.ratio},
                      {"kick_level_db", sc.kick_level_db},
                      {"depth_db_target", p.sidechain_depth_db},
                      {"release_ms_target", p.sidechain_release_ms}};
    j["muddy_boost_db"] = p.muddy_boost_db;
    j["muddy_freq_hz"] = p.muddy_freq_hz;
    j["harsh_boost_db"] = p.harsh_boost_db;
    j["harsh_freq_hz"] = p.harsh_freq_hz;
    j["low_end_allpass_hz"] = p.low_end_allpass_hz;
    json flaws = json::array();
    for (SynthFlaw f : p.flaws) {
        flaws.push_back(flawName(f));
    }
    j["flaws"] = flaws;

    json secs = json::array();
    for (const SectionTruth& s : sections) {
        secs.push_back({{"label", s.label},
                        {"start_s", s.start_s},
                        {"end_s", s.end_s},
                        {"start_bar", s.start_bar},
                        {"bars", s.bars}});
    }
    j["sections"] = secs;
    j["total_bars"] = total_bars;
    j["sample_rate_hz"] = p.sample_rate_hz;
    j["channels"] = 2;
    j["duration_s"] = duration_s;
    j["loudness_target_lufs"] = p.loudness_target_lufs;
    j["master_gain_db"] = master_gain_db;
    j["integrated_lufs"] = integrated_lufs;
    j["true_peak_dbtp"] = true_peak_dbtp;
    j["conventions"] = {
        {"downbeat",
         "4/4; the track starts on a downbeat at t = 0; beat k at k * 60 / tempo_bpm s"},
        {"sidechain_depth_db",
         "peak gain reduction (dB) on the ducked bus, measured on the applied gain curve, "
         "median over kicks"},
        {"sidechain_release_ms",
         "time from the kick onset until the gain reduction (in dB) has fallen to 10 % of its "
         "peak (90 % recovered), median over kicks; for the exponential law with no attack: "
         "instant drop, attenuation in dB decays as exp(-t / tau), tau = release_ms / ln 10"},
        {"stereo_spread",
         "supersaw voices panned evenly over [-spread, +spread], constant power; 0 = mono"},
        {"stems", "drums + bass + other == pre-master mix (float, before quantisation); "
                  "mix = pcm16(softclip(10^(master_gain_db / 20) * pre_master))"},
        {"loudness", "libebur128 MODE_I | MODE_TRUE_PEAK on the PCM16-quantised mix as written"},
        {"files", "NAME.wav: mix PCM16; NAME/{drums,bass,other}.wav: float32 pre-master stems"}};
    return j;
}

Status writeRenderedTrack(const RenderedTrack& track, const std::string& dir,
                          const std::string& name) {
    namespace fs = std::filesystem;
    if (name.empty()) {
        return invalidArgument("writeRenderedTrack: empty track name");
    }
    const fs::path base = fs::path(dir) / name;
    std::error_code ec;
    fs::create_directories(base, ec);
    if (ec) {
        return invalidArgument(base.string() + ": cannot create directory (" + ec.message() + ")");
    }
    const WriteOptions pcm16{FileContainer::kWav, SampleEncoding::kPcm16};
    const WriteOptions float32{FileContainer::kWav, SampleEncoding::kFloat32};
    if (Status s = writeAudioFile(base.string() + ".wav", track.mix, pcm16); !s.isOk()) {
        return s;
    }
    const std::pair<const char*, const AudioBuffer*> stems[] = {
        {"drums.wav", &track.drums}, {"bass.wav", &track.bass}, {"other.wav", &track.other}};
    for (const auto& [file, buffer] : stems) {
        if (Status s = writeAudioFile((base / file).string(), *buffer, float32); !s.isOk()) {
            return s;
        }
    }
    const std::string json_path = base.string() + ".truth.json";
    std::ofstream out(json_path, std::ios::trunc);
    if (!out) {
        return invalidArgument(json_path + ": cannot open for writing");
    }
    out << track.truth.toJson().dump(2) << '\n';
    if (!out) {
        return internalError(json_path + ": write failed");
    }
    return Status::ok();
}

} // namespace styledna::core
