#pragma once
// TrackEmbedding: what an embedding backbone says about one track, as cached in
// the analysis document (core/analysis) next to the features.
//
// segments: fixed-length windows of the track (segment_s long, hop_s apart,
//           the last partial window dropped; a track shorter than one window
//           gives one segment over the whole track). `values` is the backbone's
//           raw vector (dim floats, NOT normalised: descriptor blocks keep their
//           units, see descriptor_backbone.hpp); `augmented` is one augmented
//           view of the same segment (same dim), drawn with a generator seeded
//           by the segment index and the track's audio, so it is reproducible.
// track:    the mean of the segments' `values` (dim floats).
// sections: section label (intro | breakdown | buildup | drop | outro) -> mean
//           of the `values` of the segments whose centre lies in a section
//           with that label (labels with no such segment are absent).
// Threads: plain data.

#include <map>
#include <string>
#include <vector>

namespace styledna::embed {

struct SegmentEmbedding {
    double start_s = 0.0;
    double end_s = 0.0;
    std::vector<float> values;
    std::vector<float> augmented;
};

struct TrackEmbedding {
    std::string backbone; // "descriptor-v2", "openl3-music-mel256-6144"
    int dim = 0;
    double segment_s = 0.0;
    double hop_s = 0.0;
    std::vector<SegmentEmbedding> segments;
    std::vector<float> track;
    std::map<std::string, std::vector<float>> sections;

    bool empty() const { return segments.empty(); }
};

} // namespace styledna::embed
