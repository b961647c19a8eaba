#include "server/stem_runner.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <unistd.h>
#include <vector>

#include "core/audio/decode.hpp"
#include "core/common/logging.hpp"
#include "core/stems/stem_files.hpp"
#include "server/cancel_watcher.hpp"

namespace styledna::server {
namespace fs = std::filesystem;
namespace {

using core::stems::kStemNames;

// "dsp-hpss/1" -> "dsp-hpss_1": a folder name.
std::string folderName(const std::string& separator) {
    std::string out = separator;
    for (char& c : out) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) {
            c = '_';
        }
    }
    return out;
}

bool complete(const fs::path& dir) {
    std::error_code ec;
    for (const char* name : kStemNames) {
        if (!fs::is_regular_file(dir / (std::string(name) + ".wav"), ec)) {
            return false;
        }
    }
    return true;
}

} // namespace

core::Result<StemOutcome> StemRunner::run(const std::string& path, const std::string& out_dir,
                                          const std::string& choice,
                                          const std::function<bool()>& waiter_cancelled,
                                          const core::ProgressFn& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    if (out_dir.empty()) {
        return core::invalidArgument("SeparateStems needs an output folder");
    }
    if (auto st = core::checkAudioFilePath(path); !st.isOk()) {
        return st;
    }
    auto separator = m_factory(choice);
    if (!separator) {
        return separator.status();
    }
    auto hash = m_analysis.contentHash(path, waiter_cancelled);
    if (!hash) {
        return hash.status();
    }
    StemOutcome out;
    out.separator = (*separator)->name();
    out.content_hash = *hash;
    const fs::path entry = fs::path(m_cache_dir) / *hash / folderName(out.separator);
    std::error_code ec;
    {
        std::lock_guard lock(m_mutex);
        if (complete(entry)) {
            out.cached = true;
            fs::last_write_time(entry.parent_path(), fs::file_time_type::clock::now(), ec);
        }
    }
    if (!out.cached) {
        std::string tmp_name = ".tmp-";
        tmp_name.append(std::to_string(static_cast<long>(::getpid())))
            .append("-")
            .append(std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        const fs::path tmp = entry.parent_path() / tmp_name;
        fs::create_directories(tmp, ec);
        if (ec) {
            return core::internalError("cannot create the stem cache folder " + tmp.string() +
                                       ": " + ec.message());
        }
        core::CancellationToken cancel;
        CancelWatcher watcher(waiter_cancelled, cancel);
        auto written =
            core::stems::separateFileToDir(path, **separator, tmp.string(), cancel, progress);
        if (!written.isOk()) {
            fs::remove_all(tmp, ec);
            return written;
        }
        std::lock_guard lock(m_mutex);
        fs::remove_all(entry, ec);
        fs::rename(tmp, entry, ec);
        if (ec) {
            fs::remove_all(tmp, ec);
            return core::internalError("cannot store stems in " + entry.string() + ": " +
                                       ec.message());
        }
        evictOldEntries(*hash);
    }
    fs::create_directories(out_dir, ec);
    if (ec || !fs::is_directory(out_dir, ec)) {
        return core::invalidArgument(out_dir + ": cannot create the output folder");
    }
    std::vector<std::string> paths;
    for (const char* name : kStemNames) {
        const fs::path from = entry / (std::string(name) + ".wav");
        const fs::path to = fs::path(out_dir) / (std::string(name) + ".wav");
        fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
        if (ec) {
            return core::invalidArgument(to.string() + ": cannot write: " + ec.message());
        }
        paths.push_back(to.string());
    }
    out.drums_path = paths[0];
    out.bass_path = paths[1];
    out.other_path = paths[2];
    if (auto format = core::probeFile(out.drums_path); format) {
        out.sample_rate_hz = format->sample_rate_hz;
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

void StemRunner::evictOldEntries(const std::string& keep_hash) {
    std::error_code ec;
    std::vector<std::pair<fs::file_time_type, fs::path>> entries;
    for (const auto& e : fs::directory_iterator(m_cache_dir, ec)) {
        if (e.is_directory(ec) && e.path().filename() != keep_hash) {
            entries.emplace_back(fs::last_write_time(e.path(), ec), e.path());
        }
    }
    if (static_cast<int>(entries.size()) < kMaxCachedTracks) {
        return;
    }
    std::sort(entries.begin(), entries.end());
    const std::size_t drop = entries.size() - (kMaxCachedTracks - 1);
    for (std::size_t i = 0; i < drop; ++i) {
        fs::remove_all(entries[i].second, ec);
        core::logger("stems")->info("stem cache: evicted {}", entries[i].second.string());
    }
}

} // namespace styledna::server
