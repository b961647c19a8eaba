#include "core/analysis/track_analysis.hpp"

#include "core/common/large_buffers.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "core/common/logging.hpp"
#include "core/common/sha256.hpp"
#include "core/embed/descriptor_backbone.hpp"
#include "core/features/extractor.hpp"
#include "core/stems/separator.hpp"
#include "core/stems/stem_features.hpp"
#include "core/stems/stem_files.hpp"

namespace styledna::core {

void measureLevels(const AudioBuffer& audio, double& peak_dbfs, double& rms_dbfs) {
    double peak = 0.0;
    double sum_sq = 0.0;
    std::size_t count = 0;
    for (const auto& ch : audio.channels) {
        float ch_peak = 0.0f;
        double ch_sum = 0.0;
        for (float s : ch) {
            ch_peak = std::max(ch_peak, std::fabs(s));
            ch_sum += static_cast<double>(s) * s;
        }
        peak = std::max(peak, static_cast<double>(ch_peak));
        sum_sq += ch_sum;
        count += ch.size();
    }
    const auto toDb = [](double amplitude) {
        return amplitude > 0 ? std::max(kSilenceFloorDbfs, 20.0 * std::log10(amplitude))
                             : kSilenceFloorDbfs;
    };
    peak_dbfs = toDb(peak);
    rms_dbfs = count > 0 ? toDb(std::sqrt(sum_sq / static_cast<double>(count))) : kSilenceFloorDbfs;
}

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

Result<std::shared_ptr<const stems::Separator>> separatorFor(const AnalyzeOptions& options) {
    if (options.separator_instance) {
        return options.separator_instance;
    }
    auto made = stems::makeSeparator(options.separator);
    if (!made) {
        return made.status();
    }
    return std::shared_ptr<const stems::Separator>(std::move(made).value());
}

// Separation of the mix with the features' grid and the extraction's mono and
// side spectrograms as hints (run while the extraction's context is alive, so
// a separator that frames the mix as the context does reads them instead of
// transforming the mix again).
Result<stems::Stems> separateMix(const AnalysisContext& ctx, const TrackFeatures& features,
                                 const stems::Separator& separator, const CancellationToken& cancel,
                                 const ProgressFn& progress) {
    stems::SeparationHints hints;
    hints.grid = &features.grid;
    hints.mono_spectrum = &ctx.monoSpectrum();
    hints.side_spectrum = ctx.isStereo() ? &ctx.sideSpectrum() : nullptr;
    return separator.separate(ctx.audio(), hints, cancel, [&](double f, std::string_view stage) {
        reportProgress(progress, 0.8 * f, stage);
    });
}

} // namespace

Result<embed::TrackEmbedding> computeEmbedding(const AnalysisContext& ctx,
                                               const TrackFeatures& features) {
    embed::DescriptorInput input;
    input.mono = &ctx.monoSpectrum();
    input.side = ctx.isStereo() ? &ctx.sideSpectrum() : nullptr;
    input.duration_s = ctx.audio().durationS();
    input.grid = &features.grid;
    input.sections = &features.sections;
    input.audio_seed = embed::audioSeed(ctx.audio());
    return embed::DescriptorBackbone().process(input);
}

Result<TrackAnalysis> analyzeDecoded(const DecodedAudio& decoded, const AnalyzeOptions& options,
                                     const CancellationToken& cancel, const ProgressFn& progress) {
    TrackAnalysis a;
    a.format = decoded.source;
    a.analysis_sample_rate_hz = decoded.audio.sample_rate_hz;
    a.analysis_channels = static_cast<int>(decoded.audio.numChannels());
    measureLevels(decoded.audio, a.peak_dbfs, a.rms_dbfs);
    if (options.features) {
        reportProgress(progress, 0.3, "features");
        ExtractOptions extract{options.threads};
        std::vector<FamilyTiming> family_times;
        extract.timings = &family_times;
        std::shared_ptr<const stems::Separator> separator;
        if (options.stems) {
            auto made = separatorFor(options);
            if (!made) {
                return made.status();
            }
            separator = std::move(made).value();
        }
        const auto stem_progress = [&](double f, std::string_view stage) {
            reportProgress(progress, 0.75 + 0.25 * f, stage);
        };
        std::optional<stems::Stems> separated;
        bool separating = false; // the extraction's last "features" report would go back
        extract.after_features = [&](const AnalysisContext& ctx, const TrackFeatures& f) {
            auto embedding = computeEmbedding(ctx, f);
            if (!embedding) {
                return Status(embedding.status().code(),
                              "embedding: " + embedding.status().message());
            }
            a.embedding = std::move(embedding).value();
            if (separator) {
                separating = true;
                const auto t_separate = Clock::now();
                auto stems = separateMix(ctx, f, *separator, cancel, stem_progress);
                if (!stems) {
                    return stems.status();
                }
                separated = std::move(stems).value();
                a.stage_times.separate_s = secondsSince(t_separate);
            }
            return Status::ok();
        };
        const auto t0 = Clock::now();
        auto features =
            extractFeatures(decoded.audio, extract, cancel, [&](double f, std::string_view stage) {
                if (!separating) {
                    reportProgress(progress, 0.3 + (options.stems ? 0.45 : 0.7) * f, stage);
                }
            });
        if (!features) {
            return features.status();
        }
        a.features = std::move(features).value();
        a.stage_times.features_s = secondsSince(t0) - a.stage_times.separate_s;
        if (auto log = logger("analysis"); log->should_log(spdlog::level::debug)) {
            std::string line;
            for (const auto& t : family_times) {
                line.append(line.empty() ? "" : ", ").append(t.family).append(" ");
                line.append(std::to_string(static_cast<int>(t.seconds * 1000.0 + 0.5)));
            }
            log->debug("features in {:.3f} s (ms: {})", a.stage_times.features_s, line);
        }
        if (separated) {
            reportProgress(stem_progress, 0.8, "stems");
            const auto t_stems = Clock::now();
            auto stems = stems::measureStemFeatures(*separated, a.features, cancel);
            stems::recycleStems(*separated);
            a.stage_times.stem_features_s = secondsSince(t_stems);
            if (!stems) {
                return stems.status();
            }
            a.stems.separator = separator->name();
            a.stems.stems = std::move(stems).value();
        }
    }
    return a;
}

Result<StemAnalysis> analyzeStemFiles(const std::string& dir, const TrackAnalysis& mix,
                                      const CancellationToken& cancel) {
    double duration = mix.format.duration_s;
    if (!(duration > 0)) {
        const auto it = mix.features.values.find("duration_s");
        duration = it != mix.features.values.end() ? it->second : 0.0;
    }
    auto stems = stems::readStemFiles(dir, duration, mix.analysis_sample_rate_hz, cancel);
    if (!stems) {
        return stems.status();
    }
    auto features = stems::measureStemFeatures(*stems, mix.features, cancel);
    stems::recycleStems(*stems);
    if (!features) {
        return Status(features.status().code(), dir + ": " + features.status().message());
    }
    StemAnalysis out;
    out.separator = "user";
    out.stems = std::move(features).value();
    return out;
}

Result<TrackAnalysis> analyzeFile(const std::string& path, const AnalyzeOptions& options,
                                  const CancellationToken& cancel, const ProgressFn& progress) {
    const auto t0 = Clock::now();
    reportProgress(progress, 0.0, "hashing");
    auto hash = sha256File(path, [&cancel] { return cancel.isCancelled(); });
    if (!hash) {
        return hash.status();
    }
    const double hash_s = secondsSince(t0);
    reportProgress(progress, 0.05, "decoding");
    const auto t_decode = Clock::now();
    auto decoded = decodeFile(path, options.decode, &cancel);
    if (!decoded) {
        return decoded.status();
    }
    const double decode_s = secondsSince(t_decode);
    auto analysis = analyzeDecoded(*decoded, options, cancel, progress);
    for (auto& channel : decoded->audio.channels) {
        recycleLarge(channel); // the next decode reuses the pages
    }
    if (!analysis) {
        if (analysis.status().message().rfind(path, 0) == 0) {
            return analysis.status();
        }
        return Status(analysis.status().code(), path + ": " + analysis.status().message());
    }
    analysis->content_hash = std::move(hash).value();
    analysis->path = path;
    analysis->stage_times.hash_s = hash_s;
    analysis->stage_times.decode_s = decode_s;
    analysis->analysis_time_s = secondsSince(t0);
    reportProgress(progress, 1.0, "done");
    return analysis;
}

} // namespace styledna::core
