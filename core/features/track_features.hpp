#pragma once
// TrackFeatures: everything the feature layer knows about one track.
//
// values:  scalar features by registry name (units in the name: _hz, _db, _lufs,
//          _bpm, _ms, _s; unitless 0..1 scores otherwise).
// labels:  categorical features by registry name ("key" -> "A minor").
// grid:    the beat grid found by the rhythm family (times in seconds from the
//          start of the analysed audio).
// sections: detected arrangement sections, contiguous, covering the track, each
//          with its own per-section feature values.
// series:  time series by name, e.g. "energy_per_bar_db" (one value per bar of
//          the grid), with the sampling stated in the registry description.

#include <map>
#include <string>
#include <vector>

namespace styledna::core {

// One metrical-level hypothesis of the tempo detector.
struct TempoCandidate {
    double bpm = 0.0;
    double confidence = 0.0; // 0..1, share of the candidates' total evidence
};

struct BeatGrid {
    double tempo_bpm = 0.0;
    double first_downbeat_s = 0.0;
    int beats_per_bar = 4;
    std::vector<double> beat_times_s;
    std::vector<double> downbeat_times_s;
    // Ranked tempo alternatives (best first; [0] is tempo_bpm): the chosen
    // level and its octave / 3:2 / 4:3 relatives, confidences summing to 1.
    std::vector<TempoCandidate> tempo_candidates;

    double beatPeriodS() const { return tempo_bpm > 0 ? 60.0 / tempo_bpm : 0.0; }
    double barPeriodS() const { return beatPeriodS() * beats_per_bar; }
    bool valid() const { return tempo_bpm > 0 && !beat_times_s.empty(); }
};

struct Section {
    std::string label; // intro | breakdown | buildup | drop | outro
    double start_s = 0.0;
    double end_s = 0.0;
    int start_bar = 0;
    int bars = 0;
    std::map<std::string, double> values; // per-section feature values
};

struct TrackFeatures {
    std::map<std::string, double> values;
    std::map<std::string, std::string> labels;
    BeatGrid grid;
    std::vector<Section> sections;
    std::map<std::string, std::vector<double>> series;
};

} // namespace styledna::core
