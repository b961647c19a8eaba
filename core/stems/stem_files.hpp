#pragma once
// Stems on disk: writing separated stems for a producer, reading a producer's
// exported stems for analysis.
//
// separateFileToDir(path, separator, out_dir): decodes `path` at its SOURCE
//   sample rate (no resampling; 3+ channels are downmixed to stereo as
//   core/audio/decode.hpp does), separates it and writes
//   out_dir/drums.wav, out_dir/bass.wav, out_dir/other.wav as float32 WAV at
//   that rate, each the mix's length and channel count (so they sum back to
//   the decoded mix within the separator's stated error). Creates out_dir.
//   Progress stages: "decoding", then the separator's, then "writing".
// readStemFiles(dir, mix_duration_s, rate_hz): decodes dir/drums.wav,
//   dir/bass.wav and dir/other.wav (any format decode accepts) at rate_hz.
//   Errors name the file: missing (NOT_FOUND), undecodable, or a length that
//   differs from mix_duration_s by more than kStemLengthToleranceS
//   (INVALID_ARGUMENT, with both lengths). Stems within the tolerance are cut
//   to the shortest; mono and stereo files may be mixed (mono is used as
//   L = R when another stem is stereo).
// Threads: reentrant.

#include <string>

#include "core/common/cancellation.hpp"
#include "core/common/status.hpp"
#include "core/stems/separator.hpp"

namespace styledna::core::stems {

inline constexpr double kStemLengthToleranceS = 0.05;
inline constexpr const char* kStemNames[] = {"drums", "bass", "other"};

Status separateFileToDir(const std::string& path, const Separator& separator,
                         const std::string& out_dir, const CancellationToken& cancel = {},
                         const ProgressFn& progress = {});

Result<Stems> readStemFiles(const std::string& dir, double mix_duration_s, double rate_hz,
                            const CancellationToken& cancel = {});

} // namespace styledna::core::stems
