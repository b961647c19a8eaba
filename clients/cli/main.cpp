// styledna: the command-line client of stylednad.
// Every command takes --json (machine-readable stdout, stable keys); errors go
// to stderr as one line naming the file and the problem, and exit non-zero.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <CLI/CLI.hpp>

#include "client.hpp"
#include "fix_commands.hpp"
#include "gap_commands.hpp"
#include "live_commands.hpp"
#include "output.hpp"
#include "profile_commands.hpp"

namespace {

using namespace styledna;
using nlohmann::json;

using cli::absolutePath;
using cli::fail;
using cli::failStatus;

int cmdStatus(const cli::GlobalOptions& g) {
    v1::DaemonStatus status;
    if (int rc = cli::callDaemon(g, &v1::StyleDna::Stub::GetStatus, {}, status); rc != 0) {
        return rc;
    }
    if (g.json) {
        std::printf("%s\n", cli::toJson(status).dump(2).c_str());
    } else {
        std::printf("%s", cli::toText(status).c_str());
    }
    return 0;
}

int cmdAnalyze(const cli::GlobalOptions& g, const std::vector<std::string>& files, bool force,
               bool series) {
    std::string error;
    auto stub = cli::connect(g, error);
    if (!stub) {
        return fail(g, "UNAVAILABLE", error);
    }
    json results = json::array();
    int failures = 0;
    for (const auto& file : files) {
        v1::AnalyzeTrackRequest req;
        req.set_path(absolutePath(file));
        req.set_force(force);
        req.set_include_series(series);
        grpc::ClientContext ctx;
        auto reader = stub->AnalyzeTrack(&ctx, req);
        cli::ProgressBar bar(file);
        v1::AnalyzeTrackEvent ev;
        std::optional<v1::TrackAnalysis> analysis;
        while (reader->Read(&ev)) {
            if (ev.has_progress()) {
                bar.update(ev.progress().fraction(), ev.progress().stage());
            } else if (ev.has_analysis()) {
                analysis = ev.analysis();
            }
        }
        bar.finish();
        const grpc::Status s = reader->Finish();
        if (!s.ok() || !analysis) {
            ++failures;
            const std::string msg = s.ok() ? file + ": no analysis returned" : s.error_message();
            std::fprintf(stderr, "styledna: %s\n", msg.c_str());
            results.push_back(cli::errorJson(cli::grpcCodeName(s.error_code()), msg));
            continue;
        }
        if (g.json) {
            results.push_back(cli::toJson(*analysis));
        } else {
            std::printf("%s", cli::toText(*analysis).c_str());
        }
    }
    if (g.json) {
        std::printf("%s\n", (files.size() == 1 ? results[0] : results).dump(2).c_str());
    }
    return failures == 0 ? 0 : 1;
}

int cmdFeatures(const cli::GlobalOptions& g) {
    v1::ListFeaturesResponse resp;
    if (int rc = cli::callDaemon(g, &v1::StyleDna::Stub::ListFeatures, {}, resp); rc != 0) {
        return rc;
    }
    if (g.json) {
        json arr = json::array();
        for (const auto& f : resp.features()) {
            arr.push_back(cli::toJson(f));
        }
        std::printf("%s\n", arr.dump(2).c_str());
        return 0;
    }
    for (const auto& f : resp.features()) {
        std::printf("%-32s %-6s %-9s %s\n", f.name().c_str(), f.unit().c_str(),
                    f.category().c_str(), f.description().c_str());
    }
    return 0;
}

int cmdSynth(const cli::GlobalOptions& g, const v1::SynthesizeTracksRequest& req) {
    std::string error;
    auto stub = cli::connect(g, error);
    if (!stub) {
        return fail(g, "UNAVAILABLE", error);
    }
    grpc::ClientContext ctx;
    auto reader = stub->SynthesizeTracks(&ctx, req);
    cli::ProgressBar bar("synth");
    v1::SynthesizeTracksEvent ev;
    json tracks = json::array();
    while (reader->Read(&ev)) {
        if (ev.has_progress()) {
            bar.update(ev.progress().fraction(), ev.progress().current_item());
        } else if (ev.has_track()) {
            bar.finish();
            tracks.push_back(cli::toJson(ev.track()));
            if (!g.json) {
                std::printf("%s  %s %.2f BPM %s %.1f LUFS\n", ev.track().mix_path().c_str(),
                            ev.track().style().c_str(), ev.track().tempo_bpm(),
                            ev.track().key().c_str(), ev.track().loudness_integrated_lufs());
            }
        }
    }
    bar.finish();
    if (auto s = reader->Finish(); !s.ok()) {
        return failStatus(g, s);
    }
    if (g.json) {
        std::printf("%s\n", tracks.dump(2).c_str());
    }
    return 0;
}

int cmdDaemon(const cli::GlobalOptions& g, const std::string& action) {
    const std::string socket = g.socket_path.empty() ? cli::defaultSocketPath() : g.socket_path;
    v1::DaemonStatus status;
    const bool running = cli::daemonAnswers(socket, 2000, &status);
    if (action == "status") {
        if (g.json) {
            std::printf("%s\n", (running ? cli::toJson(status)
                                         : json{{"running", false}, {"socket_path", socket}})
                                    .dump(2)
                                    .c_str());
        } else if (running) {
            std::printf("%s", cli::toText(status).c_str());
        } else {
            std::printf("stylednad is not running on %s\n", socket.c_str());
        }
        return running ? 0 : 1;
    }
    if (action == "start") {
        if (!running) {
            if (auto err = cli::startDaemon(g); !err.empty()) {
                return fail(g, "UNAVAILABLE", err);
            }
            cli::daemonAnswers(socket, 2000, &status);
        }
        if (g.json) {
            std::printf("%s\n", cli::toJson(status).dump(2).c_str());
        } else {
            std::printf("stylednad running (pid %lld) on %s\n",
                        static_cast<long long>(status.pid()), socket.c_str());
        }
        return 0;
    }
    // stop
    if (!running) {
        if (g.json) {
            std::printf("%s\n", json{{"running", false}, {"stopped", false}}.dump(2).c_str());
        } else {
            std::printf("stylednad is not running on %s\n", socket.c_str());
        }
        return 0;
    }
    auto stub = v1::StyleDna::NewStub(cli::makeChannel(socket));
    grpc::ClientContext ctx;
    v1::ShutdownResponse resp;
    if (auto s = stub->Shutdown(&ctx, {}, &resp); !s.ok()) {
        return failStatus(g, s);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::filesystem::exists(socket) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (std::filesystem::exists(socket)) {
        return fail(g, "DEADLINE_EXCEEDED", "stylednad did not stop within 15 s");
    }
    if (g.json) {
        std::printf("%s\n", json{{"running", false}, {"stopped", true}}.dump(2).c_str());
    } else {
        std::printf("stylednad stopped\n");
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    cli::GlobalOptions g;
    CLI::App app{"styledna - learn the style DNA of reference tracks and close the gaps"};
    app.set_version_flag("--version", STYLEDNA_VERSION);
    app.require_subcommand(1);
    app.add_option("--socket", g.socket_path, "daemon Unix socket")->envname("STYLEDNA_SOCKET");
    app.add_option("--data-dir", g.data_dir, "data dir for an autostarted daemon")
        ->envname("STYLEDNA_DATA_DIR");
    app.add_flag("--json", g.json, "machine-readable JSON on stdout");
    app.add_flag("--no-autostart", g.no_autostart, "fail instead of starting the daemon");

    auto* status = app.add_subcommand("status", "show the daemon's status");
    status->add_flag("--json", g.json, "JSON output");

    std::vector<std::string> files;
    bool force = false;
    bool series = false;
    auto* analyze = app.add_subcommand("analyze", "analyse audio files");
    analyze->add_option("files", files, "audio files (WAV, AIFF, FLAC, OGG, MP3)")->required();
    analyze->add_flag("--force", force, "ignore the cache");
    analyze->add_flag("--series", series, "include time series and beat times");
    analyze->add_flag("--json", g.json, "JSON output");

    auto* features = app.add_subcommand("features", "list every feature StyleDNA measures");
    features->add_flag("--json", g.json, "JSON output");

    v1::SynthesizeTracksRequest synth_req;
    std::string out_dir;
    int count = 1;
    std::uint64_t seed = 1;
    std::string style;
    double minutes = 0;
    std::vector<std::string> flaws;
    std::string variety;
    auto* synth = app.add_subcommand("synth", "render synthetic trance tracks with ground truth");
    synth->add_option("--out", out_dir, "output directory")->required();
    synth->add_option("--count", count, "number of tracks")->check(CLI::Range(1, 1000));
    synth->add_option("--seed", seed, "random seed");
    synth->add_option("--style", style, "uplifting|progressive|tech|psy (default: cycle)");
    synth->add_option("--minutes", minutes, "approximate length in minutes");
    synth->add_option("--flaw", flaws,
                      "muddy_bass, wide_low_end, weak_sidechain, "
                      "narrow_supersaw, quiet_master, harsh_highs, short_breakdown");
    synth->add_option("--variety", variety,
                      "style (default) | wide_sidechain | wide_acid | wide_tempo: widen one "
                      "axis beyond the style presets");
    synth->add_flag("--json", g.json, "JSON output");

    // profile build / list / show / export / import / rm
    auto* profile = app.add_subcommand("profile", "build and manage Style DNA profiles");
    profile->require_subcommand(1);
    v1::BuildProfileRequest build_req;
    std::string profile_name;
    std::vector<std::string> ref_paths;
    bool labels_from_folders = false;
    std::string labels_csv;
    bool append = false;
    std::uint64_t build_seed = 0;
    bool no_head = false;
    auto* pbuild = profile->add_subcommand("build", "learn a profile from reference tracks");
    pbuild->add_option("name", profile_name, "profile name ([A-Za-z0-9_.-], 1-64)")->required();
    pbuild->add_option("paths", ref_paths, "reference files or directories (recursed)")->required();
    pbuild->add_flag("--labels-from-folders", labels_from_folders,
                     "each file's folder name is its sub-style label");
    pbuild->add_option("--labels", labels_csv, "CSV of path,label lines");
    pbuild->add_flag("--append", append, "add the new files to an existing profile");
    pbuild->add_option("--seed", build_seed, "seed for bootstrap, training and clustering");
    pbuild->add_flag("--no-head", no_head, "do not train the projection head (backbone only)");
    pbuild->add_flag("--json", g.json, "JSON output");
    auto* plist = profile->add_subcommand("list", "list profiles");
    plist->add_flag("--json", g.json, "JSON output");
    bool show_all = false;
    auto* pshow = profile->add_subcommand("show", "show a profile");
    pshow->add_option("name", profile_name, "profile name")->required();
    pshow->add_flag("--all", show_all, "every feature, not only the most defining");
    pshow->add_flag("--json", g.json, "JSON output");
    std::string export_out;
    bool include_head = false;
    auto* pexport = profile->add_subcommand("export", "write a profile as a JSON document");
    pexport->add_option("name", profile_name, "profile name")->required();
    pexport->add_option("-o,--out", export_out, "output file")->required();
    pexport->add_flag("--include-head", include_head, "include the projection head's weights");
    pexport->add_flag("--json", g.json, "JSON output");
    std::string import_file;
    std::string import_name;
    bool replace = false;
    auto* pimport = profile->add_subcommand("import", "read a profile document");
    pimport->add_option("file", import_file, "exported profile (JSON)")->required();
    pimport->add_option("--name", import_name, "store under this name");
    pimport->add_flag("--replace", replace, "replace a profile of the same name");
    pimport->add_flag("--json", g.json, "JSON output");
    auto* prm = profile->add_subcommand("rm", "delete a profile");
    prm->add_option("name", profile_name, "profile name")->required();
    prm->add_flag("--json", g.json, "JSON output");

    std::string similar_file;
    std::string similar_profile;
    int similar_k = 5;
    auto* similar = app.add_subcommand("similar", "which references does a track sound like?");
    similar->add_option("file", similar_file, "audio file")->required();
    similar->add_option("--profile", similar_profile, "profile name")->required();
    similar->add_option("-k", similar_k, "how many")->check(CLI::Range(1, 1000));
    similar->add_flag("--json", g.json, "JSON output");

    cli::GapCommandOptions gap_opts;
    bool gap_all = false;
    auto* gap = app.add_subcommand("gap", "what is off in a work in progress, against a profile");
    gap->add_option("file", gap_opts.file, "the work in progress (audio file)")->required();
    gap->add_option("--profile", gap_opts.profile, "profile name")->required();
    gap->add_option("--cluster", gap_opts.cluster, "sub-style cluster id (default: the nearest)")
        ->check(CLI::Range(0, 1000));
    gap->add_option("--stems", gap_opts.stems_dir,
                    "folder with your exported stems: drums.wav, bass.wav, other.wav");
    gap->add_option("--top", gap_opts.top, "gaps shown in the table")->check(CLI::Range(1, 10000));
    gap->add_flag("--all", gap_all, "show every gap");
    gap->add_flag("--comparisons", gap_opts.comparisons,
                  "with --json: include every feature comparison");
    gap->add_flag("--json", g.json, "JSON output");

    cli::FixCommandOptions fix_opts;
    auto* fix = app.add_subcommand("fix", "turn the gaps into mixer moves on your Live set");
    fix->add_option("file", fix_opts.file, "the work in progress (audio file)")->required();
    fix->add_option("--profile", fix_opts.profile, "profile name")->required();
    fix->add_option("--set", fix_opts.set_file, "the Live set as JSON (styledna live show --json)");
    fix->add_flag("--live", fix_opts.live, "read the set from Live over OSC");
    fix->add_option("--target", fix_opts.target,
                    "plan the fewest fixes that reach this conformance (0-100)")
        ->check(CLI::Range(0.0, 100.0));
    fix->add_option("--strength", fix_opts.strength, "share of each move, 0-1 (default 1)")
        ->check(CLI::Range(0.01, 1.0));
    fix->add_option("--map", fix_opts.map,
                    "track roles, e.g. 'Bass=bass,Lead 1=lead' (remembered for the set)");
    fix->add_option("--master-track", fix_opts.master_track,
                    "the bus track standing in for the master (OSC cannot reach the master)");
    fix->add_option("--stems", fix_opts.stems_dir,
                    "folder with your exported stems: drums.wav, bass.wav, other.wav");
    fix->add_option("--cluster", fix_opts.cluster, "sub-style cluster id (default: the nearest)")
        ->check(CLI::Range(0, 1000));
    fix->add_flag("--json", g.json, "JSON output");

    cli::GapCommandOptions report_opts;
    std::string report_out;
    auto* report =
        app.add_subcommand("report", "write the gap report as a self-contained HTML file");
    report->add_option("file", report_opts.file, "the work in progress (audio file)")->required();
    report->add_option("--profile", report_opts.profile, "profile name")->required();
    report->add_option("-o,--out", report_out, "HTML file to write")->required();
    report
        ->add_option("--cluster", report_opts.cluster,
                     "sub-style cluster id (default: the nearest)")
        ->check(CLI::Range(0, 1000));
    report->add_option("--stems", report_opts.stems_dir, "folder with your exported stems");
    report->add_flag("--json", g.json, "JSON output");

    std::string separate_file;
    std::string separate_out;
    std::string separator; // "" = the daemon's configured separator
    auto* separate = app.add_subcommand("separate", "split a mix into drums, bass and other stems");
    separate->add_option("file", separate_file, "audio file")->required();
    separate->add_option("-o,--out", separate_out, "folder for drums.wav, bass.wav, other.wav")
        ->required();
    separate
        ->add_option("--separator", separator,
                     "dsp, learned or auto (default: the daemon's, stylednad --separator)")
        ->check(CLI::IsMember({"dsp", "learned", "auto"}));
    separate->add_flag("--json", g.json, "JSON output");

    v1::TrainSeparatorRequest train_req;
    std::string train_out;
    std::uint64_t train_seed = 1;
    int train_tracks = 48, train_validation = 8;
    double train_minutes = 1.0, train_max_s = 0.0;
    auto* train = app.add_subcommand(
        "train-separator", "train the learned stem separator on synthesized tracks (LibTorch)");
    train->add_option("-o,--out", train_out,
                      "weights file (default: the daemon's data dir, used at its next start)");
    train->add_option("--seed", train_seed, "seed of the training material and the network");
    train->add_option("--tracks", train_tracks, "training tracks")->check(CLI::Range(1, 10000));
    train->add_option("--validation-tracks", train_validation, "held-out tracks")
        ->check(CLI::Range(1, 1000));
    train->add_option("--minutes", train_minutes, "minutes per track")
        ->check(CLI::Range(0.25, 20.0));
    train->add_option("--max-seconds", train_max_s, "wall-clock cap on training (0 = none)")
        ->check(CLI::Range(0.0, 1e7));
    train->add_flag("--json", g.json, "JSON output");

    // live show / apply / undo (Ableton Live over the daemon's OSC worker)
    bool live_refresh = false;
    bool live_verbose = false;
    auto* live = app.add_subcommand("live", "read the Ableton Live set (AbletonOSC)");
    live->require_subcommand(1);
    auto* live_show = live->add_subcommand("show", "tracks, devices and parameters of the set");
    live_show->add_flag("--refresh", live_refresh, "read the set again instead of the cached one");
    live_show->add_flag("-v,--verbose", live_verbose, "every parameter with its value and range");
    live_show->add_flag("--json", g.json, "JSON output");
    cli::ApplyCommandOptions apply_opts;
    auto* apply = app.add_subcommand("apply", "apply a fix plan's changes to Ableton Live");
    apply->add_option("plan_id", apply_opts.plan_id, "plan id (styledna fix)")->required();
    apply->add_option("--fix", apply_opts.fix_ids, "only these fixes (repeatable)");
    apply->add_option("--min-confidence", apply_opts.min_confidence, "skip changes below it")
        ->check(CLI::Range(0.0, 1.0));
    apply
        ->add_option("--strength", apply_opts.strength,
                     "share of each planned move, from its planned start (default: as planned)")
        ->check(CLI::Range(0.0, 4.0));
    apply->add_flag("--dry-run", apply_opts.dry_run, "resolve and report; send nothing");
    apply->add_flag("--json", g.json, "JSON output");
    std::string undo_journal;
    auto* undo = app.add_subcommand("undo", "restore the values an apply replaced");
    undo->add_option("journal_id", undo_journal, "journal id printed by apply")->required();
    undo->add_flag("--json", g.json, "JSON output");
    std::string journal_id;
    int journal_limit = 20;
    auto* journal = app.add_subcommand(
        "journal", "list apply journals, or show one: which changes reached Live");
    journal->add_option("journal_id", journal_id, "a journal id: show its changes");
    journal->add_option("--limit", journal_limit, "how many journals to list, newest first")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    journal->add_flag("--json", g.json, "JSON output");

    std::string action;
    auto* daemon = app.add_subcommand("daemon", "start, stop or query the daemon");
    daemon->add_option("action", action, "start|stop|status")
        ->required()
        ->check(CLI::IsMember({"start", "stop", "status"}));
    daemon->add_flag("--json", g.json, "JSON output");

    CLI11_PARSE(app, argc, argv);

    if (*status) {
        return cmdStatus(g);
    }
    if (*analyze) {
        return cmdAnalyze(g, files, force, series);
    }
    if (*features) {
        return cmdFeatures(g);
    }
    if (*profile) {
        if (*pbuild) {
            build_req.set_name(profile_name);
            for (const auto& p : ref_paths) {
                build_req.add_paths(p);
            }
            build_req.set_labels_from_folders(labels_from_folders);
            build_req.set_labels_csv(labels_csv);
            build_req.set_append(append);
            build_req.set_seed(build_seed);
            build_req.set_no_head(no_head);
            return cli::cmdProfileBuild(g, build_req);
        }
        if (*plist) {
            return cli::cmdProfileList(g);
        }
        if (*pshow) {
            return cli::cmdProfileShow(g, profile_name, show_all);
        }
        if (*pexport) {
            return cli::cmdProfileExport(g, profile_name, export_out, include_head);
        }
        if (*pimport) {
            return cli::cmdProfileImport(g, import_file, import_name, replace);
        }
        return cli::cmdProfileRemove(g, profile_name);
    }
    if (*similar) {
        return cli::cmdSimilar(g, similar_file, similar_profile, similar_k);
    }
    if (*gap) {
        if (gap_all) {
            gap_opts.top = 0;
        }
        return cli::cmdGap(g, gap_opts);
    }
    if (*fix) {
        return cli::cmdFix(g, fix_opts);
    }
    if (*report) {
        return cli::cmdReport(g, report_opts, report_out);
    }
    if (*train) {
        train_req.set_out_path(train_out);
        train_req.set_seed(train_seed);
        train_req.set_train_tracks(train_tracks);
        train_req.set_validation_tracks(train_validation);
        train_req.set_minutes(train_minutes);
        train_req.set_max_training_s(train_max_s);
        return cli::cmdTrainSeparator(g, train_req);
    }
    if (*separate) {
        return cli::cmdSeparate(g, separate_file, separate_out, separator);
    }
    if (*live) {
        return cli::cmdLiveShow(g, live_refresh, live_verbose);
    }
    if (*apply) {
        return cli::cmdApply(g, apply_opts);
    }
    if (*undo) {
        return cli::cmdUndo(g, undo_journal);
    }
    if (*journal) {
        return journal_id.empty() ? cli::cmdJournalList(g, journal_limit)
                                  : cli::cmdJournalShow(g, journal_id);
    }
    if (*synth) {
        synth_req.set_out_dir(absolutePath(out_dir));
        synth_req.set_count(count);
        synth_req.set_seed(seed);
        synth_req.set_style(style);
        synth_req.set_minutes(minutes);
        synth_req.set_variety(variety);
        for (const auto& f : flaws) {
            synth_req.add_flaws(f);
        }
        return cmdSynth(g, synth_req);
    }
    return cmdDaemon(g, action);
}
