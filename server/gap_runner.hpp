#pragma once
// GapRunner: the daemon's AnalyzeGap path, with no gRPC in it.
//
// run(): the profile (ProfileManager) and the WIP's analysis (the coordinator:
// cached by content hash, stems included when the analyser separates them);
// with a stems_dir the producer's exported stems replace the separated ones
// (core::analyzeStemFiles); then gap::analyzeGap and, when asked, the HTML
// report written to html_path (written to a temporary file in the same folder
// and renamed, so a reader never sees half a report).
// Errors name the file or the profile. Threads: run() is safe from any thread
// (the profile is an immutable snapshot; the coordinator is thread-safe).

#include <functional>
#include <string>

#include "core/analysis/track_analysis.hpp"
#include "core/gap/gap_report.hpp"
#include "server/analysis_coordinator.hpp"
#include "server/profile_manager.hpp"

namespace styledna::server {

struct GapRequest {
    std::string path;
    std::string profile;
    int cluster = -1; // -1: nearest
    std::string stems_dir;
    std::string html_path;
    int max_gaps = 0;
};

struct GapOutcome {
    gap::GapReport report;
    std::string html_path; // "" when none was written
    double analysis_s = 0; // 0 when the analysis was cached
    bool analysis_cached = false;
    double gap_ms = 0;
    // What the report was made from (GenerateFixes plans on them).
    core::TrackAnalysis wip;
    std::shared_ptr<const LoadedProfile> profile;
};

class GapRunner {
public:
    GapRunner(ProfileManager& profiles, AnalysisCoordinator& analysis)
        : m_profiles(profiles), m_analysis(analysis) {}

    core::Result<GapOutcome> run(const GapRequest& request,
                                 const std::function<bool()>& waiter_cancelled);

private:
    ProfileManager& m_profiles;
    AnalysisCoordinator& m_analysis;
};

// Writes `text` to `path` through a temporary file in the same folder, renamed
// into place; the parent folder must exist. Errors name the path.
core::Status writeFileAtomically(const std::string& path, const std::string& text);

} // namespace styledna::server
