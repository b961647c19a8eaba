#include "server/gap_runner.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "core/audio/decode.hpp"
#include "core/gap/gap_analyzer.hpp"
#include "core/gap/html_report.hpp"

namespace styledna::server {

using Clock = std::chrono::steady_clock;

core::Status writeFileAtomically(const std::string& path, const std::string& text) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    std::error_code ec;
    const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
    if (!fs::is_directory(parent, ec)) {
        return core::invalidArgument(path + ": folder " + parent.string() + " does not exist");
    }
    std::string tmp_name = ".";
    tmp_name.append(target.filename().string())
        .append(".tmp")
        .append(std::to_string(static_cast<long>(::getpid())));
    const fs::path tmp = parent / tmp_name;
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            return core::invalidArgument(path + ": cannot write there");
        }
        out << text;
        out.close();
        if (!out) {
            fs::remove(tmp, ec);
            return core::internalError(path + ": write failed (disk full?)");
        }
    }
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return core::invalidArgument(path + ": cannot write there: " + ec.message());
    }
    return core::Status::ok();
}

core::Result<GapOutcome> GapRunner::run(const GapRequest& request,
                                        const std::function<bool()>& waiter_cancelled) {
    auto loaded = m_profiles.get(request.profile);
    if (!loaded) {
        return loaded.status();
    }
    if (auto st = core::checkAudioFilePath(request.path); !st.isOk()) {
        return st;
    }
    GapOutcome out;
    const auto t0 = Clock::now();
    auto outcome = m_analysis.analyze(request.path, false, waiter_cancelled, {});
    if (!outcome) {
        return outcome.status();
    }
    out.analysis_cached = outcome->cached;
    out.analysis_s =
        outcome->cached ? 0.0 : std::chrono::duration<double>(Clock::now() - t0).count();
    core::TrackAnalysis wip = std::move(outcome->analysis);
    wip.path = request.path;
    if (!request.stems_dir.empty()) {
        auto stems = core::analyzeStemFiles(request.stems_dir, wip);
        if (!stems) {
            return stems.status();
        }
        wip.stems = std::move(stems).value();
    }
    gap::GapOptions options;
    options.cluster = request.cluster;
    options.max_gaps = request.max_gaps;
    const auto tg = Clock::now();
    auto report = gap::analyzeGap(wip, (*loaded)->profile, options);
    out.gap_ms = std::chrono::duration<double, std::milli>(Clock::now() - tg).count();
    if (!report) {
        return core::Status(report.status().code(),
                            request.path + ": " + report.status().message());
    }
    out.report = std::move(report).value();
    out.report.wip_path = request.path;
    if (!request.html_path.empty()) {
        const std::string html = gap::renderHtmlReport(out.report, wip, (*loaded)->profile);
        if (auto st = writeFileAtomically(request.html_path, html); !st.isOk()) {
            return st;
        }
        out.html_path = request.html_path;
    }
    out.wip = std::move(wip);
    out.profile = *loaded;
    return out;
}

} // namespace styledna::server
