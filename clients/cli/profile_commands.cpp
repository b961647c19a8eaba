#include "profile_commands.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <google/protobuf/util/json_util.h>

#include "output.hpp"

namespace styledna::cli {
namespace {

using nlohmann::json;

std::string formatEta(double s) {
    if (s <= 0) {
        return "";
    }
    const int total = static_cast<int>(s + 0.5);
    char buf[32];
    std::snprintf(buf, sizeof(buf), " ETA %d:%02d", total / 60, total % 60);
    return buf;
}

std::string profileText(const v1::Profile& p, bool full) {
    std::ostringstream o;
    o << "profile " << p.name() << ": " << p.track_count() << " references, updated "
      << p.updated_at() << "\n";
    o << "  embedding: " << p.embedding_backbone() << " -> " << p.embedding_dim() << " dims, ";
    if (p.head().trained()) {
        char buf[200];
        std::snprintf(buf, sizeof(buf),
                      "projection head trained on %s (%d epochs, best %d, val loss %.3f, %.1f s%s)",
                      p.head().classes().c_str(), p.head().epochs(), p.head().best_epoch(),
                      p.head().validation_loss(), p.head().seconds(),
                      p.head().reused() ? "; reused: same rows and seed as an earlier training"
                                        : "");
        o << buf;
    } else {
        o << "no projection head (backbone only)";
    }
    o << "; similarity by " << p.index_path() << " search\n";
    o << "  sub-styles (" << p.clusters_size() << ", silhouette "
      << formatValue(p.cluster_silhouette(), "") << "):\n";
    for (const auto& c : p.clusters()) {
        o << "    [" << c.id() << "] " << c.label() << "  (" << c.size() << " tracks)\n";
    }
    // The features that define the style most: heaviest weights first.
    std::vector<const v1::FeatureStats*> stats;
    for (const auto& s : p.stats()) {
        if (!s.categorical()) {
            stats.push_back(&s);
        }
    }
    std::stable_sort(stats.begin(), stats.end(),
                     [](const auto* a, const auto* b) { return a->weight() > b->weight(); });
    const std::size_t shown = full ? stats.size() : std::min<std::size_t>(stats.size(), 15);
    o << "  defining features (median, acceptable range, weight):\n";
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& s = *stats[i];
        char buf[256];
        std::snprintf(buf, sizeof(buf), "    %-40s %14s   %s .. %s   %.2f\n", s.name().c_str(),
                      formatValue(s.median(), s.unit()).c_str(),
                      formatValue(s.range_low(), "").c_str(),
                      formatValue(s.range_high(), "").c_str(), s.weight());
        o << buf;
    }
    for (const auto& s : p.stats()) {
        if (s.categorical() && s.distribution_size() > 0) {
            std::vector<std::pair<std::string, int>> d(s.distribution().begin(),
                                                       s.distribution().end());
            std::sort(d.begin(), d.end(),
                      [](const auto& a, const auto& b) { return a.second > b.second; });
            o << "    " << s.name() << ": ";
            for (std::size_t i = 0; i < d.size() && i < 4; ++i) {
                o << (i ? ", " : "") << d[i].first << " " << d[i].second;
            }
            o << "\n";
        }
    }
    if (p.validation_size() > 0) {
        // Up to three lines per code; the rest of a code is counted (--json
        // lists every issue).
        o << "  validation:\n";
        std::map<std::string, int> shown_per_code, total_per_code;
        for (const auto& v : p.validation()) {
            total_per_code[v.code()]++;
        }
        for (const auto& v : p.validation()) {
            if (++shown_per_code[v.code()] <= 3 || full) {
                o << "    " << v.severity() << " " << v.code() << ": " << v.message() << "\n";
            } else if (shown_per_code[v.code()] == 4) {
                o << "    " << v.severity() << " " << v.code() << ": "
                  << total_per_code[v.code()] - 3 << " more (profile show --all lists them)\n";
            }
        }
    }
    return o.str();
}

} // namespace

int cmdProfileBuild(const GlobalOptions& g, const v1::BuildProfileRequest& request_in) {
    std::string error;
    auto stub = connect(g, error);
    if (!stub) {
        return fail(g, "UNAVAILABLE", error);
    }
    v1::BuildProfileRequest req = request_in;
    for (auto& p : *req.mutable_paths()) {
        p = absolutePath(p);
    }
    if (!req.labels_csv().empty()) {
        req.set_labels_csv(absolutePath(req.labels_csv()));
    }
    grpc::ClientContext ctx;
    InterruptCancels interrupt(ctx);
    auto reader = stub->BuildProfile(&ctx, req);
    ProgressBar bar(req.name());
    v1::BuildProfileEvent ev;
    std::optional<v1::Profile> profile;
    while (reader->Read(&ev)) {
        if (ev.has_progress()) {
            const auto& p = ev.progress();
            std::string stage = p.stage();
            if (p.items_total() > 0 && p.stage() == "analysing") {
                char counts[48];
                std::snprintf(counts, sizeof(counts), " %d/%d", p.items_done(), p.items_total());
                stage.append(counts).append(formatEta(p.eta_s())).append(" ");
                stage.append(std::filesystem::path(p.current_item()).filename().string());
            }
            bar.update(p.fraction(), stage);
        } else if (ev.has_profile()) {
            profile = ev.profile();
        }
    }
    bar.finish();
    const grpc::Status s = reader->Finish();
    if (interruptedByUser()) {
        return fail(g, "CANCELLED",
                    "profile build interrupted; profile '" + req.name() + "' is unchanged");
    }
    if (!s.ok()) {
        return failStatus(g, s);
    }
    if (!profile) {
        return fail(g, "INTERNAL", "the daemon returned no profile");
    }
    if (g.json) {
        std::printf("%s\n", protoJson(*profile).dump(2).c_str());
    } else {
        std::printf("%s", profileText(*profile, false).c_str());
    }
    return 0;
}

int cmdProfileList(const GlobalOptions& g) {
    v1::ListProfilesResponse resp;
    if (int rc = callDaemon(g, &v1::StyleDna::Stub::ListProfiles, {}, resp); rc != 0) {
        return rc;
    }
    if (g.json) {
        std::printf("%s\n", protoJson(resp).dump(2).c_str());
        return 0;
    }
    if (resp.profiles_size() == 0) {
        std::printf("no profiles yet: styledna profile build NAME DIR...\n");
    }
    for (const auto& p : resp.profiles()) {
        std::printf("%-24s %5d references  updated %s\n", p.name().c_str(), p.track_count(),
                    p.updated_at().c_str());
    }
    return 0;
}

int cmdProfileShow(const GlobalOptions& g, const std::string& name, bool full) {
    v1::GetProfileRequest req;
    req.set_name(name);
    v1::Profile resp;
    if (int rc = callDaemon(g, &v1::StyleDna::Stub::GetProfile, req, resp); rc != 0) {
        return rc;
    }
    if (g.json) {
        std::printf("%s\n", protoJson(resp).dump(2).c_str());
    } else {
        std::printf("%s", profileText(resp, full).c_str());
    }
    return 0;
}

int cmdProfileExport(const GlobalOptions& g, const std::string& name, const std::string& out,
                     bool include_head) {
    v1::ExportProfileRequest req;
    req.set_name(name);
    req.set_include_head(include_head);
    v1::ExportProfileResponse resp;
    if (int rc = callDaemon(g, &v1::StyleDna::Stub::ExportProfile, req, resp); rc != 0) {
        return rc;
    }
    const std::string tmp = out + ".part";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << resp.json();
        if (!f.flush()) {
            return fail(g, "INTERNAL", out + ": cannot write the export");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, out, ec);
    if (ec) {
        return fail(g, "INTERNAL", out + ": " + ec.message());
    }
    if (g.json) {
        std::printf("%s\n", json{{"name", name},
                                 {"path", absolutePath(out)},
                                 {"bytes", resp.json().size()},
                                 {"include_head", include_head}}
                                .dump(2)
                                .c_str());
    } else {
        std::printf("exported profile %s to %s (%zu bytes%s)\n", name.c_str(), out.c_str(),
                    resp.json().size(), include_head ? ", with head weights" : "");
    }
    return 0;
}

int cmdProfileImport(const GlobalOptions& g, const std::string& file, const std::string& name,
                     bool replace) {
    std::ifstream f(file, std::ios::binary);
    if (!f) {
        return fail(g, "NOT_FOUND", file + ": cannot open the profile document");
    }
    std::stringstream buf;
    buf << f.rdbuf();
    std::string error;
    auto stub = connect(g, error);
    if (!stub) {
        return fail(g, "UNAVAILABLE", error);
    }
    grpc::ClientContext ctx;
    v1::ImportProfileRequest req;
    req.set_json(buf.str());
    req.set_name(name);
    req.set_replace(replace);
    v1::Profile resp;
    if (auto s = stub->ImportProfile(&ctx, req, &resp); !s.ok()) {
        return fail(g, grpcCodeName(s.error_code()), file + ": " + s.error_message());
    }
    if (g.json) {
        std::printf("%s\n", protoJson(resp).dump(2).c_str());
    } else {
        std::printf("imported profile %s (%d references, %d sub-styles)\n", resp.name().c_str(),
                    resp.track_count(), resp.clusters_size());
    }
    return 0;
}

int cmdProfileRemove(const GlobalOptions& g, const std::string& name) {
    v1::DeleteProfileRequest req;
    req.set_name(name);
    v1::DeleteProfileResponse resp;
    if (int rc = callDaemon(g, &v1::StyleDna::Stub::DeleteProfile, req, resp); rc != 0) {
        return rc;
    }
    if (g.json) {
        std::printf("%s\n", json{{"name", name}, {"deleted", resp.deleted()}}.dump(2).c_str());
    } else {
        std::printf("deleted profile %s\n", name.c_str());
    }
    return 0;
}

int cmdSimilar(const GlobalOptions& g, const std::string& file, const std::string& profile, int k) {
    std::string error;
    auto stub = connect(g, error);
    if (!stub) {
        return fail(g, "UNAVAILABLE", error);
    }
    grpc::ClientContext ctx;
    InterruptCancels interrupt(ctx);
    v1::FindSimilarRequest req;
    req.set_path(absolutePath(file));
    req.set_profile(profile);
    req.set_k(k);
    v1::FindSimilarResponse resp;
    if (auto s = stub->FindSimilar(&ctx, req, &resp); !s.ok()) {
        return failStatus(g, s);
    }
    if (g.json) {
        std::printf("%s\n", protoJson(resp).dump(2).c_str());
        return 0;
    }
    std::printf("%s sounds most like (profile %s, nearest sub-style: %s):\n", file.c_str(),
                profile.c_str(), resp.cluster_label().c_str());
    int rank = 0;
    for (const auto& t : resp.tracks()) {
        std::printf("  %d. %.3f  %s  [%s]\n", ++rank, t.similarity(), t.path().c_str(),
                    t.sub_style().c_str());
    }
    std::printf("  (%s search, %.3f ms)\n", resp.search_path().c_str(), resp.search_ms());
    return 0;
}

} // namespace styledna::cli
